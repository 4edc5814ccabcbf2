"""`mission show`: the compiled tree on stdout; refusals exit 1 with the diagnostics on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from quadmission.cli import main


def test_show_prints_the_tree(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "good.mission")]) == 0
    assert capsys.readouterr().out == (
        "Good  [Sequence memory=True]\n"
        "├── go to gate  [GoTo target=gate@(5, 5)]\n"
        "└── wait 2 s  [Wait duration=2]\n")


def test_show_refuses_a_library(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "lib.mission")]) == 1
    err = capsys.readouterr().err
    assert f"{site / 'lib.mission'}:1:1: error: this mission has no `main` block" in err
    assert "no `mission` declaration" in err


def test_show_and_compile_refuse_files_with_errors(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "bad.mission")]) == 1
    assert main(["compile", str(site / "bad.mission"), "--format", "json"]) == 1
    assert capsys.readouterr().out == ""


def test_show_prints_warnings_and_the_tree(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "warn.mission")]) == 0
    out = capsys.readouterr()
    assert "warning: waypoint `spare` is never used" in out.err
    assert out.out.startswith("Warn  [Sequence memory=True]\n")


def test_show_of_a_missing_file_is_a_usage_error(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "nope.mission")]) == 2
    assert capsys.readouterr().err == f"mission: error: no such file: {site / 'nope.mission'}\n"
