"""The twin's fast senses equal, bit for bit, the straightforward numpy code they replaced.

The references below are the pre-speed-up implementations, kept verbatim: the fast paths are
meant to change nothing a run does (the same samples read, the same draws in the same order, the
same float operations), and these tests compare ``repr``s, not approximate values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from locomotion.perception import SCAN_POINTS, TerrainSensing
from locomotion.sensing import FOOT_OFFSETS, HEIGHT_NOISE, REFLECTANCE, synthesise_sensing
from locomotion.terrain import KIND_INDEX, KINDS, SurfaceGrid, TerrainMap
from locomotion.world import (
    GrassParams,
    HedgeParams,
    MudParams,
    ObstacleParams,
    Rect,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    WaterParams,
    World,
)

WORLD = World("fast", Rect(0, 0, 24, 6), (
    TerrainRegion("grass", TerrainKind.GRASS, Rect(4, 0, 8, 6), GrassParams(height=0.2)),
    TerrainRegion("mud", TerrainKind.MUD, Rect(8, 0, 11, 6), MudParams(softness=0.5)),
    TerrainRegion("hedge", TerrainKind.HEDGE, Rect(11, 0, 12, 3), HedgeParams()),
    TerrainRegion("box", TerrainKind.OBSTACLE, Rect(12.5, 4, 13.5, 5), ObstacleParams(height=0.4)),
    TerrainRegion("steps", TerrainKind.STAIRS, Rect(14, 0, 17, 6), StairsParams()),
    TerrainRegion("pond", TerrainKind.WATER, Rect(20, 0, 24, 6), WaterParams()),
))

_REFL_MEAN = np.array([REFLECTANCE[k][0] for k in KINDS])
_REFL_STD = np.array([REFLECTANCE[k][1] for k in KINDS])
_ALL = np.vstack([FOOT_OFFSETS, SCAN_POINTS])
_OX, _OY = np.ascontiguousarray(_ALL[:, 0]), np.ascontiguousarray(_ALL[:, 1])
_WATER, _OBSTACLE = KIND_INDEX[TerrainKind.WATER], KIND_INDEX[TerrainKind.OBSTACLE]


def _reference_returns(codes, top, rng, noise=1.0):  # type: ignore[no-untyped-def]
    std = _REFL_STD[codes] if noise == 1.0 else _REFL_STD[codes] * noise
    refl = _REFL_MEAN[codes] + std * rng.standard_normal(len(codes))
    np.clip(refl, 0.0, 1.0, out=refl)
    offset = np.zeros(len(codes))
    tall = top > 0
    if tall.any():
        frac = np.where(codes[tall] == _OBSTACLE, 1.0, rng.uniform(0.3, 1.0, int(tall.sum())))
        offset[tall] = top[tall] * frac
    water = codes == _WATER
    if water.any():
        offset[water] = math.nan
    return offset, refl


def _reference_sensing(surface, x, y, yaw, speed, slip, rng, noise=1.0):  # type: ignore[no-untyped-def]
    cos, sin = math.cos(yaw), math.sin(yaw)
    inv = 1.0 / surface.resolution
    col = np.floor(((x + cos * _OX - sin * _OY) - surface.x0) * inv + 0.5).astype(np.int64)
    row = np.floor(((y + sin * _OX + cos * _OY) - surface.y0) * inv + 0.5).astype(np.int64)
    h, w = surface.height.shape
    inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
    if not inside.all():
        row = np.minimum(np.maximum(row, 0), h - 1)
        col = np.minimum(np.maximum(col, 0), w - 1)
    r, c = row, col
    flat = row * w + col
    ground = surface.height.ravel().take(flat)
    codes = surface.kind.ravel().take(flat)
    top = surface.top.ravel().take(flat)
    if not inside.all():
        codes = np.where(inside, codes, _OBSTACLE)
        top = np.where(inside, top, 1.0)
    sink = 0.1 * float(surface.softness[r[0], c[0]] + surface.softness[r[3], c[3]]) / 2
    feet_z = (ground[:4] - sink).tolist()
    plane = sum(feet_z) / 4.0
    offset, refl = _reference_returns(codes[4:], top[4:], rng, noise)
    draws = rng.standard_normal(len(SCAN_POINTS) + 3)
    if noise != 1.0:
        draws *= noise
    heights = ground[4:] + offset - plane + HEIGHT_NOISE * draws[3:]
    fr, fl, rr, rl = feet_z
    n0, n1, n2 = draws[:3].tolist()
    pitch = math.atan2((fr + fl - rr - rl) / 2, 0.36) + 0.01 * n0
    roll = math.atan2((fl + rl - fr - rr) / 2, 0.26) + 0.01 * n1
    rough = math.sqrt(sum((z - plane) ** 2 for z in feet_z) / 4.0)
    return TerrainSensing(
        heights=tuple(heights.tolist()),
        reflectance=tuple(refl.tolist()),
        foot_slip=max(0.0, slip * (1.0 + 0.2 * n2)),
        sinkage=max(0.0, sink + 0.004 * n2),
        body_pitch=pitch,
        body_roll=roll,
        step_height=max(feet_z) - min(feet_z) + 0.003 * abs(n1),
        vibration=abs(0.3 + 2.0 * speed + 40.0 * rough * speed + 0.1 * n0),
    )


def _poses(n: int, seed: int) -> list[tuple[float, float, float]]:
    """Poses all over the world, a third of them within a metre of (or past) its border."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 3 == 0:
            x = float(rng.choice([rng.uniform(-0.5, 1.2), rng.uniform(22.8, 24.5)]))
            y = float(rng.uniform(-0.5, 6.5))
        else:
            x, y = float(rng.uniform(0, 24)), float(rng.uniform(0, 6))
        out.append((x, y, float(rng.uniform(-math.pi, math.pi))))
    return out


