"""The tick watch: py_trees' visitor hook gives status changes (halts included) and line writers."""

from __future__ import annotations

import py_trees
from py_trees.common import Status
from py_trees.composites import Selector, Sequence

from bt_runtime import behaviours as bh
from bt_runtime.tickwatch import TickWatch
from bt_runtime.tree_model import describe, node_index


class Flip(py_trees.behaviour.Behaviour):
    """RUNNING until told otherwise (a test's switch)."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.result = Status.RUNNING

    def update(self) -> Status:
        return self.result


def watched(root: py_trees.behaviour.Behaviour) -> tuple[py_trees.trees.BehaviourTree, TickWatch]:
    index = node_index(describe(root))
    watch = TickWatch(index)
    tree = py_trees.trees.BehaviourTree(root)
    tree.setup(log=watch.lines)
    tree.visitors.append(watch)
    return tree, watch


def moves(watch: TickWatch) -> list[tuple[str, str, str]]:
    return [(c.node_id, c.old.value, c.new.value) for c in watch.changes]


def test_changes_after_each_tick_including_a_halted_branch() -> None:
    guard, work = Flip("guard"), Flip("work")
    guard.result = Status.FAILURE
    root = Selector("root", memory=False, children=[guard, work])
    tree, watch = watched(root)
    tree.tick()
    assert moves(watch) == [
        ("0.0", "INVALID", "FAILURE"),
        ("0.1", "INVALID", "RUNNING"),
        ("0", "INVALID", "RUNNING"),
    ]
    tree.tick()
    assert moves(watch) == []  # nothing changed: nothing reported
    guard.result = Status.RUNNING  # the guard now runs: the work branch is halted, not ticked
    tree.tick()
    assert ("0.1", "RUNNING", "INVALID") in moves(watch)
    assert ("0.0", "FAILURE", "RUNNING") in moves(watch)
    assert watch.running() is guard
    assert watch.path_ids(watch.running()) == ("0", "0.0")
    assert watch.statuses() == {"0": "RUNNING", "0.0": "RUNNING", "0.1": "INVALID"}


def test_only_ticked_and_previously_live_nodes_are_examined() -> None:
    idle = [bh.Succeed(f"idle {i}") for i in range(5)]
    root = Selector("root", memory=False, children=[Flip("busy"), *idle])
    tree, watch = watched(root)
    tree.tick()
    assert [n.name for n in watch.visited] == ["busy", "root"]  # not the whole tree


def test_a_halt_outside_a_tick_is_collected_too() -> None:
    root = Sequence("root", memory=True, children=[Flip("work")])
    tree, watch = watched(root)
    tree.tick()
    root.stop(Status.INVALID)
    watch.initialise()  # as at the run's end: nothing visited
    assert {(c.node_id, c.new.value) for c in watch.collect()} == {
        ("0", "INVALID"),
        ("0.0", "INVALID"),
    }


def test_lines_are_claimed_by_the_node_that_wrote_them_even_with_equal_names() -> None:
    root = Sequence(
        "root",
        memory=True,
        children=[bh.Alert("say", "first"), bh.Succeed("gap"), bh.Alert("say", "second")],
    )
    tree, watch = watched(root)
    tree.tick()
    assert [(w.entry.text, w.node_id, w.node_path) for w in watch.written] == [
        ("first", "0.0", "root/say"),
        ("second", "0.2", "root/say"),
    ]
    tree.tick()  # the sequence starts again: two new lines, claimed again
    assert [w.node_id for w in watch.written] == ["0.0", "0.2"]


def test_a_line_written_outside_a_tick_keeps_its_writer_name() -> None:
    root = Sequence("root", memory=True, children=[bh.Succeed("a")])
    _tree, watch = watched(root)
    watch.lines.append(bh.LogEntry("info", "set-up note", "loader"))
    watch.lines.extend([bh.LogEntry("info", "bulk note", "importer")])  # no visit count noted
    watch.finalise()
    assert [(w.node_id, w.node_path) for w in watch.written] == [("", "loader"), ("", "importer")]


def test_nodes_are_told_apart_by_identity_as_the_watch_keys_them() -> None:
    """The watch keys its table by the node object: every behaviour class a mission tree can hold
    must hash and compare by identity (py_trees defines no __eq__; nor may ours)."""
    import inspect

    from py_trees import composites, decorators

    classes = [py_trees.behaviour.Behaviour]
    for module in (bh, composites, decorators):
        classes += [c for _, c in inspect.getmembers(module, inspect.isclass)
                    if issubclass(c, py_trees.behaviour.Behaviour)]
    for cls in classes:
        assert cls.__eq__ is object.__eq__ and cls.__hash__ is object.__hash__, cls


def test_two_nodes_with_one_name_halted_together_are_both_reported() -> None:
    first, second = Flip("same"), Flip("same")
    root = Sequence("root", memory=False, children=[Selector("a", False, [first]),
                                                     Selector("b", False, [second])])
    first.result = Status.SUCCESS
    tree, watch = watched(root)
    tree.tick()
    first.result = Status.FAILURE  # the first branch fails: the sequence halts nothing new
    second.result = Status.RUNNING
    tree.tick()
    tree.root.stop(Status.INVALID)
    halted = watch.collect()
    assert sorted(c.new.value for c in halted) == ["INVALID"] * len(halted)
    assert {c.node_id for c in halted} >= {watch.path_ids(first)[-1]} and len(halted) >= 2
