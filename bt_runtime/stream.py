"""Live stream from a running mission to monitors, over a local TCP socket.

Wire format (:mod:`bt_runtime.streamwire`): newline-delimited JSON, one message per line. The
server sends events and snapshots in the form :func:`bt_runtime.codec.to_json` writes, plus
notices: ``hello`` (first line), ``dropped`` (how many messages this client missed), ``ack`` and
``error`` (replies to commands). A monitor (:mod:`bt_runtime.streamclient`) sends
``{"type": "command", "command": "pause", "token": "..."}``; only the token the server was started
with is obeyed, so a stray process on the machine cannot abort a run.

Why threads rather than asyncio: the publisher is the executor's synchronous tick loop, and there are
a handful of monitors at most. Each client gets two daemon threads (writer, reader) and its own
bounded queues (:mod:`bt_runtime.streamconn`), so a blocking ``sendall`` to a slow monitor stalls
only that monitor's writer thread; :meth:`StreamServer.publish` only appends to in-memory deques
and never touches a socket. Asyncio would need a loop thread plus a cross-thread hand-off per
publish, for no gain at this scale.

Back-pressure: per client, snapshots are kept in a short queue (the oldest is dropped: a newer one
supersedes it) and events in a longer one (the oldest is dropped when full). Every drop is counted
and the client is told with a ``dropped`` notice before its next message. A message is encoded to
JSON once, lazily, by the first writer that sends it, so dropped snapshots cost no encoding.

A monitor that connects late first receives the run header (:class:`RunStarted`,
:class:`TreeDefinition`, :class:`WorldDefinition`, and :class:`RunFinished` once there is one) and
the latest snapshot, so it can draw the tree and the map at once.

Exposure: the server binds loopback unless another address is asked for, and then reading needs the
token too (:attr:`StreamServer.read_needs_token`): the monitor sends ``{"type": "auth", "token":
...}`` (or any command with the token) before it is sent anything but ``hello``; the banner says
so. At most ``max_monitors`` are served; one more gets a ``refused`` line saying why and is closed
at once, so a flood of connections costs one descriptor for a moment each. The accept loop survives
running out of descriptors (it backs off and retries: the connection waits in the listen backlog)
and a hostile line (deeply nested JSON, a wrong type anywhere) gets an error reply, never a
traceback on the run's stderr.
"""

from __future__ import annotations

import errno
import ipaddress
import itertools
import json
import queue
import secrets
import socket
import threading
import time
from typing import Self

from bt_runtime.events import (
    Message,
    RunFinished,
    RunStarted,
    Snapshot,
    TreeDefinition,
    WorldDefinition,
)
from bt_runtime.monitorcommands import MONITOR_COMMANDS, RELEASE, check_args
from bt_runtime.streamclient import StreamClient
from bt_runtime.streamcommands import CommandError, parse_command
from bt_runtime.streamconn import Connection, Outgoing
from bt_runtime.streamwire import (
    COMMANDS,
    PROTOCOL_VERSION,
    ControlCommand,
    Notice,
    StreamError,
    encode_line,
)

__all__ = [
    "COMMANDS",
    "PROTOCOL_VERSION",
    "ControlCommand",
    "Notice",
    "StreamClient",
    "StreamError",
    "StreamServer",
    "exposure_warning",
    "is_loopback",
]

MAX_MONITORS = 16
"""Monitors served at once by default; one more is refused politely."""