@pytest.fixture(scope="module")
def surface() -> SurfaceGrid:
    return SurfaceGrid.from_map(TerrainMap(WORLD))


@pytest.mark.parametrize("noise", [1.0, 1.7])
def test_synthesised_sensing_equals_the_reference_bit_for_bit(surface: SurfaceGrid,
                                                              noise: float) -> None:
    fast, ref = np.random.default_rng(11), np.random.default_rng(11)
    for x, y, yaw in _poses(600, 3):
        a = synthesise_sensing(surface, x, y, yaw, 0.4, 0.02, fast, noise)
        b = _reference_sensing(surface, x, y, yaw, 0.4, 0.02, ref, noise)
        assert repr(a) == repr(b), (x, y, yaw)
    assert fast.random() == ref.random()  # the same number of draws


def _reference_features_lists(lanes, refl, xl):  # type: ignore[no-untyped-def]
    import itertools

    from locomotion.scan import WindowFeatures, median

    k = len(xl)
    xm = sum(xl) / k
    dx = [x - xm for x in xl]
    sxx = sum(d * d for d in dx) * len(lanes)
    flat_h = [v for lane in lanes for v in lane]
    n_h = len(flat_h)
    hm = sum(flat_h) / n_h
    grade = sum(d * v for lane in lanes for d, v in zip(dx, lane)) / sxx
    roughness = math.sqrt(sum((v - hm - grade * d) ** 2 for lane in lanes
                              for d, v in zip(dx, lane)) / n_h)
    diffs = [abs(b - a) for lane in lanes for a, b in itertools.pairwise(lane)]
    bigs = [d for d in diffs if d >= 0.05]
    big = len(bigs) / len(diffs)
    small = sum(1 for d in diffs if d < 0.02) / len(diffs)
    rise = median(bigs) if bigs else 0.0
    lateral = median([max(col) - min(col) for col in zip(*lanes)])
    return WindowFeatures(1.0, grade, roughness, big, small, lateral, rise, median(refl), hm)


def _random_scans(n: int, seed: int) -> list[TerrainSensing]:
    """Scans of level ground, slopes, stairs (risers on and off the lanes) and rubble, some with
    rays that returned nothing."""
    rng = np.random.default_rng(seed)
    xs = SCAN_POINTS[:, 0]
    out = []
    for i in range(n):
        style = i % 4
        if style == 0:
            h = rng.normal(0.0, 0.003, 48)
        elif style == 1:
            h = xs * rng.uniform(-0.3, 0.3) + rng.normal(0.0, 0.004, 48)
        elif style == 2:
            h = np.floor((xs + rng.uniform(0, 0.3)) / 0.3) * rng.choice([0.1, 0.17]) + \
                rng.normal(0.0, 0.002, 48)
        else:
            h = rng.normal(0.0, 0.05, 48)
        if i % 7 == 0:
            h[rng.integers(0, 48, 3)] = math.nan
        refl = np.clip(rng.normal(0.5, 0.1, 48), 0, 1)
        out.append(TerrainSensing(tuple(h.tolist()), tuple(refl.tolist()), body_pitch=0.05,
                                  step_height=float(rng.uniform(0, 0.1))))
    return out


