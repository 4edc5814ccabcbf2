"""Behaviours that run for real without a robot: wait, succeed, fail, report, alert."""

from __future__ import annotations

import pytest
from py_trees.common import Status

from bt_runtime.behaviours import Alert, Fail, LogEntry, Report, Succeed, Wait
from tests.dsl.helpers import FakeClock


def test_wait_runs_until_the_duration_has_passed() -> None:
    clock = FakeClock()
    node = Wait("wait 2 s", 2.0)
    node.setup(clock=clock)
    node.tick_once()
    assert node.status == Status.RUNNING and node.feedback_message == "waiting 0.0/2 s"
    clock.now = 1.0
    node.tick_once()
    assert node.status == Status.RUNNING
    clock.now = 2.0
    node.tick_once()
    assert node.status == Status.SUCCESS and node.feedback_message == "waited 2 s"
    clock.now = 3.0
    node.tick_once()  # a fresh start after finishing
    assert node.status == Status.RUNNING


def test_zero_wait_succeeds_at_once() -> None:
    node = Wait("w", 0)
    node.tick_once()
    assert node.status == Status.SUCCESS


def test_wait_validates() -> None:
    with pytest.raises(ValueError, match="duration must be >= 0 s"):
        Wait("w", -1)
    with pytest.raises(TypeError, match="clock"):
        Wait("w", 1).setup(clock=5)


def test_succeed_and_fail() -> None:
    ok, bad = Succeed("s"), Fail("f", "no way")
    ok.tick_once()
    bad.tick_once()
    assert ok.status == Status.SUCCESS
    assert bad.status == Status.FAILURE and bad.feedback_message == "no way"
    assert bad.params() == {"reason": "no way"}


def test_report_and_alert_write_to_the_log() -> None:
    log: list[LogEntry] = []
    report, alert = Report("r", "found one"), Alert("a", "battery low")
    report.setup(log=log)
    alert.setup(log=log)
    report.tick_once()
    alert.tick_once()
    assert log == [LogEntry("info", "found one", "r"), LogEntry("alert", "battery low", "a")]
    assert alert.feedback_message == "alert: battery low"


def test_report_without_log_still_succeeds_with_feedback() -> None:
    node = Report("r", "hello")
    node.tick_once()
    assert node.status == Status.SUCCESS and node.feedback_message == "info: hello"
    with pytest.raises(TypeError, match="log must be a list"):
        node.setup(log="nope")
