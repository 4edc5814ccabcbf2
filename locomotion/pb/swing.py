"""Where a swinging foot goes: its path through the air and where exactly it lands.

Pure functions of geometry, shared by the gait controller and its tests:

* :func:`swing_point` — the foot's position at swing progress ``s`` in [0, 1]: up to
  ``max(lift, land) + swing_height``, forward along a cycloid (zero speed at both ends), or, with
  ``lift_then_step``, straight up first, then forward, then down (so a toe clears a stair nosing);
* :func:`foothold_shift` — a small move along the heading that keeps the landing spot clear of an
  edge (a tread nosing), found from the robot's own height scan;
* :func:`level_foothold` — a small move in any direction to the most level spot nearby (rubble: a
  foot set on the flank of a stone slides off it and the trunk rolls).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from locomotion.backend import GaitParams

__all__ = ["HeightFn", "foothold_shift", "level_foothold", "swing_point"]

HeightFn = Callable[[np.ndarray], np.ndarray]
"""Maps an (n, 2) array of world xy to n ground heights (the robot's height scan)."""

_EVEN = 0.02
"""Ground counts as even when three probes around a spot agree within this (m)."""
_SEARCH_STEP = 0.03


def _smooth(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * u)


def swing_point(
    start: np.ndarray, end: np.ndarray, s: float, gait: GaitParams, clear: float = -math.inf
) -> np.ndarray:
    """World position of a foot swinging from ``start`` to ``end`` at progress ``s``.

    ``clear`` is the highest ground (world z) along the way, if known: the apex clears it too.
    """
    top = max(start[2], end[2], clear) + gait.swing_height
    if gait.lift_then_step:
        blend = _smooth((s - 0.2) / 0.6)
    else:
        blend = s - math.sin(2.0 * math.pi * s) / (2.0 * math.pi)
    xy = start[:2] + (end[:2] - start[:2]) * blend
    if s < 0.5:
        z = start[2] + (top - start[2]) * _smooth(s / 0.5)
    else:
        z = top + (end[2] - top) * _smooth((s - 0.5) / 0.5)
    return np.array([xy[0], xy[1], z])


def foothold_shift(
    xy: np.ndarray, yaw: float, ground: HeightFn, clearance: float, search: float
) -> np.ndarray:
    """Shift (world xy, along the heading) that keeps a foot ``clearance`` m off any edge.

    Probes the ground ``clearance`` ahead of and behind candidate spots up to ``search`` m either
    way; the nearest candidate whose three heights agree within 2 cm wins. Even ground, or no even
    spot in reach, gives no shift.
    """
    heading = np.array([math.cos(yaw), math.sin(yaw)])
    shifts = np.arange(-search, search + 1e-9, _SEARCH_STEP)
    shifts = shifts[np.argsort(np.abs(shifts), kind="stable")]
    probe = np.array([-clearance, 0.0, clearance])
    pts = xy[None, None, :] + (shifts[:, None, None] + probe[None, :, None]) * heading
    h = ground(pts.reshape(-1, 2)).reshape(len(shifts), 3)
    good = np.nonzero(h.max(axis=1) - h.min(axis=1) < _EVEN)[0]
    if len(good) == 0 or shifts[good[0]] == 0.0:
        return np.zeros(2)
    return shifts[good[0]] * heading


def level_foothold(
    xy: np.ndarray, ground: HeightFn, search: float, spacing: float, distance_cost: float
) -> np.ndarray:
    """Shift (world xy) to the most level landing spot within ``search`` m of ``xy``.

    Scans a square grid of ``spacing`` around the spot; each candidate's steepness is the larger of
    its central-difference gradient and its steepest drop to a neighbour (a crest or an edge the foot
    would slide off), per metre. A pit between stones is fine: it holds the foot.
    The cost is steepness plus ``distance_cost`` per metre of shift, so the nominal spot wins unless a
    clearly better one is near. Level ground gives no shift.
    """
    n = round(search / spacing)
    ticks = np.arange(-n - 1, n + 2) * spacing
    gx, gy = np.meshgrid(ticks, ticks, indexing="ij")
    pts = np.stack([xy[0] + gx.ravel(), xy[1] + gy.ravel()], axis=1)
    h = ground(pts).reshape(gx.shape)
    if float(h.max() - h.min()) < _EVEN:
        return np.zeros(2)
    c = h[1:-1, 1:-1]
    grad = np.hypot(h[2:, 1:-1] - h[:-2, 1:-1], h[1:-1, 2:] - h[1:-1, :-2]) / (2.0 * spacing)
    rim = np.zeros_like(c)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if dx or dy:
                nb = h[1 + dx : h.shape[0] - 1 + dx, 1 + dy : h.shape[1] - 1 + dy]
                rim = np.maximum(rim, (c - nb) / (spacing * math.hypot(dx, dy)))
    shift_x, shift_y = gx[1:-1, 1:-1], gy[1:-1, 1:-1]
    cost = np.maximum(grad, rim) + distance_cost * np.hypot(shift_x, shift_y)
    k = np.unravel_index(int(np.argmin(cost)), cost.shape)
    return np.array([shift_x[k], shift_y[k]])
