"""Runners that change how the robot stands or walks: ``stand``, ``sit``, ``set speed/gait``."""

from __future__ import annotations

from py_trees.common import Status

from bt_runtime.behaviours import ActionBehaviour, SetGait, SetSpeed
from bt_runtime.robot import RobotContext
from locomotion.backend import Command, Sit, Stand

__all__ = ["SETTLE_TIME", "SetGaitRunner", "SetSpeedRunner", "SitRunner", "StandRunner"]

SETTLE_TIME = 1.0
"""Seconds a posture change takes before the action succeeds."""


class _Posture:
    timeout = 10.0
    timeout_rule = "10 s"
    command: Command = Stand()
    done = "standing"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        self.since: float | None = None

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        if self.since is None:
            self.since = ctx.time
            ctx.command(self.command)
        if ctx.time - self.since < SETTLE_TIME:
            return Status.RUNNING, f"{self.done}..."
        return Status.SUCCESS, self.done

    def halt(self, ctx: RobotContext) -> None:
        """A posture change needs no undoing."""


class StandRunner(_Posture):
    command = Stand()
    done = "standing"


class SitRunner(_Posture):
    command = Sit()
    done = "sitting"


class SetSpeedRunner:
    """``set speed``: a cap for the rest of the run (never above the robot's max speed)."""

    timeout = 5.0
    timeout_rule = "5 s (it completes at once)"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, SetSpeed)
        self.speed = behaviour.speed

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        ctx.override_speed(self.speed)
        return Status.SUCCESS, f"speed limit {ctx.speed_limit:g} m/s"

    def halt(self, ctx: RobotContext) -> None:
        """Completes in one tick: nothing to halt."""


class SetGaitRunner:
    """``set gait``: force a gait for the rest of the run; ``auto`` adapts to the terrain again."""

    timeout = 5.0
    timeout_rule = "5 s (it completes at once)"

    def __init__(self, behaviour: ActionBehaviour, ctx: RobotContext) -> None:
        assert isinstance(behaviour, SetGait)
        self.gait = behaviour.gait

    def step(self, ctx: RobotContext) -> tuple[Status, str]:
        ctx.set_gait(None if self.gait == "auto" else self.gait)
        return Status.SUCCESS, f"gait {self.gait}"

    def halt(self, ctx: RobotContext) -> None:
        """Completes in one tick: nothing to halt."""
