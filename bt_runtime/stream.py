"""Live stream from a running mission to monitors, over a local TCP socket.

Wire format: newline-delimited JSON, one message per line. The server sends events and snapshots in
the form :func:`bt_runtime.events.to_json` writes, plus notices: ``hello`` (first line), ``dropped``
(how many messages this client missed), ``ack`` and ``error`` (replies to commands). A monitor sends
``{"type": "command", "command": "pause", "token": "..."}``; only the token the server was started
with is obeyed, so a stray process on the machine cannot abort a run.

Why threads rather than asyncio: the publisher is the executor's synchronous tick loop, and there are
a handful of monitors at most. Each client gets two daemon threads (writer, reader) and its own
bounded queues, so a blocking ``sendall`` to a slow monitor stalls only that monitor's writer thread;
:meth:`StreamServer.publish` only appends to in-memory deques and never touches a socket. Asyncio
would need a loop thread plus a cross-thread hand-off per publish, for no gain at this scale.

Back-pressure: per client, snapshots are kept in a short queue (the oldest is dropped: a newer one
supersedes it) and events in a longer one (the oldest is dropped when full). Every drop is counted
and the client is told with a ``dropped`` notice before its next message. A message is encoded to
JSON once, lazily, by the first writer that sends it, so dropped snapshots cost no encoding.

A monitor that connects late first receives the run header (:class:`RunStarted`,
:class:`TreeDefinition`, and :class:`RunFinished` once there is one) and the latest snapshot, so it
can draw the tree at once. Reading needs no token; that is why the server binds loopback by default.
"""

from __future__ import annotations

import itertools
import json
import queue
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from bt_runtime.events import (
    EventDecodeError,
    JsonValue,
    Message,
    RunFinished,
    RunStarted,
    Snapshot,
    TreeDefinition,
    from_dict,
    to_json,
)

__all__ = [
    "COMMANDS",
    "PROTOCOL_VERSION",
    "ControlCommand",
    "Notice",
    "StreamClient",
    "StreamError",
    "StreamServer",
]

PROTOCOL_VERSION = 1
COMMANDS = ("pause", "resume", "step", "abort")
MAX_LINE = 64 * 1024
"""Longest line a peer may send before it is disconnected (commands are tiny)."""

NOTICE_TYPES = ("hello", "dropped", "ack", "error")


class StreamError(Exception):
    """The stream cannot be served or read; the message says what went wrong."""


@dataclass(frozen=True)
class ControlCommand:
    """A command a monitor sent with the right token, for the executor to act on."""

    name: str
    client: str
    received_at: float
    """``time.monotonic()`` when the server read it."""


@dataclass(frozen=True)
class Notice:
    """A stream-level message (not a run event): hello, dropped, ack or error."""

    kind: str
    data: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(self.data.get("message", ""))

    @property
    def count(self) -> int:
        return int(self.data.get("count", 0))


def _line(data: dict[str, JsonValue]) -> bytes:
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


class _Outgoing:
    """A published message, shared by every client queue, encoded at most once (lazily)."""

    __slots__ = ("_data", "message", "seq")

    def __init__(self, seq: int, message: Message) -> None:
        self.seq = seq
        self.message = message
        self._data: bytes | None = None

    def data(self) -> bytes:
        if self._data is None:  # a race only encodes twice; both results are equal
            self._data = (to_json(self.message) + "\n").encode()
        return self._data


