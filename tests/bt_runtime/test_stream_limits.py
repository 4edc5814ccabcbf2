"""The stream is safe to leave on: loopback unless asked, the token to read an exposed stream, a cap
on monitors, and no flood, descriptor shortage or hostile line can end the run or stop accepting.
Loopback only; every count and wait bounded."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bt_runtime.stream import (
    Notice,
    StreamClient,
    StreamServer,
    exposure_warning,
    is_loopback,
)
from bt_runtime.streamwire import MAX_LINE
from tests.bt_runtime import runlog_samples as samples

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("stream_fd_child.py")


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def first_line(sock: socket.socket, timeout: float) -> dict[str, object] | None:
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return None
            data += chunk
    except OSError:
        return None
    return json.loads(data.split(b"\n", 1)[0])  # type: ignore[no-any-return]


@pytest.fixture
def thread_errors() -> Iterator[list[BaseException]]:
    """Exceptions that escaped any thread (a dead reader thread prints a traceback)."""
    caught: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: caught.append(args.exc_value)  # type: ignore[assignment]
    yield caught
    threading.excepthook = previous


def test_only_loopback_addresses_count_as_private() -> None:
    for host in ("127.0.0.1", "127.8.0.2", "::1", "localhost"):
        assert is_loopback(host) and exposure_warning(host) == ""
    for host in ("0.0.0.0", "::", "192.168.1.4", "robot.local"):
        assert not is_loopback(host)
        assert "beyond this machine" in exposure_warning(host)
        assert "token to read" in exposure_warning(host)
        assert StreamServer(host).read_needs_token  # not started: nothing is bound
    assert not StreamServer().read_needs_token


def test_an_exposed_stream_sends_nothing_but_hello_until_the_token_comes() -> None:
    with StreamServer(read_needs_token=True, send_timeout=2.0) as server:
        server.publish(samples.run_started())
        assert "reading needs the token too" in server.banner()
        stranger = StreamClient(*server.address, timeout=2.0)
        hello = stranger.receive(timeout=2.0)
        assert isinstance(hello, Notice) and hello.data["read_needs_token"] is True
        server.publish(samples.tree())
        assert stranger.receive(timeout=0.3) is None  # neither the header nor the tree
        stranger.send_command("pause", "guess")
        reply = stranger.receive(timeout=2.0)
        assert isinstance(reply, Notice) and "wrong or missing control token" in reply.message
        assert stranger.receive(timeout=0.3) is None
        stranger.close()

        reader = StreamClient(*server.address, timeout=2.0, token=server.token)
        kinds = [type(m).__name__ for m in reader.messages(timeout=0.5)]
        assert kinds[0] == "Notice" and "RunStarted" in kinds and "TreeDefinition" in kinds
        reader.close()


def test_an_exposed_stream_drops_a_monitor_that_sends_no_token() -> None:
    with StreamServer(read_needs_token=True, send_timeout=0.3) as server:
        idle = StreamClient(*server.address, timeout=2.0)
        assert wait_for(lambda: server.client_count() == 1)
        assert wait_for(lambda: server.client_count() == 0, timeout=3.0)
        messages = list(idle.messages(timeout=2.0))
        assert isinstance(messages[-1], Notice) and "no token" in messages[-1].message
        idle.close()


def test_one_monitor_too_many_is_refused_with_a_reason_and_closed() -> None:
    with StreamServer(max_monitors=2) as server:
        kept = [StreamClient(*server.address, timeout=2.0) for _ in range(2)]
        assert wait_for(lambda: server.client_count() == 2)
        extra = StreamClient(*server.address, timeout=2.0)
        refusal = extra.receive(timeout=2.0)
        assert isinstance(refusal, Notice) and refusal.kind == "refused"
        assert "too many monitors" in refusal.message and "serves 2" in refusal.message
        assert extra.receive(timeout=2.0) is None and extra.ended
        assert server.client_count() == 2 and server.refused == 1
        kept.pop().close()
        assert wait_for(lambda: server.client_count() == 1)
        again = StreamClient(*server.address, timeout=2.0)
        hello = again.receive(timeout=2.0)
        assert isinstance(hello, Notice) and hello.kind == "hello"
        for client in (*kept, extra, again):
            client.close()


def test_two_hundred_simultaneous_connects_are_each_greeted_or_refused() -> None:
    with StreamServer(max_monitors=16) as server:
        socks = []
        try:
            for _ in range(200):
                sock = socket.socket()
                sock.setblocking(False)
                sock.connect_ex(server.address)
                socks.append(sock)
            deadline = time.monotonic() + 10.0  # one bound for all, not ten seconds each
            answers = [
                first_line(sock, timeout=max(0.05, deadline - time.monotonic())) for sock in socks
            ]
        finally:
            for sock in socks:
                sock.close()
        kinds = [answer and answer["type"] for answer in answers]
        assert kinds.count(None) == 0, "some clients were connected but never answered"
        assert kinds.count("hello") == 16 and kinds.count("refused") == 184
        assert wait_for(lambda: server.client_count() == 0)
        late = StreamClient(*server.address, timeout=2.0)
        assert isinstance(late.receive(timeout=2.0), Notice)
        late.close()


@pytest.mark.parametrize(
    "line",
    [
        b"[" * (MAX_LINE - 10) + b"\n",
        b'{"type": "command", "command": ' + b"[" * 30000 + b"\n",
        b'{"type": "command", "command": {"a": 1}, "token": 5}\n',
        b'{"type": "command", "command": ["pause"], "token": "x"}\n',
        b'{"type": "auth", "token": ' + b"9" * 5000 + b"}\n",
        b"\xff\xfe\n",
    ],
)
def test_a_hostile_line_gets_an_error_and_the_reader_lives_on(
    thread_errors: list[BaseException], line: bytes
) -> None:
    with StreamServer(send_timeout=2.0) as server:
        client = StreamClient(*server.address, timeout=2.0)
        assert isinstance(client.receive(timeout=2.0), Notice)  # hello
        client._sock.sendall(line)  # type: ignore[union-attr]
        reply = client.receive(timeout=2.0)
        assert isinstance(reply, Notice) and reply.kind == "error"
        client.send_command("pause", server.token)
        ack = client.receive(timeout=2.0)
        assert isinstance(ack, Notice) and ack.kind == "ack"
        assert [c.name for c in server.poll_commands()] == ["pause"]
        client.close()
    assert thread_errors == []


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_running_out_of_descriptors_does_not_stop_the_accept_loop() -> None:
    child = _child("exhaust")
    try:
        assert child.stdout is not None and child.stdin is not None
        port = int(child.stdout.readline())
        assert child.stdout.readline().strip() == "hogged"
        waiting = socket.create_connection(("127.0.0.1", port), timeout=2.0)  # in the backlog
        time.sleep(0.4)  # the server fails to accept it a few times meanwhile
        child.stdin.write("release\n")
        child.stdin.flush()
        hello = first_line(waiting, timeout=5.0)
        assert hello is not None and hello["type"] == "hello"
        waiting.close()
        child.stdin.write("done\n")
        child.stdin.flush()
        assert child.wait(timeout=10) == 0, child.stderr.read() if child.stderr else ""
    finally:
        child.kill()
        child.wait()


def test_a_flood_of_monitors_never_takes_the_runs_descriptors() -> None:
    child = _child("run", "3")
    socks = []
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        for _ in range(300):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
            socks.append(sock)
        code = child.wait(timeout=20)
        out = child.stdout.read()
        assert code == 0, child.stderr.read() if child.stderr else ""
        assert int(out.split()[-1]) > 0  # some were refused, and the run went on
    finally:
        for sock in socks:
            sock.close()
        child.kill()
        child.wait()
