"""The robot port the action behaviours talk to: one runner per running behaviour.

A behaviour that is not RUNNING when it is ticked is starting (fresh, or again after it finished):
the port builds a new runner for it from :data:`bt_runtime.actions.RUNNERS`, looked up by the
behaviour's ``action``. A halt (a guard preempting, a timeout decorator, a parallel finishing) drops
the runner after letting it stop what it commanded; halting a behaviour that has no runner (it had
already finished) does nothing, so a finished go-to never stops the next one.

The port also enforces, for every action, the runner's time limit on simulated time and the robot's
stop reason (an empty battery fails every action with that reason).

A resuming guard suspends the action it interrupts: a runner that can continue (one with a
``resume(ctx)`` method, :class:`ResumableRunner`: the search) is halted and parked with the time it
had run, and when the guard's handler is done it continues where it stopped, its time limit
counting only the time it ran; any other runner is dropped and the action starts again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from py_trees.common import Status

from bt_runtime.actions.base import Runner, RunnerFactory
from bt_runtime.behaviours import ActionBehaviour
from bt_runtime.robot import RobotContext

__all__ = ["ActionPort", "ResumableRunner", "RunnerFactory"]

_RUNNING = Status.RUNNING


@runtime_checkable
class ResumableRunner(Protocol):
    """A runner that can continue after a halt (it keeps its progress)."""

    def resume(self, ctx: RobotContext) -> None:
        """Continue after :meth:`Runner.halt`: re-issue what the halt stopped."""
        ...


class ActionPort:
    """Implements :class:`bt_runtime.behaviours.RobotPort` over a :class:`RobotContext`.

    Args:
        ctx: the robot of the run.
        runners: factories by action key (defaults to :data:`bt_runtime.actions.runners.RUNNERS`).
    """

    def __init__(
        self, ctx: RobotContext, runners: Mapping[str, RunnerFactory] | None = None
    ) -> None:
        if runners is None:
            from bt_runtime.actions.runners import RUNNERS

            runners = RUNNERS
        self.ctx = ctx
        self.factories = runners
        self.active: dict[int, tuple[Runner, float]] = {}
        #: Suspended runners that can continue: runner and the seconds it had run.
        self.parked: dict[int, tuple[Runner, float]] = {}
        #: Runners to continue on their behaviour's next start: runner and its shifted start.
        self.resumed: dict[int, tuple[Runner, float]] = {}

    def step_action(self, behaviour: ActionBehaviour) -> tuple[Status, str]:
        ctx = self.ctx
        key = id(behaviour)
        entry = self.active.get(key)
        if entry is None or behaviour.status is not _RUNNING:  # starting (again)
            if entry is not None:
                entry[0].halt(ctx)
            entry = self.resumed.pop(key, None)
            if entry is None:
                factory = self.factories.get(behaviour.action)
                if factory is None:
                    return Status.FAILURE, f"no runner for action {behaviour.action!r}"
                entry = (factory(behaviour, ctx), ctx.time)
            self.active[key] = entry
        runner, started = entry
        if ctx.stop_reason is not None:
            self._drop(key)
            return Status.FAILURE, ctx.stop_reason
        elapsed = ctx.time - started
        if elapsed > runner.timeout:
            self._drop(key)
            return Status.FAILURE, (
                f"timed out after {elapsed:.0f} s (limit {runner.timeout:.0f} s: "
                f"{runner.timeout_rule})"
            )
        status, message = runner.step(ctx)
        if status is not _RUNNING:
            self.active.pop(key, None)
        return status, message

    def _drop(self, key: int) -> None:
        entry = self.active.pop(key, None)
        if entry is not None:
            entry[0].halt(self.ctx)

    def halt_action(self, behaviour: ActionBehaviour) -> None:
        self._drop(id(behaviour))
        self.resumed.pop(id(behaviour), None)

    def suspend_action(self, behaviour: ActionBehaviour) -> None:
        key = id(behaviour)
        entry = self.active.get(key)
        if entry is not None and isinstance(entry[0], ResumableRunner):
            self.active.pop(key)
            entry[0].halt(self.ctx)
            self.parked[key] = (entry[0], self.ctx.time - entry[1])

    def resume_action(self, behaviour: ActionBehaviour) -> None:
        entry = self.parked.pop(id(behaviour), None)
        if entry is not None:
            runner, ran = entry
            assert isinstance(runner, ResumableRunner)
            runner.resume(self.ctx)
            self.resumed[id(behaviour)] = (runner, self.ctx.time - ran)

    def discard_action(self, behaviour: ActionBehaviour) -> None:
        self.parked.pop(id(behaviour), None)
        self.resumed.pop(id(behaviour), None)
