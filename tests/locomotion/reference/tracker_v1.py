"""The tracker as it was before project() read per-segment values computed once per path (commit
8d44e25), kept verbatim as the reference the equivalence test compares with."""

from __future__ import annotations

import bisect
import math
from typing import NamedTuple

import numpy as np

from locomotion.world import Point

__all__ = ["PurePursuit", "TrackCommand", "wrap_angle"]


def wrap_angle(a: float) -> float:
    """``a`` wrapped to (-pi, pi]."""
    return math.atan2(math.sin(a), math.cos(a))


class TrackCommand(NamedTuple):
    """Body-frame command plus how well the path is being followed."""

    vx: float
    vy: float
    wz: float
    cross_track: float
    remaining: float


class PurePursuit:
    """Pure-pursuit tracker over a polyline.

    Args:
        lookahead: look-ahead distance (m); grows with speed as ``lookahead + 0.5 * v``.
        max_wz: turn-rate limit (rad/s).
        turn_in_place: heading error (rad) beyond which the robot stops and turns on the spot.
        decel: deceleration (m/s^2) used to taper speed towards the end of the path.
    """

    def __init__(self, lookahead: float = 0.5, max_wz: float = 1.2,
                 turn_in_place: float = 0.9, decel: float = 0.6) -> None:
        self.lookahead = lookahead
        self.max_wz = max_wz
        self.turn_in_place = turn_in_place
        self.decel = decel
        self._pts = np.zeros((0, 2))
        self._cum = np.zeros(0)
        self._list: list[tuple[float, float]] = []
        self._cum_list: list[float] = []
        self._seg = 0

    def set_path(self, path: tuple[Point, ...] | list[Point]) -> None:
        """Follow ``path`` from its start."""
        self._pts = np.asarray(path, dtype=float).reshape(-1, 2)
        d = np.hypot(*np.diff(self._pts, axis=0).T) if len(self._pts) > 1 else np.zeros(0)
        self._cum = np.concatenate([[0.0], np.cumsum(d)])
        self._list = [(float(p[0]), float(p[1])) for p in self._pts.tolist()]
        self._cum_list = self._cum.tolist()
        self._seg = 0

    @property
    def length(self) -> float:
        return float(self._cum[-1]) if len(self._cum) else 0.0

    def project(self, x: float, y: float) -> tuple[float, float]:
        """(arc length of the closest path point, distance to it), searching a few segments ahead
        of the last match so a path that doubles back is not short-circuited. Plain Python: the
        window holds at most six segments, where numpy's per-call cost would dominate."""
        pts = self._list
        n = len(pts) - 1
        if n < 1:
            return 0.0, math.hypot(x - pts[0][0], y - pts[0][1]) if pts else 0.0
        best = (math.inf, 0.0, self._seg)
        for i in range(self._seg, min(n, self._seg + 6)):
            ax, ay = pts[i]
            bx, by = pts[i + 1]
            ux, uy = bx - ax, by - ay
            seg2 = ux * ux + uy * uy
            t = 0.0 if seg2 <= 1e-12 else min(max(((x - ax) * ux + (y - ay) * uy) / seg2, 0.0), 1.0)
            d = math.hypot(x - ax - t * ux, y - ay - t * uy)
            if d < best[0]:
                best = (d, self._cum_list[i] + t * math.sqrt(seg2), i)
        self._seg = best[2]
        return best[1], best[0]

    def point_at(self, s: float) -> tuple[float, float]:
        """The path point at arc length ``s`` (clamped to the ends)."""
        cum = self._cum_list
        s = min(max(s, 0.0), cum[-1])
        i = min(max(bisect.bisect_right(cum, s) - 1, 0), len(cum) - 2)
        seg = cum[i + 1] - cum[i]
        t = 0.0 if seg <= 0 else (s - cum[i]) / seg
        (px, py), (qx, qy) = self._list[i], self._list[i + 1]
        return px + t * (qx - px), py + t * (qy - py)

    def command(self, x: float, y: float, yaw: float, speed_cap: float) -> TrackCommand:
        """Velocity command towards the path for a robot at (x, y) heading ``yaw``."""
        if len(self._pts) < 2:
            return TrackCommand(0.0, 0.0, 0.0, 0.0, 0.0)
        s, cross = self.project(x, y)
        remaining = self.length - s
        v = min(speed_cap, math.sqrt(2.0 * self.decel * max(remaining, 0.0)) + 0.05)
        look = self.lookahead + 0.5 * v
        tx, ty = self.point_at(s + look)
        dx, dy = tx - x, ty - y
        dist = math.hypot(dx, dy)
        if dist < 1e-6:
            return TrackCommand(0.0, 0.0, 0.0, cross, remaining)
        alpha = wrap_angle(math.atan2(dy, dx) - yaw)
        if abs(alpha) > self.turn_in_place:
            wz = math.copysign(self.max_wz, alpha)
            return TrackCommand(0.0, 0.0, wz, cross, remaining)
        vx = v * max(math.cos(alpha), 0.3)
        wz = 2.0 * vx * math.sin(alpha) / max(dist, 0.2)
        wz = max(-self.max_wz, min(self.max_wz, wz))
        return TrackCommand(vx, 0.0, wz, cross, remaining)