_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
ACCEPT_BACKOFF = 0.05
"""Seconds the accept loop waits after running out of descriptors before it tries again."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, ``127.x.y.z``, ``::1``).

    Any other name, including one that resolves to loopback, counts as exposed: a name's meaning
    can change, and being wrong the safe way costs only a token.
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str:
    """The line a run prints when its stream is served beyond this machine ("" on loopback)."""
    if is_loopback(host):
        return ""
    return (
        f"warning: the live stream listens on {host}, beyond this machine: monitors need the "
        "control token to read the run, not only to control it"
    )


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
        max_monitors: int = MAX_MONITORS,
        read_needs_token: bool | None = None,
    ) -> None:
        """Configure the server; nothing is bound until :meth:`start`.

        Args:
            host: interface to bind; loopback by default so only this machine can connect.
            port: TCP port, 0 for any free one (read it back from :attr:`address`).
            token: the control token; a fresh ``secrets.token_urlsafe()`` when None.
            event_backlog: events queued per client before the oldest is dropped.
            snapshot_backlog: snapshots queued per client before the oldest is dropped.
            send_timeout: seconds a client may refuse to read before it is disconnected (and,
                when reading needs the token, may take to send it).
            max_monitors: monitors served at once; one more is refused with a line saying why.
            read_needs_token: whether a monitor must send the token before it is sent the run;
                None (the default): exactly when ``host`` is not loopback.
        """
        if event_backlog < 1 or snapshot_backlog < 1:
            raise StreamError("event_backlog and snapshot_backlog must be at least 1")
        if max_monitors < 1:
            raise StreamError("max_monitors must be at least 1")
        self.host = host
        self.port = port
        self.token = token if token is not None else secrets.token_urlsafe(16)
        self.event_backlog = event_backlog
        self.snapshot_backlog = snapshot_backlog
        self.send_timeout = send_timeout
        self.max_monitors = max_monitors
        self.read_needs_token = (
            not is_loopback(host) if read_needs_token is None else read_needs_token
        )
        self.refused = 0
        """Connections refused so far because ``max_monitors`` were connected."""
        self.accept_errors = 0
        """Times accepting failed (out of descriptors...) and the loop backed off."""
        self._listener: socket.socket | None = None
        self._clients: tuple[Connection, ...] = ()
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._sticky: dict[type, Outgoing] = {}
        self._latest_snapshot: Outgoing | None = None
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
        line = f"live stream on {host}:{port} (control token: {self.token})"
        warning = exposure_warning(self.host)
        if warning:
            return f"{line}\n{warning}"
        return line + ("; reading needs the token too" if self.read_needs_token else "")

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
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            listener = socket.create_server(
                (self.host, self.port), family=family, backlog=socket.SOMAXCONN
            )
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
            except OSError as exc:
                if self._stopping.is_set():
                    return
                # Out of descriptors (or a peer gone before accept): the connection waits in the
                # backlog; back off and try again rather than stop accepting for good.
                self.accept_errors += 1
                self._stopping.wait(ACCEPT_BACKOFF if exc.errno in _OUT_OF_DESCRIPTORS else 0.0)
                continue
            try:
                self._register(sock, f"{peer[0]}:{peer[1]}")
            except (OSError, RuntimeError):  # a dead peer, or no thread to serve it: let it go
                self.accept_errors += 1
                sock.close()

    def _refuse(self, sock: socket.socket) -> None:
        """Tell one monitor too many why it is turned away, then close (never blocks long)."""
        self.refused += 1
        try:
            sock.settimeout(0.2)
            sock.sendall(
                encode_line(
                    {
                        "type": "refused",
                        "message": f"too many monitors: this run serves {self.max_monitors} at "
                        "once; close one and connect again",
                    }
                )
            )
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _register(self, sock: socket.socket, peer: str) -> None:
        if len(self._clients) >= self.max_monitors:
            self._refuse(sock)
            return
        sock.settimeout(self.send_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = Connection(self, sock, peer, authorized=not self.read_needs_token)
        client.reply(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "commands": list(COMMANDS),
                "needs_token": True,
                "read_needs_token": self.read_needs_token,
            }
        )
        with self._lock:
            if self._stopping.is_set():
                client.shut()
                return
            if client.authorized:
                self._prime(client)
            self._clients = (*self._clients, client)
        for target, name in ((client.write_loop, "writer"), (client.read_loop, "reader")):
            threading.Thread(target=target, name=f"stream-{name}-{peer}", daemon=True).start()

    def _prime(self, client: Connection) -> None:
        """Give a (late) joiner the run header and the latest state; the caller holds the lock."""
        client.authorized = True
        for item in sorted(self._sticky.values(), key=lambda o: o.seq):
            client.offer(item)
        if self._latest_snapshot is not None:
            client.offer(self._latest_snapshot)

    def drop(self, client: Connection, linger: bool = False) -> None:
        """Forget ``client`` and close it (a connection calls this when its peer goes away)."""
        if linger and not client.closed:
            # The peer stopped sending; let the writer flush pending replies before closing.
            deadline = time.monotonic() + 0.5
            while client.replies and time.monotonic() < deadline:
                time.sleep(0.01)
        with self._lock:
            known = client in self._clients
            self._clients = tuple(c for c in self._clients if c is not client)
        client.shut()
        if known:  # its breakpoints must not hold the run once it is gone
            self._commands.put(ControlCommand(RELEASE, client.peer, time.monotonic()))

    def handle_line(self, client: Connection, line: bytes) -> None:
        """Act on one line a monitor sent: authorise reading, queue a valid command, reply ack or
        error. Never raises, whatever the line holds."""
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):  # bad JSON or UTF-8, a huge number, deep nesting
            client.reply({"type": "error", "message": "not a JSON line (or nested too deeply)"})
            return
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in ("command", "auth"):
            client.reply({"type": "error", "message": 'expected {"type": "command", ...}'})
            return
        name = data.get("command")
        shown = name if isinstance(name, str) and len(name) <= 40 else None
        token = data.get("token")
        if not isinstance(token, str) or not secrets.compare_digest(
            token.encode(), self.token.encode()
        ):
            client.reply(
                {"type": "error", "message": "wrong or missing control token", "command": shown}
            )
            return
        if not client.authorized:
            with self._lock:
                self._prime(client)
        if kind == "auth":
            client.reply({"type": "ack", "command": "auth"})
            return
        if name not in COMMANDS:  # every command the wire takes (parse_command knows four)
            known = ", ".join(COMMANDS)
            what = repr(shown) if shown is not None else "that"
            client.reply({"type": "error", "message": f"unknown command {what}: one of {known}",
                          "command": shown})
            return
        args: object = {}
        if name in MONITOR_COMMANDS:  # the monitor's commands carry arguments, checked here
            args = data.get("args", {})
            problem = check_args(str(name), args)
            if problem is not None:
                client.reply({"type": "error", "message": problem, "command": shown})
                return
        else:
            try:
                name = parse_command(data).NAME
            except CommandError as exc:
                client.reply({"type": "error", "message": str(exc), "command": shown})
                return
        command_args = dict(args) if isinstance(args, dict) else {}
        self._commands.put(ControlCommand(str(name), client.peer, time.monotonic(), command_args))
        client.reply({"type": "ack", "command": name})

    # -- the executor's side
    def publish(self, message: Message) -> None:
        """Send ``message`` to every connected monitor. Never blocks, never raises on a bad peer.

        The message is shared, not copied: do not mutate it afterwards (events are frozen).
        """
        item = Outgoing(next(self._seq), message)
        if isinstance(message, Snapshot):
            self._latest_snapshot = item
        elif isinstance(message, (RunStarted, TreeDefinition, WorldDefinition, RunFinished)):
            with self._lock:
                self._sticky[type(message)] = item
        for client in self._clients:
            if client.authorized:
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
