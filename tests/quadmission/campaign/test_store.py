"""The campaign database refuses what is not (or no longer) a campaign's, before writing into it,
and names the run and column of a damaged row; a full disk is a StoreError, not a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bt_runtime.logschema import APPLICATION_ID as RUN_LOG_ID
from quadmission.campaign.result import FallPoint, RunResult
from quadmission.campaign.store import APPLICATION_ID, SCHEMA_VERSION, CampaignStore, StoreError

META = {"mission_sha256": "abc", "seed": "0", "backend": "kinematic", "variation": "{}"}


def _run(index: int, seed: int = 100) -> RunResult:
    return RunResult(index, seed + index, "done", "failure", {"charge": 70.0}, 12.5, 0.3, 4.0,
                     (FallPoint(1.0, 2.0, 3.0, "yard"),), "m/go", "stuck",
                     {"duration": 12.5}, {"duration <= 60": True}, wall_time=0.5,
                     found=(("victim", "v1"),))


def _campaign(path: Path, runs: int = 2) -> Path:
    store = CampaignStore(path)
    store.bind(META)
    store.add([_run(i) for i in range(runs)])
    store.close()
    return path


def _sql(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _tables(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
    finally:
        db.close()


def test_rows_read_back_as_written_and_the_file_is_stamped(tmp_path: Path) -> None:
    path = _campaign(tmp_path / "c.sqlite")
    store = CampaignStore(path)
    assert store.results() == [_run(0), _run(1)]
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_another_programs_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # Before: the store created its tables inside any SQLite file it was given (a browser's
    # history, a run log), and `mission run --vary-from` did too.
    other = tmp_path / "places.sqlite"
    _sql(other, "CREATE TABLE moz_places (id INTEGER, url TEXT)")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"another program's SQLite file.*moz_places"):
            CampaignStore(other, read_only=read_only)
    assert _tables(other) == ["moz_places"]
    log = tmp_path / "run.sqlite"
    _sql(log, f"PRAGMA application_id = {RUN_LOG_ID}", "CREATE TABLE meta (id INTEGER)")
    with pytest.raises(StoreError, match="a run log, not a campaign database"):
        CampaignStore(log)
    assert _tables(log) == ["meta"]


def test_read_only_writes_nothing_even_into_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="not a campaign database"):
        CampaignStore(empty, read_only=True)
    assert empty.read_bytes() == b""


def test_a_newer_schema_and_changed_columns_are_refused_naming_them(tmp_path: Path) -> None:
    newer = _campaign(tmp_path / "newer.sqlite")
    _sql(newer, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="written by a newer quadmission"):
        CampaignStore(newer)
    dropped = _campaign(tmp_path / "dropped.sqlite")
    _sql(dropped, "ALTER TABLE runs DROP COLUMN met")
    with pytest.raises(StoreError, match=r"table runs has columns \(idx, .*log_path\), not"):
        CampaignStore(dropped)


@pytest.mark.parametrize(("edit", "named"), [
    ("UPDATE runs SET draw = '{not json' WHERE idx = 1", "run 1: draw: '{not json' is not JSON"),
    ("UPDATE runs SET duration = 9e999 WHERE idx = 1", "run 1: duration: inf is not a finite"),
    ("UPDATE runs SET duration = 'long' WHERE idx = 1", "run 1: duration: 'long' is not a fin"),
    ("UPDATE runs SET fall_points = '[{\"x\": 1}]' WHERE idx = 1", "run 1: fall_points: "),
    ("UPDATE runs SET met = '[1]' WHERE idx = 1", "run 1: met: not an object of true/false"),
    ("UPDATE runs SET status = 'zzz' WHERE idx = 1", "run 1: status: 'zzz' is not one of"),
    ("UPDATE runs SET idx = -5 WHERE idx = 1", "run -5: idx: -5 is not a whole number"),
    ("UPDATE found SET entities = '[[1]]' WHERE idx = 1", "run 1: found.entities: not a list"),
    ("UPDATE timing SET wall_time = 'slow' WHERE idx = 1", "run 1: timing.wall_time: 'slow'"),
])
def test_a_damaged_row_is_named_by_run_and_column(tmp_path: Path, edit: str, named: str) -> None:
    # Before: a JSONDecodeError, KeyError or numpy error with a traceback, or (an infinite
    # duration) a histogram that failed after every run was done.
    path = _campaign(tmp_path / "c.sqlite")
    _sql(path, edit)
    store = CampaignStore(path)
    with pytest.raises(StoreError, match="edited or damaged") as caught:
        store.results()
    store.close()
    assert named in str(caught.value) and str(path) in str(caught.value)


def test_runs_without_their_campaigns_inputs_are_not_continued(tmp_path: Path) -> None:
    gone = _campaign(tmp_path / "gone.sqlite")
    _sql(gone, "DELETE FROM campaign WHERE key = 'seed'")
    store = CampaignStore(gone)
    with pytest.raises(StoreError, match="holds 2 runs but no record of their seed"):
        store.bind(META)
    store.close()
    dropped = _campaign(tmp_path / "dropped.sqlite")
    _sql(dropped, "DROP TABLE campaign")
    with pytest.raises(StoreError, match="its runs have no campaign table"):
        CampaignStore(dropped)


def test_a_deleted_run_row_is_run_again_without_its_old_side_rows(tmp_path: Path) -> None:
    path = _campaign(tmp_path / "c.sqlite")
    _sql(path, "DELETE FROM runs WHERE idx = 1")
    store = CampaignStore(path)
    assert store.done() == {0}
    rerun = RunResult(1, 101, "done", "success", {"charge": 70.0}, wall_time=2.0, found=())
    store.add([rerun])
    assert store.results()[1] == rerun  # before: the deleted run's found and timing stayed
    store.close()


def test_a_full_disk_is_a_store_error_and_keeps_what_was_stored(tmp_path: Path) -> None:
    path = _campaign(tmp_path / "c.sqlite", runs=1)
    store = CampaignStore(path)
    store._db.execute("PRAGMA max_page_count = 1")  # as full as a disk can be
    with pytest.raises(StoreError, match="cannot store runs .*full"):
        store.add([_run(i) for i in range(1, 200)])
    assert store.done() == {0}
    store.close()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "c.sqlite"
    junk.write_bytes(b"hello, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a campaign database"):
        CampaignStore(junk)
    truncated = _campaign(tmp_path / "t.sqlite")
    truncated.write_bytes(truncated.read_bytes()[:5000])
    with pytest.raises(StoreError, match="malformed"):
        store = CampaignStore(truncated)
        store.results()
