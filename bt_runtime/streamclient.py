"""A monitor's end of the live stream: read messages and notices, send commands."""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from collections.abc import Iterator
from typing import Any, Self

from bt_runtime.codec import from_dict
from bt_runtime.events import JsonValue, Message
from bt_runtime.streamwire import (
    MAX_MESSAGE,
    NOTICE_TYPES,
    LineBuffer,
    Notice,
    StreamError,
    encode_line,
)

__all__ = ["StreamClient"]


class StreamClient:
    """A monitor's end of the stream: read messages, send commands."""

    def __init__(
        self, host: str, port: int, *, timeout: float = 5.0, token: str | None = None
    ) -> None:
        """Connect to a :class:`StreamServer`.

        Args:
            host: where the server listens.
            port: its port.
            timeout: seconds to wait for the connection.
            token: sent at once to be allowed to read a stream served beyond loopback (the
                server acks it); None sends nothing.

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
        self._buffer = LineBuffer(MAX_MESSAGE)  # a big mission's header runs to megabytes
        self._lines: deque[bytes] = deque()
        self._eof = False
        if token is not None:
            self._send({"type": "auth", "token": token})

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
        except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, deep nesting, bad event
            raise StreamError(f"bad message from the stream: {exc}") from None

    def messages(self, timeout: float = 5.0) -> Iterator[Message | Notice]:
        """Messages until the stream ends or nothing arrives for ``timeout`` seconds."""
        while (message := self.receive(timeout)) is not None:
            yield message

    def send_command(
        self, command: str, token: str, args: dict[str, JsonValue] | None = None
    ) -> None:
        """Ask the executor to ``pause``, ``resume``, ``step`` or ``abort`` (or one of
        :mod:`bt_runtime.monitorcommands` with its ``args``); the reply (ack or error) arrives as
        a :class:`Notice` among the messages.

        Raises:
            StreamError: the connection is closed.
        """
        line: dict[str, Any] = {"type": "command", "command": command, "token": token}
        if args:
            line["args"] = args
        self._send(line)

    def _send(self, data: dict[str, Any]) -> None:
        if self._sock is None:
            raise StreamError("the stream client is closed")
        try:
            self._sock.settimeout(5.0)
            self._sock.sendall(encode_line(data))
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
