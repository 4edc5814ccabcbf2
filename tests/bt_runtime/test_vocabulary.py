"""The vocabulary: one entry per action, pure data, consistent with the behaviour bound to it."""

from __future__ import annotations

import inspect
import math

import pytest

from bt_runtime import vocabulary as R
from bt_runtime.bindings import BEHAVIOURS
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import ParamKind, Range


def test_every_action_of_the_language_is_registered() -> None:
    assert set(R.ACTIONS) == {
        "go_to", "follow", "search", "scan", "report", "alert", "pick_up", "drop_off", "dock",
        "charge", "wait", "stand", "sit", "set_speed", "set_gait", "succeed", "fail"}


@pytest.mark.parametrize("key", sorted(R.ACTIONS))
def test_parameters_match_the_behaviour_constructor(key: str) -> None:
    spec = R.ACTIONS[key]
    behaviour = BEHAVIOURS[key]
    signature = inspect.signature(behaviour.__init__)
    names = [p for p in signature.parameters if p not in ("self", "name")]
    assert sorted(names) == sorted(p.name for p in spec.params)
    for param in spec.params:
        if param.kind is ParamKind.QUANTITY:
            assert param.dimension is not None
        if not param.required:
            assert signature.parameters[param.name].default == param.default
    assert behaviour.action == key
    assert spec.doc


def test_param_lookup() -> None:
    assert R.ACTIONS["charge"].param("until").dimension is Dimension.RATIO
    with pytest.raises(KeyError):
        R.ACTIONS["charge"].param("nope")


def test_condition_vocabulary() -> None:
    assert R.STATE_VARS["battery"].dimension is Dimension.RATIO
    assert R.FACTS["carrying"].arg_kind is ParamKind.PAYLOAD
    assert R.COUNTERS["alerts"].dimension is Dimension.COUNT
    names = R.condition_names()
    assert "battery" in names and "docked" in names and list(names) == sorted(names)


def test_properties_and_metrics_defaults() -> None:
    assert R.ROBOT_PROPERTIES["battery"].default == 480.0
    assert R.ROBOT_PROPERTIES["max_speed"].default == 0.6
    assert R.MISSION_PROPERTIES["tick_rate"].default == 10.0
    assert R.MISSION_PROPERTIES["time_limit"].default is None
    assert set(R.METRICS) == {"success", "duration", "min_battery", "falls", "distance",
                              "victims_found", "deliveries"}


def test_vocabulary_is_read_only() -> None:
    with pytest.raises(TypeError):
        R.ACTIONS["new"] = R.ACTIONS["wait"]  # type: ignore[index]


def test_range() -> None:
    assert Range(0.0, 100.0).contains(100.0) and not Range(0.0, low_open=True).contains(0.0)
    assert Range(0.0).describe("s") == ">= 0 s"
    assert Range(0.0, low_open=True).describe() == "> 0"
    assert Range(high=5.0, high_open=True).describe() == "< 5"
    assert Range(0.0, 1.0).describe() == "between 0 and 1"
    assert Range(0.0, 100.0, low_open=True).describe("%") == "> 0 and <= 100 %"
    assert Range(0.0, 1.0, high_open=True).describe() == ">= 0 and < 1"
    assert not Range().contains(math.nan)


def test_task_parameter_types() -> None:
    assert R.TASK_PARAM_TYPES["time"].kind is ParamKind.QUANTITY
    assert R.TASK_PARAM_TYPES["time"].dimension is Dimension.TIME
    assert R.TASK_PARAM_TYPES["route"].kind is ParamKind.ROUTE


def test_each_default_is_written_once() -> None:
    assert R.MISSION_PROPERTIES["tick_rate"].default == R.DEFAULT_TICK_RATE
    assert R.TIME_UNITS == {"s": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0}
    assert R.robot_default("max_speed") == 0.6
    with pytest.raises(KeyError):
        R.robot_default("wings")


def test_spelling_and_grammar_forms() -> None:
    assert R.ACTIONS["go_to"].spelled == "go to" and R.ACTIONS["wait"].spelled == "wait"
    assert [f.alias for f in R.ACTIONS["scan"].grammar_forms] == ["scan_radius", "scan_area"]
    assert R.ACTIONS["follow"].grammar_forms == (R.Form("follow", ("route", "laps")),)
    for spec in R.ACTIONS.values():
        for form in spec.grammar_forms:
            assert all(name in {p.name for p in spec.params} for name in form.params), spec.key
    assert R.ACTIONS["scan"].param("kind").word == "for"
    assert R.KIND_WANTS[ParamKind.STATION] == "a station"
