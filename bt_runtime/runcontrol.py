"""Operator control of a run (pause, resume, single step, abort) and pacing to the wall clock.

Commands come from any thread (the API) or from a live stream's command queue; they are queued and
acted on only by the executor's thread (between ticks, or while a breakpoint holds a tick before
its node), so a tick is never interrupted half-way. Commands with arguments (speed, breakpoint,
fault, release: :mod:`bt_runtime.monitorcommands`) go to the handlers registered with
:meth:`RunControl.handle` (:mod:`bt_runtime.commandhandlers`, which builds the run's control).
Every command acted on is told to ``on_command`` (the command handlers record it as an
``OperatorCommand``, a readable line with its arguments) and :meth:`RunControl.poll` returns them
with their origin.
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
        self.speed = 1.0
        """Simulated seconds per wall second when pacing (the monitor's faster/slower)."""
        self._sim_clock = sim_clock
        self._wall_start = time.monotonic()
        self._sim_start = sim_clock()

    def set_speed(self, factor: float) -> None:
        """Pace at ``factor`` times real time from now on."""
        self.rebase()
        self.speed = factor

    def rebase(self) -> None:
        """Start pacing afresh from now (after a pause, so the run does not rush to catch up)."""
        self._wall_start, self._sim_start = time.monotonic(), self._sim_clock()

    def wait(self) -> None:
        """Sleep until the wall clock reaches the current simulated time (if pacing)."""
        if not self.realtime:
            return
        sim = (self._sim_clock() - self._sim_start) / self.speed
        delay = self._wall_start + sim - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class RunControl:
    """The run's operator state: paused, steps allowed while paused, and an abort request.

    Args:
        on_resume: called when a resume is acted on (to rebase pacing).
    """

    def __init__(
        self,
        on_resume: Callable[[], None] = lambda: None,
        on_command: Callable[[str, dict[str, Any], str], None] = lambda *_: None,
    ) -> None:
        self.paused = False
        self.abort_reason: str | None = None
        self._steps_allowed = 0
        self._on_resume = on_resume
        self._on_command = on_command
        self._extra: dict[str, Callable[[dict[str, Any], str], None]] = {}
        self._queue: queue.SimpleQueue[tuple[str, dict[str, Any], str]] = queue.SimpleQueue()
        self._handlers: dict[str, Callable[[], None]] = {
            "pause": self._pause,
            "resume": self._resume,
            "step": self._step,
            "abort": self._abort,
        }

    def request(self, name: str, args: dict[str, Any] | None = None, origin: str = "api") -> None:
        """Queue a command (thread-safe); unknown names are ignored when acted on."""
        self._queue.put((name, dict(args or {}), origin))

    def handle(self, name: str, handler: Callable[[dict[str, Any], str], None]) -> None:
        """Act on command ``name`` with ``handler(args, origin)`` (speed, breakpoint, fault...)."""
        self._extra[name] = handler

    def take_step(self) -> bool:
        """Use up one granted step, if there is one (a breakpoint's hold lets a step through)."""
        if self._steps_allowed > 0:
            self._steps_allowed -= 1
            return True
        return False

    def poll(self, source: CommandFeed | None) -> list[Acted]:
        """Act on every command queued so far, then on those ``source`` hands over.

        Returns:
            The commands acted on, oldest first, each with its origin (unknown names left out).
        """
        acted: list[Acted] = []
        while True:
            try:
                name, args, origin = self._queue.get_nowait()
            except queue.Empty:
                break
            if self._handle(name, args, origin):
                acted.append((name, origin))
        if source is not None:
            for command in source.poll_commands():
                name = str(getattr(command, "name", command))
                args = getattr(command, "args", None)
                origin = str(getattr(command, "origin", None) or getattr(command, "client", "stream"))
                if self._handle(name, dict(args) if isinstance(args, dict) else {}, origin):
                    acted.append((name, origin))
        return acted

    def should_tick(self) -> bool:
        """Whether to run a tick now: not paused, or paused with a single step granted."""
        return not self.paused or self.take_step()

    def _handle(self, name: str, args: dict[str, Any], origin: str) -> bool:
        handler = self._handlers.get(name)
        extra = self._extra.get(name)
        if handler is None and extra is None:
            return False  # the stream only passes known commands; ignore anything else
        self._on_command(name, args, origin)
        if handler is not None:
            handler()
        elif extra is not None:
            extra(args, origin)
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
