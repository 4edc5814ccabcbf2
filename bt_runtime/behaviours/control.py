"""Control nodes the compiler needs beyond py_trees' own: a branch, a clocked timeout, a task frame.

* :class:`IfThenElse` decides once, when reached (like BehaviorTree.CPP's IfThenElse), and then runs
  the chosen branch to its end; a false condition without ``else`` succeeds.
* :class:`ClockTimeout` is py_trees' Timeout on the clock given to ``setup(clock=...)`` (simulated
  time in a simulation), wall-clock time otherwise. Its clock pauses while a resuming guard's
  handler preempts it (:class:`bt_runtime.behaviours.guard.Suspendable`): the time limit bounds
  the time spent in its body, not the time spent charging.
* :class:`TaskCall` marks the subtree of one task call (for exporters and monitors); it passes its
  child's status through unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

from bt_runtime.behaviours.values import setup_clock

__all__ = ["ClockTimeout", "IfThenElse", "TaskCall"]


class IfThenElse(py_trees.composites.Composite):
    """``[condition, then, else?]``: tick the condition once, then only the chosen branch."""

    def __init__(
        self, name: str, condition: Behaviour, then: Behaviour, orelse: Behaviour | None = None
    ) -> None:
        children = [condition, then] + ([orelse] if orelse is not None else [])
        super().__init__(name=name, children=children)
        self.chosen: Behaviour | None = None

    def tick(self) -> Iterator[Behaviour]:
        if self.status != Status.RUNNING:
            for child in self.children:
                if child.status != Status.INVALID:
                    child.stop(Status.INVALID)
            self.chosen = None
            self.initialise()
        if self.chosen is None:
            condition = self.children[0]
            yield from condition.tick()
            if condition.status == Status.RUNNING:  # a condition should not run; wait for it
                self.status = Status.RUNNING
                yield self
                return
            if condition.status == Status.SUCCESS:
                self.chosen = self.children[1]
            elif len(self.children) > 2:
                self.chosen = self.children[2]
            else:
                self.feedback_message = "condition false, no else: skipped"
                self.stop(Status.SUCCESS)
                yield self
                return
        self.current_child = self.chosen
        yield from self.chosen.tick()
        if self.chosen.status == Status.RUNNING:
            self.status = Status.RUNNING
        else:
            self.stop(self.chosen.status)
        yield self

    def stop(self, new_status: Status = Status.INVALID) -> None:
        if new_status != Status.RUNNING:
            self.chosen = None
        super().stop(new_status)


class ClockTimeout(py_trees.decorators.Timeout):
    """Fail the child if it runs longer than ``duration`` seconds on the set-up clock."""

    def __init__(self, name: str, child: Behaviour, duration: float) -> None:
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
            raise ValueError(f"{name}: duration must be a number of seconds > 0, got {duration!r}")
        super().__init__(name=name, child=child, duration=float(duration))
        self.clock: Callable[[], float] = time.monotonic
        self.remaining: float | None = None

    def suspend(self) -> None:
        self.remaining = max(self.finish_time - self.clock(), 0.0)

    def resume(self) -> None:
        if self.remaining is not None:
            self.finish_time = self.clock() + self.remaining
        self.remaining = None

    def discard(self) -> None:
        self.remaining = None

    def setup(self, **kwargs: Any) -> None:
        self.clock = setup_clock(self.name, kwargs, self.clock)

    def initialise(self) -> None:
        self.finish_time = self.clock() + self.duration
        self.remaining = None
        self.feedback_message = ""

    def update(self) -> Status:
        now = self.clock()
        if self.decorated.status == Status.RUNNING and now > self.finish_time:
            self.feedback_message = f"timed out after {self.duration:g} s"
            self.decorated.stop(Status.INVALID)
            return Status.FAILURE
        if self.decorated.status == Status.RUNNING:
            self.feedback_message = f"{self.finish_time - now:.1f} s left"
        return self.decorated.status


class TaskCall(py_trees.decorators.Decorator):
    """The frame of one call of a mission task: ``task`` with its ``args`` as written."""

    def __init__(self, name: str, child: Behaviour, task: str, args: Mapping[str, str]) -> None:
        if not task:
            raise ValueError("a task call needs the task's name")
        super().__init__(name=name, child=child)
        self.task = task
        self.args = dict(args)

    def update(self) -> Status:
        self.feedback_message = self.decorated.feedback_message
        return self.decorated.status
