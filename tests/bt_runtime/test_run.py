"""``mission run`` / ``replay`` / ``runs`` functions: compile → run, exit codes, kill -9, progress."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bt_runtime.cli import build_parser, main
from bt_runtime.eventlog import EventLogError, EventLogReader
from bt_runtime.report import Progress
from bt_runtime.run import ProgressLine, default_log_path, load_mission, run_main, simulate
from locomotion.backend import make_backend

WORLD = """\
world "Test yard"
bounds (0, 0) to (30, 20)
terrain wall: obstacle rect (10, 0) to (11, 14) { height 2 m }
terrain patch: gravel rect (4, 8) to (8, 12)
dock base at (2, 2)
station depot at (4, 6)
station shop at (7, 2)
victim v1 at (6, 14)
payload kit 2 kg at depot
"""

MISSION = """\
mission "Test shuttle" { tick_rate 10 Hz  time_limit 10 min }
robot a1 { battery 100 Wh  charge 80 %  max_speed 0.6 m/s  payload 5 kg }
world "yard.world"
main {
    guard battery < 20 % { dock  charge until 90 % }
    go to depot
    pick up kit at depot
    go to shop
    drop off kit at shop
    if deliveries >= 1 { report "delivered" } else { alert "lost" }
    dock
}
"""


def write(folder: Path, mission: str = MISSION) -> Path:
    (folder / "yard.world").write_text(WORLD)
    path = folder / "shuttle.mission"
    path.write_text(mission)
    return path


def args_for(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["run", *argv])


def test_a_compiled_mission_runs_to_success_on_the_kinematic_backend(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    assert mission.name == "Test shuttle"
    report = simulate(mission, make_backend("kinematic"), seed=1, backend_name="kinematic")
    assert report.outcome == "success"
    assert report.delivered == ("kit",)
    assert report.distance > 10


def test_pick_up_and_drop_off_walk_to_their_stations(tmp_path: Path) -> None:
    # `pick up kit at depot` reads "go to the depot and pick it up": no `go to` needed.
    text = MISSION.replace("    go to depot\n", "").replace("    go to shop\n", "")
    mission = load_mission(str(write(tmp_path, text)))
    report = simulate(mission, make_backend("kinematic"), seed=1, backend_name="kinematic")
    assert report.outcome == "success"
    assert report.delivered == ("kit",)


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
    bad = tmp_path / "bad.mission"
    bad.write_text(MISSION.replace("go to depot", "go to depott"))
    cases = [
        (args_for(str(bad), "--backend", "kinematic"), "did you mean"),
        (args_for(str(tmp_path / "none.mission")), "no such file"),
        (args_for(good, "--backend", "kinematic", "--fault", "push@x"), "--fault 'push@x'"),
        (args_for(good, "--backend", "kinematic", "--stream", "nohost"), "--stream 'nohost'"),
        (
            args_for(good, "--backend", "kinematic", "--log", str(tmp_path / "no" / "x.sqlite")),
            "--log",
        ),
    ]
    for args, expected in cases:
        assert run_main(args) == 2
        err = capsys.readouterr().err
        assert expected in err, err
        assert "Traceback" not in err


def test_default_log_path_names_mission_time_and_seed() -> None:
    path = default_log_path("Night patrol: canal", 42)
    assert path.parent == Path("runs")
    assert path.name.startswith("night-patrol-canal-") and path.name.endswith("-42.sqlite")


def test_progress_line_updates_in_place_on_a_tty_and_is_sparse_otherwise() -> None:
    p = Progress(12.5, "go to depot", "walking to depot", 77.0, "flat", "trot", False)
    tty = io.StringIO()
    line = ProgressLine(tty, tty=True)
    line(p)
    line(p)
    line.close()
    assert tty.getvalue().count("\r") == 2 and tty.getvalue().endswith("\n")
    assert "go to depot: walking to depot" in tty.getvalue() and "77.0 %" in tty.getvalue()
    plain = io.StringIO()
    line = ProgressLine(plain, tty=False, every=30.0)
    for t in range(0, 100, 5):
        line(Progress(float(t), "a", "", 50.0, "flat", "trot", False))
    assert plain.getvalue().count("\n") == 4  # at 0, 30, 60, 90 s
    assert "\r" not in plain.getvalue()


def test_kill_9_mid_run_leaves_a_log_that_replay_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "killed.sqlite"
    # the entry point of the interpreter under test first: a `mission` earlier on PATH (another
    # checkout's) would run other code and write another log schema
    mission = shutil.which("mission", path=str(Path(sys.executable).parent)) or shutil.which(
        "mission"
    )
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


GUARDED = """\
mission "Guarded walk" { tick_rate 10 Hz }
robot a1 { battery 100 Wh  charge 80 % }
world "yard.world"
main {
    guard battery < 50 % {
        alert "battery low"
        dock
        charge until 90 %
    }
    go to (8, 16)
    report "arrived"
}
"""


class _Sink:
    def __init__(self) -> None:
        self.events: list[object] = []

    def append(self, event: object) -> None:
        self.events.append(event)

    def commit_tick(self) -> None:
        pass


def test_a_compiled_guard_preempts_the_walk_and_recovers(tmp_path: Path) -> None:
    from bt_runtime.events import StatusChanged
    from bt_runtime.faults import parse_fault

    mission = load_mission(str(write(tmp_path, GUARDED)))
    fault = parse_fault("battery@8s:drop=40", mission.compiled.world)
    sink = _Sink()
    report = simulate(
        mission,
        make_backend("kinematic"),
        seed=2,
        log=sink,
        faults=[fault],  # type: ignore[arg-type]
    )
    assert report.outcome == "success"
    assert report.alerts == 1 and report.battery >= 89.0
    walk = [
        (e.sim_time, e.old, e.new)
        for e in sink.events
        if isinstance(e, StatusChanged) and e.node_path.endswith("/go to (8, 16)")
    ]
    assert (8.0, "RUNNING", "INVALID") in [(round(t, 1), o, n) for t, o, n in walk]
    assert walk[-1][2] == "SUCCESS"


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


def test_a_start_in_an_obstacle_is_bad_input_not_a_traceback() -> None:
    from types import SimpleNamespace

    from py_trees.composites import Sequence

    from bt_runtime.run import Mission, MissionError
    from locomotion.world import Dock, ObstacleParams, Rect, TerrainKind, TerrainRegion, World

    world = World(
        "walled",
        Rect(0, 0, 10, 10),
        regions=(TerrainRegion("block", TerrainKind.OBSTACLE, Rect(1, 1, 3, 3), ObstacleParams()),),
        docks=(Dock("buried", (2.0, 2.0)),),
    )
    compiled = SimpleNamespace(
        name="m",
        root=Sequence("m", memory=True),
        tick_rate=10.0,
        time_limit=None,
        robot={},
        world=world,
    )
    with pytest.raises(MissionError, match="cannot start on the dock buried"):
        simulate(Mission("m.mission", "", compiled), make_backend("kinematic"), seed=1)
