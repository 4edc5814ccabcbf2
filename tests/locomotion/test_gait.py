"""Gait table, selection with hysteresis, blending, SetGait override."""

from __future__ import annotations

import pytest

from locomotion.gait import GAITS, GaitSelector, blend, gait_for, terrain_gait
from locomotion.perception import TerrainReading
from locomotion.world import TerrainKind


def _reading(under: TerrainKind, ahead: TerrainKind | None = None, conf: float = 0.9,
             grade: float = 0.0, rise: float = 0.0) -> TerrainReading:
    return TerrainReading(under, ahead or under, conf, grade, rise, 0.0)


def test_terrain_to_gait_table() -> None:
    for kind in (TerrainKind.FLAT, TerrainKind.GRASS, TerrainKind.GRAVEL):
        assert gait_for(kind).name == "trot"
    for kind in (TerrainKind.MUD, TerrainKind.RUBBLE, TerrainKind.SLOPE):
        p = gait_for(kind)
        assert p.name == "crawl" and p.duty >= 0.75  # three feet always down
        assert p.speed_cap < gait_for(TerrainKind.FLAT).speed_cap
    stairs = gait_for(TerrainKind.STAIRS, rise=0.17)
    assert stairs.lift_then_step and stairs.swing_height >= 0.17 + 0.05 - 1e-12
    assert gait_for(TerrainKind.STAIRS, rise=0.05).swing_height >= 0.10
    assert terrain_gait(TerrainKind.MUD) == ("crawl", 0.3)


def test_blend_is_safe_sided() -> None:
    trot, stairs = GAITS["trot"], gait_for(TerrainKind.STAIRS)
    half = blend(trot, stairs, 0.5)
    assert half.name == "stairs" and half.lift_then_step
    assert half.speed_cap == stairs.speed_cap  # slows down at once
    assert half.swing_height >= stairs.swing_height  # lifts feet high at once
    assert trot.period < half.period < stairs.period
    assert blend(trot, stairs, 1.0) == stairs


def test_hysteresis_ignores_single_noisy_readings() -> None:
    sel = GaitSelector(dwell=0.4)
    t = 0.0
    for i in range(50):
        kind = TerrainKind.GRAVEL if i % 3 == 0 else TerrainKind.FLAT  # flapping estimate
        d = sel.update(_reading(kind), t)
        t += 0.1
        assert d.terrain is TerrainKind.FLAT and d.params.name == "trot"


def test_switch_after_dwell_then_blend_over_time() -> None:
    sel = GaitSelector(dwell=0.4, blend_time=0.6)
    sel.update(_reading(TerrainKind.FLAT), 0.0)
    d = sel.update(_reading(TerrainKind.MUD), 0.1)
    assert d.terrain is TerrainKind.FLAT  # not yet
    d = sel.update(_reading(TerrainKind.MUD), 0.35)  # careful switch: half the dwell
    assert d.terrain is TerrainKind.MUD and d.params.name == "crawl" and d.blending
    mid = sel.update(_reading(TerrainKind.MUD), 0.65).params.period
    d = sel.update(_reading(TerrainKind.MUD), 1.2)
    assert not d.blending and d.params == gait_for(TerrainKind.MUD)
    assert GAITS["trot"].period < mid < d.params.period


def test_relaxing_to_an_easier_gait_takes_the_full_dwell() -> None:
    sel = GaitSelector(dwell=0.4)
    sel.update(_reading(TerrainKind.MUD), 0.0)
    sel.update(_reading(TerrainKind.MUD), 0.3)
    sel.update(_reading(TerrainKind.FLAT), 1.0)
    assert sel.update(_reading(TerrainKind.FLAT), 1.3).terrain is TerrainKind.MUD
    assert sel.update(_reading(TerrainKind.FLAT), 1.45).terrain is TerrainKind.FLAT


def test_stairs_ahead_switch_early_and_low_confidence_is_ignored() -> None:
    sel = GaitSelector(dwell=0.4)
    for t in (0.0, 0.1, 0.2, 0.3):
        d = sel.update(_reading(TerrainKind.FLAT, TerrainKind.STAIRS, rise=0.12), t)
    assert d.params.name == "stairs" and d.params.swing_height >= 0.17 - 1e-12
    sel2 = GaitSelector(dwell=0.2)
    for t in (0.0, 0.5, 1.0):
        d = sel2.update(_reading(TerrainKind.RUBBLE, conf=0.51), t)
    assert d.terrain is TerrainKind.FLAT


def test_body_pitch_follows_the_slope() -> None:
    sel = GaitSelector(dwell=0.2, blend_time=0.4)
    t = 0.0
    for _ in range(30):
        d = sel.update(_reading(TerrainKind.SLOPE, grade=0.268), t)
        t += 0.1
    assert d.body_pitch == pytest.approx(0.262, abs=0.01)  # atan(0.268) = 15 deg


def test_set_gait_override_and_release() -> None:
    sel = GaitSelector()
    sel.override("crawl")
    d = sel.update(_reading(TerrainKind.FLAT), 0.0)
    d = sel.update(_reading(TerrainKind.FLAT), 2.0)
    assert d.forced and d.params.name == "crawl" and d.speed_cap == GAITS["crawl"].speed_cap
    sel.override(None)
    d = sel.update(_reading(TerrainKind.FLAT), 4.0)
    assert not d.forced and d.params.name == "trot"
    with pytest.raises(ValueError, match="unknown gait 'gallop'"):
        sel.override("gallop")
