"""Operator control of a run (pause, resume, single step, abort) and pacing to the wall clock.

Commands come from any thread (the API) or from a live stream's command queue; they are queued and
acted on only between ticks, by the executor's thread, so a tick is never interrupted half-way.
:meth:`RunControl.poll` returns what it acted on, with where it came from, so the executor can
record every operator action in the run log.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

__all__ = ["Acted", "CommandFeed", "Pacer", "RunControl"]

Acted = tuple[str, str]
"""A command acted on: (its name, its origin: ``"api"`` or ``"stream HOST:PORT"``)."""


class CommandFeed(Protocol):
    """Where monitor commands come from (a :class:`~bt_runtime.stream.StreamServer` fits)."""

    def poll_commands(self) -> Sequence[Any]: ...


class Pacer:
    """Sleeps so that simulated time keeps up with, and not ahead of, the wall clock.

    Args:
        realtime: pace at all; False runs as fast as possible.
        sim_clock: the simulated clock (seconds).
    """

    def __init__(self, realtime: bool, sim_clock: Callable[[], float]) -> None:
        self.realtime = realtime
        self._sim_clock = sim_clock
        self._wall_start = time.monotonic()
        self._sim_start = sim_clock()

    def rebase(self) -> None:
        """Start pacing afresh from now (after a pause, so the run does not rush to catch up)."""
        self._wall_start, self._sim_start = time.monotonic(), self._sim_clock()

    def wait(self) -> None:
        """Sleep until the wall clock reaches the current simulated time (if pacing)."""
        if not self.realtime:
            return
        delay = self._wall_start + (self._sim_clock() - self._sim_start) - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class RunControl:
    """The run's operator state: paused, steps allowed while paused, and an abort request.

    Args:
        on_resume: called when a resume is acted on (to rebase pacing).
    """

    def __init__(self, on_resume: Callable[[], None] = lambda: None) -> None:
        self.paused = False
        self.abort_reason: str | None = None
        self._steps_allowed = 0
        self._on_resume = on_resume
        self._queue: queue.SimpleQueue[Acted] = queue.SimpleQueue()
        self._handlers: dict[str, Callable[[], None]] = {
            "pause": self._pause,
            "resume": self._resume,
            "step": self._step,
            "abort": self._abort,
        }

    def request(self, name: str, origin: str = "api") -> None:
        """Queue a command (thread-safe); unknown names are ignored when acted on."""
        self._queue.put((name, origin))

    def poll(self, source: CommandFeed | None) -> list[Acted]:
        """Act on every command queued so far, then on those ``source`` hands over.

        Returns:
            The commands acted on, oldest first, each with its origin (unknown names left out).
        """
        acted: list[Acted] = []
        while True:
            try:
                name, origin = self._queue.get_nowait()
            except queue.Empty:
                break
            if self._handle(name):
                acted.append((name, origin))
        if source is not None:
            for command in source.poll_commands():
                name = str(getattr(command, "name", command))
                origin = str(getattr(command, "origin", "stream"))
                if self._handle(name):
                    acted.append((name, origin))
        return acted

    def should_tick(self) -> bool:
        """Whether to run a tick now: not paused, or paused with a single step granted."""
        if not self.paused:
            return True
        if self._steps_allowed > 0:
            self._steps_allowed -= 1
            return True
        return False

    def _handle(self, name: str) -> bool:
        handler = self._handlers.get(name)
        if handler is None:  # the stream only passes known commands; ignore anything else
            return False
        handler()
        return True

    def _pause(self) -> None:
        self.paused = True

    def _resume(self) -> None:
        self.paused = False
        self._on_resume()

    def _step(self) -> None:
        self.paused = True
        self._steps_allowed += 1

    def _abort(self) -> None:
        self.abort_reason = "aborted by the operator"
