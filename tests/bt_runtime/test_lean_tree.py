"""LeanBehaviourTree ticks exactly as py_trees' BehaviourTree does, hook by hook, minus the walk."""

from __future__ import annotations

import py_trees
from py_trees.behaviours import Running, Success
from py_trees.composites import Selector, Sequence
from py_trees.visitors import VisitorBase

from bt_runtime.lean_tree import LeanBehaviourTree


class Recording(VisitorBase):
    """Notes every hook py_trees calls on it, in order."""

    def __init__(self, calls: list[str], full: bool = False) -> None:
        super().__init__(full=full)
        self.calls = calls

    def initialise(self) -> None:
        self.calls.append("initialise")

    def run(self, behaviour: py_trees.behaviour.Behaviour) -> None:
        self.calls.append(f"visit {behaviour.name} {behaviour.status.name}")

    def finalise(self) -> None:
        self.calls.append("finalise")


def make_root() -> py_trees.behaviour.Behaviour:
    return Sequence(
        "root",
        memory=False,
        children=[
            Success("ok"),
            Selector("choose", memory=False, children=[Running("busy"), Success("never")]),
            Success("after"),
        ],
    )


def trace(tree_class: type[py_trees.trees.BehaviourTree], full: bool) -> list[str]:
    calls: list[str] = []
    tree = tree_class(make_root())
    tree.visitors.append(Recording(calls, full=full))
    tree.add_pre_tick_handler(lambda t: calls.append(f"pre {t.count}"))
    tree.add_post_tick_handler(lambda t: calls.append(f"post {t.count}"))
    for _ in range(3):
        tree.tick(
            pre_tick_handler=lambda t: calls.append("one-shot pre"),
            post_tick_handler=lambda t: calls.append("one-shot post"),
        )
    calls.append(f"count {tree.count} root {tree.root.status.name}")
    return calls


def test_a_tick_calls_every_hook_as_py_trees_does() -> None:
    lean, upstream = trace(LeanBehaviourTree, full=False), trace(py_trees.trees.BehaviourTree, False)
    assert lean == upstream
    assert "visit busy RUNNING" in lean and "visit never INVALID" not in lean
    assert lean[-1] == "count 3 root RUNNING"


def test_a_full_visitor_still_sees_the_whole_tree() -> None:
    lean, upstream = trace(LeanBehaviourTree, full=True), trace(py_trees.trees.BehaviourTree, True)
    assert lean == upstream
    assert "visit never INVALID" in lean  # the walk reached a node that was never ticked
