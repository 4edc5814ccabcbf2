"""Ctrl-C and SIGTERM during a run: start-up is interrupted, a running run is aborted (and says
by which signal), and the handlers are put back when the session ends."""

from __future__ import annotations

import signal
from contextlib import ExitStack
from typing import Any

import pytest

from quadmission.run_interrupts import STOP_SIGNALS, RunInterrupts, catch_interrupts


class _Executor:
    def __init__(self) -> None:
        self.aborts: list[dict[str, Any]] = []

    def abort(self, **kwargs: Any) -> None:
        self.aborts.append(kwargs)


def test_before_the_executor_exists_a_signal_interrupts_the_start_up() -> None:
    interrupts = RunInterrupts()
    with pytest.raises(KeyboardInterrupt):
        interrupts(signal.SIGTERM, None)
    assert interrupts.seen


def test_a_running_run_is_aborted_and_sigterm_is_named_as_the_origin() -> None:
    interrupts = RunInterrupts()
    executor = _Executor()
    interrupts.attach(executor)  # type: ignore[arg-type]
    interrupts(signal.SIGINT, None)
    interrupts(signal.SIGTERM, None)
    assert executor.aborts == [{}, {"origin": "SIGTERM"}]


def test_the_handlers_are_installed_for_the_session_only() -> None:
    before = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    with ExitStack() as stack:
        interrupts = catch_interrupts(stack)
        assert all(signal.getsignal(sig) is interrupts for sig in STOP_SIGNALS)
    assert {sig: signal.getsignal(sig) for sig in STOP_SIGNALS} == before
