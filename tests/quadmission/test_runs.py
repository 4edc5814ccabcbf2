"""``mission runs [FOLDER|LOG]``: a table of recorded runs, found by content; a missing folder or
an unreadable log named alone is one line and exit 1."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quadmission.cli import main
from quadmission.commands.runs import list_folder
from tests.bt_runtime.test_replay import write_run


def test_runs_lists_runs_in_a_table(tmp_path: Path) -> None:
    write_run(tmp_path / "one.sqlite", ticks=10, finish=True)
    (tmp_path / "broken.sqlite").write_text("x" * 500)
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(tmp_path, out, err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "run",
        "mission",
        "started",
        "backend",
        "seed",
        "outcome",
        "duration",
        "log",
    ]
    assert lines[1].split()[:2] == ["broken", "?"] and "damaged" in lines[1]
    assert lines[1].endswith(str(tmp_path / "broken.sqlite"))
    assert "patrol" in lines[2] and "success" in lines[2] and "0.5 s" in lines[2]
    assert lines[2].endswith(str(tmp_path / "one.sqlite"))
    assert lines[3].startswith(f"{tmp_path / 'broken.sqlite'}: ")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert list_folder(empty, out, err) == 0 and out.getvalue().endswith(f"no runs in {empty}\n")
    assert list_folder(tmp_path / "nowhere", out, err) == 1 and "no such folder" in err.getvalue()


def test_a_success_that_missed_requirements_says_so(tmp_path: Path) -> None:
    """Such a run exits 3: the table must not show it as a plain success."""
    from bt_runtime.eventlog import EventLogWriter
    from bt_runtime.events import RunFinished
    from tests.bt_runtime import runlog_samples as samples

    verdicts = [{"metric": "duration", "op": "<=", "value": 1.0, "measured": 2.0, "met": False},
                {"metric": "falls", "op": "==", "value": 0, "measured": 0, "met": True},
                {"metric": "distance", "op": "<=", "value": 0.1, "measured": 0.4, "met": False}]
    for name, summary in (("missed", {"requirements": verdicts}),
                          ("one", {"requirements": verdicts[:2]}),
                          ("clean", {"requirements": verdicts[1:2]}),
                          ("tampered", {"requirements": "not a list"})):
        with EventLogWriter(tmp_path / f"{name}.sqlite") as writer:
            writer.append(samples.run_started())
            writer.append(samples.tree())
            *events, _finish = samples.finished(4)
            for event in events:
                writer.append(event)
            writer.append(RunFinished(4, "success", 0.2, 0.1, 0.0, summary))
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(tmp_path, out, err) == 0
    by_log = {line.rsplit("/", 1)[-1]: line for line in out.getvalue().splitlines()[1:]}
    assert "success, 2 requirements missed" in by_log["missed.sqlite"]
    assert "success, 1 requirement missed" in by_log["one.sqlite"]
    for plain in ("clean.sqlite", "tampered.sqlite"):
        assert "success" in by_log[plain] and "requirement" not in by_log[plain]


def test_runs_finds_a_log_of_any_name_and_counts_the_other_files(tmp_path: Path) -> None:
    """`mission run --log x.txt` writes a run log: before, `mission runs` never listed it."""
    write_run(tmp_path / "x.txt", ticks=10, finish=True)
    for name in ("notes.md", "plot.png", "report.txt", "more.csv"):
        (tmp_path / name).write_text("not a run")
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(tmp_path, out, err) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[1].endswith(str(tmp_path / "x.txt")) and "success" in lines[1]
    assert lines[2] == "4 other files skipped, not run logs: more.csv, notes.md, plot.png, ..."
    assert err.getvalue() == ""


def test_runs_takes_one_run_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_run(tmp_path / "x.txt", ticks=10, finish=True)
    write_run(tmp_path / "y.sqlite", ticks=10, finish=True)
    (tmp_path / "notes.md").write_text("not a run")
    assert main(["runs", str(tmp_path / "x.txt")]) == 0  # before: "no such folder of runs"
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].endswith(str(tmp_path / "x.txt"))
    assert main(["runs", str(tmp_path / "notes.md")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"error: {tmp_path / 'notes.md'}: not a readable run log "
                            "(file is not a database)\n")
    assert main(["runs", str(tmp_path / "nope.txt")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.txt'}: no such folder of runs, " \
        "or run log\n"


def test_replay_looks_a_run_id_up_among_logs_of_any_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bt_runtime.eventlog import EventLogWriter
    from tests.bt_runtime import runlog_samples as samples

    with EventLogWriter(tmp_path / "x.txt") as writer:
        writer.append(samples.run_started(run_id="20261201T120000Z-dddddd"))
        writer.append(samples.tree())
        for event in samples.finished(3):
            writer.append(event)
    assert main(["replay", "20261201T120000Z-d", "--runs", str(tmp_path)]) == 0
    assert "run 20261201T120000Z-dddddd" in capsys.readouterr().out


def test_a_run_logged_under_another_name_is_listed(tmp_path: Path) -> None:
    """`mission run --log runs/abort.db` wrote a run log that `mission runs runs` said was not
    there ("no runs in runs"); another program's database by such a name stays unlisted."""
    import sqlite3

    write_run(tmp_path / "abort.db", ticks=10, finish=True)
    sqlite3.connect(tmp_path / "notes.db").execute("create table t (x)").connection.close()
    (tmp_path / "readme.txt").write_text("not a database")
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(tmp_path, out, err) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[1].endswith(str(tmp_path / "abort.db"))
    assert "success" in lines[1]
    assert lines[2] == "2 other files skipped, not run logs: notes.db, readme.txt"
