"""The live stream's wire protocol: constants, stream-level notices, commands and line framing.

Shared by the server (:mod:`bt_runtime.stream`), its per-monitor connections
(:mod:`bt_runtime.streamconn`) and the client (:mod:`bt_runtime.streamclient`). Newline-delimited
JSON, one message per line; run events and snapshots in the form :func:`bt_runtime.codec.to_json`
writes, plus the notices ``hello``, ``dropped``, ``ack``, ``error`` and ``refused`` (too many
monitors: the server closes right after). Commands are :mod:`bt_runtime.streamcommands`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bt_runtime.events import JsonValue
from bt_runtime.monitorcommands import MONITOR_COMMANDS
from bt_runtime.streamcommands import COMMANDS as BASE_COMMANDS

__all__ = [
    "COMMANDS",
    "MAX_LINE",
    "MAX_MESSAGE",
    "NOTICE_TYPES",
    "PROTOCOL_VERSION",
    "ControlCommand",
    "LineBuffer",
    "Notice",
    "StreamError",
    "encode_line",
]

PROTOCOL_VERSION = 3
"""2: the ``auth`` line (reading a stream served beyond loopback needs the token) and the
``refused`` notice (too many monitors). 3: the monitor's commands with ``args`` (speed, breakpoint,
fault: :mod:`bt_runtime.monitorcommands`)."""
COMMANDS = (*BASE_COMMANDS, *MONITOR_COMMANDS)
MAX_LINE = 64 * 1024
"""Longest line a monitor may send before it is disconnected (commands are tiny)."""
MAX_MESSAGE = 64 * 1024 * 1024
"""Longest line a monitor accepts from a run: the run header carries the mission's source (up to
1 MiB, escaped) and the tree carries every node, so a big mission's lines run to megabytes."""

NOTICE_TYPES = ("hello", "dropped", "ack", "error", "refused")


class StreamError(Exception):
    """The stream cannot be served or read; the message says what went wrong."""


@dataclass(frozen=True)
class ControlCommand:
    """A command a monitor sent with the right token, for the executor to act on."""

    name: str
    """The command's wire name (``pause``, ``breakpoint``...)."""
    client: str
    """Who sent it: the monitor's ``host:port``."""
    received_at: float
    """``time.monotonic()`` when the server read it."""
    args: dict[str, JsonValue] = field(default_factory=dict)
    """The command's arguments (:mod:`bt_runtime.monitorcommands`); {} for the first four."""
    via: str = "stream"
    """The channel, as the run log names it ("stream" over TCP; "" in process: ``client`` says)."""

    @property
    def origin(self) -> str:
        """Where it came from, as the run log records it."""
        return f"{self.via} {self.client}" if self.via else self.client


@dataclass(frozen=True)
class Notice:
    """A stream-level message (not a run event): hello, dropped, ack, error or refused."""

    kind: str
    data: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(self.data.get("message", ""))

    @property
    def count(self) -> int:
        """A ``dropped`` notice's count (0 when it is not a whole number: a garbled notice)."""
        value = self.data.get("count", 0)
        return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else 0


def encode_line(data: dict[str, JsonValue]) -> bytes:
    """One JSON line (a notice or a command), newline-terminated."""
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


class LineBuffer:
    """Splits received bytes into lines; refuses a line longer than ``limit`` (whole or not).

    Args:
        limit: the longest line accepted, in bytes (:data:`MAX_LINE` from a monitor,
            :data:`MAX_MESSAGE` from a run).
    """

    def __init__(self, limit: int = MAX_LINE) -> None:
        self._buffer = bytearray()
        self.limit = limit

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer.extend(chunk)
        lines = []
        while (end := self._buffer.find(b"\n")) >= 0:
            if end > self.limit:
                break
            lines.append(bytes(self._buffer[:end]))
            del self._buffer[: end + 1]
        if (end if end >= 0 else len(self._buffer)) > self.limit:
            raise StreamError(f"a line longer than {self.limit} bytes")
        return lines
