"""The run log: what is written is read back in order, per-tick commits survive kill -9, and bad
files or folders give clear errors."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bt_runtime import eventlog
from bt_runtime.eventlog import (
    RUN_LOG_SUFFIX,
    SCHEMA_VERSION,
    EventLogError,
    EventLogReader,
    EventLogWriter,
    list_runs,
    run_log_path,
)
from bt_runtime.events import Alert, Event, RunFinished, StatusChanged, Telemetry
from bt_runtime.replay import replay_lines
from tests.bt_runtime import runlog_samples as samples

REPO = Path(__file__).resolve().parents[2]


def write_run(path: Path, ticks: int = 60, *, finish: bool = True) -> list[Event]:
    """Write a sample run; returns the tick events in the order they were appended."""
    written: list[Event] = []
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.tree())
        for tick in range(ticks):
            for event in samples.tick_events(tick):
                writer.append(event)
                written.append(event)
            writer.commit_tick()
        if finish:
            for event in samples.finished(ticks):
                writer.append(event)
                if not isinstance(event, RunFinished):
                    written.append(event)
    return written


def test_a_run_reads_back_exactly_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    written = write_run(path)
    with EventLogReader(path) as reader:
        assert reader.run_started() == samples.run_started()
        assert reader.tree() == samples.tree()
        assert list(reader.events()) == written  # merged across four tables in append order
        assert reader.outcome() == samples.finished(60)[-1]
        assert reader.last_sim_time() == pytest.approx(60 * samples.TICK)


def test_clean_close_leaves_one_self_contained_file(tmp_path: Path) -> None:
    write_run(tmp_path / "run.sqlite", ticks=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.sqlite"]


def test_events_can_be_read_for_a_tick_range(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path)
    with EventLogReader(path) as reader:
        ticks = {event.tick for event in reader.events(from_tick=28, to_tick=31)}  # type: ignore[union-attr]
    assert ticks == {28, 29, 30, 31}


def test_nothing_is_visible_before_the_tick_commits(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    writer = EventLogWriter(path)
    writer.append(samples.run_started())
    writer.append(StatusChanged(0, 0.0, "n0", "patrol", "INVALID", "RUNNING"))
    with EventLogReader(path) as reader:
        assert list(reader.events()) == []
        writer.commit_tick()
        assert len(list(reader.events())) == 1
        assert reader.outcome() is None
    writer.close()


def test_the_writer_keeps_every_telemetry_sample_it_is_given(tmp_path: Path) -> None:
    """Decimation is the executor's (bt_runtime.telemetry): the log does not thin samples again."""
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        for tick in range(41):
            writer.append(samples.telemetry(tick, gait="crawl" if 13 <= tick < 20 else "trot"))
            writer.commit_tick()
    with EventLogReader(path) as reader:
        kept = [e for e in reader.events() if isinstance(e, Telemetry)]
    assert [e.tick for e in kept] == list(range(41))
    assert [e.gait for e in kept][12:14] == ["trot", "crawl"]


def test_alerts_keep_the_node_id_of_their_writer(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path)
    with EventLogReader(path) as reader:
        alerts = [e for e in reader.events() if isinstance(e, Alert)]
    assert [(a.node_id, a.node_path) for a in alerts] == [("n1", "patrol/go to dock")]