def test_scan_windows_equal_the_reference_bit_for_bit() -> None:
    from locomotion.scan import (
        AHEAD_STATIONS,
        N_LANES,
        N_STATIONS,
        SCAN_FORWARD,
        UNDERFOOT_STATIONS,
        scan_window,
        window_features,
    )

    for sensing in _random_scans(400, 5):
        h, r = sensing.heights, sensing.reflectance
        for stations in (UNDERFOOT_STATIONS, AHEAD_STATIONS, slice(0, 7), slice(2, 4)):
            lanes = [list(h[i * N_STATIONS:(i + 1) * N_STATIONS][stations])
                     for i in range(N_LANES)]
            if all(math.isfinite(v) for lane in lanes for v in lane):
                refl = [v for i in range(N_LANES)
                        for v in r[i * N_STATIONS:(i + 1) * N_STATIONS][stations]]
                want = _reference_features_lists(lanes, refl, list(SCAN_FORWARD[stations]))
            else:
                want = window_features(np.asarray(h).reshape(N_LANES, N_STATIONS),
                                       np.asarray(r).reshape(N_LANES, N_STATIONS), stations)
            assert repr(scan_window(sensing, stations)) == repr(want)


def test_fast_surface_lookups_read_the_sample_surface_grid_index_picks(surface: SurfaceGrid
                                                                        ) -> None:
    from locomotion.kinematic_scalar import FastSurface

    fast = FastSurface(surface)
    for x, y, yaw in _poses(900, 8):
        r, c, inside = surface.index(np.array([x]), np.array([y]))
        r0, c0, ok = int(r[0]), int(c[0]), bool(inside[0])
        assert fast.cell(x, y) == (r0, c0, ok)
        assert fast.height(x, y) == surface.base[r0, c0]
        assert fast.kind_at(x, y) == surface.kind[r0, c0]
        assert fast.softness_at(x, y) == surface.softness[r0, c0]
        assert fast.blocked(x, y) == bool(surface.blocked(np.array([x]), np.array([y]))[0])
        ground, _, _, kind, soft = fast.ground_pose(x, y, yaw)
        assert (ground, kind, soft) == (surface.base[r0, c0], surface.kind[r0, c0],
                                        surface.softness[r0, c0])


def test_trusted_constructors_equal_the_class_call() -> None:
    from locomotion.scan import WindowFeatures

    h, r = tuple(float(i) / 100 for i in range(48)), (0.5,) * 48
    args = (0.01, 0.002, 0.03, -0.04, 0.005, 1.2)
    a, b = TerrainSensing.trusted(h, r, *args), TerrainSensing(h, r, *args)
    assert type(a) is TerrainSensing and a == b and repr(a) == repr(b) and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.sinkage = 1.0  # type: ignore[misc]
    wf = (1.0, 0.1, 0.01, 0.2, 0.7, 0.03, 0.1, 0.5, 0.02)
    assert repr(WindowFeatures.trusted(*wf)) == repr(WindowFeatures(*wf))
    assert WindowFeatures.trusted(*wf) == WindowFeatures(*wf)


def test_three_lane_spreads_keep_the_builtins_choice_among_ties() -> None:
    from locomotion.scan import _spreads3

    values = [0.0, -0.0, 1.0, -1.0, 0.5]
    cols = [(p, q, r) for p in values for q in values for r in values]
    a, b, c = (tuple(col[i] for col in cols) for i in range(3))
    want = sorted(max(p, q, r) - min(p, q, r) for p, q, r in cols)
    assert repr(_spreads3(a, b, c)) == repr(want)


