"""Campaigns end to end on short missions: executors agree, crashes are contained, an interrupted
campaign resumes to the same table, ``--until-decided`` stops early, runs replay alone."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quadmission.campaign.campaign import run_campaign
from quadmission.campaign.executors import InProcessExecutor, PoolExecutor
from quadmission.campaign.plan import CampaignSpec
from quadmission.campaign.stats import criteria
from quadmission.campaign.store import CampaignStore
from quadmission.cli import main
from quadmission.exit_codes import EXIT_OK, EXIT_UNDECIDED
from tests.quadmission.campaign.conftest import HEAD, write_mission

REPO = Path(__file__).resolve().parents[3]


def _campaign(mission: Path, db: Path, executor, runs: int = 6, **kw):  # type: ignore[no-untyped-def]
    store = CampaignStore(db)
    try:
        from quadmission.loading import load_mission

        crits = criteria(load_mission(str(mission)).compiled.requirements)
        spec = CampaignSpec(str(mission), "kinematic", str(db.parent / "logs"),
                            kw.pop("inject", ()))
        run = run_campaign(spec, store, executor, runs=runs, seed=3, crits=crits, **kw)
        return run, store.table()
    finally:
        store.close()


def test_pool_gives_the_same_table_as_one_process(passing: Path, tmp_path: Path) -> None:
    _, one = _campaign(passing, tmp_path / "a" / "c.sqlite", InProcessExecutor())
    pool = PoolExecutor(2)
    try:
        _, two = _campaign(passing, tmp_path / "b" / "c.sqlite", pool)
    finally:
        pool.close()
    assert len(one) == 6 and one == two
    assert {row[3] for row in one} == {"success"}


def test_a_run_that_raises_is_recorded_and_the_campaign_goes_on(passing: Path,
                                                                tmp_path: Path) -> None:
    run, _table = _campaign(passing, tmp_path / "c.sqlite", InProcessExecutor(), inject=(2,))
    crashed = [r for r in run.results if r.status == "crashed"]
    assert [r.index for r in crashed] == [2]
    assert "InjectedError" in crashed[0].error and "attempt 2" in crashed[0].error
    assert crashed[0].attempts == 2
    assert sum(r.success for r in run.results) == 5


def test_failed_runs_keep_their_event_log_and_it_replays(failing: Path, tmp_path: Path) -> None:
    run, _ = _campaign(failing, tmp_path / "c.sqlite", InProcessExecutor(), runs=2)
    log = run.results[0].log_path
    assert log is not None and Path(log).is_file()
    assert main(["replay", log]) == 0


def _simulate(mission: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "quadmission", "simulate", str(mission), "--runs", "24",
           "--seed", "5", "--workers", "2", "--out", str(out), "--quiet", *extra]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _table(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return list(con.execute("SELECT * FROM runs ORDER BY idx"))


def _rows_so_far(db: Path) -> int:
    """Rows stored yet; 0 while the campaign has not created its file or its schema."""
    try:
        return len(_table(db)) if db.exists() else 0
    except sqlite3.OperationalError:  # the file exists, the schema is not written yet
        return 0


def test_interrupt_and_resume_gives_the_same_table_as_one_go(passing: Path,
                                                             tmp_path: Path) -> None:
    one = _simulate(passing, tmp_path / "one")
    one.communicate(timeout=300)
    proc = _simulate(passing, tmp_path / "cut")
    db = tmp_path / "cut" / "campaign.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if 0 < _rows_so_far(db) < 24:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    kept = len(_table(db))
    assert proc.returncode == 130, err.decode()
    assert 0 < kept < 24 and b"run the same command again to continue" in err
    again = _simulate(passing, tmp_path / "cut")
    _, err = again.communicate(timeout=300)
    assert b"resuming: " in err
    assert _table(db) == _table(tmp_path / "one" / "campaign.sqlite")


def test_until_decided_stops_early_on_a_clear_pass(passing: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(passing), "--runs", "200", "--until-decided", "--workers", "2",
                 "--out", str(tmp_path / "p"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "stopped early: every criterion decided after" in out
    decided = int(out.split("decided after ")[1].split()[0])
    assert decided < 80
    assert "GO        require success >= 80 %" in out
    assert (tmp_path / "p" / "report.md").is_file() and (tmp_path / "p" / "map.png").is_file()


def test_until_decided_stops_early_on_a_clear_failure(failing: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(failing), "--runs", "200", "--until-decided", "--workers", "1",
                 "--out", str(tmp_path / "f"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    decided = int(out.split("decided after ")[1].split()[0])
    # each failure moves Wald's log-likelihood ratio by log(0.16/0.24) = -0.405 (H0 p=0.76,
    # H1 p=0.84); the NO-GO bound is log(0.05/0.95) = -2.944: 8 failures decide
    assert decided == 8
    assert "NO-GO     require success >= 80 %" in out
    assert 'failing/fail "the checkpoint is always shut" (line 7)' in out


def test_a_campaign_run_replays_alone_with_its_draw(passing: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    main(["simulate", str(passing), "--runs", "3", "--workers", "1", "--out",
          str(tmp_path / "r"), "--quiet"])
    capsys.readouterr()
    db = tmp_path / "r" / "campaign.sqlite"
    store = CampaignStore(db)
    row = store.results()[1]
    store.close()
    code = main(["run", str(passing), "--backend", "kinematic", "--seed", str(row.seed),
                 "--vary-from", str(db), "--quiet", "--log", str(tmp_path / "one.sqlite")])
    captured = capsys.readouterr()
    assert code == 0
    assert f"duration:  {row.duration:.1f} s simulated" in captured.out
    assert "is not the mission this campaign ran" not in captured.err
    # the mission changed since: still run with the draw, but the note says it will differ
    passing.write_text(passing.read_text() + "# edited after the campaign\n")
    code = main(["run", str(passing), "--backend", "kinematic", "--seed", str(row.seed),
                 "--vary-from", str(db), "--quiet", "--log", str(tmp_path / "two.sqlite")])
    assert code == 0
    assert "is not the mission this campaign ran" in capsys.readouterr().err
    assert main(["run", str(passing), "--seed", "1", "--vary-from", str(db), "--tui"]) == 2
    assert "--vary-from cannot be watched with --tui yet" in capsys.readouterr().err
    assert main(["run", str(passing), "--seed", "12345", "--vary-from", str(db)]) == 2
    assert "no run with seed 12345" in capsys.readouterr().err
    # the campaign's folder for its database: before, "no such file" of a folder that is there
    assert main(["run", str(passing), "--seed", "1", "--vary-from", str(tmp_path / "r")]) == 2
    assert f"--vary-from {tmp_path / 'r'}: a folder: give {db}" in capsys.readouterr().err


def test_a_mission_that_cannot_succeed_is_refused_before_any_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD.replace("NAME", "boxed") + "waypoint pen at (31, 2)\nmain { go to pen }\n"
    path = write_mission(tmp_path, "boxed", text)
    world = tmp_path / "worlds" / "industrial_park.world"
    walls = ["(28, 0.5) to (34, 0.8)", "(28, 3.2) to (34, 3.5)", "(28, 0.5) to (28.3, 3.5)",
             "(33.7, 0.5) to (34, 3.5)"]
    world.write_text(world.read_text() + "".join(
        f"terrain wall{i}: obstacle rect {w} {{ height 1 m }}\n" for i, w in enumerate(walls)))
    code = main(["simulate", str(path), "--runs", "5", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 1
    # The checker now asks the planner's reachability itself, so the walled-in place is refused
    # by `mission check` (at the line that needs it), before the campaign's pre-check.
    assert "boxed.mission:5:14: error: `pen` cannot be reached from the dock `base`" in err
    assert not (tmp_path / "x" / "campaign.sqlite").exists()


def test_the_pre_check_refuses_a_battery_the_mission_cannot_do_without_a_dock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = HEAD.replace("battery 130 Wh  charge 80 %", "battery 1 Wh  charge 10 %")
    text = head.replace("NAME", "flat") + "main { go to towpath_east }\n"
    path = write_mission(tmp_path, "flat", text)
    world = tmp_path / "worlds" / "industrial_park.world"
    world.write_text(world.read_text().replace("dock base at (8, 1.5)\n", ""))
    code = main(["simulate", str(path), "--runs", "5", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot succeed: battery" in err and "no run was started" in err
    assert not (tmp_path / "x" / "campaign.sqlite").exists()


def test_bad_flags_are_one_line(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(passing), "--runs", "0"]) == 2
    assert "--runs 0: give at least 1 run" in capsys.readouterr().err


def test_a_trillion_runs_is_refused_before_any_is_planned(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    # before: it built a list of 10**12 jobs (hung, then out of memory)
    assert main(["simulate", str(passing), "--runs", str(10**12), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "mission: error: --runs 1000000000000: at most 1,000,000 runs in one campaign; run "
        "several campaigns with different --seed\n")
    assert not out.exists()


def test_more_workers_than_cores_runs_one_per_core(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse
    from contextlib import ExitStack

    from quadmission.campaign.executors import available_cores
    from quadmission.commands.simulate import _executor

    with ExitStack() as stack:  # before: a pool of 9999 processes, each loading the simulator
        executor = _executor(argparse.Namespace(ray=None, workers=9999), stack)
        assert executor.workers == available_cores()
    assert capsys.readouterr().err == (
        f"mission: note: --workers 9999: this process may use {available_cores()} cores; "
        f"running {available_cores()} workers\n")


@pytest.mark.slow
def test_crosscheck_on_pybullet(passing: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", str(passing), "--runs", "4", "--workers", "2", "--crosscheck", "2",
                 "--out", str(tmp_path / "x"), "--quiet"])
    out = capsys.readouterr().out
    assert code in (EXIT_OK, EXIT_UNDECIDED), out
    line = next(x for x in out.splitlines() if "outcome agreement" in x)
    assert "over 2 runs" in line and "duration ratio pybullet/twin" in line


def test_out_that_is_a_file_or_under_one_is_a_usage_error_naming_it(
    passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "report.txt"
    blocker.write_text("keep me")
    code = main(["simulate", str(passing), "--runs", "1", "--out", str(blocker), "--quiet"])
    assert code == 2
    assert (f"mission: error: --out {blocker}: not a folder; a campaign writes campaign.sqlite"
            in capsys.readouterr().err)
    under = blocker / "campaign"
    assert main(["simulate", str(passing), "--runs", "1", "--out", str(under), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mission: error: --out {under}: cannot write ") and "Errno" not in err
    assert blocker.read_text() == "keep me"


def test_a_stored_row_whose_seed_is_not_its_runs_is_refused(passing: Path, tmp_path: Path) -> None:
    # Before: an edited seed was judged as that run and printed as the seed that replays it.
    from quadmission.campaign.plan import run_seed
    from quadmission.campaign.result import RunResult
    from quadmission.campaign.store import StoreError

    db = tmp_path / "c.sqlite"
    store = CampaignStore(db)
    store.add([RunResult(0, run_seed(3, 0), "done", "success"), RunResult(1, 42, "done", "success")])
    store.close()
    with pytest.raises(StoreError, match=f"run 1 is stored with seed 42, but run 1 of campaign "
                                         f"seed 3 has seed {run_seed(3, 1)}"):
        _campaign(passing, db, InProcessExecutor(), runs=2)


def test_vary_from_another_programs_file_leaves_it_as_it_was(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: --vary-from created the campaign's tables inside the file it was given.
    other = tmp_path / "history.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE moz_places (id INTEGER)")
    before = other.read_bytes()
    assert main(["run", str(passing), "--seed", "1", "--vary-from", str(other)]) == 2
    assert "another program's SQLite file" in capsys.readouterr().err
    assert other.read_bytes() == before


def test_vary_from_a_pipe_or_a_symlink_loop_says_what_it_is(
        passing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    pipe, loop = tmp_path / "pipe", tmp_path / "loop"
    os.mkfifo(pipe)
    loop.symlink_to(loop)
    # before: "no such file" of both, which are there
    assert main(["run", str(passing), "--seed", "1", "--vary-from", str(pipe)]) == 2
    assert f"--vary-from {pipe}: a named pipe (FIFO), not a regular file" in capsys.readouterr().err
    assert main(["run", str(passing), "--seed", "1", "--vary-from", str(loop)]) == 2
    assert f"--vary-from {loop}: a symlink loop" in capsys.readouterr().err
