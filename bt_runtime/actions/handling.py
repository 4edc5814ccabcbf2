"""Runners that handle payloads and energy: ``pick up``, ``drop off``, ``charge``.

Loading and unloading take :data:`HANDLING_TIME` seconds standing still within :data:`REACH` of the
station (the robot must already be there: missions walk with ``go to`` first). A drop at the
station the payload was picked up from puts it back and is not counted as a delivery.
"""

from __future__ import annotations

import math

from py_trees.common import Status

from bt_runtime.behaviours import ActionBehaviour, Charge, DropOff, PickUp, Place
from bt_runtime.robot import RobotContext
from locomotion.backend import Sit, Stand

__all__ = ["HANDLING_TIME", "REACH", "ChargeRunner", "DropOffRunner", "PickUpRunner"]

REACH = 1.0
"""How close (m) the robot must stand to a station to load or unload there."""

HANDLING_TIME = 3.0
"""Seconds to load or unload a payload."""


class _Handling:
    timeout = 30.0
    timeout_rule = "30 s"

    def __init__(self) -> None:
        self.since: float | None = None

    def _wait(self, ctx: RobotContext, what: str) -> tuple[Status, str] | None:
        if self.since is None:
            self.since = ctx.time
            ctx.backend.command(Stand())
        if ctx.time - self.since < HANDLING_TIME:
            return Status.RUNNING, what
        return None

    def halt(self, ctx: RobotContext) -> None:
        """Nothing half-done to undo: the mass changes only when handling completes."""


def _too_far(ctx: RobotContext, station: str, point: tuple[float, float]) -> str | None:
    distance = ctx.distance_to(point)
    if distance > REACH:
        return (
            f"{distance:.1f} m from station {station}: must be within {REACH:g} m "
            f"(go to {station} first)"
        )
    return None


class PickUpRunner(_Handling):
    """``pick up <payload> at <station>``."""

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        super().__init__()
        assert isinstance(behaviour, PickUp) and behaviour.station is not None
        self.payload = behaviour.payload
        self.station: Place = behaviour.station

    def _check(self, ctx: RobotContext) -> str | None:
        name, station = self.payload, self.station
        if name in ctx.carried:
            return f"already carrying {name}"
        far = _too_far(ctx, station.name, station.xy)
        if far:
            return far
        where = ctx.scenario.payloads.get(name)
        if where is None or math.dist(where, station.xy) > REACH:
            return f"payload {name} is not at station {station.name}"
        mass = ctx.scenario.payload_mass.get(name, 0.0)
        capacity = ctx.config.payload_capacity
        if ctx.payload_mass + mass > capacity + 1e-9:
            return (
                f"{name} ({mass:g} kg) would bring the load to {ctx.payload_mass + mass:g} kg, "
                f"over the robot's payload capacity of {capacity:g} kg"
            )
        return None

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.since is None:
            problem = self._check(ctx)
            if problem:
                return Status.FAILURE, f"cannot pick up {self.payload}: {problem}"
        waiting = self._wait(ctx, f"loading {self.payload}")
        if waiting:
            return waiting
        mass = ctx.scenario.payload_mass.get(self.payload, 0.0)
        ctx.load(self.payload, mass, self.station.name)
        return Status.SUCCESS, f"picked up {self.payload} ({mass:g} kg) at {self.station.name}"


class DropOffRunner(_Handling):
    """``drop off [<payload>] at <station>`` (everything carried when no payload is named)."""

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        super().__init__()
        assert isinstance(behaviour, DropOff) and behaviour.station is not None
        self.payload = behaviour.payload
        self.station: Place = behaviour.station

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.since is None:
            problem = _too_far(ctx, self.station.name, self.station.xy)
            if self.payload is not None and self.payload not in ctx.carried:
                problem = f"not carrying {self.payload}"
            elif not ctx.carried:
                problem = "not carrying anything"
            if problem:
                return Status.FAILURE, f"cannot drop off at {self.station.name}: {problem}"
        names = [self.payload] if self.payload is not None else sorted(ctx.carried)
        waiting = self._wait(ctx, f"unloading {', '.join(names)}")
        if waiting:
            return waiting
        delivered = [n for n in names if ctx.unload(n, self.station.name, self.station.xy)]
        what = ", ".join(names)
        if delivered:
            return Status.SUCCESS, f"delivered {what} at {self.station.name}"
        return Status.SUCCESS, f"put {what} back at {self.station.name}"


class ChargeRunner:
    """``charge until <ratio>``: sit on the dock and charge; needs to be docked."""

    timeout_rule = "60 s + 2x the time the charger needs to reach the target"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, Charge)
        self.until = behaviour.until
        need_wh = max(0.0, self.until - ctx.battery) / 100.0 * ctx.config.battery_wh
        self.timeout = 60.0 + 2.0 * need_wh / ctx.config.charger_power_w * 3600.0
        self.started = False

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if ctx.battery >= self.until - 1e-9:
            self.halt(ctx)
            return Status.SUCCESS, f"battery at {ctx.battery:.0f} %"
        if ctx.docked_at is None:
            self.halt(ctx)
            return Status.FAILURE, "cannot charge: not docked (dock first)"
        if not self.started:
            self.started = True
            ctx.charging = True
            ctx.backend.command(Sit())
        return Status.RUNNING, f"charging: {ctx.battery:.0f} % of {self.until:g} %"

    def halt(self, ctx: RobotContext) -> None:
        if self.started:
            ctx.charging = False
            self.started = False