def test_a_window_whose_heights_overflow_their_sum_is_still_reduced_as_before() -> None:
    from locomotion.scan import AHEAD_STATIONS, N_LANES, N_STATIONS, scan_window, window_features

    h = [1e308] * 48
    sensing = TerrainSensing(tuple(h), (0.5,) * 48)
    want = window_features(np.asarray(h).reshape(N_LANES, N_STATIONS),
                           np.full((N_LANES, N_STATIONS), 0.5), AHEAD_STATIONS)
    got = scan_window(sensing, AHEAD_STATIONS)
    assert got.valid == want.valid == 1.0 and got.reflectance == want.reflectance


@pytest.mark.parametrize("noise", [1.0, 0.6, 1.3])
def test_synthesised_senses_of_a_walk_and_their_windows_equal_the_reference(
        surface: SurfaceGrid, noise: float) -> None:
    """A robot walking over every kind of ground: its scans, and the classifier's two windows
    of each, equal the reference senses and the reference window features."""
    from locomotion.scan import AHEAD_STATIONS, SCAN_FORWARD, UNDERFOOT_STATIONS, scan_window

    fast, ref = np.random.default_rng(3), np.random.default_rng(3)
    for i in range(700):
        x, y, yaw = 0.6 + i * 0.033, 3.0 + 2.0 * math.sin(i / 40), 0.3 * math.sin(i / 25)
        a = synthesise_sensing(surface, x, y, yaw, 0.5, 0.02, fast, noise)
        b = _reference_sensing(surface, x, y, yaw, 0.5, 0.02, ref, noise)
        assert repr(a) == repr(b), (x, y, yaw)
        for st in (UNDERFOOT_STATIONS, AHEAD_STATIONS):
            lanes = [list(a.heights[k * 16:(k + 1) * 16][st]) for k in range(3)]
            if all(math.isfinite(v) for lane in lanes for v in lane):
                refl = [v for k in range(3) for v in a.reflectance[k * 16:(k + 1) * 16][st]]
                want = _reference_features_lists(lanes, refl, list(SCAN_FORWARD[st]))
                assert repr(scan_window(a, st)) == repr(want)
    assert fast.random() == ref.random()


def test_the_gait_selector_skipping_an_unchanged_retarget_decides_as_before() -> None:
    """A selector that re-aims at every reading (as before) and one that skips re-aiming when
    terrain, rise and forced gait are unchanged give equal decisions, overrides included."""
    from locomotion.gait import GaitSelector
    from locomotion.perception import TerrainReading

    rng = np.random.default_rng(4)
    kinds = [TerrainKind.FLAT, TerrainKind.STAIRS, TerrainKind.MUD, TerrainKind.SLOPE]
    fast, slow = GaitSelector(), GaitSelector()
    for i in range(600):
        under = kinds[int(i // 37) % 4] if rng.random() < 0.9 else kinds[int(rng.integers(4))]
        reading = TerrainReading(under, kinds[int(i // 53) % 4], float(rng.uniform(0.5, 1.0)),
                                 float(rng.uniform(-0.3, 0.3)), float(rng.uniform(0, 0.2)), 0.01)
        if i in (150, 400):
            for s in (fast, slow):
                s.override("crawl" if i == 150 else None)
        slow._aimed = (None, math.nan, None)  # type: ignore[assignment]  # never the same
        now = 0.2 * i
        assert repr(fast.update(reading, now)) == repr(slow.update(reading, now)), i
        assert fast.update(reading, now) == slow.update(reading, now)


def test_the_one_product_index_pass_adds_its_terms_in_the_expressions_order() -> None:
    """The twin sums ((x + c ox) + -s oy) + -x0 as one reduction over a (4, 2, 52) product; its
    floats must be those of the expression, bit for bit (a numpy that summed pairwise would
    move some rays by a sample)."""
    from locomotion.sensing import _TERMS

    rng = np.random.default_rng(2)
    for _ in range(3000):
        x, y, x0, y0 = (float(v) for v in rng.uniform(-50, 50, 4))
        yaw = float(rng.uniform(-4, 4))
        c, s = math.cos(yaw), math.sin(yaw)
        want = np.stack([((x + c * _OX) + -s * _OY) - x0, ((y + s * _OX) + c * _OY) - y0])
        terms = np.array((x, y, c, s, -s, c, -x0, -y0)).reshape(4, 2, 1) * _TERMS
        assert np.add.reduce(terms, axis=0).tobytes() == want.tobytes()
