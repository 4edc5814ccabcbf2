"""One connected monitor: its bounded queues and the two threads that feed and read its socket.

Why per-connection threads: a blocking ``sendall`` to a slow monitor must stall only that monitor.
The server's publish path only calls :meth:`Connection.offer`, which appends to in-memory deques
under a condition variable and never touches a socket. Snapshots and events have separate queues
(the oldest is dropped when full, and the drop counted and told to the monitor before its next
message); a message is encoded to JSON once, lazily, by the first writer that sends it.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from typing import Protocol

from bt_runtime.codec import to_json
from bt_runtime.events import JsonValue, Message, Snapshot
from bt_runtime.streamwire import LineBuffer, StreamError, encode_line

__all__ = ["Connection", "ConnectionOwner", "Outgoing"]


class ConnectionOwner(Protocol):
    """What a connection needs from its server: queue sizes, and where lines and hang-ups go."""

    event_backlog: int
    snapshot_backlog: int

    def handle_line(self, client: Connection, line: bytes) -> None: ...

    def drop(self, client: Connection, linger: bool = False) -> None: ...


class Outgoing:
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


class Connection:
    """One connected monitor: its queues, its writer and reader threads."""

    def __init__(
        self, server: ConnectionOwner, sock: socket.socket, peer: str, *, authorized: bool = True
    ) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        self.cond = threading.Condition()
        self.events: deque[Outgoing] = deque(maxlen=server.event_backlog)
        self.snapshots: deque[Outgoing] = deque(maxlen=server.snapshot_backlog)
        self.replies: deque[bytes] = deque(maxlen=64)
        self.dropped = 0
        self.closed = False
        self.authorized = authorized
        """Whether it may read the run (False until it sends the token, on an exposed stream)."""

    def offer(self, item: Outgoing) -> None:
        """Queue ``item``; never blocks (a full queue drops its oldest entry and counts it)."""
        target = self.snapshots if isinstance(item.message, Snapshot) else self.events
        with self.cond:
            if len(target) == target.maxlen:
                self.dropped += 1
            target.append(item)
            self.cond.notify()

    def reply(self, data: dict[str, JsonValue]) -> None:
        with self.cond:
            self.replies.append(encode_line(data))
            self.cond.notify()

    def _next(self) -> bytes | Outgoing | None:
        """The next thing to send (replies, then the drop count, then the oldest message), or
        None once closed. Messages are encoded by the caller, outside the lock ``offer`` takes."""
        with self.cond:
            while not self.closed:
                if self.replies:
                    return self.replies.popleft()
                if self.dropped:
                    count, self.dropped = self.dropped, 0
                    return encode_line({"type": "dropped", "count": count})
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
            self.server.drop(self)

    def read_loop(self) -> None:
        buffer = LineBuffer()
        try:
            while not self.closed:
                try:
                    chunk = self.sock.recv(4096)
                except TimeoutError:
                    if not self.authorized:  # an exposed stream: no token in time, no seat
                        self.reply({"type": "error", "message": "no token sent in time"})
                        break
                    continue
                if not chunk:
                    break
                for line in buffer.feed(chunk):
                    self.server.handle_line(self, line)
        except StreamError as exc:
            self.reply({"type": "error", "message": str(exc)})
        except OSError:
            pass
        finally:
            self.server.drop(self, linger=True)

    def shut(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
