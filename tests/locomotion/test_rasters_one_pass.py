"""The rasters a run builds at reset read every field off one point-in-region pass; they must be
exactly what the per-point queries give (the pass was one per field, ~6x the cost of setup)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dsl.api import load_world
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.variation import region_raster
from locomotion.world import World

WORLDS = ("collapsed_site", "industrial_park", "warehouse_yard")


ROOT = Path(__file__).resolve().parents[2]


def _world(name: str) -> World:
    return load_world(ROOT / "missions" / "worlds" / f"{name}.world")


@pytest.mark.parametrize("name", WORLDS)
def test_surface_fields_equal_the_per_point_queries(name: str) -> None:
    terrain = TerrainMap(_world(name), seed=5)
    grid = SurfaceGrid.from_map(terrain)
    h, w = grid.height.shape
    gx, gy = np.meshgrid(grid.x0 + np.arange(w) * grid.resolution,
                         grid.y0 + np.arange(h) * grid.resolution)
    assert np.array_equal(grid.height, terrain.height(gx, gy))
    assert np.array_equal(grid.base, terrain.height(gx, gy, roughness=False))
    assert np.array_equal(grid.kind, terrain.kind(gx, gy))
    assert np.array_equal(grid.friction, terrain.friction(gx, gy))
    assert np.array_equal(grid.softness, terrain.softness(gx, gy))
    assert grid.region is not None and np.array_equal(grid.region, terrain.region_index(gx, gy))
    assert np.array_equal(region_raster(terrain, grid),
                          terrain.region_index(gx, gy).astype(np.int32))


@pytest.mark.parametrize("name", WORLDS)
def test_planning_grid_equals_the_per_point_queries(name: str) -> None:
    terrain = TerrainMap(_world(name), seed=5)
    grid = terrain.grid
    h, w = grid.cost.shape
    gx, gy = np.meshgrid(grid.x0 + (np.arange(w) + 0.5) * grid.resolution,
                         grid.y0 + (np.arange(h) + 0.5) * grid.resolution)
    assert np.array_equal(grid.cost, terrain.cost(gx, gy))
    assert np.array_equal(grid.kind, terrain.kind(gx, gy))
