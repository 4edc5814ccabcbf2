"""Runners that walk somewhere: ``go to``, ``follow`` a route, ``dock``."""

from __future__ import annotations

import math
from itertools import pairwise

from py_trees.common import Status

from bt_runtime.actions.base import WALK_RULE, Walk, walk_timeout
from bt_runtime.behaviours import ActionBehaviour, Dock, FollowRoute, GoTo, Place
from bt_runtime.robot import RobotContext
from locomotion.backend import Stand

__all__ = ["DOCK_SETTLE", "DockRunner", "FollowRunner", "GoToRunner"]

DOCK_SETTLE = 2.0
"""Seconds the robot stands still on the dock's contacts before it counts as docked."""


class GoToRunner:
    """``go to <place>``: one walk; the timeout grows to the planned path once it is known."""

    timeout_rule = WALK_RULE

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, GoTo) and behaviour.target is not None
        self.walk = Walk(behaviour.target.xy, behaviour.target.name)
        self.timeout = walk_timeout(self.walk.estimate(ctx), ctx.speed_limit)

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        self.timeout = walk_timeout(self.walk.estimate(ctx), ctx.speed_limit)
        return self.walk.step(ctx)

    def halt(self, ctx: RobotContext) -> None:
        self.walk.halt(ctx)


class FollowRunner:
    """``follow <route> [laps N]``: walk each place in order, ``laps`` times.

    A closed route ends where it starts, so each lap comes back; an open route's next lap walks
    back to its first place. Consecutive repeats of one place are walked once.
    """

    timeout_rule = "the sum over the route's legs of " + WALK_RULE

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, FollowRoute)
        route = behaviour.route
        legs: list[tuple[int, int, Place]] = []
        for lap in range(behaviour.laps):
            for index, place in enumerate(route.places):
                if legs and legs[-1][2] == place:
                    continue
                legs.append((lap, index, place))
        self.legs = legs
        self.laps = behaviour.laps
        self.route = route
        self.index = 0
        self._where = (-1, "")  # (lap, the prefix of its messages), written once per lap
        self.walk = Walk(legs[0][2].xy, legs[0][2].name)
        points = [ctx.position()[:2]] + [leg[2].xy for leg in legs]
        length = sum(math.dist(a, b) for a, b in pairwise(points))
        self.timeout = 30.0 * len(legs) + 3.0 * length / max(ctx.speed_limit, 0.05)

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        while True:
            lap = self.legs[self.index][0]
            status, message = self.walk.step(ctx)
            if status is Status.RUNNING or status is Status.FAILURE:  # said where on the route
                if self._where[0] != lap:
                    self._where = (lap, f"lap {lap + 1}/{self.laps} of {self.route.name}: ")
                return status, self._where[1] + message
            self.index += 1
            if self.index == len(self.legs):
                return Status.SUCCESS, f"followed {self.route.name} {self.laps} time(s)"
            nxt = self.legs[self.index][2]
            self.walk = Walk(nxt.xy, nxt.name)

    def halt(self, ctx: RobotContext) -> None:
        self.walk.halt(ctx)


class DockRunner:
    """``dock [at <dock>]``: walk onto the named dock (or the nearest), stand still, docked."""

    timeout_rule = WALK_RULE + f", plus {DOCK_SETTLE:g} s to settle"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, Dock)
        self.error = ""
        self.timeout = 30.0
        if behaviour.dock is not None:
            self.name, self.point = behaviour.dock.name, behaviour.dock.xy
        elif ctx.world.docks:
            nearest = min(ctx.world.docks, key=lambda d: ctx.distance_to(d.position))
            self.name, self.point = nearest.name, nearest.position
        else:
            self.name, self.point = "", (0.0, 0.0)
            self.error = "the world has no dock to walk to"
        self.walk = Walk(self.point, f"dock {self.name}", tolerance=0.2)
        self._settle_from: float | None = None

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.error:
            return Status.FAILURE, self.error
        if ctx.docked_name == self.name and self._settle_from is None:
            return Status.SUCCESS, f"already docked on {self.name}"
        self.timeout = walk_timeout(self.walk.estimate(ctx), ctx.speed_limit) + DOCK_SETTLE
        if self._settle_from is None:
            status, message = self.walk.step(ctx)
            if status != Status.SUCCESS:
                return status, message
            ctx.command(Stand())
            self._settle_from = ctx.time
        if ctx.time - self._settle_from < DOCK_SETTLE:
            return Status.RUNNING, f"settling on dock {self.name}"
        ctx.dock(self.name, self.point)
        return Status.SUCCESS, f"docked on {self.name}"

    def halt(self, ctx: RobotContext) -> None:
        self.walk.halt(ctx)
