"""The action base class: offline construction, the robot port, halting."""

from __future__ import annotations

import py_trees
import pytest
from py_trees.common import Status

from bt_runtime.behaviours import NOT_SET_UP, ActionBehaviour, GoTo, Place, RobotPort


class FakePort:
    def __init__(self, answers: list[tuple[Status, str]]) -> None:
        self.answers = answers
        self.stepped: list[str] = []
        self.halted: list[str] = []

    def step_action(self, behaviour: ActionBehaviour) -> tuple[Status, str]:
        self.stepped.append(behaviour.name)
        return self.answers.pop(0)

    def halt_action(self, behaviour: ActionBehaviour) -> None:
        self.halted.append(behaviour.name)


def test_without_robot_fails_with_reason() -> None:
    node = GoTo("go", Place("gate", 1, 2))
    node.tick_once()
    assert node.status == Status.FAILURE and node.feedback_message == NOT_SET_UP


def test_robot_port_drives_the_status() -> None:
    port = FakePort([(Status.RUNNING, "walking"), (Status.SUCCESS, "arrived")])
    assert isinstance(port, RobotPort)
    node = GoTo("go", Place("gate", 1, 2))
    node.setup(robot=port)
    node.tick_once()
    assert node.status == Status.RUNNING and node.feedback_message == "walking"
    node.tick_once()
    assert node.status == Status.SUCCESS and node.feedback_message == "arrived"
    assert port.stepped == ["go", "go"] and port.halted == []


def test_interruption_halts_the_action() -> None:
    port = FakePort([(Status.RUNNING, "walking")])
    node = GoTo("go", Place("gate", 1, 2))
    node.setup(robot=port)
    node.tick_once()
    node.stop(Status.INVALID)
    assert port.halted == ["go"]


def test_setup_rejects_a_non_port_and_ignores_other_keys() -> None:
    node = GoTo("go", Place("gate", 1, 2))
    node.setup(clock=lambda: 0.0)
    assert node.robot is None
    with pytest.raises(TypeError, match="RobotPort"):
        node.setup(robot=object())


def test_name_is_required() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        GoTo("", Place("gate", 1, 2))


def test_tree_setup_passes_the_robot_to_every_leaf() -> None:
    port = FakePort([(Status.SUCCESS, "ok"), (Status.SUCCESS, "ok")])
    root = py_trees.composites.Sequence("s", memory=True, children=[
        GoTo("a", Place("a", 0, 0)), GoTo("b", Place("b", 1, 1))])
    py_trees.trees.setup(root, robot=port)
    root.tick_once()
    assert root.status == Status.SUCCESS and port.stepped == ["a", "b"]
