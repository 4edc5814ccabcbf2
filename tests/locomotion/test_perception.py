"""Terrain classifier on synthetic scans: one per class, built by hand, no map involved."""

from __future__ import annotations

import math

import numpy as np
import pytest

from locomotion.perception import (
    SCAN_FORWARD,
    SCAN_POINTS,
    TerrainClassifier,
    TerrainSensing,
)
from locomotion.world import TerrainKind

X = np.asarray(SCAN_FORWARD)
RNG = np.random.default_rng(7)


def _scan(height_fn, refl: float, refl_sd: float = 0.05, noise: float = 0.005, rng=RNG,
          **proprio: float) -> TerrainSensing:
    lanes = [height_fn(X, lane) for lane in range(3)]
    h = np.concatenate(lanes) + noise * rng.standard_normal(48)
    r = np.clip(refl + refl_sd * rng.standard_normal(48), 0, 1)
    return TerrainSensing(tuple(h), tuple(r), **proprio)


def _stairs(x: np.ndarray, lane: int, rise: float = 0.1, tread: float = 0.3) -> np.ndarray:
    return rise * np.floor((x + 0.05) / tread)


def _rough(sd: float, rng: np.random.Generator):
    return lambda x, lane: sd * rng.standard_normal(len(x))


CASES = {
    TerrainKind.FLAT: lambda rng: _scan(lambda x, l: 0 * x, 0.55, rng=rng),
    TerrainKind.SLOPE: lambda rng: _scan(lambda x, l: math.tan(math.radians(15)) * x, 0.55,
                                         rng=rng, body_pitch=math.radians(15)),
    TerrainKind.STAIRS: lambda rng: _scan(_stairs, 0.55, rng=rng, step_height=0.1),
    TerrainKind.MUD: lambda rng: _scan(lambda x, l: 0 * x, 0.14, rng=rng, sinkage=0.05),
    TerrainKind.GRAVEL: lambda rng: _scan(_rough(0.02, rng), 0.50, 0.08, rng=rng),
    TerrainKind.GRASS: lambda rng: _scan(lambda x, l: 0.1 * rng.uniform(0.3, 1.0, len(x)), 0.30,
                                         rng=rng),
    TerrainKind.RUBBLE: lambda rng: _scan(_rough(0.06, rng), 0.50, 0.12, rng=rng),
    TerrainKind.HEDGE: lambda rng: _scan(lambda x, l: 1.0 * rng.uniform(0.3, 1.0, len(x)), 0.25,
                                         rng=rng),
}


@pytest.mark.parametrize("kind", list(CASES), ids=lambda k: k.value)
def test_each_class_is_recognised_underfoot_and_ahead(kind: TerrainKind) -> None:
    clf = TerrainClassifier()
    rng = np.random.default_rng(11)
    hits_under = hits_ahead = 0
    for _ in range(40):
        reading = clf.classify(CASES[kind](rng))
        hits_under += reading.underfoot is kind
        hits_ahead += reading.ahead is kind
    assert hits_under >= 36, f"{kind.value}: {hits_under}/40 underfoot"
    assert hits_ahead >= 34, f"{kind.value}: {hits_ahead}/40 ahead"


def test_flat_here_stairs_ahead() -> None:
    sensing = _scan(lambda x, l: np.where(x > 0.55, 0.1 * np.floor((x - 0.55) / 0.3 + 1), 0.0),
                    0.55)
    reading = TerrainClassifier().classify(sensing)
    assert reading.underfoot is TerrainKind.FLAT and reading.ahead is TerrainKind.STAIRS
    assert reading.rise == pytest.approx(0.1, abs=0.02)


def test_stair_rise_and_slope_grade_are_estimated() -> None:
    clf = TerrainClassifier()
    stairs = clf.classify(_scan(lambda x, l: _stairs(x, l, rise=0.15), 0.55, step_height=0.15))
    assert stairs.underfoot is TerrainKind.STAIRS and stairs.rise == pytest.approx(0.15, abs=0.02)
    slope = clf.classify(_scan(lambda x, l: -0.2 * x, 0.55))
    assert slope.underfoot is TerrainKind.SLOPE and slope.grade == pytest.approx(-0.2, abs=0.03)


def test_one_riser_with_all_feet_level_is_the_landing() -> None:
    # the robot stands on a landing 10 cm before the first riser: the scan sees the riser, the
    # feet are all on one level
    sensing = _scan(lambda x, l: np.where(x > 0.15, 0.1, 0.0), 0.55, step_height=0.0)
    assert TerrainClassifier().classify(sensing).underfoot is TerrainKind.FLAT


def test_feet_straddling_a_riser_with_the_trunk_on_the_landing_read_flat() -> None:
    # the front feet are already on the first tread (feet 10 cm apart in height), but the trunk
    # is 5 cm before the riser on a landing longer than any tread
    clf = TerrainClassifier()
    before = clf.classify(_scan(lambda x, l: np.where(x > 0.05, 0.1, 0.0), 0.55, step_height=0.1))
    assert before.underfoot is TerrainKind.FLAT
    # just past the top riser: the rear feet are still on the last tread, the trunk on the landing
    after = clf.classify(_scan(lambda x, l: np.where(x > -0.05, 0.0, -0.1), 0.55,
                               step_height=0.1))
    assert after.underfoot is TerrainKind.FLAT and after.ahead is TerrainKind.FLAT


