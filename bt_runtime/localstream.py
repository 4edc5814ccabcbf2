"""An in-process live stream: one monitor in the same process as the run (``mission run --tui``).

Why not the TCP stream on loopback: the run and its monitor share a process, so a socket would only
add encoding and a port. :class:`LocalStream` has both ends of :class:`~bt_runtime.stream.
StreamServer` and :class:`~bt_runtime.streamclient.StreamClient` that the executor and the monitor
use: ``publish``/``poll_commands`` for the executor, ``receive``/``ended``/``send_command``/
``close`` for the monitor, with the same back-pressure (the latest snapshot supersedes older ones,
events are bounded and a drop is told as a ``dropped`` notice) and the same replies
(``ack``/``error`` notices), so the monitor's live source reads it unchanged. :class:`Fanout`
publishes to several streams at once (the in-process monitor and a ``--stream`` server).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from bt_runtime.events import JsonValue, Message, RunFinished, Snapshot
from bt_runtime.monitorcommands import RELEASE, check_args
from bt_runtime.recorder import CommandSource
from bt_runtime.streamwire import COMMANDS, ControlCommand, Notice, StreamError

__all__ = ["Fanout", "LocalStream"]


class LocalStream:
    """Both ends of a live stream, in one process, for one monitor.

    Args:
        token: the control token the monitor must send (a fresh one when None).
        event_backlog: events kept before the oldest is dropped.
        origin: how the run log names this monitor in its command lines.
    """

    def __init__(
        self, token: str | None = None, event_backlog: int = 4096, origin: str = "local monitor"
    ) -> None:
        self.token = token if token is not None else secrets.token_urlsafe(16)
        self.origin = origin
        self._cond = threading.Condition()
        self._events: deque[Message | Notice] = deque(maxlen=event_backlog)
        self._snapshot: Snapshot | None = None
        self._dropped = 0
        self._commands: deque[ControlCommand] = deque()
        self._finished = False
        self._closed = False

    # -- the executor's side
    def publish(self, message: Message) -> None:
        """Queue ``message`` for the monitor; never blocks."""
        with self._cond:
            if self._closed:
                return
            if isinstance(message, Snapshot):
                self._snapshot = message
            else:
                if len(self._events) == self._events.maxlen:
                    self._dropped += 1
                self._events.append(message)
                self._finished = self._finished or isinstance(message, RunFinished)
            self._cond.notify_all()

    def poll_commands(self) -> list[ControlCommand]:
        """Commands the monitor sent since the last call, oldest first."""
        with self._cond:
            commands = list(self._commands)
            self._commands.clear()
            return commands

    def finish(self) -> None:
        """The run is over: the monitor reads what is queued, then sees the stream end."""
        with self._cond:
            self._finished = True
            self._cond.notify_all()

    # -- the monitor's side
    def receive(self, timeout: float | None = None) -> Message | Notice | None:
        """The next message (events in order, then the latest snapshot), or None after
        ``timeout`` seconds or once the stream ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._dropped:
                    count, self._dropped = self._dropped, 0
                    return Notice("dropped", {"count": count})
                if self._events:
                    return self._events.popleft()
                if self._snapshot is not None:
                    snapshot, self._snapshot = self._snapshot, None
                    return snapshot
                if self._closed or self._finished:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)

    @property
    def ended(self) -> bool:
        """True once the run finished (or the monitor closed) and everything was read."""
        with self._cond:
            done = self._closed or self._finished
            return done and not self._events and self._snapshot is None and not self._dropped

    def send_command(
        self, command: str, token: str, args: dict[str, JsonValue] | None = None
    ) -> None:
        """Send a command as a stream monitor would; the reply arrives as an ack/error notice.

        Raises:
            StreamError: the monitor's end is closed.
        """
        with self._cond:
            if self._closed:
                raise StreamError("the in-process stream is closed")
            reply = self._check(command, token, args or {})
            if reply is None:
                self._commands.append(
                    ControlCommand(command, self.origin, time.monotonic(), dict(args or {}), via="")
                )
                reply = Notice("ack", {"command": command})
            self._events.append(reply)
            self._cond.notify_all()

    def _check(self, command: str, token: str, args: dict[str, Any]) -> Notice | None:
        if not secrets.compare_digest(token.encode(), self.token.encode()):
            message = "wrong or missing control token"
            return Notice("error", {"message": message, "command": command})
        if command not in COMMANDS:
            return Notice("error", {"message": f"unknown command {command!r}", "command": command})
        problem = check_args(command, args)
        if problem is not None:
            return Notice("error", {"message": problem, "command": command})
        return None

    def close(self) -> None:
        """The monitor goes away: its breakpoints are released (as a disconnect would)."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._commands.append(ControlCommand(RELEASE, self.origin, time.monotonic(), via=""))
            self._cond.notify_all()


class Fanout:
    """Publishes to several live streams and hands over the commands of all of them."""

    def __init__(self, streams: Sequence[CommandSource]) -> None:
        self.streams = tuple(streams)

    def publish(self, message: Message) -> None:
        for stream in self.streams:
            stream.publish(message)

    def poll_commands(self) -> list[Any]:
        return [command for stream in self.streams for command in stream.poll_commands()]
