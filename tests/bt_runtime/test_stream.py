"""Live stream: monitors receive what is published; a slow or dead monitor never stalls the
publisher; only the right token controls the run. Loopback only, every wait bounded."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from bt_runtime.events import Alert, Message, Snapshot, StatusChanged
from bt_runtime.stream import (
    COMMANDS,
    Notice,
    StreamClient,
    StreamError,
    StreamServer,
)
from bt_runtime.streamwire import MAX_LINE
from tests.bt_runtime import runlog_samples as samples


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def server() -> Iterator[StreamServer]:
    server = StreamServer(send_timeout=2.0)
    server.start()
    yield server
    server.close()


@pytest.fixture
def client(server: StreamServer) -> Iterator[StreamClient]:
    client = StreamClient(*server.address, timeout=2.0)
    hello = client.receive(timeout=2.0)
    assert isinstance(hello, Notice) and hello.kind == "hello"
    assert hello.data["commands"] == list(COMMANDS)
    assert wait_for(lambda: server.client_count() == 1)
    yield client
    client.close()


def status(tick: int) -> StatusChanged:
    return StatusChanged(tick, tick * 0.05, "n1", "patrol/go", "RUNNING", "SUCCESS")


def test_binds_loopback_on_an_ephemeral_port_and_prints_the_token(server: StreamServer) -> None:
    host, port = server.address
    assert host == "127.0.0.1" and port > 0
    assert server.banner() == f"live stream on 127.0.0.1:{port} (control token: {server.token})"
    assert len(server.token) >= 16
    assert StreamServer().token != server.token


def test_a_monitor_receives_events_and_snapshots_in_order(
    server: StreamServer, client: StreamClient
) -> None:
    published: list[Message] = [
        samples.run_started(),
        samples.tree(),
        status(1),
        samples.snapshot(1),
        status(2),
    ]
    for message in published:
        server.publish(message)
    received = [client.receive(timeout=2.0) for _ in published]
    assert received == published


def test_a_late_monitor_gets_the_run_header_and_the_latest_snapshot(server: StreamServer) -> None:
    server.publish(samples.run_started())
    server.publish(samples.tree())
    server.publish(samples.snapshot(1))
    server.publish(status(2))
    server.publish(samples.snapshot(2))
    with StreamClient(*server.address) as late:
        first = [late.receive(timeout=2.0) for _ in range(4)]
    assert first[1:] == [samples.run_started(), samples.tree(), samples.snapshot(2)]
    finished = samples.finished(3)[-1]
    server.publish(finished)
    with StreamClient(*server.address) as after_the_end:
        first = [after_the_end.receive(timeout=2.0) for _ in range(5)]
    assert first[1:] == [samples.run_started(), samples.tree(), samples.snapshot(2), finished]


def test_a_stalled_monitor_never_blocks_publish(server: StreamServer, client: StreamClient) -> None:
    stalled = socket.create_connection(server.address)  # connects, never reads
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        assert wait_for(lambda: server.client_count() == 2)
        started = time.perf_counter()
        for tick in range(5_000):  # 10k messages: a snapshot and an event per tick
            server.publish(status(tick))
            server.publish(samples.snapshot(tick))
        elapsed = time.perf_counter() - started
        # a publish that waited on the stalled socket would never return (it does not drain);
        # the bound only has to tell "returns" from "blocks", on a loaded shared machine too
        assert elapsed < 10.0, f"10k publishes took {elapsed:.2f} s"
        assert server.client_count() == 2  # stalled, not dead: still connected
        # the live monitor gets the newest snapshot and is told how many it missed
        dropped = 0
        last = None
        for message in client.messages(timeout=0.5):
            if isinstance(message, Notice) and message.kind == "dropped":
                dropped += message.count
            elif isinstance(message, Snapshot):
                last = message
        assert last is not None and last.tick == 4_999
        assert dropped > 0
    finally:
        stalled.close()


def test_a_full_event_queue_drops_the_oldest_and_counts() -> None:
    small = StreamServer(event_backlog=10, snapshot_backlog=1)
    small.start()
    try:
        raw = socket.create_connection(small.address)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        assert wait_for(lambda: small.client_count() == 1)
        for tick in range(20_000):  # far more than the socket buffers hold
            small.publish(status(tick))
        raw.settimeout(2.0)
        data = b""
        while b'"tick":19999' not in data:
            chunk = raw.recv(65536)
            assert chunk, "stream ended early"
            data += chunk
        lines = [json.loads(line) for line in data.splitlines() if line]
        dropped = sum(line["count"] for line in lines if line["type"] == "dropped")
        ticks = [line["tick"] for line in lines if line["type"] == "status"]
        assert dropped > 0
        assert ticks == sorted(ticks) and ticks[-1] == 19_999
        assert len(ticks) + dropped == 20_000  # every message was either sent or counted
        raw.close()
    finally:
        small.close()


def test_a_dead_monitor_is_dropped(server: StreamServer, client: StreamClient) -> None:
    dead = StreamClient(*server.address)
    assert wait_for(lambda: server.client_count() == 2)
    dead.close()
    for tick in range(50):
        server.publish(status(tick))
        time.sleep(0.002)
    assert wait_for(lambda: server.client_count() == 1)
    assert client.receive(timeout=2.0) == status(0)  # the live one is unaffected


def test_a_monitor_that_stops_reading_for_too_long_is_dropped() -> None:
    impatient = StreamServer(send_timeout=0.3)
    impatient.start()
    stalled = socket.create_connection(impatient.address)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        assert wait_for(lambda: impatient.client_count() == 1)
        message = "x" * 20_000
        for tick in range(2_000):  # 40 MB: more than any socket buffer holds
            impatient.publish(Alert(tick, tick * 0.05, "info", message))
        assert wait_for(lambda: impatient.client_count() == 0, timeout=10.0)
    finally:
        stalled.close()
        impatient.close()


def test_wrong_token_is_rejected_and_right_token_is_delivered(
    server: StreamServer, client: StreamClient
) -> None:
    client.send_command("abort", "not-the-token")
    reply = client.receive(timeout=2.0)
    assert isinstance(reply, Notice) and reply.kind == "error"
    assert "wrong or missing control token" in reply.message
    assert server.poll_commands() == []
    for name in ("pause", "step", "resume"):
        client.send_command(name, server.token)
        reply = client.receive(timeout=2.0)
        assert isinstance(reply, Notice) and (reply.kind, reply.data["command"]) == ("ack", name)
    commands = server.poll_commands()
    assert [c.name for c in commands] == ["pause", "step", "resume"]
    assert commands[0].client.startswith("127.0.0.1:")
    assert server.poll_commands() == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"not json\n", "not a JSON line"),
        (b'{"type": "hello"}\n', "expected"),
        (b'["command"]\n', "expected"),
        (b'{"type": "command", "command": "pause"}\n', "wrong or missing control token"),
    ],
)
def test_malformed_commands_get_an_error_reply(
    server: StreamServer, client: StreamClient, line: bytes, expected: str
) -> None:
    client._sock.sendall(line)  # type: ignore[union-attr]
    reply = client.receive(timeout=2.0)
    assert isinstance(reply, Notice) and reply.kind == "error" and expected in reply.message
    assert server.poll_commands() == []


def test_an_unknown_command_with_the_right_token_is_rejected(
    server: StreamServer, client: StreamClient
) -> None:
    client.send_command("self-destruct", server.token)
    reply = client.receive(timeout=2.0)
    assert isinstance(reply, Notice) and "unknown command 'self-destruct'" in reply.message
    # every command the stream takes is named (before: only pause, resume, step, abort)
    assert reply.message.endswith("one of " + ", ".join(COMMANDS)) and "breakpoint" in reply.message
    assert server.poll_commands() == []


def test_an_endless_line_disconnects_the_sender(server: StreamServer, client: StreamClient) -> None:
    client._sock.sendall(b"x" * (MAX_LINE + 10))  # type: ignore[union-attr]
    reply = client.receive(timeout=2.0)
    assert isinstance(reply, Notice) and "longer than" in reply.message
    assert wait_for(lambda: server.client_count() == 0)


def test_a_big_missions_header_reaches_the_monitor(server: StreamServer) -> None:
    # Before: the monitor refused any line over 64 KiB (the limit on what a monitor may send),
    # so a mission whose source or tree ran past it (a 300 KB file) could never be watched.
    from dataclasses import replace

    big = replace(samples.run_started(), source="# padding\n" * 30_000)
    server.publish(big)
    server.publish(samples.tree())
    with StreamClient(*server.address) as monitor:
        first = [monitor.receive(timeout=2.0) for _ in range(3)]
    assert first[1:] == [big, samples.tree()]


def test_a_line_too_long_is_refused_whole_or_in_pieces() -> None:
    from bt_runtime.streamwire import LineBuffer

    assert LineBuffer(8).feed(b"12345678\nab") == [b"12345678"]
    with pytest.raises(StreamError, match="longer than 8"):
        LineBuffer(8).feed(b"123456789\n")  # a whole line in one chunk counts too
    pieces = LineBuffer(8)
    pieces.feed(b"12345")
    with pytest.raises(StreamError, match="longer than 8"):
        pieces.feed(b"6789")


def test_close_is_safe_twice_and_ends_every_stream(
    server: StreamServer, client: StreamClient
) -> None:
    server.close()
    server.close()
    assert client.receive(timeout=2.0) is None and client.ended
    client.close()
    client.close()
    with pytest.raises(StreamError, match="closed"):
        client.send_command("pause", server.token)


def test_connecting_to_nothing_and_binding_a_taken_port_are_clear_errors(
    server: StreamServer,
) -> None:
    with pytest.raises(StreamError, match="cannot listen on 127.0.0.1"):
        StreamServer(port=server.address[1]).start()
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    with pytest.raises(StreamError, match="cannot connect to the live stream"):
        StreamClient("127.0.0.1", port, timeout=1.0)
    with pytest.raises(StreamError, match="not started"):
        StreamServer().address  # noqa: B018


def test_a_garbled_server_line_is_a_stream_error() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        client = StreamClient(*listener.getsockname()[:2])
        peer, _ = listener.accept()
        peer.sendall(b'{"type": "teleport"}\n')
        with pytest.raises(StreamError, match="unknown event type 'teleport'"):
            client.receive(timeout=2.0)
        peer.close()
        client.close()
    finally:
        listener.close()


def test_a_garbled_dropped_count_reads_as_zero_not_an_exception() -> None:
    # Before: Notice.count was int(data["count"]): "abc", a list or a huge float raised in the
    # monitor's reader thread and took the monitor down.
    for garbled in ("abc", [1], 1e400, True, None):
        assert Notice("dropped", {"count": garbled}).count == 0
    assert Notice("dropped", {"count": 7}).count == 7 and Notice("dropped", {}).count == 0
