"""A log that survives the machine: a full disk aborts the run with the log readable, a symbolic link
never takes the log out of its folder, and a killed run's WAL is folded back when it is next read."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.eventlog import EventLogError, EventLogFull, EventLogReader, EventLogWriter
from bt_runtime.events import Telemetry
from bt_runtime.executor import LOG_LOST, Executor
from bt_runtime.replay import replay_lines
from quadmission.exit_codes import EXIT_DISK_FULL
from tests.bt_runtime import runlog_samples as samples
from tests.bt_runtime.runtime_world import make_context
from tests.quadmission import yard

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def test_a_full_disk_aborts_the_run_and_the_log_reads_to_the_last_committed_tick(
    tmp_path: Path,
) -> None:
    path = tmp_path / "full.sqlite"
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1e6)])
    with EventLogWriter(path, max_bytes=96 * 1024) as log:
        ex = Executor(
            root, make_context(), 20.0, log=log, started=samples.run_started(), telemetry_hz=0
        )
        report = ex.run()  # before: EventLogError out of run(), a traceback and exit 1
    assert report.outcome == "aborted"
    assert report.failure_reason is not None and report.failure_reason.startswith(LOG_LOST)
    assert "disk full" in report.failure_reason
    with EventLogReader(path) as reader:
        assert reader.outcome() is None  # the finish could not be written either
        ticks = Counter(e.tick for e in reader.events())  # type: ignore[union-attr]
        told = list(replay_lines(reader))
    assert 10 < max(ticks) < report.ticks  # committed ticks are there; the refused one is not
    assert sorted(ticks) == list(range(1, max(ticks) + 1))
    assert told[-1].startswith("outcome: incomplete")


def test_a_refused_commit_is_an_event_log_full_and_keeps_what_was_committed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cap.sqlite"
    writer = EventLogWriter(path, max_bytes=64 * 1024)
    writer.append(samples.run_started())
    committed = -1
    with pytest.raises(EventLogFull, match="disk full"):
        for tick in range(10_000):
            for event in samples.tick_events(tick):
                writer.append(event)
            writer.commit_tick()
            committed = tick
    writer.close()
    with EventLogReader(path) as reader:
        last = max(e.tick for e in reader.events() if isinstance(e, Telemetry))
    assert last == committed


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a real full disk sends no signal either
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, resource.RLIM_INFINITY))


def test_mission_run_on_a_full_disk_exits_4_without_a_traceback(tmp_path: Path) -> None:
    mission = yard.write(tmp_path)
    log = tmp_path / "run.sqlite"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quadmission",
            "run",
            str(mission),
            "--backend",
            "kinematic",
            "--seed",
            "1",
            "--quiet",
            "--log",
            str(log),
        ],
        capture_output=True,
        check=False,
        text=True,
        env=ENV,
        cwd=tmp_path,
        timeout=120,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == EXIT_DISK_FULL, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "outcome:   ABORTED" in done.stdout and "aborted: disk full" in done.stdout
    with EventLogReader(log) as reader:
        assert reader.run_started().mission == "Test shuttle"
        assert sum(1 for _ in reader.events()) > 0


def test_the_log_is_never_written_through_a_symbolic_link(tmp_path: Path) -> None:
    runs, outside = tmp_path / "runs", tmp_path / "outside"
    runs.mkdir()
    outside.mkdir()
    dangling = runs / "run.sqlite"
    dangling.symlink_to(outside / "planted.sqlite")
    with pytest.raises(EventLogError, match="symbolic link"):
        EventLogWriter(dangling)
    assert not (outside / "planted.sqlite").exists()  # before: created outside the folder
    (runs / "stale.sqlite-wal").write_bytes(b"old")
    with pytest.raises(EventLogError, match="stale.sqlite-wal is already there"):
        EventLogWriter(runs / "stale.sqlite")


def test_the_cli_refuses_a_log_through_a_dangling_link(tmp_path: Path) -> None:
    mission = yard.write(tmp_path)
    (tmp_path / "link.sqlite").symlink_to(tmp_path / "elsewhere.sqlite")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quadmission",
            "run",
            str(mission),
            "--backend",
            "kinematic",
            "--seed",
            "1",
            "--quiet",
            "--log",
            str(tmp_path / "link.sqlite"),
        ],
        capture_output=True,
        check=False,
        text=True,
        env=ENV,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2 and "symbolic link" in done.stdout + done.stderr
    assert not (tmp_path / "elsewhere.sqlite").exists()


def test_a_killed_runs_wal_is_folded_back_when_it_is_next_opened(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("runlog_killee.py")), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        text=True,
    )
    acknowledged, deadline = -1, time.monotonic() + 20.0
    try:
        assert proc.stdout is not None
        while acknowledged < 50 and time.monotonic() < deadline:
            acknowledged = int(proc.stdout.readline() or -1)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert acknowledged >= 50
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the committed ticks sit in the WAL
    copied = tmp_path / "copy"
    copied.mkdir()
    with EventLogReader(path) as reader:
        ticks = {e.tick for e in reader.events()}  # type: ignore[union-attr]
    assert not wal.exists()  # folded back by opening it
    shutil.copy(path, copied / "alone.sqlite")  # the .sqlite alone now holds every tick
    with EventLogReader(copied / "alone.sqlite") as reader:
        assert {e.tick for e in reader.events()} == ticks  # type: ignore[union-attr]
    assert max(ticks) >= acknowledged
