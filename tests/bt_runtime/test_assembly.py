"""build_context: one terrain map per run shared by the backend, its planner and line of sight."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bt_runtime.assembly import build_context
from bt_runtime.scenario import draw_scenario
from bt_runtime.seeds import RunSeeds
from locomotion.backend import Pose, RobotState
from locomotion.backends import make_backend
from locomotion.terrain import TerrainMap
from locomotion.world import GravelParams, Rect, TerrainKind, TerrainRegion, Victim, World

GRAVEL = World(
    "gravel yard",
    Rect(0, 0, 8, 4),
    regions=(TerrainRegion("g", TerrainKind.GRAVEL, Rect(3, 1, 6, 3), GravelParams()),),
    victims=(Victim("v", (7.0, 3.0)),),
)
ON_GRAVEL = (np.linspace(3.1, 5.9, 50), np.full(50, 2.0))


class Recording:
    """The kinematic twin, remembering what ``reset`` was given."""

    def __init__(self) -> None:
        self.inner = make_backend("kinematic")
        self.resets: list[tuple[int | None, TerrainMap | None]] = []

    def reset(
        self, world: World, start: Pose, seed: int | None = None, terrain: TerrainMap | None = None
    ) -> RobotState:
        self.resets.append((seed, terrain))
        return self.inner.reset(world, start, seed, terrain=terrain)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_start_resets_the_backend_with_its_seed_and_the_run_map() -> None:
    backend = Recording()
    ctx = build_context(backend, GRAVEL, seed=4)  # type: ignore[arg-type]
    ctx.start(Pose(1.0, 2.0))
    [(seed, terrain)] = backend.resets
    assert seed == RunSeeds.derive(4).backend_seed
    assert terrain is ctx.world_sim.terrain is ctx.world_sim.sight.terrain
    assert ctx.backend.terrain_map is terrain


def test_the_sight_raster_stands_on_the_run_map() -> None:
    ctx = build_context(make_backend("kinematic"), GRAVEL, seed=4)
    sight, terrain = ctx.world_sim.sight, ctx.world_sim.terrain
    xs = sight.x0 + np.arange(sight.nx) * sight.res
    ys = sight.y0 + np.arange(sight.ny) * sight.res
    gx, gy = np.meshgrid(xs, ys)
    assert np.array_equal(sight.ground, terrain.height(gx, gy))
    assert float(np.std(terrain.height(*ON_GRAVEL))) > 0.005  # textured, not the mean surface
    assert terrain.seed == RunSeeds.derive(4).terrain_seed


def test_terrain_texture_follows_the_run_seed() -> None:
    def heights(seed: int) -> np.ndarray:
        return build_context(make_backend("kinematic"), GRAVEL, seed=seed).world_sim.terrain.height(
            *ON_GRAVEL
        )

    assert np.array_equal(heights(4), heights(4))
    assert not np.allclose(heights(4), heights(5))


def test_the_scenario_is_drawn_from_its_own_seed() -> None:
    ctx = build_context(make_backend("kinematic"), GRAVEL, seed=4)
    expected = draw_scenario(GRAVEL, RunSeeds.derive(4).scenario)
    assert ctx.world_sim.scenario == expected
    assert ctx.seeds.run == 4


def test_twin_and_pybullet_walk_on_the_same_stones_for_a_seed() -> None:
    pytest.importorskip("pybullet")
    twin = build_context(make_backend("kinematic"), GRAVEL, seed=9)
    physics = build_context(make_backend("pybullet"), GRAVEL, seed=9)
    try:
        twin.start(Pose(1.0, 2.0))
        physics.start(Pose(1.0, 2.0))
        twin_map, physics_map = twin.backend.terrain_map, physics.backend.terrain_map
        assert twin_map is not None and physics_map is not None
        expected = twin_map.height(*ON_GRAVEL)
        assert np.array_equal(physics_map.height(*ON_GRAVEL), expected)
        assert np.array_equal(physics.world_sim.sight.ground, twin.world_sim.sight.ground)
        scene = physics.backend._sim.scene  # type: ignore[attr-defined]  # the built heightfield
        built = scene.heights_at(np.stack(ON_GRAVEL, axis=1))
        assert float(np.mean(np.abs(built - expected))) < 0.006
    finally:
        physics.backend.close()
        twin.backend.close()
