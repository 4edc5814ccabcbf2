"""The cursor over a recorded log: whole ticks up to a time, exact steps, breakpoints, restart."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.eventlog import EventLogReader
from tui.messages import Entry, StatusEntry, paths_to_ids, run_opened
from tui.playback import Cursor


def cursor_over(log: Path) -> tuple[EventLogReader, Cursor]:
    reader = EventLogReader(log)
    opened = run_opened(reader.run_started(), reader.tree())
    return reader, Cursor(reader, opened.root, paths_to_ids(opened.root))


def test_advance_folds_whole_ticks_up_to_the_target_and_step_exactly_one(
    failing_log: Path,
) -> None:
    reader, cursor = cursor_over(failing_log)
    with reader:
        out: list[Entry] = []
        assert not cursor.advance(10.0, out)
        assert cursor.position == 10.0 and cursor.fold.sim_time <= 10.0 + 1e-6
        assert all(e.sim_time <= 10.0 + 1e-6 for e in out)
        assert cursor.fold.statuses["0.0"] == "SUCCESS"  # reached the gate at ~4.7 s
        assert cursor.pending is not None
        before, expected = cursor.fold.tick, cursor.pending[0]
        cursor.step(1, out, end=31.9)
        assert before < cursor.fold.tick == expected
        state = cursor.fold.state()
        assert state.active_path == ("0", "0.2") and state.sample is not None


def test_a_breakpoint_stops_before_its_tick_once_then_lets_it_run(failing_log: Path) -> None:
    reader, cursor = cursor_over(failing_log)
    with reader:
        out: list[Entry] = []
        assert cursor.advance(1e9, out, frozenset({"0.3"}))
        assert cursor.fold.statuses["0.3"] == "INVALID"
        assert not cursor.advance(1e9, out, frozenset({"0.3"}))  # released: runs on
        assert cursor.fold.statuses["0.3"] == "FAILURE" and cursor.pending is None
        failed = [e for e in out if isinstance(e, StatusEntry) and e.new == "FAILURE"]
        assert [e.node_id for e in failed] == ["0.3", "0"]
        cursor.restart()
        assert cursor.fold.statuses["0.3"] == "INVALID" and cursor.position == 0.0
