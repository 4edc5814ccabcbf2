"""The behaviours of failure policies: what a step does when it fails (``on failure ...``).

* :class:`BackoffRetry` — ``retry N every D``: after a failure, wait ``D`` seconds on the run's
  clock (simulated time in a run, never wall time), then run the step again; at most N retries
  (N + 1 attempts). Each retry writes an info line. The last failure fails at once (no wait).
* :class:`SkipOnFailure` — ``skip``: a failed step writes an alert and succeeds.
* :class:`DeferOnFailure` and :class:`LaterStep` — ``retry later``: a failed step writes an alert,
  marks itself in the mission's :class:`Deferrals` and succeeds; the mission's root ends with a
  ``retry later`` section holding a copy of each such step (a :class:`LaterStep`), which runs its
  copy once if (and only if) the step was deferred.
* :class:`AbortSafely` — ``abort``'s ``abort safely`` sequence (``sit``, then AbortMission); when
  it starts, the step has just failed: it notes why then (its parent selector resets the step on
  the next tick, taking the reason with it).
* :class:`AbortMission` — the last leaf of ``abort``'s ``abort safely`` sequence (after ``sit``):
  it asks the run to end as *aborted* with the reason, through the ``abort`` callable given to
  ``setup`` (the executor's), and stays RUNNING so nothing after it ticks.

Lines go to the ``log`` list given to ``setup`` (as :class:`~bt_runtime.behaviours.Report` and
:class:`~bt_runtime.behaviours.Alert` do), so the run's record names the node that wrote them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, MutableSequence
from dataclasses import dataclass, field
from typing import Any

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

from bt_runtime.behaviours.basic import LogEntry
from bt_runtime.behaviours.values import check_finite, setup_clock

__all__ = [
    "AbortMission",
    "AbortSafely",
    "BackoffRetry",
    "DeferOnFailure",
    "Deferrals",
    "LaterStep",
    "SkipOnFailure",
    "failure_reason",
]

NO_RUN = "no run to abort: the tree is not run by an executor"


def failure_reason(node: Behaviour) -> str:
    """Why ``node`` failed: the feedback of the deepest failed node under it (or its own)."""
    reason = node.feedback_message
    for descendant in node.iterate():
        if descendant.status == Status.FAILURE and descendant.feedback_message:
            reason = descendant.feedback_message
    return reason or "failed"


def _setup_log(name: str, kwargs: Mapping[str, Any],
               current: MutableSequence[LogEntry] | None) -> MutableSequence[LogEntry] | None:
    log = kwargs.get("log")
    if log is None:
        return current
    if not isinstance(log, MutableSequence):
        raise TypeError(f"{name}: log must be a list")
    return log


class _PolicyDecorator(py_trees.decorators.Decorator):
    """A decorator that may write log lines; ``step`` is the step as written (for the lines)."""

    def __init__(self, name: str, child: Behaviour, step: str) -> None:
        if not step:
            raise ValueError(f"{name}: a policy needs the text of its step")
        super().__init__(name=name, child=child)
        self.step = step
        self.log: MutableSequence[LogEntry] | None = None

    def setup(self, **kwargs: Any) -> None:
        self.log = _setup_log(self.name, kwargs, self.log)

    def write(self, level: str, text: str) -> None:
        if self.log is not None:
            self.log.append(LogEntry(level, text, self.name))


class BackoffRetry(_PolicyDecorator):
    """Run the step; after each failure wait ``delay`` s (run clock) and retry, ``retries`` times."""

    def __init__(self, name: str, child: Behaviour, step: str, retries: int,
                 delay: float = 0.0) -> None:
        super().__init__(name, child, step)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 1:
            raise ValueError(f"{name}: retries must be a whole number >= 1, got {retries!r}")
        delay = check_finite(f"{name}: delay", delay)
        if delay < 0:
            raise ValueError(f"{name}: delay must be >= 0 s, got {delay}")
        self.retries = retries
        self.delay = delay
        self.clock: Callable[[], float] = time.monotonic
        self.failures = 0
        self._wait_until: float | None = None

    def policy_settings(self) -> Mapping[str, Any]:
        """What an exporter shows of this node (bt_runtime.tree_model)."""
        return {"retries": self.retries, "delay": self.delay}

    def setup(self, **kwargs: Any) -> None:
        super().setup(**kwargs)
        self.clock = setup_clock(self.name, kwargs, self.clock)

    def initialise(self) -> None:
        self.failures = 0
        self._wait_until = None

    def tick(self) -> Iterator[Behaviour]:
        if self.status != Status.RUNNING:
            self.initialise()
        if self._wait_until is not None:
            left = self._wait_until - self.clock()
            if left > 1e-9:  # backing off: the step is not ticked
                self.feedback_message = (f"retry {self.failures}/{self.retries} in {left:.1f} s")
                self.status = Status.RUNNING
                yield self
                return
            self._wait_until = None
        yield from super().tick()

    def update(self) -> Status:
        status = self.decorated.status
        if status != Status.FAILURE:
            self.feedback_message = "" if status == Status.RUNNING else "succeeded"
            return status
        self.failures += 1
        reason = failure_reason(self.decorated)
        if self.failures > self.retries:
            self.feedback_message = f"failed {self.failures} times: {reason}"
            return Status.FAILURE
        wait = f" in {self.delay:g} s" if self.delay > 0 else ""
        self.write("info", f"retrying `{self.step}` ({self.failures}/{self.retries}){wait}: "
                           f"{reason}")
        self.decorated.stop(Status.INVALID)  # the next attempt starts afresh
        self._wait_until = self.clock() + self.delay if self.delay > 0 else None
        self.feedback_message = f"retry {self.failures}/{self.retries}{wait}"
        return Status.RUNNING


class SkipOnFailure(_PolicyDecorator):
    """A failed step writes an alert and succeeds: the mission carries on without it."""

    def update(self) -> Status:
        status = self.decorated.status
        if status != Status.FAILURE:
            return status
        reason = failure_reason(self.decorated)
        self.write("alert", f"skipped `{self.step}`: {reason}")
        self.feedback_message = f"skipped: {reason}"
        return Status.SUCCESS


@dataclass
class Deferrals:
    """The steps deferred so far in one run of one compiled mission (keys of their policies).

    One instance per compiled tree, shared by its :class:`DeferOnFailure` and :class:`LaterStep`
    nodes; cleared when the tree is set up, so a tree run twice starts with nothing deferred.
    """

    keys: set[str] = field(default_factory=set)


class _Keyed(_PolicyDecorator):
    """A node of ``retry later``: ``key`` names its step in the mission's ``deferrals``."""

    def __init__(self, name: str, child: Behaviour, step: str, key: str,
                 deferrals: Deferrals) -> None:
        super().__init__(name, child, step)
        if not key:
            raise ValueError(f"{name}: a deferred step needs a key")
        self.key = key
        self.deferrals = deferrals

    def policy_settings(self) -> Mapping[str, Any]:
        """What an exporter shows of this node (bt_runtime.tree_model)."""
        return {"key": self.key}


