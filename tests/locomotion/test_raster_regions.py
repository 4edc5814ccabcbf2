"""The reset's rasters test each region only on its bounding box and read level ground off an
elevation table; they must equal the per-point queries as they were, sample for sample."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.terrain_raster import raster_regions
from locomotion.world import (
    Circle,
    FlatParams,
    GravelParams,
    Polygon,
    Rect,
    RubbleParams,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

BOUNDS = Rect(-1.3, 0.7, 9.1, 6.4)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    regions = []
    coord = st.floats(-2, 10)
    for i in range(draw(st.integers(0, 7))):
        x0, y0 = draw(coord), draw(coord)
        shape = draw(st.sampled_from(["rect", "circle", "polygon"]))
        if shape == "rect":
            geometry = Rect(x0, y0, x0 + draw(st.floats(0.05, 5)), y0 + draw(st.floats(0.05, 5)))
        elif shape == "circle":
            geometry = Circle((x0, y0), draw(st.floats(0.05, 3)))
        else:
            corners = draw(st.integers(3, 6))
            geometry = Polygon(tuple((draw(coord), draw(coord)) for _ in range(corners)))
        kind = draw(st.sampled_from(["flat", "stairs", "slope", "gravel", "rubble"]))
        elevation = draw(st.sampled_from([0.0, 0.3, -0.2, 1.0]))
        params, tkind = {
            "flat": (FlatParams(), TerrainKind.FLAT),
            "stairs": (StairsParams(heading=draw(st.floats(0, 359))), TerrainKind.STAIRS),
            "slope": (SlopeParams(angle=draw(st.floats(1, 25)), heading=draw(st.floats(0, 359))),
                      TerrainKind.SLOPE),
            "gravel": (GravelParams(roughness=0.03), TerrainKind.GRAVEL),
            "rubble": (RubbleParams(), TerrainKind.RUBBLE),
        }[kind]
        regions.append(TerrainRegion(f"r{i}", tkind, geometry, params, elevation=elevation))
    return World("random", BOUNDS, tuple(regions))


def _reference_height(terrain: TerrainMap, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray,
                      roughness: bool) -> np.ndarray:
    """``TerrainMap.height_of`` as it was: every present region computed on its samples."""
    z = np.zeros(xa.shape)
    present = np.bincount(idx.ravel() + 1, minlength=len(terrain.world.regions) + 1)[1:]
    for i in np.flatnonzero(present):
        m = idx == i
        z[m] = terrain._region_height(int(i), xa[m], ya[m], roughness)
    return z


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # degenerate polygons
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.floats(0.03, 0.4), st.integers(0, 50))
def test_rasters_equal_the_per_point_queries(world: World, step: float, seed: int) -> None:
    terrain = TerrainMap(world, seed=seed)
    xs = BOUNDS.x_min + np.arange(int(10.4 / step) + 1) * step
    ys = BOUNDS.y_min + 0.5 * step + np.arange(int(5.7 / step)) * step
    gx, gy, idx = raster_regions(world.regions, xs, ys)
    mx, my = np.meshgrid(xs, ys)
    assert np.array_equal(gx, mx) and np.array_equal(gy, my)
    assert np.array_equal(idx, terrain.region_index(mx, my))
    for rough in (True, False):
        assert np.array_equal(terrain.height_of(idx, gx, gy, rough),
                              _reference_height(terrain, idx, gx, gy, rough))
    base = terrain.height_of(idx, gx, gy, False)
    assert np.array_equal(terrain.textured_height(base, idx, gx, gy),
                          _reference_height(terrain, idx, gx, gy, True))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.integers(0, 50))
def test_surface_grid_equals_the_per_point_queries(world: World, seed: int) -> None:
    terrain = TerrainMap(world, seed=seed)
    grid = SurfaceGrid.from_map(terrain, resolution=0.1)
    h, w = grid.height.shape
    gx, gy = np.meshgrid(grid.x0 + np.arange(w) * grid.resolution,
                         grid.y0 + np.arange(h) * grid.resolution)
    idx = terrain.region_index(gx, gy)
    assert np.array_equal(grid.region, idx)
    assert np.array_equal(grid.height, _reference_height(terrain, idx, gx, gy, True))
    assert np.array_equal(grid.base, _reference_height(terrain, idx, gx, gy, False))
    assert np.array_equal(grid.kind, terrain.kind(gx, gy))


def test_one_point_queries_stay_zero_dimensional() -> None:
    world = World("w", BOUNDS, (TerrainRegion("s", TerrainKind.STAIRS, Rect(0, 1, 3, 4),
                                              StairsParams(heading=90.0)),))
    terrain = TerrainMap(world)
    assert terrain.height(1.0, 2.0).shape == ()
    assert float(terrain.height(1.0, 2.0)) > 0.0
