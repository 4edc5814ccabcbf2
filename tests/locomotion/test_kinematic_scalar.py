"""The scalar fast path and the vectorised model are the same equations: same seed, same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from locomotion.course import standard_course
from locomotion.kinematic_model import MODES, ModelTables, apply_push, initial_state, transition
from locomotion.kinematic_scalar import (
    FastSurface,
    FastTables,
    apply_push_one,
    initial_one,
    transition_one,
)
from locomotion.params import load_calibration
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.world import (
    FlatParams,
    MudParams,
    ObstacleParams,
    Rect,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

FIELDS = ("x", "y", "z", "yaw", "pitch", "roll", "vx", "vy", "wz", "push_vx", "push_vy",
          "energy_wh", "distance", "slip", "fallen", "getup_left", "stall_left", "kind")


def _compare(world: World, cmd: tuple[float, float, float], mode: str, steps: int,
             pushes: dict[int, float], start: tuple[float, float] = (0.5, 0.0),
             varied: bool = False, seed: int = 3) -> None:
    tables = ModelTables.from_params(load_calibration(), varied=varied)
    grid = SurfaceGrid.from_map(TerrainMap(world))
    fs, ft = FastSurface(grid), FastTables(tables)
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    batch = initial_state(grid, np.array([start[0]]), np.array([start[1]]), np.array([0.0]))
    one = initial_one(fs, start[0], start[1], 0.0)
    m = MODES.index(mode)
    for i in range(steps):
        if i in pushes:
            batch = apply_push(batch, np.array([pushes[i]]), np.array([1.0]), np.array([m]),
                               np.array([12.0]), grid, tables, rng_a)
            one = apply_push_one(one, pushes[i], 1.0, m, 12.0, fs, ft, rng_b)
        batch = transition(batch, np.array([cmd]), np.array([m]), np.array([12.0]), grid, tables,
                           0.05, rng_a)
        one = transition_one(one, cmd, m, 12.0, fs, ft, 0.05, rng_b)
        for f in FIELDS:
            a, b = getattr(batch, f)[0], getattr(one, f)
            assert a == pytest.approx(b, abs=1e-9), f"step {i}: {f} {a} != {b}"


def test_same_numbers_along_the_course_with_pushes() -> None:
    _compare(standard_course().world, (0.6, 0.05, 0.1), "trot", 400, {50: 10.0, 200: 40.0})


def test_same_numbers_in_deep_mud() -> None:
    mud = World("mud", Rect(0, -3, 30, 3), (
        TerrainRegion("m", TerrainKind.MUD, Rect(1, -3, 30, 3), MudParams(softness=0.95)),))
    _compare(mud, (0.3, 0.0, 0.0), "crawl", 400, {}, start=(2.0, 0.0))


def test_modes_cover_gaits_and_rest() -> None:
    assert MODES == ("trot", "crawl", "stairs", "stand", "sit")
    assert math.isfinite(ModelTables.from_params(load_calibration()).fall_threshold.sum())


@pytest.mark.parametrize("cmd", [(0.0, 0.0, 0.8), (0.0, 0.25, 0.0), (0.3, 0.1, 0.6)])
def test_same_numbers_turning_and_side_stepping_beside_a_wall(
        cmd: tuple[float, float, float]) -> None:
    # the body's rim against the wall: refused turns, stopped side-steps, slides along it
    wall = World("wall", Rect(-2, -2, 6, 4), (
        TerrainRegion("w", TerrainKind.OBSTACLE, Rect(-2, 2.0, 6, 3.0), ObstacleParams()),))
    _compare(wall, cmd, "trot", 120, {}, start=(1.0, 1.84))


@pytest.mark.parametrize("seed", range(6))
def test_same_numbers_walking_down_a_flight_with_its_fall_hazard(seed: int) -> None:
    flight = World("flight", Rect(0, -2, 8, 2), (
        TerrainRegion("top", TerrainKind.FLAT, Rect(0, -2, 2, 2), FlatParams(), 0.6),
        TerrainRegion("f", TerrainKind.STAIRS, Rect(2, -2, 4.4, 2),
                      StairsParams(rise=0.075, tread=0.3, count=8, heading=180.0)),))
    _compare(flight, (0.25, 0.0, 0.0), "stairs", 200, {}, start=(1.0, 0.0), varied=True,
             seed=seed)
