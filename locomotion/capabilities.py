"""What a robot model's legs can do, as data with provenance: the checker's view of the robot.

Every number comes from a calibration of the physics controller, never from a datasheet: the step,
ledge and flight limits from the edge sweep (``edges`` of ``data/kinematic_calibration.json``,
:mod:`locomotion.calibrate_edges`), the top speed from the walk sweep (its fastest swept speed,
``metadata.sweep.speeds``, with its flat-ground speed ratio), the steepest ramp and the heaviest
load from the limit sweep (``data/limits_calibration.json``, :mod:`locomotion.calibrate_limits`).
Each :class:`Capability` names the file and field it was read from, so a diagnostic can say why
the robot cannot, and a re-calibration changes the checker without a code change.

Only one model is calibrated (the A1 of the pybullet backend); :data:`MODELS` lists it.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from locomotion.params import CALIBRATION_PATH, CalibrationError, load_calibration

__all__ = ["LIMITS_PATH", "MODELS", "Capabilities", "Capability", "capabilities"]

LIMITS_PATH = Path(__file__).with_name("data") / "limits_calibration.json"
"""The limit sweep's verdicts and limits (written by ``python -m locomotion.calibrate_limits``)."""
MODELS: tuple[str, ...] = ("a1",)
"""Robot models with a calibration (the physics backend's A1)."""


@dataclass(frozen=True)
class Capability:
    """One limit: ``value`` in ``unit``, what it means, and where it was read (file: field)."""

    name: str
    value: float
    unit: str
    meaning: str
    source: str

    def shown(self) -> str:
        """The value as an operator reads it (cm for heights, deg, kg, m/s, m)."""
        if self.unit == "m" and self.value < 1.0:
            return f"{self.value * 100:.3g} cm"
        return f"{self.value:.3g} {self.unit}"


@dataclass(frozen=True)
class Capabilities:
    """A robot model's capability table."""

    model: str
    entries: Mapping[str, Capability]

    def __getitem__(self, name: str) -> Capability:
        return self.entries[name]

    def value(self, name: str) -> float:
        """The value of capability ``name`` (KeyError if the table has none)."""
        return self.entries[name].value

    def with_entries(self, *extra: Capability) -> Capabilities:
        """This table with ``extra`` entries added (or replaced), e.g. the sensor's range."""
        merged = dict(self.entries)
        merged.update({c.name: c for c in extra})
        return Capabilities(self.model, MappingProxyType(merged))


def _limits(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text())
        limits = data["limits"]
        out = {k: float(limits[k]) for k in ("max_slope_deg", "max_payload_kg")}
    except OSError as exc:
        raise CalibrationError(f"{path}: cannot read the limits calibration ({exc.strerror}); "
                               "run python -m locomotion.calibrate_limits") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CalibrationError(f"{path}: bad limits calibration ({exc})") from None
    if any(not math.isfinite(v) or v < 0 for v in out.values()):
        raise CalibrationError(f"{path}: limits must be numbers >= 0, got {out}")
    return out


def capabilities(model: str = "a1", calibration: Path | None = None,
                 limits: Path | None = None) -> Capabilities:
    """The capability table of ``model``, read from its calibration files.

    Args:
        model: a robot model of :data:`MODELS`.
        calibration: the twin's calibration (default: the committed one).
        limits: the limit sweep's file (default: the committed one).

    Returns:
        The table: ``max_step_up``, ``max_step_down``, ``max_stair_rise``, ``planner_step`` (m),
        ``max_slope`` (deg), ``max_payload`` (kg) and ``max_speed`` (m/s).

    Raises:
        CalibrationError: an unknown model, or a calibration file missing or malformed.
    """
    if model not in MODELS:
        raise CalibrationError(f"no calibration for robot model {model!r} "
                               f"(calibrated: {', '.join(MODELS)})")
    cal_path = calibration or CALIBRATION_PATH
    lim_path = limits or LIMITS_PATH
    try:
        cal_stat, lim_stat = os.stat(cal_path), os.stat(lim_path)
    except OSError:  # read uncached: the reader names the missing file and the fix
        return _read(model, cal_path, lim_path)
    return _cached(model, cal_path, lim_path, (cal_stat.st_mtime_ns, cal_stat.st_size),
                   (lim_stat.st_mtime_ns, lim_stat.st_size))


@lru_cache(maxsize=8)
def _cached(model: str, cal_path: Path, lim_path: Path, cal_version: tuple[int, int],
            lim_version: tuple[int, int]) -> Capabilities:
    """:func:`_read`, once per version (mtime and size) of the two files.

    The checker asks for the table on every mission it checks; the table is immutable, so one
    copy serves them all until a re-calibration rewrites a file (a new version, a new read).
    """
    return _read(model, cal_path, lim_path)


def _read(model: str, cal_path: Path, lim_path: Path) -> Capabilities:
    params = load_calibration(cal_path)
    lim = _limits(lim_path)
    cal, lim_name = cal_path.name, lim_path.name
    speeds = params.metadata.get("sweep", {}).get("speeds") or []
    if not speeds or not all(isinstance(s, (int, float)) for s in speeds):
        raise CalibrationError(f"{cal_path}: metadata.sweep.speeds must list the swept speeds")
    top = float(max(speeds)) * min(params.speed_ratio.get("flat", 1.0), 1.0)
    e = params.edges
    rows = (
        Capability("max_step_up", e.max_step_up, "m", "the highest single step climbed",
                   f"{cal}: edges.max_step_up"),
        Capability("max_step_down", e.max_step_down, "m", "the deepest ledge stepped down",
                   f"{cal}: edges.max_step_down"),
        Capability("max_stair_rise", e.max_stair_rise, "m", "the highest rise of a flight climbed",
                   f"{cal}: edges.max_stair_rise"),
        Capability("planner_step", e.planner_step, "m",
                   "the largest edge a planned path crosses (every trial got over it)",
                   f"{cal}: edges.planner_step"),
        Capability("max_slope", lim["max_slope_deg"], "deg", "the steepest ramp walked up",
                   f"{lim_name}: limits.max_slope_deg"),
        Capability("max_payload", lim["max_payload_kg"], "kg", "the heaviest load carried",
                   f"{lim_name}: limits.max_payload_kg"),
        Capability("max_speed", round(top, 2), "m/s", "the fastest walk on flat ground",
                   f"{cal}: max of metadata.sweep.speeds x speed_ratio.flat"),
    )
    return Capabilities(model, MappingProxyType({c.name: c for c in rows}))
