"""The sources: a replay paced, paused, stepped, seeked and stopped at breakpoints; a live stream
read into the same messages, with a lost connection shown and retried."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from bt_runtime.eventlog import EventLogReader
from bt_runtime.events import StatusChanged
from bt_runtime.stream import StreamClient, StreamError, StreamServer
from tests.bt_runtime import runlog_samples as samples
from tests.tui.conftest import drive, until
from tui.app import MonitorApp, make_monitor
from tui.control import ControlError
from tui.messages import AlertEntry, StatusEntry
from tui.source import LiveSource, ReplaySource


def _ticks(log: Path) -> list[int]:
    with EventLogReader(log) as reader:
        return sorted({e.tick for e in reader.events()})


def _first_change(log: Path, node_id: str) -> StatusChanged:
    with EventLogReader(log) as reader:
        return next(e for e in reader.events() if isinstance(e, StatusChanged)
                    and e.node_id == node_id)


def replay(log: Path, **kwargs: Any) -> tuple[MonitorApp, ReplaySource]:
    source = ReplaySource(log, **kwargs)
    return make_monitor(source, clock=lambda: 0.0), source


def test_replay_opens_paused_on_the_run_header(patrol_log: Path) -> None:
    app, _ = replay(patrol_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        assert app.model.mission == "Night patrol: canal-side industrial park"
        # 68, then +5 for the `rounds_done` counter, -1 since the scan fallback became
        # `on failure skip`
        assert len(app.model.nodes) == 72
        assert app.model.connection == "replay"
        assert app.model.paused and app.model.sim_time == 0.0
        with EventLogReader(patrol_log) as reader:
            finished = reader.outcome()
        assert finished is not None and finished.duration > 400
        assert app.model.end == pytest.approx(finished.duration)  # the run's end, not t=0

    drive(app, script)


def test_pause_freezes_sim_time_and_resume_moves_it_on(patrol_log: Path) -> None:
    app, _ = replay(patrol_log, speed=64.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.sim_time > 3.0)
        await pilot.press("p")
        await until(pilot, lambda: app.model.paused)
        await pilot.pause(0.2)
        frozen = app.model.sim_time
        await pilot.pause(0.4)
        assert app.model.sim_time == frozen
        await pilot.press("p")
        await until(pilot, lambda: app.model.sim_time > frozen)

    drive(app, script)


def test_step_advances_exactly_one_recorded_tick(patrol_log: Path) -> None:
    ticks = _ticks(patrol_log)
    app, source = replay(patrol_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        source.seek(20.0)
        await until(pilot, lambda: app.model.position == 20.0)
        before = app.model.tick
        await pilot.press("n")
        await until(pilot, lambda: app.model.tick != before)
        await pilot.pause(0.2)
        assert app.model.tick == ticks[ticks.index(before) + 1]
        assert app.model.paused

    drive(app, script)


def test_seek_moves_the_replay_forward_and_back(patrol_log: Path) -> None:
    app, _ = replay(patrol_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await pilot.pause(0.1)
        await until(pilot, lambda: app.model.position == pytest.approx(30.0))
        assert 29.0 < app.model.sim_time <= 30.0 + 1e-6
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: app.model.position == pytest.approx(20.0))
        assert app.model.sim_time <= 20.0 + 1e-6
        assert all(e.sim_time <= 20.0 + 1e-6 for e in app.model.entries if hasattr(e, "tick") and e.sim_time > 0)
        await pilot.press("right_curly_bracket")
        await until(pilot, lambda: app.model.outcome == "success")


def test_quick_seek_presses_add_up(patrol_log: Path) -> None:
    app, _ = replay(patrol_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        await pilot.press(*["right_square_bracket"] * 12)  # faster than the worker answers
        await until(pilot, lambda: app.model.position == pytest.approx(120.0))
        await pilot.pause(0.2)
        assert app.model.position == pytest.approx(120.0)
        await pilot.press("left_curly_bracket")
        await until(pilot, lambda: app.model.position == 0.0)

    drive(app, script)


def test_a_breakpoint_pauses_the_replay_before_its_node_ticks(patrol_log: Path) -> None:
    app, source = replay(patrol_log, speed=200.0, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        stand = next(n.id for n in app.model.nodes.values() if n.kind == "Stand")
        first = _first_change(patrol_log, stand)
        source.set_breakpoint(stand, True)
        await pilot.press("p")
        await until(pilot, lambda: app.model.paused and app.model.sim_time > 1.0)
        await pilot.pause(0.2)
        assert app.model.stats[stand].status == "INVALID"
        assert app.model.tick < first.tick
        await pilot.press("p")  # resuming runs the node's tick
        await until(pilot, lambda: app.model.stats[stand].changes > 0)

    drive(app, script)


def test_the_facts_panel_shows_a_mission_variable(patrol_log: Path) -> None:
    """The patrol's `var rounds_done = 0` lives in the run's fact registry: its changes are logged
    like a fact's, and the replayed facts panel shows it with its last value (2 rounds)."""
    from tui.widgets.facts import FactsTable

    with EventLogReader(patrol_log) as reader:
        changes = [(e.old, e.new) for e in reader.events()
                   if getattr(e, "key", None) == "rounds_done"]
    assert changes == [(0, 1), (1, 2)]
    app, source = replay(patrol_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        table = app.query_one(FactsTable)
        source.seek(1e9)
        await until(pilot, lambda: app.model.outcome == "success")
        await until(pilot, lambda: "rounds_done" in table.rows)
        assert table.get_cell("rounds_done", "value").plain == "2"

    drive(app, script)


def test_a_failed_replay_ends_on_its_failing_node(failing_log: Path) -> None:
    app, source = replay(failing_log, playing=False)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        source.seek(1e9)
        await until(pilot, lambda: app.model.outcome == "failure")
        assert app.model.failure_node == "0.3"
        assert app.model.failure_reason == "the deck is closed"
        assert app.model.stats["0.3"].failure_reason == "the deck is closed"
        assert any(isinstance(e, AlertEntry) and e.message == "at the gate" and e.node_id == "0.1"
                   for e in app.model.entries)

    drive(app, script)


def test_a_replay_refuses_abort_and_faults(failing_log: Path) -> None:
    source = ReplaySource(failing_log)
    with pytest.raises(ControlError):
        source.abort()
    with pytest.raises(ControlError):
        source.inject_fault("push", {"impulse": 30.0})


def test_an_unreadable_log_shows_as_lost_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a run log")
    app, _ = replay(bad)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.connection == "lost")
        assert "bad.sqlite" in app.model.connection_detail

    drive(app, script)


