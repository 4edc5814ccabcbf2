"""The twin's scalar shortcuts give, bit for bit, what the plain code gave: ground_pose's (the
last answer kept, no clamping inside the raster) and edge_one's (look-ups written out, offsets
kept per tables)."""

from __future__ import annotations

import math

import numpy as np

from locomotion.kinematic_model import (
    EDGE_CLEAR,
    EDGE_FALL,
    EDGE_REFUSE,
    RASTER_SLACK,
    SLOPE_ALLOW,
    ModelTables,
)
from locomotion.kinematic_scalar import _HALF_LENGTH, _HALF_WIDTH, FastSurface, edge_one
from locomotion.params import load_calibration
from locomotion.sites import bank_site
from locomotion.terrain import KIND_INDEX, SurfaceGrid, TerrainMap
from locomotion.world import (
    MudParams,
    Rect,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

WORLD = World("memo", Rect(0, 0, 12, 6), (
    TerrainRegion("mud", TerrainKind.MUD, Rect(2, 0, 5, 6), MudParams(softness=0.5)),
    TerrainRegion("steps", TerrainKind.STAIRS, Rect(6, 0, 9, 6), StairsParams()),
))


def _reference(fast: FastSurface, x: float, y: float, yaw: float
               ) -> tuple[float, float, float, int, float]:
    """ground_pose as it was: every sample clamped to the raster, nothing remembered."""
    c, s = math.cos(yaw), math.sin(yaw)
    r, q, _ = fast.cell(x, y)
    fx, fy = c * _HALF_LENGTH, s * _HALF_LENGTH
    lx, ly = -s * _HALF_WIDTH, c * _HALF_WIDTH
    hf, hb, hl, hr = fast._edges_clamped(x, y, fx, fy, lx, ly)
    return (fast.s.base.item(r, q), -math.atan2(hf - hb, 2 * _HALF_LENGTH),
            math.atan2(hl - hr, 2 * _HALF_WIDTH), fast.s.kind.item(r, q),
            fast.s.softness.item(r, q))


def _fast() -> FastSurface:
    return FastSurface(SurfaceGrid.from_map(TerrainMap(WORLD)))


def test_inside_and_at_the_border_the_answer_is_the_clamped_one() -> None:
    fast = _fast()
    rng = np.random.default_rng(5)
    xs = np.concatenate([rng.uniform(-0.5, 12.5, 600), rng.choice([0.0, 0.05, 11.95, 12.0], 100)])
    ys = np.concatenate([rng.uniform(-0.5, 6.5, 600), rng.choice([0.0, 0.05, 5.95, 6.0], 100)])
    for x, y, yaw in zip(xs.tolist(), ys.tolist(), rng.uniform(-4, 4, 700).tolist()):
        assert repr(fast.ground_pose(x, y, yaw)) == repr(_reference(fast, x, y, yaw))
        assert fast.softness_at(x, y) == fast.s.softness.item(*fast.cell(x, y)[:2])


def test_the_same_pose_twice_is_answered_from_memory_and_a_new_one_is_not() -> None:
    fast = _fast()
    first = fast.ground_pose(3.0, 2.0, 0.3)
    assert fast.ground_pose(3.0, 2.0, 0.3) is first
    turned = fast.ground_pose(3.0, 2.0, 0.4)
    assert turned is not first
    assert repr(turned) == repr(_reference(fast, 3.0, 2.0, 0.4))
    assert fast.softness_at(3.0, 2.0) == turned[4]
    assert fast.softness_at(7.0, 2.0) == fast.s.softness.item(*fast.cell(7.0, 2.0)[:2])


STAIRS = KIND_INDEX[TerrainKind.STAIRS]


def _climb_reference(surface: FastSurface, ax: float, ay: float, bx: float, by: float,
                     allow: float, t: ModelTables) -> int:
    rise = surface.height(bx, by) - surface.height(ax, ay)
    if rise <= allow:
        return EDGE_CLEAR
    tread = surface.kind_at(ax, ay) == STAIRS and surface.kind_at(bx, by) == STAIRS
    limit = t.max_stair_rise if tread else t.max_step_up
    if rise <= limit:
        return EDGE_CLEAR
    return EDGE_FALL if rise <= (t.max_stair_rise if tread else t.trip_rise_max) else EDGE_REFUSE


def _edge_reference(surface: FastSurface, x: float, y: float, nx: float, ny: float,
                    walk_x: float, walk_y: float, t: ModelTables) -> int:
    """edge_one as it was, verbatim."""
    d = math.hypot(nx - x, ny - y)
    if d <= 1e-9:
        return EDGE_CLEAR
    walk = math.hypot(walk_x, walk_y)
    if walk > 1e-9:
        ux, uy = walk_x / walk, walk_y / walk
    else:
        ux, uy = (nx - x) / d, (ny - y) / d
    h = surface.height
    allow = SLOPE_ALLOW * d + RASTER_SLACK
    reach = max(t.standoff - 0.5 * surface.s.resolution, 0.0)
    fx, fy = ux * reach, uy * reach
    if surface.blocked(nx + fx, ny + fy):
        return EDGE_REFUSE
    ahead = _climb_reference(surface, x + fx, y + fy, nx + fx, ny + fy, allow, t)
    under = _climb_reference(surface, x, y, nx, ny, allow, t)
    if EDGE_REFUSE in (ahead, under):
        return EDGE_REFUSE
    if EDGE_FALL in (ahead, under):
        return EDGE_FALL
    back = t.drop_offset - 0.5 * surface.s.resolution
    bx, by = ux * back, uy * back
    drop = h(x - bx, y - by) - h(nx - bx, ny - by)
    if drop > allow and drop > t.max_step_down:
        return EDGE_FALL
    return EDGE_CLEAR


def test_edge_one_gives_the_plain_verdict_everywhere_borders_included() -> None:
    fast = FastSurface(SurfaceGrid.from_map(TerrainMap(bank_site().world)))
    tables = ModelTables.from_params(load_calibration())
    x_hi, y_hi = fast.x0 + (fast.w - 1) / fast.inv, fast.y0 + (fast.h - 1) / fast.inv
    rng = np.random.default_rng(11)
    n = 3000  # half over the whole raster and past its border, half on the banks and steps
    x = np.concatenate([rng.uniform(fast.x0 - 0.3, x_hi + 0.3, n // 2), rng.uniform(8, 27, n // 2)])
    y = np.concatenate([rng.uniform(fast.y0 - 0.3, y_hi + 0.3, n // 2), rng.uniform(2, 14, n // 2)])
    step = rng.uniform(0.0, 0.12, n)
    heading = rng.uniform(-math.pi, math.pi, n)
    nx, ny = x + step * np.cos(heading), y + step * np.sin(heading)
    wx, wy = np.cos(heading) * (step > 0.04), np.sin(heading) * (step > 0.04)
    got, want = [], []
    for v in zip(x.tolist(), y.tolist(), nx.tolist(), ny.tolist(), wx.tolist(), wy.tolist()):
        got.append(edge_one(fast, *v, tables))
        want.append(_edge_reference(fast, *v, tables))
    assert got == want
    assert len(set(got)) == 3  # the sample meets clear ground, refusals and falls
    assert fast.edge_offsets(tables) == (max(tables.standoff - 0.5 * fast.s.resolution, 0.0),
                                         tables.drop_offset - 0.5 * fast.s.resolution)


def test_body_hits_counts_as_the_plain_rim_walk_borders_included() -> None:
    fast = FastSurface(SurfaceGrid.from_map(TerrainMap(bank_site().world)))
    x_hi, y_hi = fast.x0 + (fast.w - 1) / fast.inv, fast.y0 + (fast.h - 1) / fast.inv
    rng = np.random.default_rng(12)
    xs, ys = rng.uniform(fast.x0 - 0.4, x_hi + 0.4, 2000), rng.uniform(fast.y0 - 0.4, y_hi + 0.4, 2000)
    hits = []
    for x, y, yaw in zip(xs.tolist(), ys.tolist(), rng.uniform(-4, 4, 2000).tolist()):
        r, c, _ = fast.cell(x, y)
        cs, sn = math.cos(yaw), math.sin(yaw)
        want = 0 if not fast.near[r, c] else sum(
            fast.blocked(x + cs * a - sn * b, y + sn * a + cs * b) for a, b in fast.rim)
        hits.append(fast.body_hits(x, y, yaw))
        assert hits[-1] == want
    assert max(hits) > 0 and min(hits) == 0


def test_a_walk_down_the_steps_is_the_same_with_and_without_the_remembered_ground() -> None:
    # transition_one reads the ground where a step starts from the last ground_pose; a surface
    # that forgets it before every step (the look-ups made afresh) must give the same states
    from locomotion.kinematic_scalar import FastTables, initial_one, transition_one

    grid = SurfaceGrid.from_map(TerrainMap(bank_site().world))
    tables = FastTables(ModelTables.from_params(load_calibration()))
    kept, forgetful = FastSurface(grid), FastSurface(grid)
    blank = forgetful._last
    for seed in range(4):
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        a = initial_one(kept, 15.0, 8.0, math.pi)  # on the bank, facing the steps down
        b = initial_one(forgetful, 15.0, 8.0, math.pi)
        kinds = set()
        for _ in range(300):
            forgetful._last = blank
            a = transition_one(a, (0.5, 0.0, 0.02), 2, 12.0, kept, tables, 0.1, rng_a)
            b = transition_one(b, (0.5, 0.0, 0.02), 2, 12.0, forgetful, tables, 0.1, rng_b)
            assert repr(a) == repr(b)
            kinds.add(a.kind)
        assert STAIRS in kinds and a.x < 9.4  # it came down the steps
