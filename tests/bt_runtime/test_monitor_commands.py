"""The monitor's commands on a real executor: breakpoints (before the node ticks, released when
their monitor disconnects), speed, faults at the next tick, arguments checked by the stream, and
every command written to the log; the in-process stream behaves as the TCP one."""

from __future__ import annotations

import threading
import time

import pytest
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.events import (
    Alert,
    OperatorCommand,
    RunFinished,
    Snapshot,
    WorldChanged,
    WorldDefinition,
)
from bt_runtime.executor import Executor
from bt_runtime.localstream import Fanout, LocalStream
from bt_runtime.monitorcommands import RELEASE, check_args, fault_spec
from bt_runtime.stream import StreamClient, StreamServer
from bt_runtime.streamwire import Notice
from tests.bt_runtime.runtime_world import make_context
from tests.bt_runtime.test_executor import ListSink


def two_waits() -> Sequence:
    waits = [bh.Wait("first", 0.5), bh.Wait("second", 0.5)]
    return Sequence("mission", memory=True, children=waits)


def wait_for(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_breakpoint_holds_the_run_before_its_node_ticks_then_resume_runs_it() -> None:
    sink = ListSink()
    ex = Executor(two_waits(), make_context(), 10.0, log=sink)
    ex.command("breakpoint", {"node": "0.1", "enabled": True}, origin="m1")
    thread = threading.Thread(target=ex.run)
    thread.start()
    wait_for(lambda: ex.commands.held == "0.1")
    second = ex.commands.breakpoints._nodes["0.1"]
    assert second.status.value == "INVALID"  # the walk reached it; it has not ticked
    assert ex.paused
    statuses = [e for e in sink.events if getattr(e, "node_id", "") == "0.1" and e.TYPE == "status"]
    assert statuses == []
    tick_at_hold = ex.tick
    time.sleep(0.2)
    assert ex.tick == tick_at_hold  # held: no tick goes by
    ex.resume()
    thread.join(timeout=5)
    assert ex.report is not None and ex.report.outcome == "success"
    texts = [e.message for e in sink.events if isinstance(e, Alert)]
    commands = [(e.command, e.origin) for e in sink.events if isinstance(e, OperatorCommand)]
    assert ("breakpoint node=0.1 enabled=True", "m1") in commands
    assert "breakpoint: paused before mission/second" in texts


def test_abort_at_a_breakpoint_ends_the_run_without_ticking_the_node() -> None:
    ex = Executor(two_waits(), make_context(), 10.0)
    ex.command("breakpoint", {"node": "0.1"}, origin="m1")
    thread = threading.Thread(target=ex.run)
    thread.start()
    wait_for(lambda: ex.commands.held == "0.1")
    ex.abort()
    thread.join(timeout=5)
    assert ex.report is not None and ex.report.outcome == "aborted"
    assert ex.commands.breakpoints._nodes["0.1"].status.value == "INVALID"


def test_a_monitor_that_disconnects_releases_its_breakpoint_and_the_run_goes_on() -> None:
    sink = ListSink()
    with StreamServer() as server:
        host, port = server.start()
        ex = Executor(two_waits(), make_context(), 10.0, log=sink, stream=server)
        thread = threading.Thread(target=ex.run)
        with StreamClient(host, port) as client:
            client.send_command("breakpoint", server.token, {"node": "0.1", "enabled": True})
            replies = [m for m in client.messages(timeout=1) if isinstance(m, Notice)]
            assert any(n.kind == "ack" for n in replies)
            thread.start()
            wait_for(lambda: ex.commands.held == "0.1")
        thread.join(timeout=5)  # the client went away: released, resumed, finished
    assert not thread.is_alive() and ex.report is not None and ex.report.outcome == "success"
    assert any(e.command.startswith("release (the monitor disconnected")
               and e.origin.startswith("stream 127.0.0.1:")
               for e in sink.events if isinstance(e, OperatorCommand))


def test_the_stream_refuses_bad_arguments_with_a_reason() -> None:
    with StreamServer() as server:
        host, port = server.start()
        with StreamClient(host, port) as client:
            client.send_command("speed", server.token, {"factor": "fast"})
            client.send_command("fault", server.token, {"kind": "meteor"})
            client.send_command("breakpoint", "wrong-token", {"node": "0"})
            errors = [m for m in client.messages(timeout=0.5)
                      if isinstance(m, Notice) and m.kind == "error"]
        assert server.poll_commands() == [] or all(
            c.name == RELEASE for c in server.poll_commands()
        )
    messages = [e.message for e in errors]
    assert 'speed needs {"factor": NUMBER}' in messages
    assert any("fault kind must be one of push, battery, block" in m for m in messages)
    assert "wrong or missing control token" in messages


@pytest.mark.parametrize(
    ("name", "args", "ok"),
    [
        ("speed", {"factor": 2}, True), ("speed", {"factor": 0}, False),
        ("speed", {"factor": float("inf")}, False), ("breakpoint", {"node": ""}, False),
        ("breakpoint", {"node": "0.1", "enabled": "yes"}, False),
        ("fault", {"kind": "push", "params": {"impulse": 30, "dir": 90}}, True),
        ("fault", {"kind": "push", "params": {"impulse": "3,x=1"}}, False),
        ("pause", {}, True), ("pause", [], False),
    ],
)
def test_arguments_are_checked(name: str, args: object, ok: bool) -> None:
    assert (check_args(name, args) is None) is ok


def test_a_monitor_fault_fires_at_the_next_tick_and_a_bad_one_is_refused_in_the_log() -> None:
    sink = ListSink()
    ex = Executor(two_waits(), make_context(), 10.0, log=sink)
    ex.command("fault", {"kind": "battery", "params": {"drop": 30}}, origin="m1")
    ex.command("fault", {"kind": "block", "params": {"region": "nowhere"}}, origin="m1")
    ex.run()
    alerts = [e for e in sink.events if isinstance(e, Alert)]
    fired = [a for a in alerts if a.message.startswith("fault injected by m1: battery dropped")]
    assert len(fired) == 1 and fired[0].tick == 1
    refused = [a for a in alerts if a.message.startswith("fault from m1 refused")]
    assert len(refused) == 1 and "no terrain region 'nowhere'" in refused[0].message
    assert ex.report is not None and ex.report.min_battery <= ex.report.battery + 1e-9


def test_speed_is_refused_in_the_log_unless_the_run_is_paced() -> None:
    sink = ListSink()
    ex = Executor(two_waits(), make_context(), 10.0, log=sink)
    ex.command("speed", {"factor": 4.0})
    ex.run()
    assert any("speed ignored" in e.message for e in sink.events if isinstance(e, Alert))
    paced = Executor(two_waits(), make_context(), 10.0, realtime=True)
    paced.command("speed", {"factor": 8.0})
    start = time.monotonic()
    paced.run()
    assert paced.pacer.speed == 8.0 and time.monotonic() - start < 0.6  # 1 s of sim at 8x


def test_the_world_is_recorded_and_closed_regions_change_the_map() -> None:
    sink = ListSink()
    ctx = make_context()
    region = ctx.world.regions[0].name if ctx.world.regions else None
    ex = Executor(two_waits(), ctx, 10.0, log=sink)
    if region is not None:
        ex.command("fault", {"kind": "block", "params": {"region": region}})
    ex.run()
    worlds = [e for e in sink.events if isinstance(e, WorldDefinition)]
    assert len(worlds) == 1 and worlds[0].name == ctx.world.name
    if region is not None:
        changes = [e for e in sink.events if isinstance(e, WorldChanged)]
        closed = [(c.tick, c.change, c.name) for c in changes if c.change == "closed"]
        assert closed == [(1, "closed", region)]  # (entities seen from the start are "found")
        assert all(c.change in ("closed", "found") for c in changes)


def test_the_local_stream_acks_refuses_and_releases_like_the_tcp_one() -> None:
    local = LocalStream(token="t")
    local.send_command("pause", "t")
    local.send_command("pause", "nope")
    local.send_command("speed", "t", {"factor": -1})
    replies = [local.receive(0), local.receive(0), local.receive(0)]
    assert [r.kind for r in replies] == ["ack", "error", "error"]
    assert [c.name for c in local.poll_commands()] == ["pause"]
    local.publish(Snapshot(1, 0.1, {}, (), {}))
    local.publish(Snapshot(2, 0.2, {}, (), {}))
    assert local.receive(0).tick == 2  # the latest snapshot supersedes
    local.publish(RunFinished(3, "success", 0.3, 0.0, 0.0))
    assert isinstance(local.receive(0), RunFinished) and local.receive(0) is None and local.ended
    local.close()
    assert [c.name for c in local.poll_commands()] == [RELEASE]
    fan = Fanout([LocalStream(), local])
    assert fan.poll_commands() == []


def test_fault_spec_is_what_parse_fault_reads() -> None:
    assert fault_spec("push", {"impulse": 30, "dir": 90}, 1.5) == "push@1.500000s:impulse=30,dir=90"
