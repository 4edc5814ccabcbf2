"""Where a run's record goes: the durable log, the live stream, and the progress callback.

Each has its own clock. Events go to the log and the stream as they happen, and the log commits once
per tick. Telemetry samples go to the log only (the executor has already chosen them, see
:mod:`bt_runtime.telemetry`). Views, the stream's snapshots and the progress callback, are
rate-limited on *wall* time, since a fast-forwarded run would otherwise flood a monitor; each
view carries the full state, so a skipped one loses nothing.

A log the disk refuses (:class:`~bt_runtime.logschema.EventLogFull`) is let go at once: the
failure is kept in :attr:`Recorder.log_failure` for the executor to end the run on, nothing more is
written to it (what it committed stays readable), and the stream goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bt_runtime.events import Event, Message, Snapshot, Telemetry
from bt_runtime.logschema import EventLogFull
from bt_runtime.report import Progress

__all__ = ["CommandSource", "EventSink", "Recorder"]


class EventSink(Protocol):
    """Where events go durably (:class:`bt_runtime.eventlog.EventLogWriter` fits)."""

    def append(self, event: Event) -> None: ...

    def commit_tick(self) -> None: ...


class CommandSource(Protocol):
    """A live stream: publishes messages, hands over monitor commands (StreamServer fits)."""

    def publish(self, message: Message) -> None: ...

    def poll_commands(self) -> Sequence[Any]: ...


class Recorder:
    """Fans a run's events out to its log and stream, and paces its views.

    Args:
        log: the durable event sink, or None.
        stream: the live stream, or None.
        snapshot_hz: stream snapshots per wall-clock second at most (0: every call).
        on_progress: the progress callback, or None.
        progress_hz: progress calls per wall-clock second at most (0: every call).
    """

    def __init__(
        self,
        log: EventSink | None,
        stream: CommandSource | None,
        *,
        snapshot_hz: float = 10.0,
        on_progress: Callable[[Progress], None] | None = None,
        progress_hz: float = 5.0,
    ) -> None:
        self.log = log
        self.stream = stream
        self.on_progress = on_progress
        self.snapshot_period = 1.0 / snapshot_hz if snapshot_hz > 0 else 0.0
        self.progress_period = 1.0 / progress_hz if progress_hz > 0 else 0.0
        self._last_snapshot = -1e9
        self._last_progress = -1e9
        self.log_failure: EventLogFull | None = None
        """Why the log stopped taking writes (disk full...), or None while it is fine."""

    def _lost(self, exc: EventLogFull) -> None:
        self.log_failure = exc
        self.log = None

    def emit(self, event: Event) -> None:
        """Record ``event`` in the log and publish it on the stream."""
        if self.log is not None:
            try:
                self.log.append(event)
            except EventLogFull as exc:
                self._lost(exc)
        if self.stream is not None:
            self.stream.publish(event)

    def keep(self, sample: Telemetry) -> None:
        """Record a telemetry sample in the log (monitors get the state inside snapshots)."""
        if self.log is not None:
            self.log.append(sample)

    def commit(self) -> None:
        """End of a tick: make what the log holds durable (a refused write ends the log)."""
        if self.log is not None:
            try:
                self.log.commit_tick()
            except EventLogFull as exc:
                self._lost(exc)

    def views(
        self,
        snapshot: Callable[[], Snapshot],
        progress: Callable[[], Progress],
        *,
        force: bool = False,
    ) -> None:
        """Publish a snapshot and call the progress callback, each if its period has passed.

        Args:
            snapshot: builds the snapshot (called only when one is due).
            progress: builds the progress value (called only when one is due).
            force: publish both now regardless (the run's end).
        """
        if self.stream is None and self.on_progress is None:
            return
        wall = time.monotonic()
        if self.stream is not None and (
            force or wall - self._last_snapshot >= self.snapshot_period
        ):
            self._last_snapshot = wall
            self.stream.publish(snapshot())
        if self.on_progress is not None and (
            force or wall - self._last_progress >= self.progress_period
        ):
            self._last_progress = wall
            self.on_progress(progress())
