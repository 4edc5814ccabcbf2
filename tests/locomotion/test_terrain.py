"""TerrainMap: heights, kinds, costs and the planning raster."""

from __future__ import annotations

import math

import numpy as np
import pytest

from locomotion.terrain import KIND_INDEX, SurfaceGrid, TerrainMap, region_cost, shape_contains
from locomotion.world import (
    Circle,
    GrassParams,
    GravelParams,
    HedgeParams,
    MudParams,
    ObstacleParams,
    Polygon,
    Rect,
    RubbleParams,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    WaterParams,
    World,
)


def _world(*regions: TerrainRegion) -> World:
    return World("t", Rect(0, 0, 20, 10), tuple(regions))


def test_slope_rises_along_heading_from_lowest_edge() -> None:
    slope = TerrainRegion("s", TerrainKind.SLOPE, Rect(2, 0, 6, 10), SlopeParams(angle=10.0), 0.5)
    m = TerrainMap(_world(slope))
    z = m.height(np.array([1.0, 2.0, 4.0, 6.0]), np.array([5.0, 5.0, 5.0, 5.0]))
    t = math.tan(math.radians(10))
    assert z == pytest.approx([0.0, 0.5, 0.5 + 2 * t, 0.5 + 4 * t])


def test_slope_heading_90_rises_along_y() -> None:
    slope = TerrainRegion("s", TerrainKind.SLOPE, Rect(0, 2, 20, 8),
                          SlopeParams(angle=20.0, heading=90.0))
    m = TerrainMap(_world(slope))
    assert float(m.height(5.0, 5.0)) == pytest.approx(3 * math.tan(math.radians(20)))
    assert float(m.height(5.0, 5.0)) == pytest.approx(float(m.height(15.0, 5.0)))


def test_stairs_step_up_one_rise_per_tread_then_stay_level() -> None:
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(1, 0, 4, 10),
                       StairsParams(rise=0.1, tread=0.3, count=5))
    m = TerrainMap(_world(st))
    xs = np.array([1.1, 1.4, 1.7, 2.0, 2.3, 2.6, 3.5])
    assert m.height(xs, np.full(7, 5.0)) == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5])


def test_descending_stairs_heading_180() -> None:
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(1, 0, 2.5, 10),
                       StairsParams(rise=0.1, tread=0.3, count=5, heading=180.0))
    m = TerrainMap(_world(st))
    assert float(m.height(2.45, 5.0)) == pytest.approx(0.1)
    assert float(m.height(1.05, 5.0)) == pytest.approx(0.5)


def test_roughness_is_seeded_deterministic_and_about_the_right_size() -> None:
    gravel = TerrainRegion("g", TerrainKind.GRAVEL, Rect(0, 0, 20, 10), GravelParams(roughness=0.02))
    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(0, 20, 4000), rng.uniform(0, 10, 4000)
    a = TerrainMap(_world(gravel), seed=3).height(xs, ys)
    b = TerrainMap(_world(gravel), seed=3).height(xs, ys)
    c = TerrainMap(_world(gravel), seed=4).height(xs, ys)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert 0.014 < a.std() < 0.028
    rubble = TerrainRegion("r", TerrainKind.RUBBLE, Rect(0, 0, 20, 10), RubbleParams(roughness=0.06))
    assert TerrainMap(_world(rubble)).height(xs, ys).std() > 2 * a.std()
    assert np.all(TerrainMap(_world(gravel)).height(xs, ys, roughness=False) == 0.0)


def test_later_region_wins_and_kinds_friction_softness() -> None:
    mud = TerrainRegion("m", TerrainKind.MUD, Rect(0, 0, 10, 10), MudParams(softness=0.6))
    pond = TerrainRegion("p", TerrainKind.WATER, Circle((5, 5), 1), WaterParams())
    m = TerrainMap(_world(mud, pond))
    assert m.kind_at(5, 5) is TerrainKind.WATER
    assert m.kind_at(2, 2) is TerrainKind.MUD
    assert m.kind_at(15, 5) is TerrainKind.FLAT
    assert m.kind_at(25, 5) is TerrainKind.OBSTACLE  # outside bounds
    assert float(m.softness(2, 2)) == pytest.approx(0.6)
    assert float(m.friction(2, 2)) == pytest.approx(0.4)
    assert float(m.friction(15, 5)) == pytest.approx(0.9)


def test_costs_order_terrains_and_block_what_cannot_be_crossed() -> None:
    def cost(kind: TerrainKind, params: object) -> float:
        return region_cost(TerrainRegion("r", kind, Rect(0, 0, 1, 1), params))  # type: ignore[arg-type]

    flat = 1.0
    grass = cost(TerrainKind.GRASS, GrassParams())
    gravel = cost(TerrainKind.GRAVEL, GravelParams())
    stairs = cost(TerrainKind.STAIRS, StairsParams())
    assert flat < grass < gravel < stairs
    assert cost(TerrainKind.SLOPE, SlopeParams(angle=5)) < cost(TerrainKind.SLOPE, SlopeParams(angle=20))
    assert cost(TerrainKind.MUD, MudParams(softness=0.2)) < cost(TerrainKind.MUD, MudParams(softness=0.8))
    assert cost(TerrainKind.HEDGE, HedgeParams(density=0.5)) > 5
    for kind, params in [(TerrainKind.WATER, WaterParams()), (TerrainKind.OBSTACLE, ObstacleParams()),
                         (TerrainKind.SLOPE, SlopeParams(angle=40)),
                         (TerrainKind.HEDGE, HedgeParams(density=1.0))]:
        assert cost(kind, params) == math.inf


def test_polygon_contains_vectorised() -> None:
    tri = Polygon(((0, 0), (4, 0), (0, 4)))
    xs, ys = np.array([1.0, 3.0, -1.0]), np.array([1.0, 3.0, 1.0])
    assert shape_contains(tri, xs, ys).tolist() == [True, False, False]
    assert [tri.contains(x, y) for x, y in zip(xs, ys)] == [True, False, False]


def test_grid_covers_bounds_with_stair_axis_and_impassable_cells() -> None:
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(5, 0, 6.5, 10), StairsParams(heading=90.0))
    wall = TerrainRegion("w", TerrainKind.OBSTACLE, Rect(10, 0, 11, 5), ObstacleParams())
    g = TerrainMap(_world(st, wall), resolution=0.25).grid
    assert g.shape == (40, 80)
    r, c = g.cell_of(5.6, 3.0)
    assert g.stair_axis[r, c] == pytest.approx(math.pi / 2)
    assert g.kind[r, c] == KIND_INDEX[TerrainKind.STAIRS]
    r, c = g.cell_of(10.5, 2.0)
    assert math.isinf(g.cost[r, c])
    assert np.isnan(g.stair_axis[g.cell_of(1.0, 1.0)])


def test_surface_grid_matches_map() -> None:
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(5, 0, 6.5, 10), StairsParams())
    grass = TerrainRegion("g", TerrainKind.GRASS, Rect(10, 0, 12, 10), GrassParams(height=0.2))
    m = TerrainMap(_world(st, grass))
    s = SurfaceGrid.from_map(m)
    r, c, inside = s.index(np.array([5.52, 11.0, 30.0]), np.array([5.0, 5.0, 5.0]))
    assert inside.tolist() == [True, True, False]
    assert s.height[r[0], c[0]] == pytest.approx(float(m.height(5.5, 5.0)))
    assert s.top[r[1], c[1]] == pytest.approx(0.2)


def test_bad_resolution_is_refused() -> None:
    with pytest.raises(ValueError, match="resolution"):
        TerrainMap(_world(), resolution=0.0)
