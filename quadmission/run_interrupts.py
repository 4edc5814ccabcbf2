"""Ctrl-C and SIGTERM during one run: what :func:`quadmission.session.run_session` installs for the
run's life, so that a stopped run ends as *aborted* with its log finished, never cut off mid-tick.
"""

from __future__ import annotations

import signal
import threading
from contextlib import ExitStack
from dataclasses import dataclass

from bt_runtime.executor import Executor

__all__ = ["STOP_SIGNALS", "RunInterrupts", "catch_interrupts"]


@dataclass
class RunInterrupts:
    """Ctrl-C during a run: before the executor exists it interrupts the start-up (raises
    KeyboardInterrupt); once it exists it aborts the run, which ends and is logged as aborted."""

    executor: Executor | None = None
    seen: bool = False

    def attach(self, executor: Executor) -> None:
        self.executor = executor

    def __call__(self, signum: int, frame: object) -> None:
        self.seen = True
        if self.executor is None:
            raise KeyboardInterrupt
        if signum == signal.SIGINT:
            self.executor.abort()
        else:  # the log says who stopped it: "abort from SIGTERM"
            self.executor.abort(origin=signal.Signals(signum).name)


#: Signals that end a run as Ctrl-C does: aborted after the tick in flight, the log finished.
#: SIGTERM (``kill``, a service manager stopping it) used to kill the run outright, leaving a
#: log that reads "incomplete".
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def catch_interrupts(stack: ExitStack) -> RunInterrupts:
    """Route Ctrl-C and SIGTERM to :class:`RunInterrupts` until the session ends.

    Off the main thread (where Python cannot install signal handlers) they keep their default
    meaning.
    """
    interrupts = RunInterrupts()
    if threading.current_thread() is threading.main_thread():
        for sig in STOP_SIGNALS:
            previous = signal.signal(sig, interrupts)
            stack.callback(signal.signal, sig, previous)
    return interrupts