class DeferOnFailure(_Keyed):
    """A failed step writes an alert, is marked deferred, and succeeds (it runs again later)."""

    def setup(self, **kwargs: Any) -> None:
        super().setup(**kwargs)
        self.deferrals.keys.clear()

    def update(self) -> Status:
        status = self.decorated.status
        if status != Status.FAILURE:
            return status
        reason = failure_reason(self.decorated)
        again = " (already deferred: it runs once)" if self.key in self.deferrals.keys else ""
        self.deferrals.keys.add(self.key)
        self.write("alert", f"deferred `{self.step}` to after the rest of the mission: "
                            f"{reason}{again}")
        self.feedback_message = f"deferred: {reason}"
        return Status.SUCCESS


class LaterStep(_Keyed):
    """The second (and last) attempt of a deferred step, in the mission's ``retry later`` section.

    Succeeds at once if the step was not deferred; otherwise runs its copy and passes its status
    through (a deferred step that fails again fails the mission).
    """

    def __init__(self, name: str, child: Behaviour, step: str, key: str,
                 deferrals: Deferrals) -> None:
        super().__init__(name, child, step, key, deferrals)
        self._announced = False

    def initialise(self) -> None:
        self._announced = False

    def tick(self) -> Iterator[Behaviour]:
        if self.status != Status.RUNNING and self.key not in self.deferrals.keys:
            self.feedback_message = "not deferred"
            self.status = Status.SUCCESS
            yield self
            return
        yield from super().tick()

    def update(self) -> Status:
        if not self._announced:  # written here, so the record names this node as its writer
            self._announced = True
            self.write("info", f"ran deferred step `{self.step}` again")
        status = self.decorated.status
        if status == Status.FAILURE:
            self.feedback_message = f"deferred step failed again: {failure_reason(self.decorated)}"
        return status


class AbortMission(py_trees.behaviour.Behaviour):
    """End the run as aborted with ``reason`` (and why ``step_node`` failed, when given)."""

    def __init__(self, name: str, reason: str, step_node: Behaviour | None = None) -> None:
        if not isinstance(reason, str) or not reason:
            raise ValueError(f"{name}: an abort needs a reason")
        super().__init__(name=name)
        self.reason = reason
        self.step_node = step_node
        self.abort: Callable[[str], None] | None = None
        self.log: MutableSequence[LogEntry] | None = None
        self.captured: str | None = None
        """Why the step failed, noted by :class:`AbortSafely` the tick it failed."""

    def params(self) -> Mapping[str, Any]:
        return {"reason": self.reason}

    def setup(self, **kwargs: Any) -> None:
        abort = kwargs.get("abort")
        if abort is not None:
            if not callable(abort):
                raise TypeError(f"{self.name}: abort must be callable")
            self.abort = abort
        self.log = _setup_log(self.name, kwargs, self.log)

    def capture(self) -> None:
        """Note now why the step failed (before anything resets it)."""
        if self.step_node is not None:
            self.captured = failure_reason(self.step_node)

    def full_reason(self) -> str:
        """The reason, with why the step failed appended."""
        if self.step_node is None:
            return self.reason
        why = self.captured if self.captured is not None else failure_reason(self.step_node)
        return f"{self.reason}: {why}"

    def update(self) -> Status:
        if self.abort is None:
            self.feedback_message = NO_RUN
            return Status.FAILURE
        reason = self.full_reason()
        if self.status != Status.RUNNING:
            if self.log is not None:
                self.log.append(LogEntry("alert", f"aborting the mission: {reason}", self.name))
            self.abort(reason)
        self.feedback_message = f"aborting: {reason}"
        return Status.RUNNING


class AbortSafely(py_trees.composites.Sequence):
    """``Sequence(memory=True)[sit (even if it fails), AbortMission]`` that notes, as it starts,
    why the step failed (for its :class:`AbortMission`)."""

    def __init__(self, name: str, children: list[Behaviour]) -> None:
        super().__init__(name=name, memory=True, children=children)

    def initialise(self) -> None:
        for child in self.children:
            if isinstance(child, AbortMission):
                child.capture()
