"""What every action runner shares: the runner protocol and the walk-to-a-point leg.

A runner lives from the tick its behaviour starts until it succeeds, fails or is halted. Each tick
the port calls :meth:`Runner.step`, which may command the backend and returns a status and a
feedback line; the executor steps the backend between ticks, so a runner always reads the state
that followed its last command. Every runner has a ``timeout`` (sim seconds since it started, which
the port enforces) and a ``timeout_rule`` saying how the default was chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from typing import Protocol

from py_trees.common import Status

from bt_runtime.behaviours import ActionBehaviour
from bt_runtime.robot import RobotContext
from locomotion.backend import GoTo, NavStatus
from locomotion.world import Point

__all__ = ["FALL_WAIT", "REACH_SLACK", "Runner", "Walk", "path_ahead", "path_length", "walk_timeout"]

FALL_WAIT = 30.0
"""Seconds a fallen robot is given to get up before the action fails (the physics backend's
stand-up routine can take 10-20 s on rough ground)."""

REACH_SLACK = 0.1
"""Metres beyond its tolerance a walk still accepts when the backend says "reached": the trunk
coasts on for the step in which the navigator stops it (0.6 m/s over a 0.1 s tick is 6 cm)."""


class Runner(Protocol):
    """One running action."""

    timeout: float
    timeout_rule: str

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        """Advance the action by one tick; return its status and a feedback line."""
        ...

    def halt(self, ctx: RobotContext) -> None:
        """The action was interrupted: stop what it commanded."""
        ...


RunnerFactory = Callable[[ActionBehaviour, RobotContext], Runner]
"""Builds the runner of one action behaviour on the run's robot."""


def path_length(points: tuple[Point, ...] | list[Point]) -> float:
    """Length (m) of a polyline."""
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(points))


def path_ahead(path: tuple[Point, ...], position: Point) -> tuple[Point, ...]:
    """``position`` then the part of ``path`` still ahead of it: the points after the segment
    nearest to ``position`` (the path as planned starts where the walk began, and the part already
    walked must not be checked again)."""
    if len(path) < 2:
        return (position, *path[1:])
    px, py = position
    best, nearest = math.inf, 0
    for i, ((ax, ay), (bx, by)) in enumerate(pairwise(path)):
        dx, dy = bx - ax, by - ay
        t = ((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-12)
        t = min(max(t, 0.0), 1.0)
        d = math.hypot(ax + t * dx - px, ay + t * dy - py)
        if d < best:
            best, nearest = d, i
    return (position, *path[nearest + 1:])


def walk_timeout(length: float, speed: float) -> float:
    """Default time limit of a walk of ``length`` metres at ``speed`` m/s: 30 s + 3x the time."""
    return 30.0 + 3.0 * length / max(speed, 0.05)


WALK_RULE = "30 s + 3x the planned path length at the speed limit"


class Walk:
    """Walk to ``goal`` through the backend's GoTo: plan, track, survive a fall, or fail saying why.

    Fails when the backend's navigator gives up (unreachable goal, stuck after replans: its reason
    is passed on: it includes "no detour" when closed regions cut every route), when the robot has
    fallen and not got up within :data:`FALL_WAIT` seconds, when the path still ahead crosses a
    region a fault has closed (a backend without closures never detours), and when another action
    has commanded the legs since this walk did (the backend's goal is then not this walk's).

    It judges its own goal: the backend's "reached" counts only while the backend's goal is this
    walk's GoTo and the robot stands within ``tolerance`` (+ :data:`REACH_SLACK`) of ``goal``.
    """

    def __init__(self, goal: Point, label: str, tolerance: float = 0.3) -> None:
        self.goal = goal
        self.label = label
        self.tolerance = tolerance
        self._issued_at: int | None = None
        self._command: GoTo | None = None
        self._fallen_since: float | None = None
        self._planned = 0.0
        self._measured: tuple[Point, ...] = ()  # the last path measured into _planned
        self._walking = f"walking to {label}"

    def _issue(self, ctx: RobotContext) -> None:
        self._command = GoTo(self.goal, speed=ctx.speed_limit, tolerance=self.tolerance)
        ctx.command(self._command)
        self._issued_at = ctx.steps

    def estimate(self, ctx: RobotContext) -> float:
        """Best known length (m) of this walk: the planned path once there is one."""
        return max(self._planned, ctx.distance_to(self.goal))

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self._issued_at is None:
            if ctx.distance_to(self.goal) <= self.tolerance:
                return Status.SUCCESS, f"at {self.label}"
            self._issue(ctx)
            return Status.RUNNING, self._walking
        state = ctx.state
        assert state is not None
        if ctx.motion is not self._command:
            return Status.FAILURE, (
                f"stopped walking to {self.label}: another action took the legs "
                f"({_describe(ctx.motion)}) at {ctx.distance_to(self.goal):.1f} m from it"
            )
        if ctx.steps <= self._issued_at:
            return Status.RUNNING, self._walking
        if state.fallen:
            if self._fallen_since is None:
                self._fallen_since = ctx.time
            if ctx.time - self._fallen_since > FALL_WAIT:
                ctx.halt()
                return Status.FAILURE, (
                    f"fell at ({state.pose.x:.1f}, {state.pose.y:.1f}) on the way to {self.label} "
                    f"and did not get up within {FALL_WAIT:g} s"
                )
            return Status.RUNNING, "fallen: waiting to get up"
        if self._fallen_since is not None:
            self._fallen_since = None
            self._issue(ctx)
            return Status.RUNNING, f"got up: walking on to {self.label}"
        path = state.path
        if path and path is not self._measured:  # the backend keeps its path until it replans
            self._measured = path
            self._planned = max(self._planned, path_length(path))
        if ctx.closed_regions:
            region = ctx.blocked_region_on(path_ahead(state.path, state.pose.xy), ctx.steps)
            if region is not None:
                ctx.halt()
                return Status.FAILURE, f"route to {self.label} blocked: {region} is closed"
        if state.nav_status == NavStatus.REACHED:
            left = ctx.distance_to(self.goal)
            if left <= self.tolerance + REACH_SLACK:
                return Status.SUCCESS, f"reached {self.label}"
            self._issue(ctx)  # stopped short of this walk's goal, or pushed off it: walk on
            return Status.RUNNING, f"walking on to {self.label}: {left:.1f} m left"
        if state.nav_status == NavStatus.FAILED:
            return Status.FAILURE, f"cannot reach {self.label}: {state.nav_reason}"
        if state.nav_status == NavStatus.IDLE:  # something else cancelled the goal: ask again
            self._issue(ctx)
        left = ctx.distance_to(self.goal)
        return Status.RUNNING, f"{self._walking}: {left:.1f} m left"

    def halt(self, ctx: RobotContext) -> None:
        if self._issued_at is not None and ctx.motion is self._command:
            ctx.halt()  # only stop the legs if they still follow this walk


def _describe(command: object) -> str:
    """A command in words, for the message of a walk whose legs were taken."""
    if isinstance(command, GoTo):
        return f"a walk to ({command.goal[0]:.1f}, {command.goal[1]:.1f})"
    return "none" if command is None else type(command).__name__.lower()
