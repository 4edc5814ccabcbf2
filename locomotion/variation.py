"""What a run's seed varies in the physics: start pose, ground friction and softness, mass, payload.

Without this a seed changed nothing on smooth ground in pybullet (three seeds gave the same
trajectory to the millimetre), so "N of N over seeds" was one run repeated. Each backend draws one
:class:`Variation` at ``reset`` from its seed (the run's ``backend`` seed child) with
:func:`draw_variation`, so the pybullet backend and the kinematic twin reset with one seed draw the
same values and both replay exactly for that seed; a ``None`` seed draws nothing (nominal physics).

The declared tolerances (:data:`DEFAULT_TOLERANCES`, all in one place) and what they rest on:

* **ground friction** ×U[0.8, 1.2] per region and for the open ground. Domain randomisation for
  legged robots draws the ground friction coefficient from [0.5, 1.25] (Tan et al. 2018,
  "Sim-to-Real: Learning Agile Locomotion For Quadruped Robots", Table I; legged_gym's default
  ``domain_rand.friction_range`` = [0.5, 1.25], Rudin et al. 2021). Our regions carry a calibrated
  coefficient rather than an unknown one, so we draw ±20 % around it, inside that range for the
  default 0.9 ground.
* **mud softness** ×U[0.8, 1.2] per mud region (clipped to [0, 1]): the same ±20 % for the one
  contact parameter our scene varies per region (pybullet's contact stiffness follows it).
* **added mass** U[-1, 1] kg on the trunk, unknown to the controller: legged_gym's default
  ``domain_rand.added_mass_range`` = [-1, 1] kg on the base (Rudin et al. 2021).
* **payload mass** ×U[0.95, 1.05] of the declared mass: our choice, a mass read off a label.
* **start pose** U[-0.1, 0.1] m in x and y and U[-5, 5]° in heading: our choice, how precisely an
  operator puts a robot down on its start mark (legged_gym spreads its start positions far wider,
  over a terrain tile, which is a training curriculum, not a placement error).

* **sensor noise** ×U[0.5, 1.5] on the senses' noise level (the scan's 5 mm height noise, the
  return intensity's spread, the proprioceptive figures' noise): our choice, the unit-to-unit and
  weather spread of a lidar's range noise around its data sheet's figure. Each sample's noise is
  still drawn from the backend's own stream of the same seed; this sets how loud it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np

from locomotion.backend import Pose
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.world import MudParams, TerrainKind, World

__all__ = [
    "DEFAULT_TOLERANCES",
    "NOMINAL",
    "Tolerances",
    "Variation",
    "Varied",
    "draw_variation",
    "drawn_physics",
    "jittered_start",
    "region_raster",
    "terrain_blocked",
    "varied_surface",
    "varied_world",
    "with_sensor_noise",
]

_STREAM = 0x5641_5259  # "VARY": the spawn key that keeps these draws off the backend's noise stream


@dataclass(frozen=True)
class Tolerances:
    """The spread of each varied quantity (see the module docstring for where each comes from).

    Scales are (low, high) factors on the nominal value; ``added_mass`` is (low, high) kg;
    ``start_xy`` (m) and ``start_yaw`` (degrees) are half-widths of uniform draws.
    """

    friction: tuple[float, float] = (0.8, 1.2)
    softness: tuple[float, float] = (0.8, 1.2)
    added_mass: tuple[float, float] = (-1.0, 1.0)
    payload: tuple[float, float] = (0.95, 1.05)
    start_xy: float = 0.1
    start_yaw: float = 5.0
    sensor_noise: tuple[float, float] = (0.5, 1.5)


DEFAULT_TOLERANCES = Tolerances()
NOMINAL = Tolerances((1.0, 1.0), (1.0, 1.0), (0.0, 0.0), (1.0, 1.0), 0.0, 0.0, (1.0, 1.0))
"""No variation at all (calibration sweeps, tests of the nominal physics)."""


@dataclass(frozen=True)
class Variation:
    """The values drawn for one run (factors are 1 and offsets 0 when nothing is varied).

    ``friction`` and ``softness`` hold one factor per world region, in the world's order
    (softness is 1 for regions that are not mud); ``ground_friction`` is the open ground's.
    """

    start_dx: float = 0.0
    start_dy: float = 0.0
    start_dyaw: float = 0.0
    ground_friction: float = 1.0
    friction: tuple[float, ...] = ()
    softness: tuple[float, ...] = ()
    added_mass: float = 0.0
    payload_scale: float = 1.0
    sensor_noise: float = 1.0
    """The factor on the senses' nominal noise level (``locomotion.sensing``)."""

    def carried(self, payload: float) -> float:
        """The mass (kg) the trunk really carries beyond its own for a declared ``payload``."""
        return self.added_mass + payload * self.payload_scale

    def to_json(self, world: World | None = None) -> dict[str, float]:
        """Flat plain data for the run header; regions are named when ``world`` is given."""
        data = {
            "start_dx_m": self.start_dx, "start_dy_m": self.start_dy,
            "start_dyaw_deg": math.degrees(self.start_dyaw),
            "added_mass_kg": self.added_mass, "payload_scale": self.payload_scale,
            "friction_scale.ground": self.ground_friction,
            "sensor_noise_scale": self.sensor_noise,
        }
        names = [r.name for r in world.regions] if world is not None else []
        for i, (f, s) in enumerate(zip(self.friction, self.softness)):
            name = names[i] if i < len(names) else str(i)
            if world is None or hasattr(world.regions[i].params, "friction"):
                data[f"friction_scale.{name}"] = f
            if world is not None and world.regions[i].kind is TerrainKind.MUD:
                data[f"softness_scale.{name}"] = s
        return {k: round(float(v), 6) for k, v in data.items()}


