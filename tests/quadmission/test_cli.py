"""The `mission` front: argparse usage errors (2), --help, adding a subcommand, the entry points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quadmission import exit_codes
from quadmission.cli import SUBCOMMANDS, Subcommand, main
from tests.entry_point import mission_executable


@pytest.mark.parametrize("argv", [[], ["chek", "x"], ["check"], ["compile", "x"],
                                  ["compile", "x", "--format", "yaml"], ["show", "--bogus", "x"]])
def test_argparse_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: mission" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["show"], ["compile", "--format", "json"],
                                     ["run", "--backend", "kinematic"], ["simulate", "--runs", "1"]])
def test_a_folder_where_one_mission_is_meant_is_a_usage_message(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command[0], str(tmp_path), *command[1:]]) == 2
    assert capsys.readouterr().err == (
        f"mission: error: {tmp_path}: a folder, not a file: give a .mission file in it "
        "(`mission check` takes folders)\n")


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "check" in capsys.readouterr().out


def test_subcommands_can_be_added(capsys: pytest.CaptureFixture[str]) -> None:
    extra = Subcommand("hello", "say hello", lambda p: p.add_argument("who"),
                       "tests.quadmission.test_cli:_hello")
    assert main(["hello", "robot"], commands=(*SUBCOMMANDS, extra)) == 7
    assert capsys.readouterr().out == "hello robot\n"


def _hello(args: object) -> int:
    print(f"hello {args.who}")  # type: ignore[attr-defined]
    return 7


def _interrupted(args: object) -> int:
    raise KeyboardInterrupt


def test_ctrl_c_outside_a_run_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    extra = Subcommand("stop", "be interrupted", lambda p: None,
                       "tests.quadmission.test_cli:_interrupted")
    assert main(["stop"], commands=(*SUBCOMMANDS, extra)) == exit_codes.EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err == "mission: interrupted\n"


def test_every_command_has_its_own_module_in_quadmission_commands() -> None:
    handlers = {c.name: c.handler for c in SUBCOMMANDS}
    assert handlers == {name: f"quadmission.commands.{name}:main"
                        for name in ("check", "show", "compile", "run", "simulate", "monitor",
                                     "replay", "runs")}


def test_the_exit_code_table() -> None:
    assert (exit_codes.EXIT_OK, exit_codes.EXIT_ERRORS, exit_codes.EXIT_FAILED,
            exit_codes.EXIT_USAGE, exit_codes.EXIT_MISSED, exit_codes.EXIT_UNDECIDED,
            exit_codes.EXIT_INTERRUPTED) == (0, 1, 1, 2, 3, 5, 130)
    doc = exit_codes.__doc__ or ""
    for name in exit_codes.__all__:
        assert f"``{name}``" in doc, name


def test_check_loads_neither_the_runtime_commands_nor_the_simulator(site: Path) -> None:
    script = ("import sys\nfrom quadmission.cli import main\n"
              "assert main(['check', sys.argv[1]]) == 0\n"
              "bad = sorted(m for m in sys.modules if m.startswith(('quadmission.commands.run', "
              "'quadmission.session', 'locomotion.pybullet', 'pybullet', 'textual', 'tui')))\n"
              "print('LOADED:' + ','.join(bad))\n")
    done = subprocess.run([sys.executable, "-c", script, str(site / "good.mission")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "LOADED:\n" in done.stdout


@pytest.mark.skipif(mission_executable() is None, reason="entry point not installed")
def test_entry_point_runs(site: Path) -> None:
    done = subprocess.run([str(mission_executable()), "check", str(site / "bad.mission")], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1 and "did you mean `gate`?" in done.stderr
    done = subprocess.run([sys.executable, "-m", "quadmission", "check",
                           str(site / "good.mission")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.startswith("ok:")


@pytest.mark.parametrize("seed", ["-1", "9223372036854775808", "x"])
def test_a_bad_seed_is_refused_by_the_argument_parser(
        seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "nothere.mission", "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert "argument --seed" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["show", "missions/patrol.mission"],
                                  ["compile", "missions/patrol.mission", "--format", "json"]])
def test_a_closed_pipe_ends_the_command_quietly(argv: list[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "quadmission", *argv], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader went away before the first byte (`| head -c0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "BrokenPipeError" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("argv", [["show", "missions/patrol.mission"],
                                  ["compile", "missions/patrol.mission", "--format", "json"]])
def test_a_full_stdout_is_one_error_line_not_a_traceback(argv: list[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    with open("/dev/full", "wb") as full:  # every write fails with ENOSPC (`> /dev/full`)
        done = subprocess.run([sys.executable, "-m", "quadmission", *argv], cwd=root,
                              stdout=full, stderr=subprocess.PIPE, timeout=60, check=False)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err == "mission: error: cannot write to standard output: No space left on device\n"
