"""The calibration sweep's experiments: the worlds walked and the trials run on a backend.

Each trial drives a backend strictly through the :class:`~locomotion.backend.LocomotionBackend`
protocol and returns raw measurements (a :class:`WalkSample`, a rest power, a push outcome);
:mod:`locomotion.calibrate` runs the sweep, fits the twin's tables from them and writes the file.
Kept apart so the fit and the command line read without the trial mechanics, and the trials can be
run on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from locomotion.backend import LocomotionBackend, Pose, SetGait, Sit, Stand, Velocity
from locomotion.gait import GAITS
from locomotion.terrain import TerrainMap
from locomotion.world import (
    FlatParams,
    GrassParams,
    GravelParams,
    MudParams,
    Rect,
    RubbleParams,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainParams,
    TerrainRegion,
    World,
)

__all__ = [
    "SWEEP_TERRAIN",
    "SweepConfig",
    "WalkSample",
    "push_trial",
    "rest_power",
    "sideways",
    "stairs_down_world",
    "sweep_world",
    "sweep_worlds",
    "walk_trial",
]

SWEEP_TERRAIN: dict[TerrainKind, TerrainParams] = {
    TerrainKind.FLAT: FlatParams(),
    TerrainKind.SLOPE: SlopeParams(angle=10.0),
    TerrainKind.STAIRS: StairsParams(rise=0.10, tread=0.30, count=15),
    TerrainKind.MUD: MudParams(softness=0.4),
    TerrainKind.GRAVEL: GravelParams(),
    TerrainKind.GRASS: GrassParams(),
    TerrainKind.RUBBLE: RubbleParams(),
}
_START = Pose(0.6, 0.0, 0.0)
_ON_TERRAIN = 1.35
"""The trunk is on the swept ground (which starts at x = 1) once its centre passes this x: the
robot starts on flat ground and walks onto it, as it meets terrain in a mission."""
_REGION_END = 25.0


@dataclass(frozen=True)
class SweepConfig:
    """Sizes of the sweep."""

    speeds: tuple[float, ...]
    seeds: int
    walk_time: float
    impulses: tuple[float, ...]
    push_seeds: int
    dt: float

    @classmethod
    def make(cls, quick: bool, dt: float) -> SweepConfig:
        if quick:
            return cls((0.2, 0.5), 1, 4.0, (8.0, 16.0, 24.0, 32.0), 2, dt)
        return cls((0.15, 0.3, 0.5, 0.75, 1.0), 3, 8.0,
                   tuple(float(i) for i in range(4, 49, 4)), 6, dt)


@dataclass(frozen=True)
class WalkSample:
    """One straight walk: commanded and achieved speed, power, slip; ``lateral`` is the root of the
    summed squared sideways displacements (see :func:`sideways`) over ``distance`` metres."""

    kind: TerrainKind
    gait: str
    commanded: float
    achieved: float
    power_w: float
    climb_rate: float
    slip: float
    lateral: float
    distance: float
    fell: bool = False


def sweep_world(kind: TerrainKind) -> World:
    """A 30 m x 6 m corridor, flat up to x = 1, then ``kind`` of ground to x = 25."""
    region = TerrainRegion(kind.value, kind, Rect(1.0, -3.0, _REGION_END, 3.0), SWEEP_TERRAIN[kind])
    return World(f"calibrate_{kind.value}", Rect(-1.0, -3.0, 29.0, 3.0), (region,))


def stairs_down_world() -> World:
    """Stairs walked downwards: a platform at the top (the robot starts on it at x = 0.6), a
    15-step flight descending from x = 1, then flat ground. The course (and any mission) walks
    stairs both ways and the twin has one stairs speed ratio, so the fit pools both directions."""
    top = SWEEP_TERRAIN[TerrainKind.STAIRS]
    assert isinstance(top, StairsParams)
    down = replace(top, heading=180.0)
    end = 1.0 + top.count * top.tread
    platform = TerrainRegion("platform", TerrainKind.FLAT, Rect(-1.0, -3.0, 1.0, 3.0), FlatParams(),
                             top.rise * top.count)
    flight = TerrainRegion("stairs", TerrainKind.STAIRS, Rect(1.0, -3.0, end, 3.0), down)
    return World("calibrate_stairs_down", Rect(-1.0, -3.0, 29.0, 3.0), (flight, platform))


def sweep_worlds(kind: TerrainKind) -> list[World]:
    """The worlds walked for ``kind``: :func:`sweep_world`, plus the way down for stairs."""
    worlds = [sweep_world(kind)]
    if kind is TerrainKind.STAIRS:
        worlds.append(stairs_down_world())
    return worlds


def walk_trial(backend: LocomotionBackend, world: World, gait: str, speed: float, seed: int,
               cfg: SweepConfig) -> WalkSample:
    """Walk straight onto the swept ground of ``world`` and measure the walk on it.

    Args:
        backend: the backend swept (reset here).
        world: a sweep world (its first region is the swept ground).
        gait: the gait forced.
        speed: the commanded forward speed (m/s).
        seed: seeds the backend and the ground's texture.
        cfg: the sweep's sizes (walk time, step).

    Returns:
        The walk's measurements (achieved 0 if the robot never got onto the ground).
    """
    kind = world.regions[0].kind
    end = max(vx for vx, _ in world.regions[0].shape.vertices())  # where the swept ground ends
    # each seed walks its own gravel/rubble texture, as the sweep always has on pybullet
    state = backend.reset(world, _START, seed=seed, terrain=TerrainMap(world, seed=seed))
    backend.command(SetGait(gait))
    backend.command(Velocity(speed))
    t_start = state.time
    limit = t_start + 3.0 + 3.0 * (_ON_TERRAIN - _START.x) / max(speed, 0.05)
    while (state.pose.x < _ON_TERRAIN or state.time < t_start + 1.0) and not state.fallen:
        if state.time > limit:  # never got onto the ground: it cannot walk it
            return WalkSample(kind, gait, speed, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False)
        state = backend.step(cfg.dt)
    t0, x0, z0, e0 = state.time, state.pose.x, state.pose.z, state.energy_used
    slips: list[float] = []
    track = [(state.time, state.pose.x, state.pose.y, state.pose.yaw)]
    fell = state.fallen
    while not fell and state.time < t0 + cfg.walk_time and state.pose.x < end - 1.0:
        state = backend.step(cfg.dt)
        slips.append(state.contacts.slip)
        track.append((state.time, state.pose.x, state.pose.y, state.pose.yaw))
        fell = state.fallen
    span = max(state.time - t0, 1e-9)
    lateral2, dist = sideways(track)
    return WalkSample(kind, gait, speed, (state.pose.x - x0) / span,
                      (state.energy_used - e0) * 3600.0 / span, (state.pose.z - z0) / span,
                      float(np.mean(slips)) if slips else 0.0, math.sqrt(lateral2), dist, fell)


def sideways(track: list[tuple[float, float, float, float]], chunk: float = 1.0
              ) -> tuple[float, float]:
    """Sum of squared sideways displacements over ``chunk``-second pieces, each measured across
    the heading at the piece's start, and the distance walked: their ratio estimates the twin's
    drift (a random walk across the direction of travel, variance ``drift^2`` per metre) without
    counting a slow turn of the heading, which the twin's tracker would correct, as drift."""
    lateral2 = dist = 0.0
    start = 0
    for i in range(1, len(track)):
        if track[i][0] - track[start][0] + 1e-9 < chunk and i < len(track) - 1:
            continue
        _, xa, ya, yaw = track[start]
        _, xb, yb, _ = track[i]
        dx, dy = xb - xa, yb - ya
        lateral2 += (-math.sin(yaw) * dx + math.cos(yaw) * dy) ** 2
        dist += math.hypot(dx, dy)
        start = i
    return lateral2, dist


