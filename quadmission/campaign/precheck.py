"""A static pre-check before any run: is there a chance this mission can succeed at all?

Three questions, answered on the world's own terrain map with the runtime's planner and energy
model, before a single run is spent:

- **the start**: the robot's start pose (first dock, else first waypoint) is on walkable ground;
- **reachability and geometry**: every place the mission names (in its source or in a route it
  follows) is reachable from the start, and every leg of every route it names can be planned.
  The planner refuses goals in water or obstacles, gaps narrower than the robot, slopes too steep
  and stairs not taken along their axis, so its reason *is* the geometry the robot cannot do;
- **the battery budget**: walking each named route once, or out to the farthest named place and
  back, whichever is more (a lower bound on what the mission must walk), at the
  mission's speed on the trot's cost of transport and the calibrated idle power, against the
  energy of the declared pack at its declared charge. Over budget with no dock in the world to
  charge at is a rejection; with a dock it is a note.

Problems are sentences; :func:`precheck` returns them with the figures it computed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise

from bt_runtime.robot_config import RobotConfig, start_pose
from locomotion.energy import EnergyModel
from locomotion.params import ROBOT_MASS, load_calibration
from locomotion.planner import Planner
from locomotion.terrain import TerrainMap
from locomotion.world import TerrainKind
from quadmission.loading import Checked, Mission

__all__ = ["PreCheck", "precheck"]


@dataclass(frozen=True)
class PreCheck:
    """The pre-check's verdict: ``problems`` (each a reason the mission cannot succeed) and
    ``notes`` (figures and warnings)."""

    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def _named(checked: Checked, text: str) -> tuple[list[str], list[str]]:
    """Routes and places the mission's own source names (word match on declared names)."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    resolved = checked.program.resolved
    routes = [r for r in resolved.routes if r in words]
    places = {p for p in resolved.places if p in words}
    for r in routes:
        places.update(resolved.routes[r][0])
    return routes, sorted(places)


def _route_length(planner: Planner, points: list[tuple[float, float]]) -> tuple[float, str]:
    total = 0.0
    for a, b in pairwise(points):
        plan = planner.plan(a, b)
        if not plan.ok:
            return math.inf, plan.reason
        total += sum(math.dist(p, q) for p, q in pairwise(plan.path))
    return total, ""


def precheck(checked: Checked, mission: Mission) -> PreCheck:
    """Check ``mission`` statically (see the module docstring).

    Args:
        checked: the checked program (for its named places and routes).
        mission: the compiled mission.

    Returns:
        The problems (empty when nothing rules success out) and notes.
    """
    world = mission.compiled.world
    assert world is not None
    terrain = TerrainMap(world)
    planner = Planner(terrain)
    pose, where = start_pose(world)
    start = (pose.x, pose.y)
    problems: list[str] = []
    notes: list[str] = []
    why = planner.check_goal(start)
    if why:
        return PreCheck((f"the start on the {where} is not walkable: {why}",))
    routes, places = _named(checked, checked.source)
    coords = {n: (x, y) for n, (_k, x, y, _z) in checked.program.resolved.places.items()}
    farthest = 0.0
    for name in places:
        plan = planner.plan(start, coords[name])
        if not plan.ok:
            problems.append(f"`{name}` cannot be reached from the {where}: {plan.reason}")
            continue
        farthest = max(farthest, sum(math.dist(p, q) for p, q in pairwise(plan.path)))
    config = RobotConfig.from_properties(mission.compiled.robot)
    energy = EnergyModel.from_calibration(load_calibration())
    speed = max(0.05, config.max_speed)
    available = config.battery_wh * config.initial_charge / 100.0
    need = 0.0
    for name in routes:
        stops, loop = checked.program.resolved.routes[name]
        points = [coords[s] for s in stops] + ([coords[stops[0]]] if loop else [])
        length, reason = _route_length(planner, points)
        if reason:
            problems.append(f"route `{name}` cannot be walked: {reason}")
            continue
        wh = float(energy.energy_wh(length, length / speed, ROBOT_MASS, TerrainKind.FLAT, "trot"))
        need += wh
        notes.append(f"route `{name}`: {length:.0f} m planned, >= {wh:.1f} Wh at {speed:g} m/s")
    trip = 2 * farthest
    trip_wh = float(energy.energy_wh(trip, trip / speed, ROBOT_MASS, TerrainKind.FLAT, "trot"))
    need = max(need, trip_wh)
    notes.append(
        f"battery budget: the named routes once, or out to the farthest named place and back "
        f"({trip:.0f} m), need >= {need:.1f} Wh; the pack holds "
        f"{available:.1f} Wh at the start ({config.battery_wh:g} Wh at {config.initial_charge:g} %)"
    )
    if need > available:
        if world.docks:
            notes.append("over budget without charging: the mission must charge at a dock")
        else:
            problems.append(
                f"battery: the mission needs >= {need:.1f} Wh but the pack holds "
                f"{available:.1f} Wh and the world has no dock to charge at"
            )
    return PreCheck(tuple(problems), tuple(notes))
