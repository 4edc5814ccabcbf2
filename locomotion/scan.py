"""The robot's height scan: where its rays land, what a scan holds, and the features of a window.

A :class:`TerrainSensing` is one scan (48 ray heights and return intensities on three lanes of 16
stations, plus proprioception); :func:`window_features` (and the classifier's windows over the
underfoot and ahead stations) reduce a few stations of it to :class:`WindowFeatures` in physical
units. Both backends fill the scan; :mod:`locomotion.perception` names the terrain from the
features. Kept apart because the scan layout and the feature arithmetic are shared by the
sensing code of both backends and the classifier, and tested on their own.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import mul, sub
from typing import NamedTuple

import numpy as np

__all__ = [
    "AHEAD_STATIONS",
    "N_LANES",
    "N_STATIONS",
    "SCAN_FORWARD",
    "SCAN_LATERAL",
    "SCAN_POINTS",
    "TAN6",
    "UNDERFOOT_STATIONS",
    "TerrainSensing",
    "WindowFeatures",
    "median",
    "scan_window",
    "window_features",
]

SCAN_FORWARD: tuple[float, ...] = tuple(round(-0.3 + 0.1 * i, 2) for i in range(16))
"""Forward offsets (m) of the scan stations in the yaw-aligned body frame: -0.3 ... 1.2."""
SCAN_LATERAL: tuple[float, ...] = (-0.15, 0.0, 0.15)
"""Lateral offsets (m, left positive) of the three scan lanes."""
SCAN_POINTS: np.ndarray = np.array(
    [(fx, ly) for ly in SCAN_LATERAL for fx in SCAN_FORWARD], dtype=float
)
"""(48, 2) array of (forward, left) offsets, lane-major: index = lane * 16 + station."""
UNDERFOOT_STATIONS = slice(1, 6)
"""Stations -0.2 ... 0.2 m: the ground under the trunk."""
AHEAD_STATIONS = slice(9, 16)
"""Stations 0.6 ... 1.2 m: the ground the robot reaches in about a second."""

N_STATIONS = len(SCAN_FORWARD)
N_LANES = len(SCAN_LATERAL)
TAN6 = math.tan(math.radians(6.0))
"""Rise per metre of a 6 deg grade: the least grade read as a slope."""


@dataclass(frozen=True)
class TerrainSensing:
    """One reading of the robot's own senses.

    Attributes:
        heights: 48 values, ground height (m) at :data:`SCAN_POINTS` minus the feet-plane height
            (mean height of the feet in contact); NaN where a ray has no return (water, edge).
        reflectance: 48 return intensities in [0, 1] for the same rays (NaN with no return).
        foot_slip: mean tangential speed of the stance feet (m/s).
        sinkage: mean depth the stance feet sank below the surface they first touched (m).
        body_pitch: trunk pitch (rad), nose-up positive.
        body_roll: trunk roll (rad), left side up positive.
        step_height: highest minus lowest stance-foot height (m).
        vibration: RMS of trunk vertical acceleration over the last ~0.5 s (m/s^2), gravity removed.
    """

    heights: tuple[float, ...]
    reflectance: tuple[float, ...]
    foot_slip: float = 0.0
    sinkage: float = 0.0
    body_pitch: float = 0.0
    body_roll: float = 0.0
    step_height: float = 0.0
    vibration: float = 0.0

    def __post_init__(self) -> None:
        if len(self.heights) != len(SCAN_POINTS) or len(self.reflectance) != len(SCAN_POINTS):
            raise ValueError(
                f"TerrainSensing needs {len(SCAN_POINTS)} heights and reflectances, got "
                f"{len(self.heights)} and {len(self.reflectance)}"
            )

    @classmethod
    def trusted(cls, heights: tuple[float, ...], reflectance: tuple[float, ...],
                foot_slip: float, sinkage: float, body_pitch: float, body_roll: float,
                step_height: float, vibration: float) -> TerrainSensing:
        """The scan a sensor model built with 48 rays by construction, without the frozen
        ``__init__``'s eight ``object.__setattr__`` calls and the length check (the twin makes
        one every perception tick). Equal, field for field, to the same call of the class."""
        self = object.__new__(cls)
        self.__dict__.update(heights=heights, reflectance=reflectance, foot_slip=foot_slip,
                             sinkage=sinkage, body_pitch=body_pitch, body_roll=body_roll,
                             step_height=step_height, vibration=vibration)
        return self


@dataclass(frozen=True)
class WindowFeatures:
    """Geometry and appearance of one scan window (a few stations on all lanes)."""

    valid: float
    grade: float
    roughness: float
    big_steps: float
    flat_steps: float
    lateral: float
    rise: float
    reflectance: float
    """Median return intensity: the material under most of the window, robust to an edge."""
    level: float = 0.0
    """Mean height of the window above the feet plane (m): a hedge's canopy stands tall."""

    @classmethod
    def trusted(cls, valid: float, grade: float, roughness: float, big_steps: float,
                flat_steps: float, lateral: float, rise: float, reflectance: float,
                level: float) -> WindowFeatures:
        """The same as calling the class, without the frozen ``__init__``'s nine
        ``object.__setattr__`` calls (two windows are reduced every perception tick)."""
        self = object.__new__(cls)
        self.__dict__.update(valid=valid, grade=grade, roughness=roughness, big_steps=big_steps,
                             flat_steps=flat_steps, lateral=lateral, rise=rise,
                             reflectance=reflectance, level=level)
        return self


