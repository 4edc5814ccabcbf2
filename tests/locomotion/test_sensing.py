"""Sensor models: ray positions, material returns, the twin's synthesised senses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from locomotion.perception import SCAN_POINTS
from locomotion.sensing import material_returns, scan_points_world, synthesise_sensing
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.world import (
    GrassParams,
    MudParams,
    Rect,
    TerrainKind,
    TerrainRegion,
    WaterParams,
    World,
)

WORLD = World("s", Rect(0, 0, 20, 6), (
    TerrainRegion("grass", TerrainKind.GRASS, Rect(5, 0, 10, 6), GrassParams(height=0.2)),
    TerrainRegion("mud", TerrainKind.MUD, Rect(10, 0, 15, 6), MudParams(softness=0.5)),
    TerrainRegion("pond", TerrainKind.WATER, Rect(15, 0, 20, 6), WaterParams()),
))


def test_scan_points_rotate_with_yaw_only() -> None:
    pts = scan_points_world(1.0, 2.0, math.pi / 2)
    assert pts.shape == (48, 2)
    fwd, left = SCAN_POINTS[20]
    assert pts[20] == pytest.approx((1.0 - left, 2.0 + fwd))


def test_material_returns_canopy_water_and_intensity() -> None:
    m = TerrainMap(WORLD)
    rng = np.random.default_rng(0)
    xy = np.array([[2.0, 3.0], [7.0, 3.0], [12.0, 3.0], [17.0, 3.0]] * 50)
    offset, refl = material_returns(m, xy, rng)
    assert np.all(offset[0::4] == 0.0)
    assert np.all((offset[1::4] >= 0.06) & (offset[1::4] <= 0.2))
    assert np.all(np.isnan(offset[3::4]))
    assert refl[0::4].mean() > refl[1::4].mean() > refl[2::4].mean()


def test_synthesised_sensing_is_seeded_and_senses_mud_sinkage() -> None:
    s = SurfaceGrid.from_map(TerrainMap(WORLD))
    a = synthesise_sensing(s, 12.0, 3.0, 0.0, 0.3, 0.05, np.random.default_rng(5))
    b = synthesise_sensing(s, 12.0, 3.0, 0.0, 0.3, 0.05, np.random.default_rng(5))
    assert a == b
    assert a.sinkage == pytest.approx(0.05, abs=0.015)
    dry = synthesise_sensing(s, 2.0, 3.0, 0.0, 0.3, 0.0, np.random.default_rng(5))
    assert dry.sinkage < 0.015 and abs(dry.body_pitch) < 0.05
    assert max(abs(h) for h in dry.heights) < 0.03
