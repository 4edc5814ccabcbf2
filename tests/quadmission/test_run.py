"""``mission run``: check → compile → run, exit codes, the same refusals as show, kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bt_runtime.eventlog import EventLogError, EventLogReader
from quadmission.cli import main
from quadmission.commands.run import main as run_main
from tests.entry_point import mission_executable
from tests.quadmission.yard import MISSION, args_for, write


def test_run_main_success_writes_the_log_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "run.sqlite"
    code = run_main(
        args_for(str(write(tmp_path)), "--backend", "kinematic", "--seed", "3", "--log", str(log))
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "outcome:   SUCCESS" in out.out and "delivered: 1 (kit)" in out.out
    assert "seed 3" in out.err
    with EventLogReader(log) as reader:
        assert reader.run_started().seed == 3 and reader.run_started().backend == "kinematic"
        outcome = reader.outcome()
        assert outcome is not None and outcome.outcome == "success"


def test_run_main_mission_failure_exits_1_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the kit is at the depot, not at the shop: the pick-up fails at once with that reason
    path = write(tmp_path, MISSION.replace("pick up kit at depot", "pick up kit at shop"))
    code = run_main(
        args_for(
            str(path),
            "--backend",
            "kinematic",
            "--seed",
            "1",
            "--log",
            str(tmp_path / "r.sqlite"),
            "--quiet",
        )
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "outcome:   FAILURE" in out
    assert "failed at: Test shuttle/guard battery < 20 %/rest/pick up kit at shop" in out
    assert "cannot pick up kit: payload kit is not at station shop" in out


def test_run_main_bad_inputs_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = str(write(tmp_path))
    cases = [
        (args_for(str(tmp_path / "none.mission")), "no such file"),
        (args_for(good, "--backend", "kinematic", "--fault", "push@x"), "--fault 'push@x'"),
        (args_for(good, "--backend", "kinematic", "--stream", "nohost"), "--stream 'nohost'"),
        (
            args_for(good, "--backend", "kinematic", "--log", str(tmp_path / "no" / "x.sqlite")),
            "--log",
        ),
        (args_for(str(tmp_path)), f"{tmp_path}: a folder, not a file: give a .mission file in it"),
        # before: "a file is already there; a run log is never reused"
        (args_for(good, "--backend", "kinematic", "--log", str(tmp_path)),
         f"{tmp_path}: a folder; a run log is a file: give its name, e.g. {tmp_path / 'run.sqlite'}"),
    ]
    for args, expected in cases:
        assert run_main(args) == 2
        err = capsys.readouterr().err
        assert expected in err, err
        assert "Traceback" not in err


def test_run_main_errors_in_the_file_exit_1_like_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # was exit 2 before the exit-code table: errors in files are 1 for every command
    write(tmp_path)
    bad = tmp_path / "bad.mission"
    bad.write_text(MISSION.replace("go to depot", "go to depott"))
    assert main(["check", str(bad)]) == 1
    checked = capsys.readouterr().err
    assert run_main(args_for(str(bad), "--backend", "kinematic")) == 1
    err = capsys.readouterr().err
    assert "did you mean" in err and "Traceback" not in err
    assert err == checked


NAMELESS = MISSION.replace('mission "Test shuttle" { tick_rate 10 Hz  time_limit 10 min }\n', "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NAMELESS, "this mission has no `mission` declaration"),  # runnable_diagnostics
        ('world "yard.world"\ntask t() { go to depot }\n', "has no `main` block"),
    ],
)
def test_run_refuses_what_show_refuses_with_the_same_message(
    text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, text)
    assert main(["check", str(path)]) == 0  # `check` accepts it: only show/compile/run refuse
    capsys.readouterr()
    assert main(["show", str(path)]) == 1
    shown = capsys.readouterr()
    log = tmp_path / "never.sqlite"
    assert main(["run", str(path), "--backend", "kinematic", "--log", str(log)]) == 1
    ran = capsys.readouterr()
    assert expected in shown.err
    assert ran.err == shown.err and ran.out == shown.out == ""
    assert not log.exists()  # refused before anything was opened


def test_run_needs_a_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, 'mission "Nowhere"\nmain { wait 1 s }\n')
    assert main(["run", str(path), "--backend", "kinematic"]) == 1
    assert capsys.readouterr().err.endswith("the mission names no `world` to run in\n")


def test_kill_9_mid_run_leaves_a_log_that_replay_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "killed.sqlite"
    mission = mission_executable()
    assert mission is not None, "the `mission` console script is not installed (pip install -e .)"
    cmd = [
        mission,
        "run",
        str(write(tmp_path)),
        "--backend",
        "kinematic",
        "--seed",
        "1",
        "--realtime",
        "--quiet",
        "--log",
        str(log),
    ]
    proc = subprocess.Popen(cmd, cwd=os.getcwd(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if log.exists():
                try:
                    with EventLogReader(log) as reader:
                        if reader.last_sim_time() > 1.5:
                            break
                except EventLogError:  # not yet written far enough to read
                    continue
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with EventLogReader(log) as reader:
        assert reader.outcome() is None
        assert reader.last_sim_time() > 1.0
    assert main(["replay", str(log)]) == 0
    out = capsys.readouterr().out
    assert "Test shuttle" in out and "go to depot" in out
    assert main(["runs", str(tmp_path)]) == 0
    assert "incomplete" in capsys.readouterr().out





def test_cli_run_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(write(tmp_path))
    ok = main(
        [
            "run",
            path,
            "--backend",
            "kinematic",
            "--seed",
            "1",
            "--quiet",
            "--log",
            str(tmp_path / "a.sqlite"),
        ]
    )
    bad = MISSION.replace("pick up kit at depot", "pick up kit at shop")
    failing = write(tmp_path, bad).with_name("f.mission")
    failing.write_text(bad)
    failed = main(
        [
            "run",
            str(failing),
            "--backend",
            "kinematic",
            "--seed",
            "1",
            "--quiet",
            "--log",
            str(tmp_path / "b.sqlite"),
        ]
    )
    bad_flag = main(["run", path, "--backend", "gazebo"])
    capsys.readouterr()
    assert (ok, failed, bad_flag) == (0, 1, 2)




def test_run_judges_require_lines_and_exits_3_when_one_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that breaks its own ``require deliveries >= 2`` used to print SUCCESS, exit 0."""
    requires = ("require falls == 0\nrequire deliveries >= 2\nrequire duration <= 10 min\n"
                "require success >= 95 %\n")
    log = tmp_path / "r.sqlite"
    code = run_main(args_for(str(write(tmp_path, MISSION + requires)), "--backend", "kinematic",
                             "--seed", "1", "--log", str(log), "--quiet"))
    out = capsys.readouterr().out
    assert code == 3
    assert "outcome:   SUCCESS, but 1 requirement missed" in out
    assert "require:   falls == 0: met (measured 0)" in out
    assert "           deliveries >= 2: MISSED (measured 1)" in out
    assert "           success >= 95 %: judged by a campaign (over many runs)" in out
    assert main(["replay", str(log)]) == 0
    replayed = capsys.readouterr().out
    assert "  require deliveries >= 2: MISSED (measured 1)" in replayed
    assert "  require duration <= 600 s: met (measured " in replayed


