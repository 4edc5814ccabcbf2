"""The runtime mapping agrees with the vocabulary: a behaviour per action, runners for robot ones."""

from __future__ import annotations

import pytest

from bt_runtime.actions import RUNNERS
from bt_runtime.behaviours import ActionBehaviour
from bt_runtime.bindings import BEHAVIOURS, NODE_MODELS, behaviour_factory
from bt_runtime.vocabulary import ACTIONS

#: Actions the behaviour tree finishes by itself, without driving the robot (no runner).
NO_RUNNER = frozenset({"report", "alert", "wait", "succeed", "fail"})


def test_every_action_has_exactly_one_behaviour() -> None:
    assert set(BEHAVIOURS) == set(ACTIONS)
    assert set(NODE_MODELS) == set(ACTIONS)
    assert len(set(NODE_MODELS.values())) == len(NODE_MODELS)


def test_runners_are_exactly_the_robot_actions() -> None:
    assert set(RUNNERS) == set(ACTIONS) - NO_RUNNER
    for key, cls in BEHAVIOURS.items():
        assert issubclass(cls, ActionBehaviour) == (key in RUNNERS), key


def test_behaviour_factory_names_what_is_missing() -> None:
    assert behaviour_factory("wait") is BEHAVIOURS["wait"]
    with pytest.raises(KeyError, match="known action 'wait'"):
        behaviour_factory("wait", {})
    with pytest.raises(KeyError, match="unknown action 'fly'"):
        behaviour_factory("fly")
