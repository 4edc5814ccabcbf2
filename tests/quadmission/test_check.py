"""`mission check`: exit 0 clean (warnings allowed), 1 errors in files, 2 missing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from quadmission.cli import main


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


def test_missing_file_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(site / "good.mission"), str(site / "nope.mission")]) == 2
    assert capsys.readouterr().err == f"mission: error: no such file: {site / 'nope.mission'}\n"
    assert main(["check", str(site)]) == 2
    assert "not a file" in capsys.readouterr().err


def test_check_accepts_what_show_refuses(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # runnable_diagnostics are for show/compile/run only: a nameless mission checks clean
    assert main(["check", str(site / "nameless.mission")]) == 0
    assert capsys.readouterr().err == ""
