"""Calibration file loading: validated, errors name the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from locomotion.params import CALIBRATION_PATH, CalibrationError, load_calibration


def test_committed_file_loads_and_round_trips(tmp_path: Path) -> None:
    p = load_calibration()
    assert set(p.speed_ratio) >= {"flat", "slope", "stairs", "mud", "gravel", "grass", "rubble"}
    assert "backend" in p.metadata and "date" in p.metadata
    out = tmp_path / "c.json"
    p.save(out)
    assert load_calibration(out) == p


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "speed_ratio": ,\n}')
    with pytest.raises(CalibrationError, match=r"bad.json:2:\d+: invalid JSON"):
        load_calibration(bad)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["speed_ratio"].pop("mud"), "speed_ratio lacks mud"),
    (lambda d: d["fall"].__setitem__("width", "wide"), "'width' must be a number"),
    (lambda d: d["energy"]["cost_of_transport"].__setitem__("trot", -1), "cost_of_transport.trot"),
    (lambda d: d.pop("stall"), "missing section 'stall'"),
])
def test_bad_fields_are_named(tmp_path: Path, mutate, message: str) -> None:
    data = json.loads(CALIBRATION_PATH.read_text())
    mutate(data)
    f = tmp_path / "c.json"
    f.write_text(json.dumps(data))
    with pytest.raises(CalibrationError, match=message):
        load_calibration(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="cannot read calibration"):
        load_calibration(tmp_path / "nope.json")
