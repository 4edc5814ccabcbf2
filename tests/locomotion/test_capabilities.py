"""The capability table is read from the calibration files, each number with where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from locomotion.calibrate_limits import LimitTrial, _largest_pass
from locomotion.capabilities import LIMITS_PATH, MODELS, capabilities
from locomotion.params import CALIBRATION_PATH, CalibrationError, load_calibration


def test_every_number_is_the_calibration_field_its_source_names() -> None:
    caps = capabilities("a1")
    edges = load_calibration().edges
    limits = json.loads(LIMITS_PATH.read_text())["limits"]
    assert caps.value("max_step_up") == edges.max_step_up
    assert caps.value("max_step_down") == edges.max_step_down
    assert caps.value("max_stair_rise") == edges.max_stair_rise
    assert caps.value("planner_step") == edges.planner_step
    assert caps.value("max_slope") == limits["max_slope_deg"]
    assert caps.value("max_payload") == limits["max_payload_kg"]
    assert caps["max_step_up"].source == "kinematic_calibration.json: edges.max_step_up"
    assert caps["max_slope"].source == "limits_calibration.json: limits.max_slope_deg"
    for cap in caps.entries.values():
        assert cap.source.split(":")[0] in (CALIBRATION_PATH.name, LIMITS_PATH.name)


def test_the_top_speed_is_the_fastest_swept_walk() -> None:
    params = load_calibration()
    fastest = max(params.metadata["sweep"]["speeds"])
    assert capabilities().value("max_speed") == pytest.approx(
        fastest * min(params.speed_ratio["flat"], 1.0), abs=0.01)


def test_the_committed_limits_say_how_they_were_measured() -> None:
    meta = json.loads(LIMITS_PATH.read_text())["metadata"]
    assert meta["backend"] == "pybullet"
    assert meta["command"] == "python -m locomotion.calibrate_limits"
    assert any(k.startswith("slope ") for k in meta["verdicts"])
    assert any(k.startswith("payload ") for k in meta["verdicts"])


def test_an_unknown_model_has_no_table() -> None:
    assert MODELS == ("a1",)
    with pytest.raises(CalibrationError, match="no calibration for robot model 'go2'"):
        capabilities("go2")


def test_a_missing_limits_file_names_the_command_that_writes_it(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="run python -m locomotion.calibrate_limits"):
        capabilities("a1", limits=tmp_path / "none.json")


def test_a_malformed_limits_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "limits.json"
    bad.write_text(json.dumps({"limits": {"max_slope_deg": -3, "max_payload_kg": 5}}))
    with pytest.raises(CalibrationError, match="limits must be numbers >= 0"):
        capabilities("a1", limits=bad)


def test_a_limit_is_the_largest_value_passed_at_every_speed_below_the_first_miss() -> None:
    trials = [LimitTrial("slope", a, s, o, 0.3) for a, s, o in (
        (10, 0.3, "pass"), (10, 0.6, "pass"), (20, 0.3, "pass"), (20, 0.6, "slow"),
        (30, 0.3, "pass"), (30, 0.6, "pass"))]
    assert _largest_pass(trials, "slope") == 10


def test_shown_values_read_as_an_operator_writes_them() -> None:
    caps = capabilities()
    assert caps["max_stair_rise"].shown() == "13.8 cm"
    assert caps["max_slope"].shown().endswith(" deg")


def test_a_limit_trial_walks_a_backend_up_a_ramp_and_under_a_load() -> None:
    from locomotion.backends import make_backend
    from locomotion.calibrate_limits import limit_trial

    backend = make_backend("kinematic")
    try:
        ramp = limit_trial(backend, "slope", 10.0, 0.5)
        load = limit_trial(backend, "payload", 5.0, 0.5)
    finally:
        backend.close()
    assert ramp.outcome == "pass" and ramp.achieved > 0.25
    assert load.outcome == "pass"


def test_the_table_is_read_once_per_version_of_its_files(tmp_path: Path) -> None:
    limits = tmp_path / "limits.json"
    data = json.loads(LIMITS_PATH.read_text())
    limits.write_text(json.dumps(data))
    first = capabilities("a1", limits=limits)
    assert capabilities("a1", limits=limits) is first  # cached: the checker asks per mission
    data["limits"]["max_payload_kg"] = 1.5
    limits.write_text(json.dumps(data) + "\n")  # a new size (and mtime): read again
    assert capabilities("a1", limits=limits).value("max_payload") == 1.5
    limits.unlink()
    with pytest.raises(CalibrationError, match="run python -m locomotion.calibrate_limits"):
        capabilities("a1", limits=limits)