def window_features(heights: np.ndarray, refl: np.ndarray, stations: slice) -> WindowFeatures:
    """Compute :class:`WindowFeatures` over ``stations`` of a (3, 16) height/reflectance scan."""
    h = heights[:, stations]
    r = refl[:, stations]
    xs = np.asarray(SCAN_FORWARD)[stations]
    if np.isfinite(h).all():
        return _features_finite(h, r, xs)
    return _features_general(h, r, xs)


def _features_general(h: np.ndarray, r: np.ndarray, xs: np.ndarray) -> WindowFeatures:
    """:func:`window_features` for windows where some rays returned nothing (NaN)."""
    ok = np.isfinite(h)
    valid = float(ok.mean())
    if ok.sum() < 4:
        return WindowFeatures(valid, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, float("nan"), 0.0)
    x = np.broadcast_to(xs, h.shape)
    xv, hv = x[ok], h[ok]
    dx = xv - xv.mean()
    denom = float((dx * dx).sum()) or 1.0
    grade = float((dx * (hv - hv.mean())).sum() / denom)
    resid = hv - hv.mean() - grade * dx
    roughness = float(np.sqrt((resid * resid).mean()))
    d = np.abs(np.diff(h, axis=1))
    d = d[np.isfinite(d)]
    big = float((d >= 0.05).mean()) if d.size else 0.0
    small = float((d < 0.02).mean()) if d.size else 0.0
    rise = float(np.median(d[d >= 0.05])) if big > 0 else 0.0
    cols = ok.any(axis=0)
    lat = np.nanmax(h[:, cols], axis=0) - np.nanmin(h[:, cols], axis=0)
    return WindowFeatures(valid, grade, roughness, big, small, float(np.median(lat)), rise,
                          float(np.nanmedian(r)), float(hv.mean()))


def _features_finite(h: np.ndarray, r: np.ndarray, xs: np.ndarray) -> WindowFeatures:
    """Fast path of :func:`window_features` when every ray returned."""
    return _features_lists(h.tolist(), r.ravel().tolist(), xs.tolist())


def _features_lists(lanes: list[list[float]], refl: list[float], xl: list[float]
                    ) -> WindowFeatures:
    """Window features over plain lists (one list of heights per lane, all finite)."""
    shape = _shape(tuple(xl), len(lanes))
    return _features_flat([tuple(lane) for lane in lanes],
                          tuple(v for lane in lanes for v in lane), refl, shape)


class _Shape(NamedTuple):
    """What a window's features need of its stations alone, computed once per window shape."""

    dx: tuple[float, ...]
    """Each height's station offset from the stations' mean, lane after lane."""
    sxx: float
    """Sum of the squared offsets over all lanes (the grade's denominator)."""
    seams: tuple[int, ...]
    """Where, among the differences of consecutive heights lane after lane, one lane's last
    height meets the next lane's first (last seam first, to delete them in turn)."""


@lru_cache(maxsize=64)
def _shape(xl: tuple[float, ...], n_lanes: int) -> _Shape:
    k = len(xl)
    xm = sum(xl) / k
    dx = [x - xm for x in xl]
    seams = tuple(i * k - 1 for i in range(n_lanes - 1, 0, -1))
    return _Shape(tuple(dx) * n_lanes, sum(d * d for d in dx) * n_lanes, seams)


