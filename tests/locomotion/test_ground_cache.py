"""A campaign's runs share the planner and surface rasters of their ground shape through a
GroundCache; a warm reset must build exactly what a cold one builds, and a run with a warm cache
must be the run it is without one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from dsl.api import load_world
from locomotion.ground_cache import GroundCache, ground_key
from locomotion.planner import Planner
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.world import MudParams, World

ROOT = Path(__file__).resolve().parents[2]


def _park() -> World:
    return load_world(ROOT / "missions" / "worlds" / "industrial_park.world")


def _drawn(world: World, scale: float, softness: float | None = None) -> World:
    """``world`` as a campaign draw leaves it: friction scaled, maybe the mud's softness."""
    regions = []
    for r in world.regions:
        p = r.params
        changes = {}
        if hasattr(p, "friction"):
            changes["friction"] = p.friction * scale
        if softness is not None and isinstance(p, MudParams):
            changes["softness"] = softness
        regions.append(dataclasses.replace(r, params=dataclasses.replace(p, **changes)))
    return dataclasses.replace(world, regions=tuple(regions))


def test_a_warm_surface_equals_a_cold_one() -> None:
    cache = GroundCache()
    world = _park()
    cache.surface(TerrainMap(_drawn(world, 0.8), seed=1))
    terrain = TerrainMap(_drawn(world, 0.6, softness=0.9), seed=7)
    warm = cache.surface(terrain)
    cold = SurfaceGrid.from_map(terrain)
    assert cache.hits == 1
    for field in dataclasses.fields(SurfaceGrid):
        a, b = getattr(warm.s, field.name), getattr(cold, field.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b, field.name
    assert not warm.s.base.flags.writeable  # shared: a run cannot write into another's raster


def test_a_warm_planner_plans_as_a_cold_one() -> None:
    cache = GroundCache()
    world = _park()
    first = cache.planner(TerrainMap(_drawn(world, 0.8), seed=1), 0.25, 0.12, 0.2)
    first.plan((17.0, 4.0), (24.0, 16.0))
    terrain = TerrainMap(_drawn(world, 0.5), seed=9)
    warm = cache.planner(terrain, 0.25, 0.12, 0.2)
    cold = Planner(terrain, 0.25, 0.12, 0.2)
    assert cache.hits == 1 and warm.terrain is terrain
    for start, goal in [((17.0, 4.0), (24.0, 16.0)), ((24.0, 16.0), (3.0, 19.7)),
                        ((3.0, 19.7), (10.5, 16.0)), ((10.5, 9.0), (40.0, 4.0))]:
        assert warm.plan(start, goal) == cold.plan(start, goal)


def test_the_key_tells_shapes_and_costs_apart() -> None:
    world = _park()
    assert ground_key(_drawn(world, 0.5)) == ground_key(_drawn(world, 0.9, softness=0.1))
    moved = dataclasses.replace(world, regions=world.regions[1:])
    assert ground_key(moved) != ground_key(world)
    cache = GroundCache()
    cache.planner(TerrainMap(world), 0.25, 0.12, 0.2)
    softer = cache.planner(TerrainMap(_drawn(world, 1.0, softness=0.95)), 0.25, 0.12, 0.2)
    assert cache.misses == 2 and cache.hits == 0  # softness prices mud: another planner
    cold = Planner(softer.terrain, 0.25, 0.12, 0.2)
    assert softer.plan((10.5, 9.0), (10.5, 19.7)) == cold.plan((10.5, 9.0), (10.5, 19.7))


def test_it_keeps_at_most_its_limit() -> None:
    cache = GroundCache(limit=1)
    world = _park()
    cache.surface(TerrainMap(world))
    cache.surface(TerrainMap(dataclasses.replace(world, regions=world.regions[1:])))
    cache.surface(TerrainMap(world))
    assert cache.misses == 3 and len(cache._surfaces) == 1
