"""`mission check`: exit 0 clean (warnings allowed), 1 errors in files, 2 a path not checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from quadmission.cli import main
from tests.dsl.helpers import write


def test_check_clean_file(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(site / "good.mission")]) == 0
    assert capsys.readouterr().out == "ok: 1 file checked, no errors\n"


def test_check_warnings_still_exit_zero(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(site / "warn.mission")]) == 0
    err = capsys.readouterr().err
    assert "warning: waypoint `spare` is never used" in err and "0 errors, 1 warning" in err


def test_check_errors_exit_one_and_report_every_file(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(site / "bad.mission"), str(site / "good.mission"),
                 str(site / "w.world")])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{site / 'bad.mission'}:3:14: error: unknown place `gatee`" in err
    assert "    main { go to gatee }\n                 ^~~~~\n  hint: did you mean `gate`?" in err


def test_a_missing_file_is_named_and_the_others_are_still_checked(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(site / "good.mission"), str(site / "nope.mission")]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"mission: error: no such file: {site / 'nope.mission'}\n"
    assert captured.out == "1 file checked, no errors; 1 path not checked (see above)\n"
    # before: the bad file's errors were never shown, as nothing was checked
    assert main(["check", str(site / "nope.mission"), str(site / "bad.mission")]) == 2
    assert "unknown place `gatee`" in capsys.readouterr().err


def test_a_folder_is_checked_whole_between_files(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "bad.mission").unlink()
    write(site, {"lib/gate.mission": "task to_gate() { go to gate }\n",
                 "uses.mission": 'import "lib/gate.mission"\nmission "U"\nworld "w.world"\n'
                                 "main { to_gate() }\n"})
    # before: `mission: error: not a file` and exit 2, nothing checked
    assert main(["check", str(site / "good.mission"), str(site), str(site / "w.world")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "ok: 7 files checked, no errors\n"
    # the library alone does not know `gate`, which its importer's world declares: no error
    assert "unknown place" not in captured.err and "is never used" in captured.err


def test_a_folder_with_errors_and_an_empty_one(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "empty").mkdir()
    assert main(["check", str(site)]) == 1
    assert f"{site / 'bad.mission'}:3:14: error: unknown place `gatee`" in capsys.readouterr().err
    assert main(["check", str(site / "empty"), str(site)]) == 2  # a path not checked comes first
    err = capsys.readouterr().err
    assert err.startswith(f"mission: error: {site / 'empty'}: an empty folder: nothing to check\n")
    assert "unknown place `gatee`" in err


def test_check_accepts_what_show_refuses(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # runnable_diagnostics are for show/compile/run only: a nameless mission checks clean
    assert main(["check", str(site / "nameless.mission")]) == 0
    assert capsys.readouterr().err == ""
