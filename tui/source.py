"""Where the monitor's messages come from: a recorded run log, or a live run's stream.

Both sources read in a Textual thread worker and only ``post_message`` to the app, so the UI
thread never waits on a file or a socket. They post the same messages (``tui.messages``): a run
header, history batches, and full-state :class:`~tui.messages.StateChanged` values.

The log holds no snapshots (only events), so :class:`ReplaySource` folds the events back into the
full state (``tui.playback``) and posts it at most ``frame_hz`` times a wall second, paced by sim time times a speed
factor. It is its own :class:`~tui.control.Controller` (pause, resume, step, speed, breakpoints)
and is :class:`~tui.control.Seekable`; seeking back restarts the fold from the first tick.
:class:`LiveSource` reconnects after a lost connection and reports each state of the link.

Size: over 400 lines: the replay and the live source share their pacing and posting code here;
the live source's reconnect loop is the seam to split along next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from textual.app import App

from bt_runtime.eventlog import EventLogError, EventLogReader
from bt_runtime.events import JsonValue, RunFinished, RunStarted, TreeDefinition, WorldDefinition
from bt_runtime.stream import Notice, StreamClient, StreamError
from tui.control import ControlError, Controller, StreamController
from tui.messages import (
    AlertEntry,
    CommandEntry,
    ConnectionChanged,
    Entry,
    Happened,
    PlaybackChanged,
    Rewound,
    RunEnded,
    StateChanged,
    WorldOpened,
    from_runtime,
    paths_to_ids,
    run_ended,
    run_opened,
    world_info,
)
from tui.playback import Cursor

__all__ = ["LiveSource", "ReplaySource", "Source", "StatePacer"]

SHOWN_WAIT = 1.0
"""Seconds a source waits for the app to apply its last state before reading on regardless."""


class StatePacer:
    """Posts full states and lets the worker wait until the app has applied the last one.

    Why: the app's message queue is unbounded and history batches are never merged, so a worker
    faster than the screen (a replay at x256, a burst on the stream) would grow it without end.
    Waiting for the last state keeps at most one frame in flight; a live source then reads the
    socket no faster than the screen, and the run's stream drops old snapshots for it.
    """

    def __init__(self) -> None:
        self._shown = threading.Event()
        self._shown.set()

    def post(self, app: App[Any], state: StateChanged) -> None:
        """Post ``state``; :meth:`wait` then blocks until the app has applied it."""
        self._shown.clear()
        state.shown = self._shown.set
        app.post_message(state)

    def wait(self, stopped: Callable[[], bool], timeout: float = SHOWN_WAIT) -> None:
        """Wait until the last state was applied, ``timeout`` passed, or ``stopped()``."""
        deadline = time.monotonic() + timeout
        while not self._shown.wait(0.05):
            if stopped() or time.monotonic() >= deadline:
                return


class Source(Protocol):
    """An event source the app starts once mounted and stops when it exits."""

    controller: Controller | None
    """Where the controls go (None: a read-only monitor)."""

    def start(self, app: App[Any]) -> None:
        """Begin reading in a worker of ``app``, posting messages to it."""

    def stop(self) -> None:
        """Ask the worker to end (it finishes within a fraction of a second)."""


# ------------------------------------------------------------------------------------ replay
class ReplaySource:
    """Plays a run log back at ``speed`` times its sim time; pause, step, seek and breakpoints.

    Args:
        path: the run log (a ``.sqlite`` file written by ``bt_runtime.eventlog``).
        speed: sim seconds per wall second.
        playing: start playing at once (False: start paused at the first tick).
        frame_hz: full states posted per wall second at most.
        clock: the wall clock (monotonic seconds); tests may pass a fake.
    """

    def __init__(
        self, path: str | Path, *, speed: float = 1.0, playing: bool = True,
        frame_hz: float = 20.0, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.controller: Controller | None = self
        self._speed = speed
        self._playing = playing
        self._period = 1.0 / frame_hz
        self._clock = clock
        self._cond = threading.Condition()
        self._stopped = False
        self._seek_to: float | None = None
        self._steps = 0
        self._breakpoints: set[str] = set()
        self._end = 0.0
        self._position = 0.0  # the worker's, read under the lock by seek_by

    # -- Source
    def start(self, app: App[Any]) -> None:
        app.run_worker(lambda: self._run(app), thread=True, name="replay", group="source")

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    # -- Controller and Seekable (called from the UI thread)
    def _command(self, **changes: Any) -> None:
        with self._cond:
            for name, value in changes.items():
                setattr(self, f"_{name}", value)
            self._cond.notify_all()

    def pause(self) -> None:
        self._command(playing=False)

    def resume(self) -> None:
        self._command(playing=True)

    def step(self) -> None:
        with self._cond:
            self._playing = False
            self._steps += 1
            self._cond.notify_all()

    def abort(self) -> None:
        raise ControlError("a replay cannot be aborted: it already happened")

    def set_speed(self, factor: float) -> None:
        self._command(speed=min(max(factor, 1 / 64), 1024.0))

    def set_breakpoint(self, node_id: str, enabled: bool) -> None:
        with self._cond:
            (self._breakpoints.add if enabled else self._breakpoints.discard)(node_id)

    def inject_fault(self, kind: str, params: Mapping[str, Any]) -> None:
        raise ControlError("faults cannot be injected into a replay")

    def seek(self, sim_time: float) -> None:
        self._command(seek_to=max(0.0, sim_time))

    def seek_by(self, seconds: float) -> None:
        # from a seek still pending, so quick presses add up instead of repeating one jump
        with self._cond:
            base = self._seek_to if self._seek_to is not None else self._position
            self._seek_to = max(0.0, base + seconds)
            self._cond.notify_all()

    # -- the worker
    def _run(self, app: App[Any]) -> None:
        try:
            reader = EventLogReader(self.path)
        except EventLogError as exc:
            app.post_message(ConnectionChanged("lost", str(exc)))
            return
        with reader:
            try:
                self._play(app, reader)
            except EventLogError as exc:
                app.post_message(ConnectionChanged("lost", str(exc)))

    def _take_commands(self) -> _Commands | None:
        """What the UI asked for since the last look (None once stopped)."""
        with self._cond:
            if self._stopped:
                return None
            seek, self._seek_to = self._seek_to, None
            steps, self._steps = self._steps, 0
            return _Commands(seek, steps, self._playing, self._speed, frozenset(self._breakpoints))

    def _play(self, app: App[Any], reader: EventLogReader) -> None:
        started, tree, finished = reader.run_started(), reader.tree(), reader.outcome()
        opened = run_opened(started, tree)
        ids = paths_to_ids(opened.root)
        self._end = end = finished.duration if finished else reader.last_sim_time()
        app.post_message(opened)
        world = reader.world()
        if world is not None:
            app.post_message(WorldOpened(world_info(world)))
        app.post_message(ConnectionChanged("replay", self.path.name))
        cursor = Cursor(reader, opened.root, ids)
        last_wall, ended = self._clock(), False
        last_shown: tuple[bool, float, float] | None = None
        pacer = StatePacer()
        pacer.post(app, cursor.fold.state())
        while (asked := self._take_commands()) is not None:
            pacer.wait(lambda: self._stopped)
            now, playing = self._clock(), asked.playing
            entries: list[Entry] = []
            if asked.seek is not None:
                target = min(asked.seek, end)
                if target < cursor.position:
                    app.post_message(Rewound(0))
                    cursor.restart()
                    ended = False
                cursor.advance(target, entries)
            elif asked.steps:
                cursor.step(asked.steps, entries, end)
            elif playing:
                target = min(cursor.position + (now - last_wall) * asked.speed, end)
                if cursor.advance(target, entries, asked.breakpoints):
                    self._command(playing=False)  # stopped before a breakpoint's tick
                    playing = False
            last_wall = now
            if entries or asked.seek is not None or asked.steps:
                app.post_message(Happened(tuple(entries)))
                pacer.post(app, cursor.fold.state())
            if cursor.pending is None and not ended:
                ended, cursor.position = True, end
                if finished is not None:
                    app.post_message(run_ended(finished, ids))
                if playing:
                    self._command(playing=False)
                    playing = False
            with self._cond:
                self._position = cursor.position
            shown = (playing, asked.speed, round(cursor.position, 3))
            if shown != last_shown:
                last_shown = shown
                app.post_message(PlaybackChanged(playing, asked.speed, cursor.position, end))
            with self._cond:
                if not self._stopped and self._seek_to is None and not self._steps:
                    self._cond.wait(self._period)


@dataclass(frozen=True)
class _Commands:
    seek: float | None
    steps: int
    playing: bool
    speed: float
    breakpoints: frozenset[str]


# ------------------------------------------------------------------------------------- live
class StreamEnd(Protocol):
    """A monitor's end of a live stream (:class:`StreamClient`, or an in-process
    :class:`~bt_runtime.localstream.LocalStream`)."""

    def receive(self, timeout: float | None = None) -> Any: ...

    @property
    def ended(self) -> bool: ...

    def send_command(
        self, command: str, token: str, args: dict[str, JsonValue] | None = None
    ) -> None: ...

    def close(self) -> None: ...


class LiveSource:
    """Reads a live run's stream; shows a lost connection and retries until the run ends.

    With a ``token`` the source is its own controller: controls go over the connection it reads
    (so a breakpoint it sets is released when that connection goes); without one it is
    read-only (``controller`` is None) unless a ``controller`` is given.

    Args:
        host: the stream's host.
        port: the stream's port.
        token: the run's control token (None: read-only).
        controller: where controls go instead (tests pass a fake).
        retry: seconds between connection attempts.
        connect: makes a client (tests pass a fake; ``run --tui`` an in-process stream); by default
            :class:`StreamClient`.
    """

    def __init__(
        self, host: str, port: int, *, token: str | None = None,
        controller: Controller | None = None, retry: float = 1.0,
        connect: Callable[[str, int], StreamEnd] = StreamClient,
    ) -> None:
        self.host, self.port = host, port
        self.token = token
        self.controller = controller
        if controller is None and token is not None:
            self.controller = StreamController(self.send)
        self._retry = retry
        self._connect = connect
        self._stopped = threading.Event()
        self._client: StreamEnd | None = None
        self._lock = threading.Lock()

    def send(self, command: str, args: dict[str, JsonValue]) -> None:
        """Send one control over the current connection (called from the UI thread).

        Raises:
            ControlError: no token, not connected, or the connection failed.
        """
        if self.token is None:
            raise ControlError("read-only monitor: attach with --token to control the run")
        with self._lock:
            client = self._client
        if client is None:
            raise ControlError("not connected to the run")
        try:
            client.send_command(command, self.token, args or None)
        except StreamError as exc:
            raise ControlError(str(exc)) from None

    def start(self, app: App[Any]) -> None:
        app.run_worker(lambda: self._run(app), thread=True, name="live", group="source")

    def stop(self) -> None:
        self._stopped.set()

    def _run(self, app: App[Any]) -> None:
        where = f"{self.host}:{self.port}"
        ended = False
        while not self._stopped.is_set() and not ended:
            app.post_message(ConnectionChanged("connecting", where))
            try:
                client = self._connect(self.host, self.port)
            except StreamError as exc:
                app.post_message(ConnectionChanged("lost", f"{exc}; retrying in {self._retry:g} s"))
                self._stopped.wait(self._retry)
                continue
            mode = "" if self.controller is not None else " (read-only: no control token)"
            app.post_message(ConnectionChanged("connected", where + mode))
            with self._lock:
                self._client = client
            why = "stream closed"
            try:
                ended = self._read(app, client)
            except StreamError as exc:  # a bad line from the run: say which, not only "closed"
                why = str(exc)
            finally:
                with self._lock:
                    self._client = None
                client.close()
            if not ended and not self._stopped.is_set():
                app.post_message(ConnectionChanged("lost", f"{why}; retrying in {self._retry:g} s"))
                self._stopped.wait(self._retry)
        if ended:
            app.post_message(ConnectionChanged("ended", "the run finished"))

    def _read(self, app: App[Any], client: StreamEnd) -> bool:
        """Read until the stream ends; True if the run finished."""
        started: RunStarted | None = None
        ids: dict[str, str] = {}
        finished = False
        pacer = StatePacer()
        sim_time = 0.0  # of the latest state, to stamp the run's replies to commands
        while not self._stopped.is_set():
            message = client.receive(timeout=0.25)
            if message is None:
                if client.ended:
                    return finished
                continue
            batch: list[Entry] = []
            while message is not None:  # drain what is already buffered into one batch
                if isinstance(message, RunStarted):
                    started = message
                elif isinstance(message, TreeDefinition):
                    opened = run_opened(started, message)
                    ids = paths_to_ids(opened.root)
                    app.post_message(opened)
                elif isinstance(message, WorldDefinition):
                    app.post_message(WorldOpened(world_info(message)))
                elif isinstance(message, Notice):
                    batch.extend(_notice_entries(message, sim_time))
                else:
                    converted = from_runtime(message, ids)
                    if isinstance(converted, StateChanged):
                        sim_time = converted.sim_time
                    if isinstance(converted, (StateChanged, RunEnded)):
                        if batch:
                            app.post_message(Happened(tuple(batch)))
                            batch = []
                        if isinstance(converted, StateChanged):
                            pacer.post(app, converted)
                            pacer.wait(self._stopped.is_set)
                        else:
                            app.post_message(converted)
                        finished = finished or isinstance(message, RunFinished)
                    elif converted is not None:
                        batch.append(converted)
                if len(batch) >= 500:
                    break
                message = client.receive(timeout=0)
            if batch:
                app.post_message(Happened(tuple(batch)))
        return finished


def _notice_entries(notice: Notice, sim_time: float = 0.0) -> list[Entry]:
    if notice.kind == "dropped":
        text = f"monitor fell behind: {notice.count} messages dropped"
        return [AlertEntry(0, sim_time, "warning", text)]
    if notice.kind in ("ack", "error"):
        command = str(notice.data.get("command", ""))
        detail = "accepted" if notice.kind == "ack" else f"refused: {notice.message}"
        return [CommandEntry(sim_time, command or "command", detail)]
    return []