def draw_variation(world: World, seed: int | None,
                   tolerances: Tolerances = DEFAULT_TOLERANCES) -> Variation:
    """Draw one run's variation from ``seed`` (None: the nominal physics, nothing drawn).

    The draws come in a fixed order from a stream of their own (the backend's sensor noise,
    seeded with the same integer, is not shifted by them).

    Args:
        world: the site (its regions get one friction and one softness factor each).
        seed: the backend's seed as ``reset`` received it.
        tolerances: the spreads.

    Returns:
        The drawn values.
    """
    if seed is None:
        return Variation(friction=(1.0,) * len(world.regions),
                         softness=(1.0,) * len(world.regions))
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(_STREAM,)))
    t = tolerances
    dx, dy = (float(v) for v in rng.uniform(-t.start_xy, t.start_xy, 2))
    dyaw = math.radians(float(rng.uniform(-t.start_yaw, t.start_yaw)))
    added = float(rng.uniform(*t.added_mass))
    payload = float(rng.uniform(*t.payload))
    ground = float(rng.uniform(*t.friction))
    n = len(world.regions)
    friction = tuple(float(v) for v in rng.uniform(*t.friction, n))
    softness = tuple(float(v) if r.kind is TerrainKind.MUD else 1.0
                     for r, v in zip(world.regions, rng.uniform(*t.softness, n)))
    noise = float(rng.uniform(*t.sensor_noise))  # drawn last: the draws above keep their values
    return Variation(dx, dy, dyaw, ground, friction, softness, added, payload, noise)


def with_sensor_noise(tolerances: Tolerances, scale: float) -> Tolerances:
    """``tolerances`` with the sensor noise fixed at ``scale`` (a campaign's drawn value).

    The draw is still made (from a zero-width range), so every other value a seed draws stays.

    Raises:
        ValueError: ``scale`` is negative or not finite.
    """
    if not math.isfinite(scale) or scale < 0:
        raise ValueError(f"sensor noise scale must be a finite number >= 0, got {scale!r}")
    return replace(tolerances, sensor_noise=(float(scale), float(scale)))


def varied_world(world: World, variation: Variation) -> World:
    """``world`` with each region's friction and mud softness scaled as ``variation`` says.

    What the physics scene is built from; the terrain map (heights, kinds) stays the run's own.
    """
    regions = []
    for region, f, s in zip(world.regions, variation.friction, variation.softness):
        params = region.params
        changes: dict[str, float] = {}
        if hasattr(params, "friction"):
            changes["friction"] = float(params.friction) * f
        if isinstance(params, MudParams):
            changes["softness"] = min(max(params.softness * s, 0.0), 1.0)
        regions.append(replace(region, params=replace(params, **changes)) if changes else region)
    return replace(world, regions=tuple(regions))


def region_raster(terrain: TerrainMap, grid: SurfaceGrid) -> np.ndarray:
    """The index of the region owning each sample of ``grid`` (-1: open ground), as int32.

    A grid built from ``terrain`` (``SurfaceGrid.from_map``) already holds it; others are
    rasterised here.
    """
    if grid.region is not None and grid.region.shape == grid.height.shape:
        return grid.region.astype(np.int32)
    h, w = grid.height.shape
    gx, gy = np.meshgrid(grid.x0 + np.arange(w) * grid.resolution,
                         grid.y0 + np.arange(h) * grid.resolution)
    return terrain.region_index(gx, gy).astype(np.int32)


def varied_surface(grid: SurfaceGrid, regions: np.ndarray, variation: Variation) -> SurfaceGrid:
    """``grid`` with friction and softness scaled per region (``regions``: :func:`region_raster`).

    A new grid: the one given (shared by every reset on its map) is left as it is, and returned
    as it is when nothing is scaled.
    """
    if variation.ground_friction == 1.0 and all(v == 1.0 for v in variation.friction) and all(
            v == 1.0 for v in variation.softness):
        return grid
    friction = np.array([*variation.friction, variation.ground_friction])
    softness = np.array([*variation.softness, 1.0])
    return replace(grid, friction=grid.friction * friction[regions],
                   softness=np.clip(grid.softness * softness[regions], 0.0, 1.0))


def terrain_blocked(terrain: TerrainMap) -> Callable[[float, float], bool]:
    """Where a robot cannot be put down on ``terrain``: water, an obstacle, outside the world."""
    def blocked(x: float, y: float) -> bool:
        return terrain.kind_at(x, y) in (TerrainKind.WATER, TerrainKind.OBSTACLE)
    return blocked


def jittered_start(start: Pose, variation: Variation,
                   blocked: Callable[[float, float], bool]) -> Pose:
    """``start`` moved by the drawn offsets; where ``blocked(x, y)`` (water, a wall, outside the
    world) it keeps its declared position and only turns."""
    x, y = start.x + variation.start_dx, start.y + variation.start_dy
    if blocked(x, y):
        return replace(start, yaw=start.yaw + variation.start_dyaw)
    return replace(start, x=x, y=y, yaw=start.yaw + variation.start_dyaw)


@runtime_checkable
class Varied(Protocol):
    """A backend that draws a :class:`Variation` at ``reset`` (both of ours do)."""

    @property
    def variation(self) -> Variation | None:
        """The values drawn at the last reset (None before the first)."""
        ...

    @property
    def terrain_map(self) -> object:
        """The terrain map of the last reset."""
        ...


def drawn_physics(backend: object) -> dict[str, float]:
    """What ``backend`` drew at its last reset, as the run header records it ({} if nothing)."""
    if not isinstance(backend, Varied) or backend.variation is None:
        return {}
    terrain = backend.terrain_map
    world = getattr(terrain, "world", None)
    return backend.variation.to_json(world if isinstance(world, World) else None)
