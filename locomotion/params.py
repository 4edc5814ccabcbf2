"""The kinematic twin's parameters, as committed in ``locomotion/data/kinematic_calibration.json``.

Hand-set from published quadruped figures at first; ``python -m locomotion.calibrate`` replaces them
with values fitted against a physics backend. Loading validates every field, so a hand-edited file
fails with the name of the bad field instead of a KeyError deep inside a simulation step.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from locomotion.world import TerrainKind

__all__ = [
    "CALIBRATION_PATH",
    "ROBOT_MASS",
    "CalibrationError",
    "EdgeParams",
    "EnergyParams",
    "FallParams",
    "KinematicParams",
    "StallParams",
    "load_calibration",
]

CALIBRATION_PATH = Path(__file__).with_name("data") / "kinematic_calibration.json"
ROBOT_MASS = 12.0
"""Trunk plus legs (kg), Unitree A1-sized."""

_KINDS = [k.value for k in TerrainKind]


class CalibrationError(ValueError):
    """The calibration file is missing a field or holds a bad value."""


@dataclass(frozen=True)
class EnergyParams:
    """Power model: idle + cost of transport x mass x g x speed x terrain factor (+ climbing)."""

    idle_power_w: float = 25.0
    sit_power_w: float = 8.0
    cost_of_transport: dict[str, float] = field(
        default_factory=lambda: {"trot": 0.55, "crawl": 0.8, "stairs": 1.0}
    )
    terrain_factor: dict[str, float] = field(default_factory=dict)
    climb_efficiency: float = 0.35


@dataclass(frozen=True)
class FallParams:
    """P(fall | push) = logistic((impulse - threshold[gait]) / width)."""

    impulse_threshold: dict[str, float] = field(default_factory=dict)
    width: float = 2.0
    getup_time: float = 3.0


@dataclass(frozen=True)
class StallParams:
    """Stalling in deep mud: hazard (per s) grows from ``softness_min`` to 1; a stall lasts
    ``duration`` s on average."""

    softness_min: float = 0.7
    hazard: float = 0.5
    duration: float = 4.0


@dataclass(frozen=True)
class EdgeParams:
    """What the legs can do at an edge (fitted by ``python -m locomotion.calibrate_edges``).

    A rise up to ``max_step_up`` m is climbed; up to ``trip_rise_max`` it trips the robot (a fall at
    the face); higher is a wall the robot stops ``standoff`` m (trunk centre to face) short of, as
    it stops short of an obstacle. A drop beyond ``max_step_down`` is a fall once the trunk centre is
    ``drop_offset`` m past the edge. Between two treads of a flight the legs climb only
    ``max_stair_rise`` (less room for the feet than on open ground). ``planner_step`` is the largest height difference a planned
    path may cross either way: the largest edge that every trial of the sweep got over, up and down.
    ``stair_descent_hazard`` is the rate of falls per metre of height walked down a flight under the
    seed's physics variation (pybullet's stair descent is marginal when the trunk carries mass the
    controller does not know of); none under nominal physics.
    """

    max_step_up: float = 0.15
    trip_rise_max: float = 0.15
    standoff: float = 0.22
    max_step_down: float = 0.15
    drop_offset: float = 0.3
    planner_step: float = 0.12
    max_stair_rise: float = 0.15
    stair_descent_hazard: float = 0.0


@dataclass(frozen=True)
class KinematicParams:
    """Everything the kinematic twin needs to mimic the physics backend.

    ``speed_ratio[kind]`` is achieved / commanded ground speed; ``slip[kind]`` the foot slip (m/s)
    per m/s of speed; ``drift[kind]`` the lateral drift (m per m walked, std).
    """

    speed_ratio: dict[str, float]
    slip: dict[str, float]
    drift: dict[str, float]
    energy: EnergyParams
    fall: FallParams
    stall: StallParams
    push_slide_time: float = 0.3
    edges: EdgeParams = field(default_factory=EdgeParams)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, float]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise CalibrationError(f"{where}: field {name!r} must be a table of numbers")
    out: dict[str, float] = {}
    for key, value in table.items():
        if not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
            raise CalibrationError(f"{where}: {name}.{key} must be a number >= 0, got {value!r}")
        out[str(key)] = float(value)
    return out


def _kinds(data: dict[str, Any], name: str, where: str) -> dict[str, float]:
    table = _table(data, name, where)
    missing = [k for k in _KINDS if k not in table]
    if missing:
        raise CalibrationError(f"{where}: {name} lacks {', '.join(missing)}")
    return table


def _number(data: dict[str, Any], name: str, where: str) -> float:
    value = data.get(name)
    if not isinstance(value, (int, float)) or value < 0:
        raise CalibrationError(f"{where}: field {name!r} must be a number >= 0, got {value!r}")
    return float(value)


def _edges(data: Any, where: str) -> EdgeParams:
    """The ``edges`` section (absent: the defaults), every field a number >= 0."""
    if not isinstance(data, dict):
        raise CalibrationError(f"{where}: field 'edges' must be a table of numbers")
    default = EdgeParams()
    values = {name: _number(data, name, f"{where}: edges") if name in data
              else getattr(default, name) for name in asdict(default)}
    return EdgeParams(**values)


def load_calibration(path: Path | str | None = None) -> KinematicParams:
    """Read and validate a calibration file (default: the committed one).

    Raises:
        CalibrationError: unreadable file, bad JSON (with line:col) or a bad field (named).
    """
    p = Path(path) if path is not None else CALIBRATION_PATH
    try:
        data = json.loads(p.read_text())
    except OSError as exc:
        raise CalibrationError(f"{p}: cannot read calibration ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise CalibrationError(f"{p}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise CalibrationError(f"{p}: expected a JSON object at the top level")
    where = str(p)
    try:
        e, f, s = data["energy"], data["fall"], data["stall"]
    except KeyError as exc:
        raise CalibrationError(f"{where}: missing section {exc.args[0]!r}") from None
    energy = EnergyParams(
        idle_power_w=_number(e, "idle_power_w", where),
        sit_power_w=_number(e, "sit_power_w", where),
        cost_of_transport=_table(e, "cost_of_transport", where),
        terrain_factor=_kinds(e, "terrain_factor", where),
        climb_efficiency=max(_number(e, "climb_efficiency", where), 0.01),
    )
    fall = FallParams(
        impulse_threshold=_table(f, "impulse_threshold", where),
        width=max(_number(f, "width", where), 1e-3),
        getup_time=_number(f, "getup_time", where),
    )
    stall = StallParams(
        softness_min=_number(s, "softness_min", where),
        hazard=_number(s, "hazard", where),
        duration=_number(s, "duration", where),
    )
    edges = _edges(data.get("edges", {}), where)
    return KinematicParams(
        speed_ratio=_kinds(data, "speed_ratio", where),
        slip=_kinds(data, "slip", where),
        drift=_kinds(data, "drift", where),
        energy=energy,
        fall=fall,
        stall=stall,
        push_slide_time=_number(data, "push_slide_time", where),
        edges=edges,
        metadata=dict(data.get("metadata", {})),
    )
