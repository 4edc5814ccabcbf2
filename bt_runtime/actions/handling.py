"""Runners that handle payloads and energy: ``pick up``, ``drop off``, ``charge``.

Operators read ``pick up medkit at depot`` as "go to the depot and pick it up", so a robot farther
than :data:`REACH` from the station first walks there with the same
:class:`~bt_runtime.actions.base.Walk` leg as ``go to`` (a mission that already did ``go to depot``
skips the walk). Loading and unloading then take :data:`HANDLING_TIME` seconds standing still. What
is known before walking (payload not at that station, over capacity, nothing to drop) fails at
once, without a pointless walk, and is checked again on arrival. A drop at the station the payload
was picked up from puts it back and is not counted as a delivery.
"""

from __future__ import annotations

import math

from py_trees.common import Status

from bt_runtime.actions.base import WALK_RULE, Walk, walk_timeout
from bt_runtime.behaviours import ActionBehaviour, Charge, DropOff, PickUp, Place
from bt_runtime.robot import RobotContext
from locomotion.backend import Sit, Stand

__all__ = ["HANDLING_TIME", "REACH", "ChargeRunner", "DropOffRunner", "PickUpRunner"]

REACH = 1.0
"""How close (m) the robot must stand to a station to load or unload there."""

HANDLING_TIME = 3.0
"""Seconds to load or unload a payload."""


class _Handling:
    """Walk to the station when farther than :data:`REACH`, then stand still and handle."""

    timeout_rule = f"{WALK_RULE} (when farther than {REACH:g} m from the station), plus 30 s"

    def __init__(self, station: Place, ctx: RobotContext) -> None:
        self.station = station
        self.since: float | None = None
        # Stop well inside the reach, so arrival leaves margin for the handling check.
        self.walk = Walk(station.xy, f"station {station.name}", tolerance=REACH / 2)
        self.walking = False
        self.timeout = self._timeout(ctx)

    def _timeout(self, ctx: RobotContext) -> float:
        if not self.walking and ctx.distance_to(self.station.xy) <= REACH:
            return 30.0
        return walk_timeout(self.walk.estimate(ctx), ctx.speed_limit) + 30.0

    def _approach(self, ctx: RobotContext, verb: str) -> tuple[Status, str] | None:
        """Walk towards the station: None once within reach, else the walk's status."""
        if not self.walking and ctx.distance_to(self.station.xy) <= REACH:
            return None
        self.walking = True
        self.timeout = self._timeout(ctx)
        status, message = self.walk.step(ctx)
        if status == Status.SUCCESS:
            self.walking = False
            return None
        if status == Status.FAILURE:
            return status, f"cannot {verb}: {message}"
        return status, f"{message} (to {verb})"

    def _wait(self, ctx: RobotContext, what: str) -> tuple[Status, str] | None:
        if self.since is None:
            self.since = ctx.time
            ctx.command(Stand())
        if ctx.time - self.since < HANDLING_TIME:
            return Status.RUNNING, what
        return None

    def halt(self, ctx: RobotContext) -> None:
        """Stop the walk if one is under way; the mass changes only when handling completes."""
        if self.walking:
            self.walk.halt(ctx)
            self.walking = False


def _too_far(ctx: RobotContext, station: str, point: tuple[float, float]) -> str | None:
    distance = ctx.distance_to(point)
    if distance > REACH:
        return f"{distance:.1f} m from station {station}: must be within {REACH:g} m"
    return None


class PickUpRunner(_Handling):
    """``pick up <payload> at <station>``: walk there if needed, then load."""

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, PickUp) and behaviour.station is not None
        super().__init__(behaviour.station, ctx)
        self.payload = behaviour.payload

    def _check(self, ctx: RobotContext) -> str | None:
        """Why the payload cannot be loaded here (distance aside), or None."""
        name, station = self.payload, self.station
        if name in ctx.carried:
            return f"already carrying {name}"
        where = ctx.world_sim.payload_at(name)
        if where is None or math.dist(where, station.xy) > REACH:
            return f"payload {name} is not at station {station.name}"
        mass = ctx.world_sim.payload_mass(name)
        capacity = ctx.config.payload_capacity
        if ctx.payload_mass + mass > capacity + 1e-9:
            return (
                f"{name} ({mass:g} kg) would bring the load to {ctx.payload_mass + mass:g} kg, "
                f"over the robot's payload capacity of {capacity:g} kg"
            )
        return None

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        verb = f"pick up {self.payload}"
        if self.since is None:
            problem = self._check(ctx)
            if problem:
                return Status.FAILURE, f"cannot {verb}: {problem}"
            walking = self._approach(ctx, verb)
            if walking:
                return walking
            problem = self._check(ctx) or _too_far(ctx, self.station.name, self.station.xy)
            if problem:
                return Status.FAILURE, f"cannot {verb}: {problem}"
        waiting = self._wait(ctx, f"loading {self.payload}")
        if waiting:
            return waiting
        mass = ctx.pick_up(self.payload, self.station.name)
        return Status.SUCCESS, f"picked up {self.payload} ({mass:g} kg) at {self.station.name}"


class DropOffRunner(_Handling):
    """``drop off [<payload>] at <station>`` (everything carried when no payload is named)."""

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, DropOff) and behaviour.station is not None
        super().__init__(behaviour.station, ctx)
        self.payload = behaviour.payload

    def _check(self, ctx: RobotContext) -> str | None:
        if self.payload is not None and self.payload not in ctx.carried:
            return f"not carrying {self.payload}"
        if not ctx.carried:
            return "not carrying anything"
        return None

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.since is None:
            problem = self._check(ctx)
            if problem:
                return Status.FAILURE, f"cannot drop off at {self.station.name}: {problem}"
            walking = self._approach(ctx, f"drop off at {self.station.name}")
            if walking:
                return walking
            problem = self._check(ctx) or _too_far(ctx, self.station.name, self.station.xy)
            if problem:
                return Status.FAILURE, f"cannot drop off at {self.station.name}: {problem}"
        names = [self.payload] if self.payload is not None else sorted(ctx.carried)
        waiting = self._wait(ctx, f"unloading {', '.join(names)}")
        if waiting:
            return waiting
        delivered = [n for n in names if ctx.drop_off(n, self.station.name, self.station.xy)]
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
            ctx.start_charging()
            ctx.command(Sit())
        elif not ctx.charging:
            # another charge's halt switched the one charger off: a guard's handler starts before
            # the guard halts the charge it interrupts, so this charge may be the handler's
            ctx.start_charging()
        return Status.RUNNING, f"charging: {ctx.battery:.0f} % of {self.until:g} %"

    def halt(self, ctx: RobotContext) -> None:
        if self.started:
            ctx.stop_charging()
            self.started = False
