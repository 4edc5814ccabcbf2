"""The robot as the mission runtime sees it: backend state plus battery, payload, facts and senses.

:class:`RobotContext` wraps one :class:`~locomotion.backend.LocomotionBackend` for one run. After
every backend step it updates what the language can ask about (the registry's state variables,
facts and counters, in canonical units), runs the always-on detector over the seeded scenario, and
returns what changed so the executor can log it. It implements
:class:`bt_runtime.expressions.StateView`, so conditions read it directly.

Models and the numbers behind them (documented here because missions depend on them):

* **Battery** — capacity (Wh) and initial charge (%) come from the mission's ``robot`` declaration.
  It drains by the backend's ``energy_used`` (plus any injected drain) and charges at
  :data:`CHARGER_POWER_W` while docked and charging. At 0 % the robot sits down and the context
  records a stop reason; every action then fails with it.
* **Detection** — :func:`bt_runtime.sensors.detect` every step with the robot's sensor, line of sight
  over a raster of the terrain map's ground height plus obstacle and hedge heights. One numpy
  Generator per run, seeded from the run seed; the global RNG is never used.
* **Docked** — true after the dock action settled the robot on a dock, until it walks more than
  :data:`DOCK_RADIUS` metres away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from bt_runtime.scenario import Scenario, ScenarioConfig, Target, draw_scenario, intruder_position
from bt_runtime.sensors import SensorModel, detect
from bt_runtime.vocabulary import COUNTERS, FACTS, ROBOT_PROPERTIES, STATE_VARS
from locomotion.backend import LocomotionBackend, Pose, RobotState, SetGait, Sit, Stop
from locomotion.terrain import TerrainMap
from locomotion.world import HedgeParams, ObstacleParams, Point, Shape, World

__all__ = [
    "CHARGER_POWER_W",
    "DOCK_RADIUS",
    "Change",
    "RobotConfig",
    "RobotContext",
    "SightRaster",
    "start_pose",
]

CHARGER_POWER_W = 1000.0
"""Power a dock puts into the battery (W). A fast dock: the example missions' 130 Wh packs fill
from empty in about 8 minutes, which keeps charging stops within their time limits."""

DOCK_RADIUS = 0.5
"""How far (m) the robot may stand from a dock's point and still count as docked."""

INTRUDER_HEIGHT = 1.7
"""Height (m) of an intruder as a target (as :meth:`Scenario.targets_at` has it)."""

PAYLOAD_HEIGHT = 0.3
"""Height (m) of a payload as a target."""

_COUNTER_OF_KIND = {"victim": "victims_found", "intruder": "intruders_seen"}

SIGHT_RESOLUTION = 0.25
"""Cell size (m) of the line-of-sight raster (the detector samples sight lines every 0.25 m)."""


@dataclass(frozen=True)
class RobotConfig:
    """The robot declaration of a mission, in canonical units, plus the sensor it carries."""

    battery_wh: float = 480.0
    initial_charge: float = 100.0
    max_speed: float = 0.6
    payload_capacity: float = 5.0
    charger_power_w: float = CHARGER_POWER_W
    sensor: SensorModel = field(default_factory=SensorModel)

    @classmethod
    def from_properties(cls, props: Mapping[str, float | None], **extra: Any) -> RobotConfig:
        """Build from a compiled mission's robot properties (missing ones take registry defaults)."""

        def get(name: str) -> float:
            value = props.get(name)
            default = ROBOT_PROPERTIES[name].default
            return float(value if value is not None else default)  # type: ignore[arg-type]

        return cls(
            battery_wh=get("battery"),
            initial_charge=get("charge"),
            max_speed=get("max_speed"),
            payload_capacity=get("payload"),
            **extra,
        )


@dataclass(frozen=True)
class Change:
    """One fact or counter that changed in a step (``key`` is the registry name)."""

    key: str
    old: Any
    new: Any


