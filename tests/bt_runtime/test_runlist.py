"""Runs in a folder are found by content, whatever their names; other files are only counted."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bt_runtime import eventlog
from bt_runtime.eventlog import EventLogWriter
from bt_runtime.logschema import run_log_header
from bt_runtime.runlist import list_runs, scan_runs, summarise
from tests.bt_runtime import runlog_samples as samples
from tests.bt_runtime.test_replay import write_run


def _foreign_db(path: Path, application_id: int = 0) -> None:
    db = sqlite3.connect(path)
    db.executescript(f"CREATE TABLE t (x); PRAGMA application_id = {application_id};")
    db.close()


def test_a_run_log_under_any_name_is_a_run(tmp_path: Path) -> None:
    write_run(tmp_path / "x.txt", ticks=3, finish=True)  # mission run --log x.txt
    write_run(tmp_path / "no_suffix", ticks=3, finish=False)
    (tmp_path / "notes.md").write_text("not a run")
    _foreign_db(tmp_path / "data.db", application_id=1234)
    _foreign_db(tmp_path / "plain.db")
    (tmp_path / "sub").mkdir()
    write_run(tmp_path / "sub" / "deeper.sqlite", ticks=3, finish=True)  # subfolders: not read
    listing = scan_runs(tmp_path)
    assert sorted(r.path.name for r in listing.runs) == ["no_suffix", "x.txt"]
    assert {r.path.name: r.outcome for r in listing.runs} == {
        "x.txt": "success", "no_suffix": "incomplete"}
    assert [p.name for p in listing.others] == ["data.db", "notes.md", "plain.db"]
    assert list_runs(tmp_path) == list(listing.runs)


def test_a_run_still_writing_is_found_before_its_header_is_checkpointed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its header (with the application id) is only in the -wal: a reader sees it there."""
    monkeypatch.setattr(eventlog, "CHECKPOINT_PERIOD", 3600.0)  # no checkpoint during the test
    writer = EventLogWriter(tmp_path / "live.log")
    try:
        writer.append(samples.run_started())
        writer.commit_tick()
        assert (tmp_path / "live.log").read_bytes()[68:72] == bytes(4)  # not in the file yet
        listing = scan_runs(tmp_path)
        assert [(r.path.name, r.outcome) for r in listing.runs] == [("live.log", "incomplete")]
        assert listing.others == ()  # its -wal and -shm are part of it, not other files
    finally:
        writer.close()


def test_a_damaged_run_log_under_any_name_is_listed_as_damaged(tmp_path: Path) -> None:
    log = tmp_path / "x.txt"
    write_run(log, ticks=3, finish=True)
    db = sqlite3.connect(log)
    db.execute("UPDATE meta SET event = 'not json'")
    db.commit()
    db.close()
    (tmp_path / "garbage.sqlite").write_bytes(b"x" * 500)  # named as a log: listed
    runs = {r.path.name: r for r in list_runs(tmp_path)}
    assert runs["x.txt"].outcome == "damaged" and str(log) in runs["x.txt"].error
    assert runs["garbage.sqlite"].outcome == "damaged"


def test_a_fifo_or_a_link_loop_is_another_file_and_never_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert not run_log_header(tmp_path / "pipe") and not run_log_header(tmp_path / "a")
    assert [p.name for p in scan_runs(tmp_path).others] == ["a", "b", "pipe"]


@pytest.mark.parametrize("data", [b"", b"SQLite format 3\x00", b"\xff" * 4096])
def test_a_short_or_foreign_header_is_not_a_run_log(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "f").write_bytes(data)
    assert not run_log_header(tmp_path / "f")


def test_summarise_never_raises(tmp_path: Path) -> None:
    assert summarise(tmp_path / "nowhere").outcome == "damaged"
    assert "no such run log" in summarise(tmp_path / "nowhere").error