def test_checkpoints_run_in_the_background_while_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tick thread never checkpoints; a background thread folds the WAL in meanwhile."""
    monkeypatch.setattr(eventlog, "CHECKPOINT_PERIOD", 0.05)
    path = tmp_path / "run.sqlite"
    writer = EventLogWriter(path)
    writer.append(samples.run_started())
    empty_size = path.stat().st_size
    for tick in range(300):
        for event in samples.tick_events(tick):
            writer.append(event)
        writer.commit_tick()
    deadline = time.monotonic() + 5.0
    while path.stat().st_size <= empty_size and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        assert path.stat().st_size > empty_size  # pages copied from the WAL, writer still open
    finally:
        writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.sqlite"]


def test_writer_refuses_a_missing_folder_and_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="does not exist: create it first"):
        EventLogWriter(tmp_path / "nowhere" / "run.sqlite")
    existing = tmp_path / "run.sqlite"
    existing.write_text("")
    with pytest.raises(EventLogError, match="already there"):
        EventLogWriter(existing)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_writer_refuses_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(EventLogError, match="not writable"):
            EventLogWriter(folder / "run.sqlite")
    finally:
        folder.chmod(0o755)


def test_close_is_safe_twice_and_appending_after_close_is_an_error(tmp_path: Path) -> None:
    writer = EventLogWriter(tmp_path / "run.sqlite")
    writer.append(samples.run_started())
    writer.close()
    writer.close()
    with pytest.raises(EventLogError, match="closed"):
        writer.append(samples.telemetry(0))
    reader = EventLogReader(tmp_path / "run.sqlite")
    reader.close()
    reader.close()


def test_run_metadata_tree_and_outcome_are_written_once(tmp_path: Path) -> None:
    with EventLogWriter(tmp_path / "run.sqlite") as writer:
        writer.append(samples.run_started())
        with pytest.raises(EventLogError, match="run start is already recorded"):
            writer.append(samples.run_started())
        writer.append(samples.tree())
        with pytest.raises(EventLogError, match="tree is already recorded"):
            writer.append(samples.tree())
        writer.append(samples.finished(3)[-1])
        with pytest.raises(EventLogError, match="outcome is already recorded"):
            writer.append(samples.finished(4)[-1])
    with EventLogReader(tmp_path / "run.sqlite") as reader:
        assert reader.outcome() == samples.finished(3)[-1]


def test_run_log_path_is_what_list_runs_finds(tmp_path: Path) -> None:
    path = run_log_path(tmp_path, samples.run_started().run_id)
    write_run(path, ticks=2)
    assert [r.path for r in list_runs(tmp_path)] == [path]


def test_reader_opens_a_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=3)
    path.chmod(0o444)
    with EventLogReader(path) as reader:
        assert reader.outcome() is not None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is a text file, not a database\n" * 20, "not a readable run log"),
        (b"", "an empty file, not a run log"),
    ],
)
def test_reader_refuses_files_that_are_not_run_logs(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    with pytest.raises(EventLogError, match=expected):
        EventLogReader(path)


def test_reader_refuses_a_missing_file_and_a_foreign_sqlite_file(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="no such run log"):
        EventLogReader(tmp_path / "missing.sqlite")
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(EventLogError, match="not a quadmission run log"):
        EventLogReader(foreign)


def test_reader_refuses_a_newer_schema_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=2)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(EventLogError, match="newer quadmission .* upgrade"):
        EventLogReader(path)


def test_reader_refuses_an_older_schema_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=2)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with pytest.raises(EventLogError) as caught:
        EventLogReader(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: written by an older quadmission (log schema 1;")
    assert f"reads schema {SCHEMA_VERSION} only" in message
    assert "run the mission again" in message


def test_a_truncated_file_gives_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=200)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(EventLogError), EventLogReader(path) as reader:
        list(reader.events())
        reader.outcome()


def test_list_runs_summarises_finished_incomplete_and_unreadable_runs(tmp_path: Path) -> None:
    finished = tmp_path / f"b{RUN_LOG_SUFFIX}"
    write_run(finished, ticks=10)
    incomplete = tmp_path / f"a{RUN_LOG_SUFFIX}"
    with EventLogWriter(incomplete) as writer:
        writer.append(samples.run_started("early", started_at=1_000.0))
        for event in samples.tick_events(0) + samples.tick_events(1):
            writer.append(event)
        writer.commit_tick()
    (tmp_path / f"c{RUN_LOG_SUFFIX}").write_text("garbage" * 100)
    (tmp_path / "notes.txt").write_text("not a run")
    runs = list_runs(tmp_path)
    assert [r.run_id for r in runs] == ["c", "early", samples.run_started().run_id]
    unreadable, early, done = runs
    assert unreadable.outcome == "damaged" and "not a readable run log" in unreadable.error
    assert (early.outcome, early.duration, early.mission) == ("incomplete", samples.TICK, "patrol")
    assert (done.outcome, done.backend, done.seed) == ("success", "kinematic", 7)
    assert done.duration == pytest.approx(10 * samples.TICK)
    with pytest.raises(EventLogError, match="no such folder"):
        list_runs(tmp_path / "nowhere")


def test_kill_minus_nine_loses_at_most_the_tick_in_flight(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("runlog_killee.py")), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    acknowledged = -1
    deadline = time.monotonic() + 20.0
    try:
        assert proc.stdout is not None
        while acknowledged < 200 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"writer exited early: {proc.stderr.read() if proc.stderr else ''}")
            acknowledged = int(line)
        proc.send_signal(signal.SIGKILL)  # while it is still writing ticks
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert acknowledged >= 200
    with EventLogReader(path) as reader:
        assert reader.outcome() is None
        assert reader.run_started() == samples.run_started()
        per_tick = Counter(event.tick for event in reader.events())  # type: ignore[union-attr]
    last = max(per_tick)
    assert last >= acknowledged  # every acknowledged commit survived
    assert sorted(per_tick) == list(range(last + 1))  # no gap
    assert set(per_tick.values()) == {20}  # and no torn tick
    with EventLogReader(path) as reader:
        told = list(replay_lines(reader))
    assert told[-1].startswith("outcome: incomplete (the run did not finish")


def test_the_world_its_changes_and_the_true_terrain_read_back(tmp_path: Path) -> None:
    from bt_runtime.events import WorldChanged, WorldDefinition

    world = WorldDefinition(
        "yard", (0, 0, 20, 10),
        [{"name": "gap", "kind": "mud", "shape": {"circle": [3.0, 4.0, 1.5]}}],
        [{"name": "dock", "kind": "dock", "x": 1.0, "y": 1.0}],
        [{"name": "v1", "kind": "victim", "x": 5.0, "y": 5.0}],
    )
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(world)
        writer.append(samples.telemetry(1, terrain_true="mud"))
        writer.append(WorldChanged(1, 0.05, "found", "v1"))
        writer.append(samples.telemetry(2))
        writer.append(WorldChanged(2, 0.1, "closed", "gap"))
        writer.commit_tick()
    with EventLogReader(path) as reader:
        assert reader.world() == world
        events = list(reader.events())
    assert [getattr(e, "terrain_true", "-") for e in events] == ["mud", "-", None, "-"]
    assert [e for e in events if isinstance(e, WorldChanged)] == [
        WorldChanged(1, 0.05, "found", "v1"), WorldChanged(2, 0.1, "closed", "gap")
    ]


def test_detections_are_written_and_read_back_in_order(tmp_path: Path) -> None:
    from bt_runtime.events import Detection, WorldChanged

    found = Detection(3, 0.15, "intruder", "i1", 7.5, -2.25, 6.0, 0.71, "scan radius 8 m for "
                      "intruder", "patrol/scan radius 8 m for intruder", "0.3")
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.telemetry(3))
        writer.append(found)
        writer.append(WorldChanged(3, 0.15, "found", "i1"))
        writer.commit_tick()
    with EventLogReader(path) as reader:
        events = list(reader.events())
    assert events[1:] == [found, WorldChanged(3, 0.15, "found", "i1")]


def test_a_schema_4_log_from_before_detections_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=2)
    db = sqlite3.connect(path)
    db.execute("DROP TABLE detections")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with pytest.raises(EventLogError) as caught:
        EventLogReader(path)
    assert str(caught.value) == (
        f"{path}: written by an older quadmission (log schema 4; this version reads schema 5 "
        "only): run the mission again to record it in this format"
    )
