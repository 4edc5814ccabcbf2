"""``mission simulate`` given odd places, a damaged database, a full disk, a changed import or a
SIGTERM: one clear message and exit status each, the stored runs kept, no worker left behind."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quadmission.cli import main
from tests.quadmission.campaign.conftest import PASSING, write_mission

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def passing(tmp_path: Path) -> Path:
    return write_mission(tmp_path, "passing", PASSING.replace("NAME", "passing"))


def _simulate(mission: Path, out: Path, *extra: str) -> int:
    return main(["simulate", str(mission), "--runs", "2", "--workers", "1", "--out", str(out),
                 "--quiet", *extra])


def test_an_empty_out_is_refused_not_taken_as_the_default(
        passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(passing), "--runs", "1", "--out", "", "--quiet"])
    assert code == 2  # before: it wrote into campaigns/<mission>-seed0
    assert "--out '': give a folder" in capsys.readouterr().err


def test_logs_that_is_a_file_is_refused_before_any_run(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: every failed run's log failed, so every run was stored as crashed, for good.
    out = tmp_path / "c"
    out.mkdir()
    (out / "logs").write_text("not a folder")
    assert _simulate(passing, out) == 2
    assert f"--out {out}: cannot write {out / 'logs'}" in capsys.readouterr().err
    assert not (out / "campaign.sqlite").exists()


def test_a_report_that_cannot_be_written_is_one_error_and_the_runs_stay(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    (out / "report.md").mkdir(parents=True)  # a folder where the report goes
    assert _simulate(passing, out) == 2  # before: IsADirectoryError with a traceback
    err = capsys.readouterr().err
    assert f"--out {out}: cannot write the report: {out / 'report.md'}: Is a directory" in err
    with sqlite3.connect(out / "campaign.sqlite") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_a_disk_that_fills_up_mid_campaign_is_one_error_and_the_runs_stay(
        passing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from quadmission.campaign.store import CampaignStore

    add = CampaignStore.add
    calls: list[int] = []

    def filling(self: CampaignStore, results: object) -> None:
        calls.append(1)
        if len(calls) == 2:  # the second batch meets a full disk
            pages = self._db.execute("PRAGMA page_count").fetchone()[0]
            self._db.execute(f"PRAGMA max_page_count = {pages}")
        add(self, results)  # type: ignore[arg-type]

    monkeypatch.setattr(CampaignStore, "add", filling)
    out = tmp_path / "c"
    assert _simulate(passing, out, "--runs", "12") == 2  # before: sqlite3.OperationalError
    err = capsys.readouterr().err
    assert "cannot store runs (database or disk is full)" in err
    assert "runs are stored; once that is fixed, the same command continues" in err
    with sqlite3.connect(out / "campaign.sqlite") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] > 0


def test_a_tampered_database_is_one_error_naming_the_run(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    assert _simulate(passing, out) in (0, 5)
    with sqlite3.connect(out / "campaign.sqlite") as db:
        db.execute("UPDATE runs SET metrics = '{\"duration\": \"long\"}' WHERE idx = 1")
    capsys.readouterr()
    assert _simulate(passing, out, "--runs", "3") == 2
    err = capsys.readouterr().err
    assert "run 1: metrics: not an object of finite numbers" in err and "Traceback" not in err


def test_a_changed_imported_file_is_not_continued(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: only the mission's own text and its world were compared, so runs of the old and
    # the new library were judged together.
    (tmp_path / "lib").mkdir()
    library = tmp_path / "lib" / "hop.mission"
    library.write_text("task hop() {\n    go to gate\n}\n")
    text = 'import "lib/hop.mission"\n' + PASSING.replace("NAME", "imp").replace(
        "go to gate\n    go to base", "hop()")
    mission = write_mission(tmp_path, "imp", text)
    assert _simulate(mission, tmp_path / "c") in (0, 5)
    monkeypatch.chdir(tmp_path)  # the same files named from their folder: the same campaign
    assert _simulate(Path("imp.mission"), tmp_path / "c", "--runs", "3") in (0, 5)
    assert "resuming: 2 of 3 runs" in capsys.readouterr().err
    library.write_text('task hop() {\n    fail "changed"\n}\n')
    capsys.readouterr()
    assert _simulate(mission, tmp_path / "c", "--runs", "4") == 2
    assert "holds a campaign with another mission_sha256" in capsys.readouterr().err


def _session_processes(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-s", str(pid)], check=False, capture_output=True,
                           text=True)
    return found.stdout.split()


def test_sigterm_ends_a_campaign_as_ctrl_c_does_and_leaves_no_worker(
        passing: Path, tmp_path: Path) -> None:
    # Before: SIGTERM killed the command at once (status -15, no word) and its fork server and
    # pool workers went on running, holding the terminal's pipes open.
    out = tmp_path / "c"
    proc = subprocess.Popen(
        [sys.executable, "-m", "quadmission", "simulate", str(passing), "--runs", "50",
         "--workers", "2", "--out", str(out), "--quiet"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    db = out / "campaign.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _stored(db):
        time.sleep(0.1)
    try:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        ends = time.monotonic() + 10  # the fork server and the resource tracker exit after it
        while (left := _session_processes(proc.pid)) and time.monotonic() < ends:
            time.sleep(0.2)
    finally:
        for pid in _session_processes(proc.pid):
            subprocess.run(["kill", "-9", pid], check=False)
    assert proc.returncode == 130, err.decode()
    assert b"run the same command again to continue" in err
    assert left == []


def _stored(db: Path) -> bool:
    if not db.exists():  # connecting would create it
        return False
    try:
        with sqlite3.connect(db) as con:
            return bool(con.execute("SELECT count(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return False
