"""The simulated world around the robot during one run: scenario, detector and line of sight.

The context (:class:`bt_runtime.robot.RobotContext`) holds one :class:`WorldSim` and asks it, after
every backend step, what the robot's sensor picked up. The world sim owns the seeded
:class:`~bt_runtime.scenario.Scenario` (victims, intruders, payloads), the detector's generator and
the :class:`SightRaster` built from the run's one :class:`~locomotion.terrain.TerrainMap` (the same
map the backend walks on and plans over), plus every target found so far.

Detection: :func:`bt_runtime.sensors.detect` with the active sensor, line of sight over the raster
of the terrain map's ground height plus obstacle and hedge heights; the detector draws from its own
generator (the run's ``detection`` seed), never the global RNG. Each entity found is kept as a
:class:`~bt_runtime.detections.Sighting` (where it was, from how far, how sure, when).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from bt_runtime.detections import Sighting
from bt_runtime.scenario import Scenario, ScenarioConfig, Target, draw_scenario, intruder_position
from bt_runtime.seeds import RunSeeds
from bt_runtime.sensors import SensorModel, look
from locomotion.backend import Pose
from locomotion.terrain import TerrainMap
from locomotion.world import HedgeParams, ObstacleParams, Point, World

__all__ = ["INTRUDER_HEIGHT", "PAYLOAD_HEIGHT", "SIGHT_RESOLUTION", "SightRaster", "WorldSim"]

INTRUDER_HEIGHT = 1.7
"""Height (m) of an intruder as a target (as :meth:`Scenario.targets_at` has it)."""

PAYLOAD_HEIGHT = 0.3
"""Height (m) of a payload as a target."""

SIGHT_RESOLUTION = 0.25
"""Cell size (m) of the line-of-sight raster (the detector samples sight lines every 0.25 m)."""


class SightRaster:
    """Ground height and line-of-sight height of a world on a grid, for fast scalar look-ups.

    Built once per run from the :class:`~locomotion.terrain.TerrainMap` (vectorised), so the
    detector's many point queries are plain array indexing.

    Args:
        terrain: the run's terrain map (its world gives the bounds and the obstacles).
        resolution: cell size (m).
    """

    def __init__(self, terrain: TerrainMap, resolution: float = SIGHT_RESOLUTION) -> None:
        world = terrain.world
        b = world.bounds
        self.terrain = terrain
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
        """Ground height (m) of the cell holding (x, y); clamped to the world's bounds."""
        i, j = self._cell(x, y)
        return float(self._ground_list[i][j])

    def sight_height(self, x: float, y: float) -> float:
        """Top (m) of whatever stands in the cell holding (x, y): ground plus obstacle or hedge."""
        i, j = self._cell(x, y)
        return float(self._top_list[i][j])


class WorldSim:
    """Scenario, detector and sight raster of one run (see the module docstring).

    Args:
        terrain: the run's terrain map; its world is the world of the run.
        scenario: the drawn scenario (:meth:`draw` draws it from the run's seeds).
        detection_rng: the detector's generator.
    """

    def __init__(
        self, terrain: TerrainMap, scenario: Scenario, detection_rng: np.random.Generator
    ) -> None:
        self._terrain = terrain
        self._sight = SightRaster(terrain)
        self._scenario = scenario
        self._rng = detection_rng
        self._found: dict[str, Target] = {}
        self._sightings: list[Sighting] = []

    @classmethod
    def draw(
        cls, terrain: TerrainMap, seeds: RunSeeds, config: ScenarioConfig | None = None
    ) -> WorldSim:
        """The world sim of a run: scenario and detector each seeded from its own child seed.

        Args:
            terrain: the run's terrain map.
            seeds: the run's seeds.
            config: how much the seed may move victims and intruders (default: ScenarioConfig()).

        Returns:
            A world sim with nothing found yet.
        """
        scenario = draw_scenario(terrain.world, seeds.scenario, config or ScenarioConfig())
        return cls(terrain, scenario, seeds.rng("detection"))

    # ------------------------------------------------------------------ reads
    @property
    def world(self) -> World:
        return self._terrain.world

    @property
    def terrain(self) -> TerrainMap:
        """The run's one terrain map (shared with the backend and its planner)."""
        return self._terrain

    @property
    def sight(self) -> SightRaster:
        return self._sight

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def found(self) -> Mapping[str, Target]:
        """Every target detected so far, by name (read-only)."""
        return MappingProxyType(self._found)

    @property
    def sightings(self) -> tuple[Sighting, ...]:
        """Every detection so far, in the order found (one per entity: what, where, how sure)."""
        return tuple(self._sightings)

    def payload_at(self, name: str) -> Point | None:
        """Where payload ``name`` lies (None: carried, or no such payload)."""
        return self._scenario.payloads.get(name)

    def payload_mass(self, name: str) -> float:
        """Mass (kg) of payload ``name`` (0 for an unknown one)."""
        return self._scenario.payload_mass.get(name, 0.0)

    # ------------------------------------------------------------------ changes
    def place_payload(self, name: str, position: Point | None) -> None:
        """Payload ``name`` now lies at ``position`` (None: the robot carries it)."""
        self._scenario = self._scenario.with_payload_at(name, position)

    def sense(self, pose: Pose, time: float, sensor: SensorModel, dt: float) -> list[Target]:
        """Run the detector for one step of ``dt`` s from ``pose`` at run time ``time``.

        Args:
            pose: the robot's pose (the sensor sits ``sensor.mount_height`` above the ground).
            time: seconds since the run started (where the intruders are).
            sensor: the active sensor.
            dt: the step length (s); the detection probability scales with it.

        Returns:
            The targets found in this step (each target is found once per run).
        """
        near = self._near(pose.x, pose.y, sensor.range, time)
        if not near:
            return []
        sight = self._sight
        eye = (pose.x, pose.y, sight.ground_height(pose.x, pose.y) + sensor.mount_height)
        seen = look(
            sensor, eye, pose.yaw, near, sight.ground_height, sight.sight_height, dt, self._rng
        )
        for item in seen:
            target = item.target
            self._found[target.name] = target
            x, y = target.position
            self._sightings.append(
                Sighting(target.kind, target.name, x, y, item.distance, item.confidence, time)
            )
        return [item.target for item in seen]

    def _near(self, x: float, y: float, reach: float, time: float) -> list[Target]:
        """Targets not yet found within the square of half-side ``reach`` around (x, y)."""
        found, scenario = self._found, self._scenario
        # the square test written out: a closure call per target cost more than the test, and
        # this runs every step
        near = [t for t in scenario.victims if t.name not in found
                and abs(t.position[0] - x) <= reach and abs(t.position[1] - y) <= reach]
        for intruder, phase in zip(scenario.intruders, scenario.intruder_phase):
            if intruder.name in found:
                continue
            where = intruder_position(intruder, time, phase)
            if abs(where[0] - x) <= reach and abs(where[1] - y) <= reach:
                near.append(Target("intruder", intruder.name, where, INTRUDER_HEIGHT))
        for name, where in scenario.payloads.items():
            if name not in found and abs(where[0] - x) <= reach and abs(where[1] - y) <= reach:
                near.append(Target("payload", name, where, PAYLOAD_HEIGHT))
        return near