class SightRaster:
    """Ground height and line-of-sight height of a world on a grid, for fast scalar look-ups.

    Built once per run from the :class:`~locomotion.terrain.TerrainMap` (vectorised), so the
    detector's many point queries are plain array indexing.
    """

    def __init__(self, world: World, terrain: TerrainMap, resolution: float = SIGHT_RESOLUTION):
        b = world.bounds
        self.x0, self.y0, self.res = b.x_min, b.y_min, resolution
        nx = max(2, math.ceil((b.x_max - b.x_min) / resolution) + 1)
        ny = max(2, math.ceil((b.y_max - b.y_min) / resolution) + 1)
        xs = b.x_min + np.arange(nx) * resolution
        ys = b.y_min + np.arange(ny) * resolution
        gx, gy = np.meshgrid(xs, ys)
        self.ground = np.asarray(terrain.height(gx, gy), dtype=float)
        extra = np.zeros_like(self.ground)
        index = terrain.region_index(gx, gy)
        for i, region in enumerate(world.regions):
            if isinstance(region.params, (ObstacleParams, HedgeParams)):
                extra[index == i] = region.params.height
        self.top = self.ground + extra
        self._ground_list = self.ground.tolist()
        self._top_list = self.top.tolist()
        self.nx, self.ny = nx, ny

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        i = round((y - self.y0) / self.res)
        j = round((x - self.x0) / self.res)
        return min(max(i, 0), self.ny - 1), min(max(j, 0), self.nx - 1)

    def ground_height(self, x: float, y: float) -> float:
        i, j = self._cell(x, y)
        return float(self._ground_list[i][j])

    def sight_height(self, x: float, y: float) -> float:
        i, j = self._cell(x, y)
        return float(self._top_list[i][j])


def start_pose(world: World, waypoints: Mapping[str, Point] | None = None) -> tuple[Pose, str]:
    """Where a run starts: on the world's first dock, else at the first waypoint, else the centre.

    Returns the pose and a description ("dock charger") for the run header.
    """
    if world.docks:
        dock = world.docks[0]
        return Pose(dock.position[0], dock.position[1]), f"dock {dock.name}"
    points = list(world.waypoints) + list((waypoints or {}).items())
    if points:
        name, (x, y) = points[0]
        return Pose(x, y), f"waypoint {name}"
    b = world.bounds
    return Pose((b.x_min + b.x_max) / 2, (b.y_min + b.y_max) / 2), "centre of the world"


