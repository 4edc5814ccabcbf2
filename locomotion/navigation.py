"""The navigator a backend calls every step: plan once, track, replan when things go wrong.

Combines :class:`~locomotion.planner.Planner` and :class:`~locomotion.tracker.PurePursuit`. It
replans when the robot is pushed or slips more than ``off_path`` metres from its path, and when
it makes no progress for ``stuck_time`` seconds (then with a penalty on the ground where it was
stuck, so the new route avoids it). After ``max_replans`` fruitless replans it gives up with a
reason, rather than walking on the spot forever.

The world may change under it: :meth:`Navigator.set_closed` closes regions mid-walk, and the walk
replans at once around them (failing, with the planner's reason, only when no detour exists).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from locomotion.backend import GoTo, NavStatus, Pose, Velocity
from locomotion.planner import Closure, Planner
from locomotion.terrain import KINDS, TerrainMap
from locomotion.tracker import PurePursuit, wrap_angle
from locomotion.world import Point

__all__ = ["NavOutput", "Navigator"]

_ZERO = Velocity(0.0, 0.0, 0.0)


class NavOutput(NamedTuple):
    """What the navigator wants this step: a body-frame command, a status and a reason."""

    command: Velocity
    status: str
    reason: str


class Navigator:
    """Goal-directed walking for one robot on one map.

    Args:
        terrain: the map to plan on.
        half_width: robot half-width (m) for obstacle inflation.
        off_path: cross-track distance (m) that triggers a replan.
        stuck_time: seconds without 0.1 m of progress that count as stuck.
        max_replans: replans allowed for being stuck before the goal fails.
        nominal_dt: clock step assumed when ``update`` is called without ``now``.
    """

    def __init__(self, terrain: TerrainMap, half_width: float = 0.25, off_path: float = 1.0,
                 stuck_time: float = 5.0, max_replans: int = 4, nominal_dt: float = 0.05,
                 planner: Planner | None = None) -> None:
        self.terrain = terrain
        self.planner = planner if planner is not None else Planner(terrain, half_width)
        self.tracker = PurePursuit()
        self.off_path = off_path
        self.stuck_time = stuck_time
        self.max_replans = max_replans
        self.nominal_dt = nominal_dt
        self.status = NavStatus.IDLE
        self.reason = ""
        self.path: tuple[Point, ...] = ()
        self.replans = 0
        self._goal: GoTo | None = None
        self._clock = 0.0
        self._best = math.inf
        self._best_time = 0.0
        self._penalty: np.ndarray | None = None
        self.closed: tuple[Closure, ...] = ()

    def set_closed(self, closed: tuple[Closure, ...], pose: Pose) -> None:
        """From now on walk around ``closed`` (all regions closed so far); an active walk replans
        from ``pose`` at once and fails if no detour exists."""
        self.closed = tuple(closed)
        if self._goal is not None and self.status == NavStatus.ACTIVE:
            self._plan(pose)
            if self.status == NavStatus.ACTIVE:
                self.reason = "replanned around " + ", ".join(c.name for c in self.closed)

    def set_goal(self, goto: GoTo, pose: Pose, now: float | None = None) -> None:
        """Start walking to ``goto.goal``; plans at once (FAILED with a reason if impossible)."""
        self._clock = self._clock if now is None else now
        self._goal = goto
        self.replans = 0
        self._penalty = None
        self._plan(pose)

    def cancel(self) -> None:
        """Forget the goal (status IDLE)."""
        self._goal = None
        self.status, self.reason, self.path = NavStatus.IDLE, "", ()

    def _plan(self, pose: Pose) -> None:
        assert self._goal is not None
        result = self.planner.plan(pose.xy, self._goal.goal, self._penalty, self.closed)
        if not result.ok:
            self.status, self.reason, self.path = NavStatus.FAILED, result.reason, ()
            return
        self.status, self.path = NavStatus.ACTIVE, result.path
        self.tracker.set_path(result.path)
        self._best, self._best_time = math.inf, self._clock

    def _mark_stuck(self, pose: Pose) -> None:
        grid = self.planner.grid
        if self._penalty is None:
            self._penalty = np.zeros(grid.shape)
        rows = (np.arange(grid.shape[0]) + 0.5) * grid.resolution + grid.y0
        cols = (np.arange(grid.shape[1]) + 0.5) * grid.resolution + grid.x0
        d2 = (rows[:, None] - pose.y) ** 2 + (cols[None, :] - pose.x) ** 2
        self._penalty[d2 <= 0.6**2] += 25.0

    def update(self, pose: Pose, speed_cap: float, now: float | None = None) -> NavOutput:
        """One control tick.

        Args:
            pose: where the robot is now.
            speed_cap: fastest the current gait and terrain allow (m/s); ``GoTo.speed`` caps it
                further.
            now: simulation time (s); if omitted the clock advances by ``nominal_dt``.

        Returns:
            A :class:`NavOutput` ``(command, status, reason)``.
        """
        self._clock = self._clock + self.nominal_dt if now is None else now
        goal = self._goal
        if goal is None or self.status != NavStatus.ACTIVE:
            return NavOutput(_ZERO, self.status, self.reason)
        gx, gy = goal.goal
        if math.hypot(gx - pose.x, gy - pose.y) <= goal.tolerance:
            return self._finish(pose, goal)
        cap = speed_cap if goal.speed is None else min(speed_cap, goal.speed)
        vx, vy, wz, cross_track, remaining = self.tracker.steer(pose.x, pose.y, pose.yaw, cap)
        if cross_track > self.off_path:
            self._plan(pose)
            self.reason = f"replanned: {cross_track:.1f} m off the path"
            return NavOutput(_ZERO, self.status, self.reason)
        if remaining < self._best - 0.1:
            self._best, self._best_time = remaining, self._clock
        elif self._clock - self._best_time > self.stuck_time:
            return self._unstick(pose)
        return NavOutput(Velocity(vx, vy, wz), self.status, self.reason)

    def _finish(self, pose: Pose, goal: GoTo) -> NavOutput:
        if goal.yaw is not None:
            err = wrap_angle(goal.yaw - pose.yaw)
            if abs(err) > 0.05:
                wz = max(-1.0, min(1.0, 2.0 * err))
                return NavOutput(Velocity(0.0, 0.0, wz), self.status, "turning to the goal heading")
        self.status, self.reason = NavStatus.REACHED, ""
        return NavOutput(_ZERO, self.status, self.reason)

    def _unstick(self, pose: Pose) -> NavOutput:
        self.replans += 1
        kind = KINDS[int(self.terrain.kind(pose.x, pose.y))].value
        if self.replans > self.max_replans:
            self.status = NavStatus.FAILED
            self.reason = (f"stuck at ({pose.x:.1f}, {pose.y:.1f}) on {kind}: no progress for "
                           f"{self.stuck_time:g} s after {self.max_replans} replans")
            return NavOutput(_ZERO, self.status, self.reason)
        self._mark_stuck(pose)
        self._plan(pose)
        if self.status == NavStatus.ACTIVE:
            self.reason = f"replanned: no progress on {kind} for {self.stuck_time:g} s"
        return NavOutput(_ZERO, self.status, self.reason)
