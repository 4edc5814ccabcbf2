"""Runners that look for things: ``search`` (a coverage walk) and ``scan`` (a turn on the spot).

Detection itself is always on (:meth:`RobotContext.step`); these runners only put the robot where
and how it can see, and their feedback names what their look found (``1 victim found (v1)``; the
executor publishes each detection, with the action that was running, as a ``Detection`` event).
Numbers they rest on:

* Search lanes are :data:`LANE_FACTOR` x the sensor range apart, so each strip is seen from two
  lanes at most half a range away (people half-hidden in rubble are not seen from afar).
* A search succeeds when the pattern is done; if some lane point was unreachable it still succeeds
  when at least :data:`MIN_COVERAGE` of the area's free ground came within the lane half-width of
  the robot, and fails otherwise with the first unreachable reason.
* A scan turns a full 360 degrees at :data:`SCAN_TURN_RATE`, looking as far as the radius asked
  (or the far edge of the area), at most :data:`SCAN_RANGE_FACTOR` x the sensor range: a careful
  stationary look sees further than a glance while walking.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from py_trees.common import Status

from bt_runtime.actions.base import FALL_WAIT, Walk, path_length
from bt_runtime.behaviours import ActionBehaviour, Scan, SearchArea
from bt_runtime.robot import RobotContext
from bt_runtime.sensors import SCAN_RANGE_FACTOR, SensorModel
from locomotion.backend import Stop, Velocity
from locomotion.world import Point, Shape

__all__ = [
    "LANE_FACTOR",
    "MIN_COVERAGE",
    "SCAN_RANGE_FACTOR",
    "SCAN_TURN_RATE",
    "ScanRunner",
    "SearchRunner",
    "lanes",
]

LANE_FACTOR = 0.75
MIN_COVERAGE = 0.8
SCAN_TURN_RATE = 0.6  # rad/s
_SAMPLE = 0.25


def _free_runs(points: list[Point], free: list[bool]) -> list[tuple[Point, Point]]:
    runs: list[tuple[Point, Point]] = []
    start: Point | None = None
    last: Point | None = None
    for point, ok in zip(points, free):
        if ok and start is None:
            start = point
        if ok:
            last = point
        if not ok and start is not None and last is not None:
            runs.append((start, last))
            start = None
    if start is not None and last is not None:
        runs.append((start, last))
    return runs


def lanes(
    shape: Shape, spacing: float, is_free: Callable[[float, float], bool]
) -> list[list[Point]]:
    """Boustrophedon lanes over ``shape``: parallel to its longer side, ``spacing`` apart.

    Each lane is the list of end points of its free stretches (inside the shape and walkable), in
    the direction of travel; every other lane runs backwards so the walk snakes.
    """
    x0, y0, x1, y1 = shape.bbox()
    along_x = (x1 - x0) >= (y1 - y0)
    across = (y0, y1) if along_x else (x0, x1)
    span = (x0, x1) if along_x else (y0, y1)
    count = max(1, math.ceil((across[1] - across[0]) / spacing))
    width = (across[1] - across[0]) / count
    n = max(2, int((span[1] - span[0]) / _SAMPLE) + 1)
    out: list[list[Point]] = []
    for lane in range(count):
        c = across[0] + (lane + 0.5) * width
        pts = [((s, c) if along_x else (c, s)) for s in np.linspace(span[0], span[1], n).tolist()]
        free = [shape.contains(x, y) and is_free(x, y) for x, y in pts]
        stretch = [p for run in _free_runs(pts, free) for p in run]
        if not stretch:
            continue
        if len(out) % 2 == 1:
            stretch.reverse()
        out.append(stretch)
    return out


class SearchRunner:
    """``search <area> for <kind>``: walk the lanes, marking the ground seen on the way."""

    timeout_rule = "60 s + 3x the coverage pattern's length at the speed limit"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, SearchArea)
        self.kind = behaviour.kind
        self.area = behaviour.area
        self.label = behaviour.name
        sensor = ctx.config.sensor
        spacing = LANE_FACTOR * sensor.range
        world = ctx.world

        def is_free(x: float, y: float) -> bool:
            return not any(
                world.is_blocked(x + dx, y + dy)
                for dx, dy in ((0, 0), (0.35, 0), (-0.35, 0), (0, 0.35), (0, -0.35))
            )

        pattern = lanes(self.area, spacing, is_free)
        here = ctx.position()[:2]
        variants = []
        for order in (pattern, pattern[::-1]):
            variants.append([p for lane in order for p in lane])
            flipped = [lane[::-1] for lane in order]
            variants.append([p for lane in flipped for p in lane])
        self.points: list[Point] = min(variants, key=lambda v: math.dist(here, v[0]) if v else 0.0)
        self.radius = min(spacing / 2 + 0.5, sensor.range)
        self.cells = self._cells(is_free)
        self.seen = np.zeros(len(self.cells), dtype=bool)
        self.index = 0
        self.unreachable: list[str] = []
        self.stopped_at: Point = here
        self.found_before = {n for n, t in ctx.found.items() if t.kind == self.kind}
        self.walk = Walk(self.points[0], "lane point 1", tolerance=0.5) if self.points else None
        length = path_length([here, *self.points])
        self.timeout = 60.0 + 3.0 * length / max(ctx.speed_limit, 0.05)

    def _cells(self, is_free: Callable[[float, float], bool]) -> np.ndarray:
        x0, y0, x1, y1 = self.area.bbox()
        xs = np.arange(x0 + 0.25, x1, 0.5)
        ys = np.arange(y0 + 0.25, y1, 0.5)
        cells = [
            (x, y)
            for x in xs.tolist()
            for y in ys.tolist()
            if self.area.contains(x, y) and is_free(x, y)
        ]
        return np.array(cells, dtype=float).reshape(-1, 2)

    @property
    def coverage(self) -> float:
        return float(self.seen.mean()) if len(self.seen) else 1.0

    def _mark(self, ctx: RobotContext) -> None:
        if len(self.cells):
            x, y, _ = ctx.position()
            d2 = (self.cells[:, 0] - x) ** 2 + (self.cells[:, 1] - y) ** 2
            self.seen |= d2 <= self.radius**2

    def _found(self, ctx: RobotContext) -> str:
        return _tally(ctx, self.kind, self.found_before, "found")

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        self._mark(ctx)
        while self.walk is not None:
            status, message = self.walk.step(ctx)
            if status == Status.RUNNING:
                return status, (
                    f"lane point {self.index + 1}/{len(self.points)}, "
                    f"{self.coverage:.0%} covered, {self._found(ctx)}"
                )
            if status == Status.FAILURE:
                state = ctx.state
                if state is not None and state.fallen:
                    return status, message
                self.unreachable.append(message)
            self.index += 1
            if self.index >= len(self.points):
                self.walk = None
                break
            self.walk = Walk(self.points[self.index], f"lane point {self.index + 1}", 0.5)
        return self._finish()

    def _finish(self) -> tuple[Status, str]:
        cover = self.coverage
        if not self.points:
            return Status.FAILURE, "nowhere to walk: the area has no walkable ground"
        if self.unreachable and cover < MIN_COVERAGE:
            return Status.FAILURE, (
                f"covered only {cover:.0%} of the area (needs {MIN_COVERAGE:.0%} when part of it "
                f"is unreachable): {self.unreachable[0]}"
            )
        note = f", {len(self.unreachable)} lane point(s) unreachable" if self.unreachable else ""
        return Status.SUCCESS, f"search done: {cover:.0%} covered{note}"

    def halt(self, ctx: RobotContext) -> None:
        if self.walk is not None:
            self.walk.halt(ctx)
        self.stopped_at = ctx.position()[:2]

    def resume(self, ctx: RobotContext) -> None:
        """Continue after a guard's handler (:class:`bt_runtime.actions.port.ResumableRunner`):
        the ground already seen stays seen; the robot first walks back to where the halt stopped it
        (the rest of the interrupted lane is not skipped), then on along the lanes. The time limit
        grows by the walk back."""
        if self.walk is None:
            return
        back = self.stopped_at
        self.points.insert(self.index, back)
        self.walk = Walk(back, f"lane point {self.index + 1} (back where the search stopped)", 0.5)
        self.timeout += 3.0 * math.dist(ctx.position()[:2], back) / max(ctx.speed_limit, 0.05)


def _tally(ctx: RobotContext, kind: str, before: set[str], verb: str) -> str:
    """``2 victims found (v1, v3)``: what this action's look added, by name."""
    new = [n for n, t in ctx.found.items() if t.kind == kind and n not in before]
    names = f" ({', '.join(new)})" if new else ""
    return f"{len(new)} {kind}{'s' if len(new) != 1 else ''} {verb}{names}"