class RobotContext:
    """One run's robot: backend, battery, payload, facts, counters and detections.

    Args:
        backend: the locomotion backend (not yet reset; :meth:`start` resets it).
        world: the world of the run.
        config: the mission's robot declaration.
        seed: the run seed (scenario, detection and backend randomness all derive from it).
        scenario_config: how much the seed may move victims and intruders.
    """

    def __init__(
        self,
        backend: LocomotionBackend,
        world: World,
        config: RobotConfig | None = None,
        seed: int = 0,
        scenario_config: ScenarioConfig | None = None,
    ) -> None:
        config = config if config is not None else RobotConfig()
        self.backend = backend
        self.world = world
        self.config = config
        self.seed = seed
        self.scenario: Scenario = draw_scenario(world, seed, scenario_config or ScenarioConfig())
        self.rng = np.random.default_rng(seed)
        self.terrain_map = TerrainMap(world)
        self.sight = SightRaster(world, self.terrain_map)
        self.state: RobotState | None = None
        self.steps = 0
        self.start_time = 0.0
        self.battery_wh = config.battery_wh * config.initial_charge / 100.0
        self.min_battery = config.initial_charge
        self.extra_drain_w = 0.0
        self.charging = False
        self.docked_at: Point | None = None
        self.docked_name: str | None = None
        self.carried: dict[str, float] = {}
        self.picked_from: dict[str, str] = {}
        self.delivered: list[str] = []
        self.speed_override: float | None = None
        self.gait_override: str | None = None
        self.distance = 0.0
        self.energy_wh = 0.0
        self.found: dict[str, Target] = {}
        self.stop_reason: str | None = None
        self.closed_regions: list[tuple[str, Shape, float]] = []
        self.look: SensorModel | None = None  # a scan's sensor mode while it runs
        self._last_energy = 0.0
        self._facts: dict[str, bool] = {name: False for name in FACTS}
        self._counters: dict[str, int] = {name: 0 for name in COUNTERS}
        self._reported: dict[str, dict[str, Any]] = {}
        self._mark_reported()

    # ------------------------------------------------------------------ lifecycle
    def start(self, pose: Pose) -> RobotState:
        """Reset the backend at ``pose`` with the run seed; the run's clock starts here."""
        self.state = self.backend.reset(self.world, pose, self.seed)
        self.start_time = self.state.time
        self._last_energy = self.state.energy_used
        self._refresh_facts()
        self._mark_reported()
        return self.state

    def _mark_reported(self) -> None:
        self._reported = {"facts": dict(self._facts), "counters": dict(self._counters)}

    @property
    def time(self) -> float:
        """Seconds of simulated time since :meth:`start`."""
        return 0.0 if self.state is None else self.state.time - self.start_time

    def step(self, dt: float) -> list[Change]:
        """Step the backend by ``dt`` s and update battery, distance, facts and detections.

        Returns:
            The facts and counters that changed, in registry order.
        """
        prev = self._require_state()
        state = self.backend.step(dt)
        self.state = state
        self.steps += 1
        self.distance += math.hypot(state.pose.x - prev.pose.x, state.pose.y - prev.pose.y)
        used = max(0.0, state.energy_used - self._last_energy)
        self._last_energy = state.energy_used
        drain = used + self.extra_drain_w * dt / 3600.0
        self.energy_wh += drain
        self.battery_wh -= drain
        if self.charging and self.docked_at is not None:
            self.battery_wh += self.config.charger_power_w * dt / 3600.0
        self.battery_wh = min(max(self.battery_wh, 0.0), self.config.battery_wh)
        self.min_battery = min(self.min_battery, self.battery)
        if self.docked_at is not None and self._distance_to(self.docked_at) > DOCK_RADIUS:
            self.docked_at, self.docked_name, self.charging = None, None, False
        if self.battery_wh <= 0.0 and self.stop_reason is None:
            self.stop_reason = (
                f"battery empty at {self.time:.1f} s: the robot sat down at "
                f"({state.pose.x:.1f}, {state.pose.y:.1f})"
            )
            self.backend.command(Sit())
        self._detect(dt)
        if state.fallen and not self._facts["fallen"]:
            self._counters["falls"] += 1
        self._refresh_facts()
        return self.changes()

    def changes(self) -> list[Change]:
        """Facts and counters changed since the last call (by actions or by stepping)."""
        before = self._reported
        if before["facts"] == self._facts and before["counters"] == self._counters:
            return []
        now = self.snapshot_values()
        old = {**before["facts"], **before["counters"]}
        self._reported = {"facts": dict(self._facts), "counters": dict(self._counters)}
        return [Change(k, old[k], now[k]) for k in now if now[k] != old[k]]

    def _require_state(self) -> RobotState:
        if self.state is None:
            raise RuntimeError("RobotContext.start(pose) must be called before stepping")
        return self.state

    # ------------------------------------------------------------------ senses
    def _detect(self, dt: float) -> None:
        state = self._require_state()
        sensor = self.look if self.look is not None else self.config.sensor
        x, y, reach = state.pose.x, state.pose.y, sensor.range
        found = self.found
        near = [
            t
            for t in self.scenario.victims
            if t.name not in found
            and abs(t.position[0] - x) <= reach
            and abs(t.position[1] - y) <= reach
        ]
        for intruder, phase in zip(self.scenario.intruders, self.scenario.intruder_phase):
            if intruder.name in found:
                continue
            px, py = intruder_position(intruder, self.time, phase)
            if abs(px - x) <= reach and abs(py - y) <= reach:
                near.append(Target("intruder", intruder.name, (px, py), INTRUDER_HEIGHT))
        for name, (px, py) in self.scenario.payloads.items():
            if name not in found and abs(px - x) <= reach and abs(py - y) <= reach:
                near.append(Target("payload", name, (px, py), PAYLOAD_HEIGHT))
        if not near:
            return
        eye = (x, y, self.sight.ground_height(x, y) + sensor.mount_height)
        seen = detect(
            sensor,
            eye,
            state.pose.yaw,
            near,
            self.sight.ground_height,
            self.sight.sight_height,
            dt,
            self.rng,
        )
        for target in seen:
            found[target.name] = target
            counter = _COUNTER_OF_KIND.get(target.kind)
            if counter is not None:  # payloads are found (search feedback) but not counted
                self._counters[counter] += 1

    def _refresh_facts(self) -> None:
        state = self._require_state()
        f = self._facts
        f["victim_found"] = self._counters["victims_found"] > 0
        f["intruder_seen"] = self._counters["intruders_seen"] > 0
        f["docked"] = self.docked_at is not None
        f["carrying"] = bool(self.carried)
        f["fallen"] = bool(state.fallen)
        f["stuck"] = bool(state.stuck)
        f["payload_delivered"] = self._counters["deliveries"] > 0

    def snapshot_values(self) -> dict[str, Any]:
        """Facts and counters by registry name (what the event log records as facts)."""
        values: dict[str, Any] = dict(self._facts)
        values.update(self._counters)
        return values

    # ------------------------------------------------------------------ StateView
    def value(self, name: str) -> float:
        """A registry state variable in its canonical unit (``battery`` %, ``pitch`` deg...)."""
        state = self._require_state()
        if name == "battery":
            return self.battery
        if name == "speed":
            return math.hypot(state.velocity[0], state.velocity[1])
        if name == "payload_mass":
            return self.payload_mass
        if name == "elapsed":
            return self.time
        if name == "distance_travelled":
            return self.distance
        if name == "pitch":
            return math.degrees(state.pose.pitch)
        known = ", ".join(STATE_VARS)
        raise KeyError(f"unknown robot state variable {name!r} (known: {known})")

    def fact(self, name: str, arg: str | None = None) -> bool:
        if name not in self._facts:
            raise KeyError(f"unknown fact {name!r} (known: {', '.join(self._facts)})")
        if name == "carrying" and arg is not None:
            return arg in self.carried
        return self._facts[name]

    def counter(self, name: str) -> int:
        if name not in self._counters:
            raise KeyError(f"unknown counter {name!r} (known: {', '.join(self._counters)})")
        return self._counters[name]

    def position(self) -> tuple[float, float, float]:
        pose = self._require_state().pose
        return (pose.x, pose.y, pose.z)

    def terrain(self) -> str:
        kind = self._require_state().terrain.underfoot
        return str(getattr(kind, "value", kind))

    def gait(self) -> str:
        return self._require_state().gait

    # ------------------------------------------------------------------ robot-side operations
    @property
    def battery(self) -> float:
        """Charge left, percent of capacity."""
        return 100.0 * self.battery_wh / self.config.battery_wh

    @property
    def payload_mass(self) -> float:
        return float(sum(self.carried.values()))

    @property
    def speed_limit(self) -> float:
        """The walking speed cap now: the robot's max speed, lowered by ``set speed``."""
        if self.speed_override is None:
            return self.config.max_speed
        return min(self.config.max_speed, self.speed_override)

    def _distance_to(self, point: Point) -> float:
        pose = self._require_state().pose
        return math.hypot(pose.x - point[0], pose.y - point[1])

    def distance_to(self, point: Point) -> float:
        """Planar distance (m) from the robot to ``point``."""
        return self._distance_to(point)

    def set_gait(self, gait: str | None) -> None:
        """Force a gait (None: adapt to the terrain again)."""
        self.gait_override = gait
        self.backend.command(SetGait(gait))

    def load(self, name: str, mass: float, station: str) -> None:
        """Put payload ``name`` on the robot (the caller checked place and capacity)."""
        self.carried[name] = mass
        self.picked_from[name] = station
        self.scenario = self.scenario.with_payload_at(name, None)
        self.backend.set_payload(self.payload_mass)
        self._refresh_facts()

    def unload(self, name: str, station: str, position: Point) -> bool:
        """Take payload ``name`` off at ``station``; returns True if that counts as a delivery
        (dropped at a station other than the one it was picked up from)."""
        self.carried.pop(name, None)
        source = self.picked_from.pop(name, None)
        self.scenario = self.scenario.with_payload_at(name, position)
        self.backend.set_payload(self.payload_mass)
        delivered = source != station
        if delivered:
            self.delivered.append(name)
            self._counters["deliveries"] += 1
        self._refresh_facts()
        return delivered

    def dock_on(self, name: str, position: Point) -> None:
        self.docked_at, self.docked_name = position, name
        self._refresh_facts()

    def count_alert(self) -> None:
        """An ``alert`` line was written (the ``alerts`` counter)."""
        self._counters["alerts"] += 1

    def set_battery(self, percent: float) -> None:
        """Set the charge (fault injection, tests)."""
        self.battery_wh = self.config.battery_wh * min(max(percent, 0.0), 100.0) / 100.0
        self.min_battery = min(self.min_battery, self.battery)

    def blocked_region_on(self, path: tuple[Point, ...]) -> str | None:
        """The name of a region closed by a fault that ``path`` crosses, if any.

        ``path[0]`` is where the robot stands; the first metre is ignored, so a robot caught inside
        a region as it closes may still walk out of it.
        """
        if not path:
            return None
        sx, sy = path[0]
        for name, shape, _since in self.closed_regions:
            for (x0, y0), (x1, y1) in pairwise(path):
                n = max(1, int(math.hypot(x1 - x0, y1 - y0) / 0.2))
                for i in range(n + 1):
                    x, y = x0 + i / n * (x1 - x0), y0 + i / n * (y1 - y0)
                    if math.hypot(x - sx, y - sy) > 1.0 and shape.contains(x, y):
                        return name
        return None

    def halt(self) -> None:
        """Stop walking (zero velocity keeps the robot standing)."""
        self.backend.command(Stop())
