"""Path tracking: pure pursuit producing body-frame velocity commands.

Pure pursuit steers towards a point one look-ahead distance further along the path, which turns
early into bends and damps cross-track error without a model of the robot. The robot walks forward
and turns (it does not crab sideways), because the stair gait and the slope posture assume the
trunk points along the direction of travel; if the look-ahead point lies far off the nose it turns
on the spot first. Speed is capped by the caller (the gait's cap) and tapers near the goal.
"""

from __future__ import annotations

import bisect
import itertools
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
        self._length = 0.0
        self._segments: list[tuple[float, float, float, float, float, float, float]] = []

    def set_path(self, path: tuple[Point, ...] | list[Point]) -> None:
        """Follow ``path`` from its start."""
        self._pts = np.asarray(path, dtype=float).reshape(-1, 2)
        d = np.hypot(*np.diff(self._pts, axis=0).T) if len(self._pts) > 1 else np.zeros(0)
        self._cum = np.concatenate([[0.0], np.cumsum(d)])
        self._list = [(float(p[0]), float(p[1])) for p in self._pts.tolist()]
        self._cum_list = self._cum.tolist()
        self._seg = 0
        self._length = self._cum_list[-1] if self._cum_list else 0.0
        self._segments = []  # what project() needs of each segment, computed once per path
        for i, ((ax, ay), (bx, by)) in enumerate(itertools.pairwise(self._list)):
            ux, uy = bx - ax, by - ay
            seg2 = ux * ux + uy * uy
            self._segments.append((ax, ay, ux, uy, seg2, math.sqrt(seg2), self._cum_list[i]))

    @property
    def length(self) -> float:
        return self._length

    def project(self, x: float, y: float) -> tuple[float, float]:
        """(arc length of the closest path point, distance to it), searching a few segments ahead
        of the last match so a path that doubles back is not short-circuited. Plain Python: the
        window holds at most six segments, where numpy's per-call cost would dominate."""
        pts = self._list
        n = len(pts) - 1
        if n < 1:
            return 0.0, math.hypot(x - pts[0][0], y - pts[0][1]) if pts else 0.0
        first = self._seg
        best_d, best_s, best_i = math.inf, 0.0, first
        hypot = math.hypot
        for i, (ax, ay, ux, uy, seg2, seg, cum) in enumerate(
                self._segments[first:min(n, first + 6)], first):
            t = 0.0 if seg2 <= 1e-12 else min(max(((x - ax) * ux + (y - ay) * uy) / seg2, 0.0), 1.0)
            d = hypot(x - ax - t * ux, y - ay - t * uy)
            if d < best_d:
                best_d, best_s, best_i = d, cum + t * seg, i
        self._seg = best_i
        return best_s, best_d

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
        return TrackCommand(*self.steer(x, y, yaw, speed_cap))

    def steer(self, x: float, y: float, yaw: float,
              speed_cap: float) -> tuple[float, float, float, float, float]:
        """:meth:`command` as a plain tuple ``(vx, vy, wz, cross_track, remaining)``: the
        navigator calls it every step and reads the fields once, so it skips the named tuple."""
        if len(self._list) < 2:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        s, cross = self.project(x, y)
        remaining = self._length - s
        v = min(speed_cap, math.sqrt(2.0 * self.decel * max(remaining, 0.0)) + 0.05)
        look = self.lookahead + 0.5 * v
        tx, ty = self.point_at(s + look)
        dx, dy = tx - x, ty - y
        dist = math.hypot(dx, dy)
        if dist < 1e-6:
            return 0.0, 0.0, 0.0, cross, remaining
        alpha = wrap_angle(math.atan2(dy, dx) - yaw)
        if abs(alpha) > self.turn_in_place:
            wz = math.copysign(self.max_wz, alpha)
            return 0.0, 0.0, wz, cross, remaining
        vx = v * max(math.cos(alpha), 0.3)
        wz = 2.0 * vx * math.sin(alpha) / max(dist, 0.2)
        wz = max(-self.max_wz, min(self.max_wz, wz))
        return vx, 0.0, wz, cross, remaining