def test_trunk_over_a_tread_reads_stairs_even_with_level_feet() -> None:
    # risers 5 cm behind and 25 cm ahead of the trunk: it is over a 30 cm tread; walking down a
    # flight the stance feet can all be on one tread for a moment, which must not read as landing
    clf = TerrainClassifier()
    for step_height in (0.0, 0.1):
        down = clf.classify(_scan(lambda x, l: -0.1 * np.floor((x + 0.05) / 0.3), 0.55,
                                  step_height=step_height))
        assert down.underfoot is TerrainKind.STAIRS, step_height
        up = clf.classify(_scan(lambda x, l: 0.1 * np.floor((x + 0.05) / 0.3), 0.55,
                                step_height=step_height))
        assert up.underfoot is TerrainKind.STAIRS, step_height


def test_slope_edge_reads_the_plane_on_the_trunks_side() -> None:
    clf = TerrainClassifier()
    grade = math.tan(math.radians(15))
    # So close to an edge 5 mm of scan noise can tip one reading: judge 100 noisy scans per case.
    rng = np.random.default_rng(3)

    def share(height_fn, expected: TerrainKind) -> float:
        readings = [clf.classify(_scan(height_fn, 0.55, step_height=0.04, rng=rng))
                    for _ in range(100)]
        return sum(r.underfoot is expected for r in readings) / len(readings)

    for edge in (0.04, 0.08, -0.04, -0.08):
        # a 15 deg ramp starting `edge` m ahead of (positive) or behind (negative) the trunk
        foot = share(lambda x, l, e=edge: grade * np.clip(x - e, 0, None),
                     TerrainKind.FLAT if edge > 0 else TerrainKind.SLOPE)
        # and the top of a ramp: the trunk on the ramp or already on the level landing
        top = share(lambda x, l, e=edge: grade * np.clip(x - e, None, 0),
                    TerrainKind.SLOPE if edge > 0 else TerrainKind.FLAT)
        assert foot >= 0.85 and top >= 0.85, (edge, foot, top)
    # 4 cm past the top of the ramp the grade under the body is the landing's, not the ramp's.
    # So close to the edge 5 mm of scan noise can tip a reading, so judge many noisy scans.
    rng = np.random.default_rng(7)
    landing = [clf.classify(_scan(lambda x, l: grade * np.clip(x + 0.04, None, 0), 0.55, rng=rng))
               for _ in range(200)]
    assert sum(r.underfoot is TerrainKind.FLAT for r in landing) >= 0.9 * len(landing)
    assert float(np.median([abs(r.grade) for r in landing])) < 0.03


def test_no_returns_read_as_water_and_confidence_is_bounded() -> None:
    h = tuple([math.nan] * 48)
    reading = TerrainClassifier().classify(TerrainSensing(h, h))
    assert reading.underfoot is TerrainKind.WATER
    flat = TerrainClassifier().classify(CASES[TerrainKind.FLAT](np.random.default_rng(1)))
    assert 0.5 <= flat.confidence <= 1.0
    est = flat.estimate()
    assert est.underfoot is flat.underfoot and est.confidence == flat.confidence


def test_sensing_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="48 heights"):
        TerrainSensing((0.0,) * 10, (0.5,) * 48)
    assert SCAN_POINTS.shape == (48, 2)


def test_fast_and_general_feature_paths_agree() -> None:
    from locomotion.scan import _features_finite, _features_general

    rng = np.random.default_rng(3)
    xs = np.asarray(SCAN_FORWARD)[2:9]
    for _ in range(20):
        h = rng.normal(0, 0.04, (3, 7)) + np.where(xs > 0.2, 0.1, 0.0)
        r = rng.random((3, 7))
        fast, general = _features_finite(h, r, xs), _features_general(h, r, xs)
        for name in fast.__dataclass_fields__:
            assert getattr(fast, name) == pytest.approx(getattr(general, name), abs=1e-12), name


def test_gravel_reads_gravel_even_where_the_lanes_agree() -> None:
    # a 1.5 cm texture along the lanes that happens to be the same on all three (no lateral
    # spread) is still far too coarse for a floor, which scans within a few mm
    rng = np.random.default_rng(5)
    clf = TerrainClassifier()
    ridges = lambda x, l: 0.015 * (-1.0) ** np.arange(len(x))
    hits = sum(clf.classify(_scan(ridges, 0.50, 0.08, noise=0.003, rng=rng)).underfoot
               is TerrainKind.GRAVEL for _ in range(20))
    assert hits >= 18
    flat = [clf.classify(CASES[TerrainKind.FLAT](rng)).underfoot for _ in range(40)]
    assert flat.count(TerrainKind.FLAT) >= 38


def test_stairs_seen_obliquely_read_stairs_not_rubble() -> None:
    # walking down a flight yawed by 30 deg the side lanes cross each riser a station or two
    # before/after the centre lane, so the lanes disagree like rubble's do; it is still a flight
    clf = TerrainClassifier()
    rng = np.random.default_rng(9)
    lateral = np.asarray(SCAN_POINTS)[:, 1].reshape(3, 16)
    hits = 0
    for yaw_deg in (-30, -20, 20, 30):
        for offset in (0.0, 0.1, 0.2):
            yaw = math.radians(yaw_deg)

            def down(x: np.ndarray, lane: int, yaw: float = yaw, offset: float = offset
                     ) -> np.ndarray:
                along = x * math.cos(yaw) - lateral[lane] * math.sin(yaw) + offset
                return -0.1 * np.floor(along / 0.3)

            hits += clf.classify(_scan(down, 0.55, rng=rng)).underfoot is TerrainKind.STAIRS
    assert hits >= 11
