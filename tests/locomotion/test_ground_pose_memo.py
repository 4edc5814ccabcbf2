"""FastSurface.ground_pose's shortcuts (the last answer kept, no clamping inside the raster)
give, bit for bit, what the clamped arithmetic on every call gives."""

from __future__ import annotations

import math

import numpy as np

from locomotion.kinematic_scalar import _HALF_LENGTH, _HALF_WIDTH, FastSurface
from locomotion.terrain import SurfaceGrid, TerrainMap
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
