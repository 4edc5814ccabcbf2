"""Operator commands are part of the record: pause, step, resume and abort, from the API and from the
stream, are logged with time and origin, and replay tells them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.eventlog import SCHEMA_VERSION, EventLogReader, EventLogWriter
from bt_runtime.events import OperatorCommand, RunFinished
from bt_runtime.executor import Executor
from bt_runtime.replay import replay_lines
from bt_runtime.stream import Notice, StreamClient, StreamServer
from tests.bt_runtime import runlog_samples as samples
from tests.bt_runtime.runtime_world import make_context


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_the_log_schema_has_operator_commands() -> None:
    assert SCHEMA_VERSION == 5  # 3 added operator_commands, 4 the world tables, 5 detections


def test_commands_from_the_api_and_the_stream_are_logged_with_origin_and_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.sqlite"
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1e6)])
    before = time.time()
    with StreamServer() as server, EventLogWriter(path) as log:
        ex = Executor(
            root, make_context(), 10.0, log=log, stream=server, started=samples.run_started()
        )
        ex.pause()
        thread = threading.Thread(target=ex.run)
        thread.start()
        ex.step()
        assert wait_for(lambda: ex.tick == 1)
        with StreamClient(*server.address, timeout=2.0) as client:
            for name in ("resume", "abort"):
                client.send_command(name, server.token)
                while not isinstance(reply := client.receive(timeout=2.0), Notice) or (
                    reply.kind != "ack"
                ):
                    assert reply is not None
            thread.join(timeout=5)
    assert not thread.is_alive()
    with EventLogReader(path) as reader:
        commands = [e for e in reader.events() if isinstance(e, OperatorCommand)]
        finished = reader.outcome()
        lines = list(replay_lines(reader))
    assert [(c.command, c.origin.split(" ")[0]) for c in commands] == [
        ("pause", "api"),
        ("step", "api"),
        ("resume", "stream"),
        ("abort", "stream"),
    ]
    assert commands[2].origin.startswith("stream 127.0.0.1:")
    assert all(before <= c.wall_time <= time.time() for c in commands)
    assert [c.tick for c in commands[:2]] == [0, 0] and commands[3].tick >= 1
    assert isinstance(finished, RunFinished) and finished.outcome == "aborted"
    told = [line for line in lines if " operator " in line]
    assert len(told) == 4
    assert "operator pause from api at 20" in told[0]
    assert "operator abort from stream 127.0.0.1:" in told[3]


def test_unknown_api_commands_are_neither_obeyed_nor_logged() -> None:
    ex = Executor(Sequence("m", memory=True, children=[bh.Wait("w", 0.2)]), make_context(), 10.0)
    ex.control.request("self-destruct")
    assert ex.control.poll(None) == []
