"""IfThenElse, ClockTimeout and TaskCall: the control nodes the compiler adds to py_trees."""

from __future__ import annotations

import py_trees
import pytest
from py_trees.common import Status

from bt_runtime import expressions as E
from bt_runtime.behaviours import ClockTimeout, Condition, IfThenElse, Succeed, TaskCall, Wait
from tests.dsl.helpers import FakeClock, FakeState


def make_if(state: FakeState, clock: FakeClock, with_else: bool = True) -> IfThenElse:
    then = Wait("then", 2.0)
    orelse = py_trees.behaviours.Failure(name="else") if with_else else None
    node = IfThenElse("if docked", Condition("docked", E.FactIs("docked")), then, orelse)
    py_trees.trees.setup(node, state=state, clock=clock)
    return node


def test_if_runs_the_chosen_branch_to_its_end() -> None:
    state, clock = FakeState(), FakeClock()
    state.facts["docked"] = True
    node = make_if(state, clock)
    node.tick_once()
    assert node.status == Status.RUNNING
    state.facts["docked"] = False
    clock.now = 3.0
    node.tick_once()
    assert node.status == Status.SUCCESS
    node.tick_once()  # reached again: decides again
    assert node.status == Status.FAILURE


def test_if_without_else_skips() -> None:
    node = make_if(FakeState(), FakeClock(), with_else=False)
    node.tick_once()
    assert node.status == Status.SUCCESS and "skipped" in node.feedback_message


def test_if_halted_forgets_its_choice() -> None:
    state, clock = FakeState(), FakeClock()
    state.facts["docked"] = True
    node = make_if(state, clock)
    node.tick_once()
    node.stop(Status.INVALID)
    assert node.chosen is None and node.children[1].status == Status.INVALID


def test_clock_timeout() -> None:
    clock = FakeClock()
    node = ClockTimeout("t", Wait("w", 10.0), duration=5.0)
    py_trees.trees.setup(node, clock=clock)
    node.tick_once()
    clock.now = 4.0
    node.tick_once()
    assert node.status == Status.RUNNING and node.feedback_message == "1.0 s left"
    clock.now = 5.5
    node.tick_once()
    assert node.status == Status.FAILURE and node.feedback_message == "timed out after 5 s"
    with pytest.raises(ValueError, match="duration"):
        ClockTimeout("t", Succeed("s"), duration=0)


def test_task_call_passes_status_through() -> None:
    node = TaskCall("t(x)", Succeed("s"), task="t", args={"p": "x"})
    node.tick_once()
    assert node.status == Status.SUCCESS and node.args == {"p": "x"}
    with pytest.raises(ValueError):
        TaskCall("t", Succeed("s"), task="", args={})