@lru_cache(maxsize=64)
def _station_shape(start: int, stop: int) -> _Shape:
    """:func:`_shape` of stations ``start`` to ``stop`` on every lane (keyed by two ints)."""
    return _shape(SCAN_FORWARD[start:stop], N_LANES)


def _features_flat(lanes: list[tuple[float, ...]], flat_h: tuple[float, ...],
                   refl: Sequence[float], shape: _Shape, total: float | None = None
                   ) -> WindowFeatures:
    """Window features over plain sequences: ``lanes`` one tuple of heights per lane (three,
    or any number), ``flat_h`` the same heights lane after lane, ``refl`` the intensities in that
    order; ``total`` is ``sum(flat_h)`` when the caller has it.

    Plain Python over at most 21 values: numpy's fixed cost per call (about a microsecond, and
    ~25 calls per window) is larger than the arithmetic itself at this size. The sums run in the
    order of the straightforward nested loops (lane after lane), so the floats are the same.
    """
    n_h = len(flat_h)
    hm = (sum(flat_h) if total is None else total) / n_h
    dx = shape.dx
    grade = sum(map(mul, dx, flat_h)) / shape.sxx
    # ``** 2`` (libm's pow), not ``r * r``: the two differ in the last bit for ~1 value in 1,000
    roughness = math.sqrt(sum([(v - hm - grade * d) ** 2 for d, v in zip(dx, flat_h)]) / n_h)
    # the steps along each lane (never across two lanes' ends), sorted: the big ones are the tail
    diffs = []
    for lane in lanes:
        diffs += map(abs, map(sub, lane[1:], lane))
    diffs.sort()
    n_d = len(diffs)
    first_big = bisect_left(diffs, 0.05)
    big = (n_d - first_big) / n_d
    small = bisect_left(diffs, 0.02) / n_d
    rise = _median_sorted(diffs[first_big:]) if first_big < n_d else 0.0
    if len(lanes) == 3:
        lateral = _median_sorted(_spreads3(*lanes))
    else:
        lateral = median(list(map(sub, map(max, *lanes), map(min, *lanes))))
    return WindowFeatures.trusted(1.0, grade, roughness, big, small, lateral, rise,
                                  _median_sorted(sorted(refl)), hm)


def _spreads3(a: Sequence[float], b: Sequence[float], c: Sequence[float]) -> list[float]:
    """``max(p, q, r) - min(p, q, r)`` per station of three lanes, sorted: the builtins' own
    comparisons (a later value replaces the kept one only if strictly greater, or less), without
    their call per station."""
    out = [(r if r > (hi := q if q > p else p) else hi)  # noqa: FURB136 (max(), a call each)
           - (r if r < (lo := q if q < p else p) else lo)  # noqa: FURB136
           for p, q, r in zip(a, b, c)]
    out.sort()
    return out


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the mean of the middle two for an even count)."""
    return _median_sorted(sorted(values))


def _median_sorted(v: Sequence[float]) -> float:
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


class _Window(NamedTuple):
    """Where a run of stations lies in a scan's flat tuples, computed once per window."""

    first: slice
    """The window's stations on the first lane (then the second and third)."""
    second: slice
    third: slice
    shape: _Shape


@lru_cache(maxsize=64)
def _window(start: int, stop: int) -> _Window:
    n = N_STATIONS
    first, second, third = (slice(i * n + start, i * n + stop) for i in range(N_LANES))
    return _Window(first, second, third, _station_shape(start, stop))


def scan_window(sensing: TerrainSensing, stations: slice) -> WindowFeatures:
    """:func:`window_features` of ``stations`` of a scan, on plain tuples when every ray of the
    window returned (the common case, at every perception tick)."""
    h, r = sensing.heights, sensing.reflectance
    a, b, step = stations.indices(N_STATIONS)
    if step == 1 and b > a:
        first, second, third, shape = _window(a, b)
        lanes = [h[first], h[second], h[third]]
        flat_h = lanes[0] + lanes[1] + lanes[2]
        total = sum(flat_h)  # finite only if every height is (no sum of scan heights overflows)
        if math.isfinite(total) or all(map(math.isfinite, flat_h)):
            refl = r[first] + r[second] + r[third]
            return _features_flat(lanes, flat_h, refl, shape, total)
    heights = np.asarray(h, dtype=float).reshape(N_LANES, N_STATIONS)
    reflectance = np.asarray(r, dtype=float).reshape(N_LANES, N_STATIONS)
    return window_features(heights, reflectance, stations)