def _with_range(sensor: SensorModel, reach: float) -> SensorModel:
    return SensorModel(reach, sensor.fov, sensor.mount_height, sensor.p_detect_per_s)


class ScanRunner:
    """``scan radius R for <kind>`` / ``scan <area> for <kind>``: a full turn on the spot."""

    timeout_rule = "10 s + 3x the time of a full turn, plus time to get up after a fall"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, Scan)
        self.kind = behaviour.kind
        sensor = ctx.config.sensor
        limit = SCAN_RANGE_FACTOR * sensor.range
        self.error = ""
        if behaviour.radius is not None:
            reach = behaviour.radius
        else:
            assert behaviour.area is not None
            corners = behaviour.area.vertices()
            here = ctx.position()[:2]
            reach = max(math.dist(here, c) for c in corners)
            nearest = min(math.dist(here, c) for c in corners)
            if not behaviour.area.contains(*here) and nearest > limit:
                self.error = (
                    f"the area is {nearest:.0f} m away, beyond the scan range of {limit:g} m: "
                    "go closer first"
                )
        self.reach = min(reach, limit)
        self.sensor = _with_range(sensor, self.reach)
        self.timeout = 10.0 + 3.0 * 2 * math.pi / SCAN_TURN_RATE + FALL_WAIT
        self.turned = 0.0
        self.last_yaw: float | None = None
        self.fallen_since: float | None = None
        self.found_before = {n for n, t in ctx.found.items() if t.kind == self.kind}
        self.turn: Velocity | None = None  # the command this scan gave the legs

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.error:
            return Status.FAILURE, self.error
        state = ctx.state
        assert state is not None
        if state.fallen:
            if self.fallen_since is None:
                self.fallen_since = ctx.time
            if ctx.time - self.fallen_since > FALL_WAIT:
                self.halt(ctx)
                return (
                    Status.FAILURE,
                    f"fell while scanning and did not get up within {FALL_WAIT:g} s",
                )
            self.last_yaw = None  # the yaw while falling is no part of the look
            return Status.RUNNING, "fallen: waiting to get up"
        yaw = state.pose.yaw
        if self.last_yaw is None:  # (re)start turning: first tick, or after getting up
            self.fallen_since = None
            ctx.use_sensor(self.sensor)
            self.turn = Velocity(0.0, 0.0, SCAN_TURN_RATE)
            ctx.command(self.turn)
        else:
            self.turned += abs((yaw - self.last_yaw + math.pi) % (2 * math.pi) - math.pi)
        self.last_yaw = yaw
        seen = _tally(ctx, self.kind, self.found_before, "seen")
        if self.turned >= 2 * math.pi:
            self.halt(ctx)
            return Status.SUCCESS, f"scan done within {round(self.reach, 1):g} m: {seen}"
        return Status.RUNNING, (
            f"scanning within {round(self.reach, 1):g} m: {math.degrees(self.turned):.0f} of 360 deg, {seen}"
        )

    def halt(self, ctx: RobotContext) -> None:
        """Undo only what is still this scan's: a guard's handler starts before the guard halts
        the rest, so the legs or the sensor may already serve the handler's walk or scan."""
        if ctx.sensor is self.sensor:
            ctx.use_sensor(None)
        if self.turn is not None and ctx.motion is self.turn:
            ctx.command(Stop())