class _LineBuffer:
    """Splits received bytes into lines; refuses lines longer than ``MAX_LINE``."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer.extend(chunk)
        lines = []
        while (end := self._buffer.find(b"\n")) >= 0:
            lines.append(bytes(self._buffer[:end]))
            del self._buffer[: end + 1]
        if len(self._buffer) > MAX_LINE:
            raise StreamError(f"a line longer than {MAX_LINE} bytes")
        return lines


# ------------------------------------------------------------------------------------ server
class _Client:
    """One connected monitor: its queues, its writer and reader threads."""

    def __init__(self, server: StreamServer, sock: socket.socket, peer: str) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        self.cond = threading.Condition()
        self.events: deque[_Outgoing] = deque(maxlen=server.event_backlog)
        self.snapshots: deque[_Outgoing] = deque(maxlen=server.snapshot_backlog)
        self.replies: deque[bytes] = deque(maxlen=64)
        self.dropped = 0
        self.closed = False

    def offer(self, item: _Outgoing) -> None:
        """Queue ``item``; never blocks (a full queue drops its oldest entry and counts it)."""
        target = self.snapshots if isinstance(item.message, Snapshot) else self.events
        with self.cond:
            if len(target) == target.maxlen:
                self.dropped += 1
            target.append(item)
            self.cond.notify()

    def reply(self, data: dict[str, JsonValue]) -> None:
        with self.cond:
            self.replies.append(_line(data))
            self.cond.notify()

    def _next(self) -> bytes | _Outgoing | None:
        """The next thing to send (replies, then the drop count, then the oldest message), or
        None once closed. Messages are encoded by the caller, outside the lock ``offer`` takes."""
        with self.cond:
            while not self.closed:
                if self.replies:
                    return self.replies.popleft()
                if self.dropped:
                    count, self.dropped = self.dropped, 0
                    return _line({"type": "dropped", "count": count})
                if self.events or self.snapshots:
                    if not self.snapshots or (
                        self.events and self.events[0].seq < self.snapshots[0].seq
                    ):
                        return self.events.popleft()
                    return self.snapshots.popleft()
                self.cond.wait()
            return None

    def write_loop(self) -> None:
        try:
            while (item := self._next()) is not None:
                self.sock.sendall(item if isinstance(item, bytes) else item.data())
        except OSError:  # dead peer, or stalled past the send timeout: drop it
            pass
        finally:
            self.server._drop(self)

    def read_loop(self) -> None:
        buffer = _LineBuffer()
        try:
            while not self.closed:
                try:
                    chunk = self.sock.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                for line in buffer.feed(chunk):
                    self.server._handle_line(self, line)
        except StreamError as exc:
            self.reply({"type": "error", "message": str(exc)})
        except OSError:
            pass
        finally:
            self.server._drop(self, linger=True)

    def shut(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class StreamServer:
    """Publishes a run's events and snapshots to every connected monitor without ever blocking."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str | None = None,
        event_backlog: int = 1024,
        snapshot_backlog: int = 2,
        send_timeout: float = 10.0,
    ) -> None:
        """Configure the server; nothing is bound until :meth:`start`.

        Args:
            host: interface to bind; loopback by default so only this machine can connect.
            port: TCP port, 0 for any free one (read it back from :attr:`address`).
            token: the control token; a fresh ``secrets.token_urlsafe()`` when None.
            event_backlog: events queued per client before the oldest is dropped.
            snapshot_backlog: snapshots queued per client before the oldest is dropped.
            send_timeout: seconds a client may refuse to read before it is disconnected.
        """
        if event_backlog < 1 or snapshot_backlog < 1:
            raise StreamError("event_backlog and snapshot_backlog must be at least 1")
        self.host = host
        self.port = port
        self.token = token if token is not None else secrets.token_urlsafe(16)
        self.event_backlog = event_backlog
        self.snapshot_backlog = snapshot_backlog
        self.send_timeout = send_timeout
        self._listener: socket.socket | None = None
        self._clients: tuple[_Client, ...] = ()
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._sticky: dict[type, _Outgoing] = {}
        self._latest_snapshot: _Outgoing | None = None
        self._commands: queue.SimpleQueue[ControlCommand] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._accepter: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port). Raises StreamError before :meth:`start` or after close."""
        if self._listener is None:
            raise StreamError("the stream server is not started (or already closed)")
        host, port = self._listener.getsockname()[:2]
        return host, port

    def banner(self) -> str:
        """The line to print at start: where monitors connect and the control token."""
        host, port = self.address
        return f"live stream on {host}:{port} (control token: {self.token})"

    def start(self) -> tuple[str, int]:
        """Bind, listen and accept monitors in the background; returns the bound address.

        Raises:
            StreamError: the address cannot be bound (in use, bad host...).
        """
        if self._listener is not None:
            return self.address
        if self._stopping.is_set():
            raise StreamError("the stream server is closed; start a new one")
        try:
            listener = socket.create_server((self.host, self.port), backlog=8)
        except OSError as exc:
            raise StreamError(f"cannot listen on {self.host}:{self.port}: {exc}") from None
        listener.settimeout(0.1)
        self._listener = listener
        self._accepter = threading.Thread(
            target=self._accept_loop, name="stream-accept", daemon=True
        )
        self._accepter.start()
        return self.address

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                sock, peer = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._register(sock, f"{peer[0]}:{peer[1]}")

    def _register(self, sock: socket.socket, peer: str) -> None:
        sock.settimeout(self.send_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = _Client(self, sock, peer)
        client.reply(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "commands": list(COMMANDS),
                "needs_token": True,
            }
        )
        with self._lock:  # prime a late joiner with the run header and the latest state
            if self._stopping.is_set():
                client.shut()
                return
            for item in sorted(self._sticky.values(), key=lambda o: o.seq):
                client.offer(item)
            if self._latest_snapshot is not None:
                client.offer(self._latest_snapshot)
            self._clients = (*self._clients, client)
        for target, name in ((client.write_loop, "writer"), (client.read_loop, "reader")):
            threading.Thread(target=target, name=f"stream-{name}-{peer}", daemon=True).start()

    def _drop(self, client: _Client, linger: bool = False) -> None:
        if linger and not client.closed:
            # The peer stopped sending; let the writer flush pending replies before closing.
            deadline = time.monotonic() + 0.5
            while client.replies and time.monotonic() < deadline:
                time.sleep(0.01)
        with self._lock:
            self._clients = tuple(c for c in self._clients if c is not client)
        client.shut()

    def _handle_line(self, client: _Client, line: bytes) -> None:
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            client.reply({"type": "error", "message": "not a JSON line"})
            return
        if not isinstance(data, dict) or data.get("type") != "command":
            client.reply({"type": "error", "message": 'expected {"type": "command", ...}'})
            return
        name, token = data.get("command"), data.get("token")
        if not isinstance(token, str) or not secrets.compare_digest(
            token.encode(), self.token.encode()
        ):
            client.reply(
                {"type": "error", "message": "wrong or missing control token", "command": name}
            )
            return
        if name not in COMMANDS:
            client.reply(
                {
                    "type": "error",
                    "message": f"unknown command {name!r}: one of {', '.join(COMMANDS)}",
                }
            )
            return
        self._commands.put(ControlCommand(str(name), client.peer, time.monotonic()))
        client.reply({"type": "ack", "command": name})

    # -- the executor's side
    def publish(self, message: Message) -> None:
        """Send ``message`` to every connected monitor. Never blocks, never raises on a bad peer.

        The message is shared, not copied: do not mutate it afterwards (events are frozen).
        """
        item = _Outgoing(next(self._seq), message)
        if isinstance(message, Snapshot):
            self._latest_snapshot = item
        elif isinstance(message, (RunStarted, TreeDefinition, RunFinished)):
            with self._lock:
                self._sticky[type(message)] = item
        for client in self._clients:
            client.offer(item)

    def poll_commands(self) -> list[ControlCommand]:
        """Commands accepted since the last call, oldest first. Never blocks."""
        commands = []
        while True:
            try:
                commands.append(self._commands.get_nowait())
            except queue.Empty:
                return commands

    def client_count(self) -> int:
        """How many monitors are connected now."""
        return len(self._clients)

    def close(self) -> None:
        """Stop accepting, disconnect every monitor. Safe to call twice."""
        self._stopping.set()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept thread at once
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        if self._accepter is not None:
            self._accepter.join(timeout=1.0)
            self._accepter = None
        with self._lock:
            clients, self._clients = self._clients, ()
        for client in clients:
            client.shut()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ------------------------------------------------------------------------------------ client
class StreamClient:
    """A monitor's end of the stream: read messages, send commands."""

    def __init__(self, host: str, port: int, *, timeout: float = 5.0) -> None:
        """Connect to a :class:`StreamServer`.

        Raises:
            StreamError: nothing listens there, or the connection timed out.
        """
        try:
            self._sock: socket.socket | None = socket.create_connection(
                (host, port), timeout=timeout
            )
        except OSError as exc:
            raise StreamError(
                f"cannot connect to the live stream at {host}:{port}: {exc}"
            ) from None
        self._buffer = _LineBuffer()
        self._lines: deque[bytes] = deque()
        self._eof = False

    def receive(self, timeout: float | None = None) -> Message | Notice | None:
        """The next message, or None if none came within ``timeout`` seconds or the stream ended.

        Raises:
            StreamError: the server sent something that is not a valid message.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._lines:
            if self._eof or self._sock is None:
                return None
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                return None
            except OSError:
                chunk = b""
            if not chunk:
                self._eof = True
                return None
            self._lines.extend(self._buffer.feed(chunk))
        return self._decode(self._lines.popleft())

    @property
    def ended(self) -> bool:
        """True once the server closed the stream and every line was read."""
        return self._eof and not self._lines

    @staticmethod
    def _decode(line: bytes) -> Message | Notice:
        try:
            data: Any = json.loads(line)
            if isinstance(data, dict) and data.get("type") in NOTICE_TYPES:
                kind = data.pop("type")
                return Notice(kind, data)
            return from_dict(data)
        except (json.JSONDecodeError, UnicodeDecodeError, EventDecodeError) as exc:
            raise StreamError(f"bad message from the stream: {exc}") from None

    def messages(self, timeout: float = 5.0) -> Iterator[Message | Notice]:
        """Messages until the stream ends or nothing arrives for ``timeout`` seconds."""
        while (message := self.receive(timeout)) is not None:
            yield message

    def send_command(self, command: str, token: str) -> None:
        """Ask the executor to ``pause``, ``resume``, ``step`` or ``abort``; the reply (ack or
        error) arrives as a :class:`Notice` among the messages.

        Raises:
            StreamError: the connection is closed.
        """
        if self._sock is None:
            raise StreamError("the stream client is closed")
        data = _line({"type": "command", "command": command, "token": token})
        try:
            self._sock.settimeout(5.0)
            self._sock.sendall(data)
        except OSError as exc:
            raise StreamError(f"cannot send the command: {exc}") from None

    def close(self) -> None:
        """Disconnect. Safe to call twice."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
