"""The condition behaviour evaluates its expression on the state view given to setup."""

from __future__ import annotations

import pytest
from py_trees.common import Status

from bt_runtime import expressions as E
from bt_runtime.behaviours import NO_STATE, Condition
from tests.dsl.helpers import FakeState


def test_condition_follows_the_state() -> None:
    state = FakeState(battery=50.0)
    node = Condition("low", E.Compare("battery", "<", 25.0, "%"))
    node.setup(state=state)
    node.tick_once()
    assert node.status == Status.FAILURE and node.feedback_message == "battery < 25 %: false"
    state.values["battery"] = 10.0
    node.tick_once()
    assert node.status == Status.SUCCESS


def test_condition_without_state_fails_with_reason() -> None:
    node = Condition("docked", E.FactIs("docked"))
    node.tick_once()
    assert node.status == Status.FAILURE and node.feedback_message == NO_STATE


def test_robot_that_is_a_state_view_is_used() -> None:
    state = FakeState()
    state.facts["docked"] = True
    node = Condition("docked", E.FactIs("docked"))
    node.setup(robot=state)
    node.tick_once()
    assert node.status == Status.SUCCESS


def test_condition_validates() -> None:
    with pytest.raises(ValueError, match="expressions"):
        Condition("c", "battery < 5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="StateView"):
        Condition("c", E.Const(True)).setup(state=object())
    assert Condition("c", E.Const(True)).params() == {"expression": "true"}


def test_a_new_expression_is_compiled_and_described_afresh() -> None:
    node = Condition("c", E.Const(True))
    node.expr = E.Const(False)
    node.setup(state=FakeState(battery=50.0))
    node.tick_once()
    assert node.status == Status.FAILURE and node.feedback_message == "false: false"
