"""The robot's height scan: where its rays land, what a scan holds, and the features of a window.

A :class:`TerrainSensing` is one scan (48 ray heights and return intensities on three lanes of 16
stations, plus proprioception); :func:`window_features` (and the classifier's windows over the
underfoot and ahead stations) reduce a few stations of it to :class:`WindowFeatures` in physical
units. Both backends fill the scan; :mod:`locomotion.perception` names the terrain from the
features. Kept apart because the scan layout and the feature arithmetic are shared by the
sensing code of both backends and the classifier, and tested on their own.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

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
    """Window features over plain lists (one list of heights per lane).

    Plain Python over at most 21 values: numpy's fixed cost per call (about a microsecond, and
    ~25 calls per window) is larger than the arithmetic itself at this size.
    """
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


def median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def scan_window(sensing: TerrainSensing, stations: slice) -> WindowFeatures:
    h, r = sensing.heights, sensing.reflectance
    lanes = [list(h[i * N_STATIONS : (i + 1) * N_STATIONS][stations]) for i in range(N_LANES)]
    if all(math.isfinite(v) for lane in lanes for v in lane):
        refl = [v for i in range(N_LANES)
                for v in r[i * N_STATIONS : (i + 1) * N_STATIONS][stations]]
        return _features_lists(lanes, refl, list(SCAN_FORWARD[stations]))
    heights = np.asarray(h, dtype=float).reshape(N_LANES, N_STATIONS)
    reflectance = np.asarray(r, dtype=float).reshape(N_LANES, N_STATIONS)
    return window_features(heights, reflectance, stations)
