"""The `mission` command: exit codes (0 ok, 1 errors in files, 2 usage) and what it prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bt_runtime.cli import SUBCOMMANDS, Subcommand, main
from tests.dsl.helpers import WORLD, write

GOOD = 'mission "Good"\nworld "w.world"\nmain { go to gate  wait 2 s }\n'
WARN = 'mission "Warn"\nworld "w.world"\nwaypoint spare at (2, 2)\nmain { go to gate }\n'
BAD = 'mission "Bad"\nworld "w.world"\nmain { go to gatee }\n'
LIB = 'world "w.world"\ntask t() { go to gate }\n'


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    write(tmp_path, {"w.world": WORLD, "good.mission": GOOD, "warn.mission": WARN,
                     "bad.mission": BAD, "lib.mission": LIB})
    return tmp_path


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


@pytest.mark.parametrize("argv", [[], ["chek", "x"], ["check"], ["compile", "x"],
                                  ["compile", "x", "--format", "yaml"], ["show", "--bogus", "x"]])
def test_argparse_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: mission" in capsys.readouterr().err


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "check" in capsys.readouterr().out


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


def test_compile_formats(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = site / "tree.json"
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["mission"] == "Good"
    assert main(["compile", str(site / "good.mission"), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith('digraph "Good" {')
    assert main(["compile", str(site / "good.mission"), "--format", "btcpp-xml"]) == 0
    assert '<root BTCPP_format="4" main_tree_to_execute="MainTree">' in capsys.readouterr().out


def test_compile_to_unwritable_output(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = site / "no_such_dir" / "x.json"
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o",
                 str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_subcommands_can_be_added(capsys: pytest.CaptureFixture[str]) -> None:
    extra = Subcommand("hello", "say hello", lambda p: p.add_argument("who"),
                       "tests.bt_runtime.test_cli:_hello")
    assert main(["hello", "robot"], commands=(*SUBCOMMANDS, extra)) == 7
    assert capsys.readouterr().out == "hello robot\n"


def _hello(args: object) -> int:
    print(f"hello {args.who}")
    return 7


@pytest.mark.skipif(shutil.which("mission") is None, reason="entry point not installed")
def test_entry_point_runs(site: Path) -> None:
    done = subprocess.run(["mission", "check", str(site / "bad.mission")], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1 and "did you mean `gate`?" in done.stderr
    done = subprocess.run([sys.executable, "-m", "bt_runtime.cli", "check",
                           str(site / "good.mission")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.startswith("ok:")