def test_run_meeting_every_require_line_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MISSION + "require deliveries >= 1\nrequire success >= 95 %\n")
    code = run_main(args_for(str(path), "--backend", "kinematic", "--seed", "1", "--log",
                             str(tmp_path / "r.sqlite"), "--quiet"))
    assert code == 0
    assert "deliveries >= 1: met (measured 1)" in capsys.readouterr().out


def test_a_failed_run_exits_1_even_when_it_misses_a_requirement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MISSION.replace("pick up kit at depot", "pick up kit at shop")
                 + "require deliveries >= 1\n")
    code = run_main(args_for(str(path), "--backend", "kinematic", "--seed", "1", "--log",
                             str(tmp_path / "r.sqlite"), "--quiet"))
    assert code == 1
    assert "deliveries >= 1: MISSED (measured 0; the run did not succeed)" in capsys.readouterr().out


def test_the_run_header_records_the_physics_the_seed_drew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bt_runtime.seeds import RunSeeds
    from locomotion.variation import draw_variation
    from quadmission.loading import load_mission

    log = tmp_path / "r.sqlite"
    path = write(tmp_path)
    assert run_main(args_for(str(path), "--backend", "kinematic", "--seed", "4", "--log",
                             str(log), "--quiet")) == 0
    with EventLogReader(log) as reader:
        physics = reader.run_started().physics
    world = load_mission(str(path)).compiled.world
    assert world is not None
    drawn = draw_variation(world, RunSeeds.derive(4).backend_seed)  # the backend's seed child
    assert physics == drawn.to_json(world)
    assert {"start_dx_m", "added_mass_kg", "friction_scale.ground", "friction_scale.patch"} <= set(
        physics)
    capsys.readouterr()
    assert main(["replay", str(log)]) == 0
    assert "physics drawn by the seed: start_dx_m " in capsys.readouterr().out


def test_the_default_runs_folder_is_made_only_for_a_run_that_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A run refused for its flags leaves no ``runs/`` behind; a file named ``runs`` in the way is
    one message naming it, not a traceback."""
    path = str(write(tmp_path))
    monkeypatch.chdir(tmp_path)
    refused = main(["run", path, "--backend", "kinematic", "--quiet", "--stream", "nowhere"])
    assert refused == 2 and not (tmp_path / "runs").exists()
    (tmp_path / "runs").write_text("not a folder")
    blocked = main(["run", path, "--backend", "kinematic", "--quiet", "--seed", "1"])
    err = capsys.readouterr().err
    assert blocked == 2
    assert ("mission: error: cannot make the folder of run logs runs: a file is in the way; "
            "move it, or give --log PATH") in err
    assert "Traceback" not in err
