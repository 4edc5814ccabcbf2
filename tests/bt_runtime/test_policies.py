"""Failure-policy behaviours: tick a tiny tree, assert the status after each tick."""

from __future__ import annotations

from typing import Any

import py_trees
import pytest
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.behaviours.policies import (
    AbortMission,
    BackoffRetry,
    DeferOnFailure,
    Deferrals,
    LaterStep,
    SkipOnFailure,
    failure_reason,
)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Flaky(py_trees.behaviour.Behaviour):
    """Fails its first ``failures`` runs, then succeeds; counts how often it started."""

    def __init__(self, failures: int) -> None:
        super().__init__(name="flaky")
        self.failures = failures
        self.starts = 0

    def initialise(self) -> None:
        self.starts += 1

    def update(self) -> Status:
        if self.starts <= self.failures:
            self.feedback_message = f"no luck {self.starts}"
            return Status.FAILURE
        return Status.SUCCESS


def _setup(node: py_trees.behaviour.Behaviour, **kwargs: Any) -> list[bh.LogEntry]:
    log: list[bh.LogEntry] = []
    for each in node.iterate():
        each.setup(log=log, **kwargs)
    return log


def _tick(node: py_trees.behaviour.Behaviour) -> Status:
    for _ in node.tick():
        pass
    return node.status


def test_backoff_retry_waits_on_the_run_clock_between_attempts() -> None:
    clock, flaky = Clock(), Flaky(failures=2)
    retry = BackoffRetry("on failure retry 3 every 10 s", flaky, "flaky", retries=3, delay=10.0)
    log = _setup(retry, clock=clock)
    assert _tick(retry) == Status.RUNNING and flaky.starts == 1
    assert [e.text for e in log] == ["retrying `flaky` (1/3) in 10 s: no luck 1"]
    clock.t = 9.9
    assert _tick(retry) == Status.RUNNING and flaky.starts == 1  # backing off: not ticked
    assert retry.feedback_message.startswith("retry 1/3 in 0.1 s")
    clock.t = 10.0
    assert _tick(retry) == Status.RUNNING and flaky.starts == 2
    clock.t = 20.0
    assert _tick(retry) == Status.SUCCESS and flaky.starts == 3
    assert [e.level for e in log] == ["info", "info"]


def test_backoff_retry_fails_at_once_after_the_last_retry() -> None:
    clock, flaky = Clock(), Flaky(failures=99)
    retry = BackoffRetry("r", flaky, "flaky", retries=1, delay=5.0)
    _setup(retry, clock=clock)
    assert _tick(retry) == Status.RUNNING
    clock.t = 5.0
    assert _tick(retry) == Status.FAILURE  # the second failure: no wait after it
    assert flaky.starts == 2
    assert retry.feedback_message == "failed 2 times: no luck 2"


def test_backoff_retry_without_delay_retries_on_the_next_tick() -> None:
    flaky = Flaky(failures=1)
    retry = BackoffRetry("r", flaky, "flaky", retries=2)
    _setup(retry, clock=Clock())
    assert _tick(retry) == Status.RUNNING
    assert _tick(retry) == Status.SUCCESS


@pytest.mark.parametrize("retries, delay", [(0, 1.0), (1.5, 1.0), (True, 1.0), (2, -1.0),
                                            (2, float("nan"))])
def test_backoff_retry_refuses_bad_values(retries: Any, delay: float) -> None:
    with pytest.raises(ValueError, match="r: "):
        BackoffRetry("r", Flaky(0), "flaky", retries=retries, delay=delay)


def test_skip_writes_an_alert_and_succeeds() -> None:
    skip = SkipOnFailure("on failure skip", bh.Fail('fail "x"', "blocked"), 'fail "x"')
    log = _setup(skip)
    assert _tick(skip) == Status.SUCCESS
    assert log == [bh.LogEntry("alert", 'skipped `fail "x"`: blocked', "on failure skip")]


def test_skip_passes_success_through_without_a_line() -> None:
    skip = SkipOnFailure("on failure skip", bh.Succeed("succeed"), "succeed")
    log = _setup(skip)
    assert _tick(skip) == Status.SUCCESS and log == []


def test_a_deferred_step_runs_once_in_the_later_section() -> None:
    deferrals = Deferrals()
    first, again = Flaky(failures=1), Flaky(failures=0)
    defer = DeferOnFailure("on failure retry later", first, "flaky", "deferred_1", deferrals)
    later = LaterStep("later: flaky", again, "flaky", "deferred_1", deferrals)
    root = py_trees.composites.Sequence("m", memory=True, children=[
        py_trees.decorators.Repeat("repeat 2", defer, num_success=2), later])
    log = _setup(root)
    assert _tick(root) == Status.RUNNING  # the first round deferred it
    assert deferrals.keys == {"deferred_1"}
    assert _tick(root) == Status.SUCCESS
    assert again.starts == 1  # deferred once, run once
    assert [e.level for e in log] == ["alert", "info"]
    assert log[0].text == "deferred `flaky` to after the rest of the mission: no luck 1"


def test_a_step_not_deferred_is_not_run_again_and_a_second_failure_fails() -> None:
    deferrals = Deferrals()
    again = Flaky(failures=5)
    later = LaterStep("later: flaky", again, "flaky", "deferred_1", deferrals)
    _setup(later)
    assert _tick(later) == Status.SUCCESS and again.starts == 0
    later.stop(Status.INVALID)
    deferrals.keys.add("deferred_1")
    assert _tick(later) == Status.FAILURE
    assert later.feedback_message == "deferred step failed again: no luck 1"


def test_setup_clears_what_an_earlier_run_deferred() -> None:
    deferrals = Deferrals({"deferred_1"})
    defer = DeferOnFailure("d", Flaky(0), "flaky", "deferred_1", deferrals)
    _setup(defer)
    assert deferrals.keys == set()


def test_abort_asks_the_run_to_end_with_the_reason_and_stays_running() -> None:
    failed = bh.Fail('fail "x"', "no path")
    _tick(failed)
    reasons: list[str] = []
    end = AbortMission("end", "`x` failed (on failure abort, line 3)", failed)
    log = _setup(end, abort=reasons.append)
    assert _tick(end) == Status.RUNNING
    assert _tick(end) == Status.RUNNING
    assert reasons == ["`x` failed (on failure abort, line 3): no path"]  # asked once
    assert log[0].level == "alert" and log[0].text.startswith("aborting the mission: ")


def test_abort_without_a_run_fails_saying_so() -> None:
    end = AbortMission("end", "why")
    assert _tick(end) == Status.FAILURE
    assert "no run to abort" in end.feedback_message


def test_failure_reason_is_the_deepest_failed_message() -> None:
    inner = bh.Fail("f", "the ramp is too steep")
    seq = py_trees.composites.Sequence("s", memory=True, children=[inner])
    _tick(seq)
    assert failure_reason(seq) == "the ramp is too steep"
