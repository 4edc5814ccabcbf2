"""GuardSequence: what a resumed or restarted guarded part says about itself after the handler."""

from __future__ import annotations

import py_trees
from py_trees.common import Status

from bt_runtime import expressions as E
from bt_runtime.behaviours import Condition, Wait
from bt_runtime.behaviours.guard import SUSPENDED, GuardSequence
from tests.dsl.helpers import FakeClock, FakeState


def make_guard(state: FakeState, clock: FakeClock, resume: bool = True) -> GuardSequence:
    check = py_trees.composites.Selector("when docked", memory=True, children=[
        py_trees.decorators.Inverter("not docked", Condition("docked", E.FactIs("docked"))),
        Wait("handler", 1.0)])
    rest = py_trees.composites.Sequence("rest", memory=True, children=[
        Wait("first", 2.0), Wait("second", 2.0)])
    node = GuardSequence("guard docked", check, rest, resume=resume)
    py_trees.trees.setup(node, state=state, clock=clock)
    return node


def run_through_the_handler(node: GuardSequence, state: FakeState, clock: FakeClock) -> None:
    node.tick_once()  # `first` starts
    state.facts["docked"] = True
    clock.now = 1.0
    node.tick_once()  # the handler starts, `rest` is suspended
    assert node.children[1].feedback_message == (SUSPENDED if node.resume else "")
    state.facts["docked"] = False
    clock.now = 2.5
    node.tick_once()  # the handler ends, `rest` goes on


def test_a_resumed_part_no_longer_says_it_is_suspended() -> None:
    # Found in a new operator's patrol: the log read `rest: RUNNING -> SUCCESS (suspended: a
    # guard's handler runs)` long after the handler had ended.
    state, clock = FakeState(), FakeClock()
    node = make_guard(state, clock)
    run_through_the_handler(node, state, clock)
    rest = node.children[1]
    assert rest.status == Status.RUNNING and rest.feedback_message != SUSPENDED
    clock.now = 10.0
    node.tick_once()  # `first` (started again after the handler) ends, `second` starts
    clock.now = 13.0
    node.tick_once()
    assert node.status == Status.SUCCESS
    assert all(n.feedback_message != SUSPENDED for n in node.iterate())


def test_a_guard_stopped_while_its_handler_runs_leaves_no_suspended_mark() -> None:
    state, clock = FakeState(), FakeClock()
    node = make_guard(state, clock)
    node.tick_once()
    state.facts["docked"] = True
    clock.now = 1.0
    node.tick_once()
    node.stop(Status.INVALID)
    assert all(n.feedback_message != SUSPENDED for n in node.iterate())
