"""``mission replay LOG``: the run on stdout; an unreadable log is one line on stderr and exit 1."""

from __future__ import annotations

import io
from pathlib import Path

from quadmission.commands.replay import replay
from tests.bt_runtime.test_replay import lines_of, write_run


def test_replay_writes_the_run_and_returns_zero(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=10, finish=True)
    out, err = io.StringIO(), io.StringIO()
    assert replay(path, out, err) == 0
    assert out.getvalue().splitlines() == lines_of(path)
    assert err.getvalue() == ""


def test_replay_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database" * 100)
    out, err = io.StringIO(), io.StringIO()
    assert replay(bad, out, err) == 1
    assert err.getvalue().startswith(f"error: {bad}: not a readable run log")
    assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
    assert replay(tmp_path / "missing.sqlite", out, err) == 1
    assert replay(bad, out, err, telemetry_every=0) == 2


def test_an_empty_file_and_a_period_that_is_not_a_number_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    out, err = io.StringIO(), io.StringIO()
    assert replay(empty, out, err) == 1  # SQLite would read it as an empty database
    assert err.getvalue() == f"error: {empty}: an empty file, not a run log\n"
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=3, finish=True)
    for every in (float("nan"), float("inf"), -1.0):
        err = io.StringIO()
        assert replay(path, out, err, telemetry_every=every) == 2
        assert err.getvalue() == "error: --every must be a positive number of seconds\n"
