"""Ctrl-C and SIGTERM during one run: what :func:`quadmission.session.run_session` installs for the
run's life, so that a stopped run ends as *aborted* with its log finished, never cut off mid-tick.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named here: a campaign routes its signals without loading the runtime
    from bt_runtime.executor import Executor

__all__ = ["STOP_SIGNALS", "RunInterrupts", "catch_interrupts", "route_signals"]


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


def route_signals(stack: ExitStack, signals: Iterable[signal.Signals],
                  handler: Callable[[int, object], None]) -> None:
    """Send ``signals`` to ``handler`` until ``stack`` closes, then put the previous handlers back.

    Off the main thread (where Python cannot install signal handlers) they keep their meaning.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in signals:
        previous = signal.signal(sig, handler)
        stack.callback(signal.signal, sig, previous)


def catch_interrupts(stack: ExitStack) -> RunInterrupts:
    """Route Ctrl-C and SIGTERM to :class:`RunInterrupts` until the session ends."""
    interrupts = RunInterrupts()
    route_signals(stack, STOP_SIGNALS, interrupts)
    return interrupts