def rest_power(backend: LocomotionBackend, command: Stand | Sit, cfg: SweepConfig) -> float:
    """Power (W) drawn standing or sitting still on flat ground, over 2 s after 1 s to settle."""
    state = backend.reset(sweep_world(TerrainKind.FLAT), _START, seed=0)
    backend.command(command)
    for _ in range(round(1.0 / cfg.dt)):
        state = backend.step(cfg.dt)
    t0, e0 = state.time, state.energy_used
    while state.time < t0 + 2.0:
        state = backend.step(cfg.dt)
    return (state.energy_used - e0) * 3600.0 / (state.time - t0)


def push_trial(backend: LocomotionBackend, gait: str, impulse: float, seed: int,
                cfg: SweepConfig) -> tuple[bool, float]:
    """Push once; return (fell, seconds until back up, NaN if it did not fall or stay down)."""
    state = backend.reset(sweep_world(TerrainKind.FLAT), _START, seed=seed)
    if gait == "stand":
        backend.command(Stand())
    else:
        backend.command(SetGait(gait))
        backend.command(Velocity(min(0.3, GAITS[gait].speed_cap)))
    for _ in range(round(0.5 / cfg.dt)):
        state = backend.step(cfg.dt)
    direction = float(np.random.default_rng(seed).uniform(-math.pi, math.pi))
    backend.apply_push(impulse, direction)
    fell_at = math.nan
    t_end = state.time + 1.5
    while state.time < t_end:
        state = backend.step(cfg.dt)
        if state.fallen:
            fell_at = state.time
            break
    if math.isnan(fell_at):
        return False, math.nan
    while state.fallen and state.time < fell_at + 20.0:
        state = backend.step(cfg.dt)
    return True, (state.time - fell_at) if not state.fallen else math.nan