# ------------------------------------------------------------------------------------- live
def test_live_source_posts_the_same_messages_as_a_replay() -> None:
    server = StreamServer(snapshot_backlog=4)
    host, port = server.start()
    source = LiveSource(host, port, retry=0.05)
    app = make_monitor(source, clock=lambda: 0.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: server.client_count() == 1)
        server.publish(samples.run_started())
        server.publish(samples.tree())
        await until(pilot, lambda: app.model.root is not None)
        for tick in range(41):
            for event in samples.tick_events(tick):
                server.publish(event)
        server.publish(samples.snapshot(40))
        await until(pilot, lambda: app.model.tick == 40)
        assert app.model.mission == "patrol" and app.model.connection == "connected"
        assert app.model.active_path == ("n0", "n1")
        assert app.model.facts["victim_found"] is True and app.model.facts["victims_found"] == 1
        assert app.model.stats["n1"].status == "RUNNING"
        assert any(isinstance(e, StatusEntry) for e in app.model.entries)
        for event in samples.finished(41):
            server.publish(event)
        await until(pilot, lambda: app.model.outcome == "success")
        server.close()
        await until(pilot, lambda: app.model.connection == "ended")

    try:
        drive(app, script)
    finally:
        server.close()


def test_a_lost_connection_is_shown_and_retried_until_it_comes_back() -> None:
    server = StreamServer()
    host, port = server.start()
    attempts: list[int] = []
    allowed = threading.Event()

    def connect(h: str, p: int) -> StreamClient:
        attempts.append(p)
        if not allowed.is_set():
            raise StreamError("cannot connect to the live stream: refused")
        return StreamClient(h, p)

    source = LiveSource(host, port, retry=0.05, connect=connect)
    app = make_monitor(source, clock=lambda: 0.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.connection == "lost")
        assert "retrying" in app.model.connection_detail
        await until(pilot, lambda: len(attempts) >= 3)  # retried, never crashed
        allowed.set()
        await until(pilot, lambda: app.model.connection == "connected")
        tried = len(attempts)
        server.close()  # the run is gone without finishing: lost again, and retried
        await until(pilot, lambda: len(attempts) > tried)

    try:
        drive(app, script)
    finally:
        server.close()


def test_a_bad_line_from_the_run_is_named_in_the_retry_line() -> None:
    # Before: the reason ("unknown event type ...") was replaced at once by "stream closed;
    # retrying", so the monitor never said what was wrong with the stream it had attached to.
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5.0)

    def serve() -> None:
        peer, _ = listener.accept()
        peer.sendall(b'{"type": "hello"}\n{"type": "dropped", "count": "lots"}\n'
                     b'{"type": "teleport"}\n')
        peer.close()

    threading.Thread(target=serve, daemon=True).start()
    source = LiveSource(*listener.getsockname()[:2], retry=30.0)
    app = make_monitor(source, clock=lambda: 0.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: "retrying" in app.model.connection_detail)
        assert app.model.connection == "lost"
        assert "unknown event type 'teleport'" in app.model.connection_detail

    try:
        drive(app, script)
    finally:
        listener.close()


def test_a_replay_waits_for_the_screen_before_posting_the_next_state(patrol_log: Path) -> None:
    # Before: the worker posted a state and a history batch every frame whatever the screen did,
    # so a replay faster than the screen grew the app's queue without bound.
    import threading
    import time

    from tui.messages import StateChanged
    from tui.source import ReplaySource

    class SlowApp:
        """Takes messages but never applies them (a screen that has fallen behind)."""

        def __init__(self) -> None:
            self.messages: list[object] = []

        def post_message(self, message: object) -> bool:
            self.messages.append(message)
            return True

    app = SlowApp()
    source = ReplaySource(patrol_log, speed=1024.0, frame_hz=50.0)
    worker = threading.Thread(target=source._run, args=(app,), daemon=True)
    worker.start()
    time.sleep(0.6)
    states = [m for m in app.messages if isinstance(m, StateChanged)]
    assert len(states) == 1  # the first state is still not shown: nothing more was posted
    states[0].shown()  # the screen catches up: the replay goes on
    time.sleep(0.3)
    assert len([m for m in app.messages if isinstance(m, StateChanged)]) == 2
    source.stop()
    worker.join(timeout=3)
    assert not worker.is_alive()
