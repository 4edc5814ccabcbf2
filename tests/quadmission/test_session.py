"""The run session: simulate() assembles a run; run_session() closes all on every exit path."""

from __future__ import annotations

import io
import signal
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from locomotion.backends import make_backend
from quadmission.exit_codes import EXIT_USAGE
from quadmission.loading import Mission, MissionError, load_mission
from quadmission.session import (
    Openers,
    RunOptions,
    default_log_path,
    run_session,
    simulate,
)
from tests.bt_runtime.memory_sink import MemorySink
from tests.quadmission.yard import MISSION, write


def test_default_log_path_names_mission_time_and_seed() -> None:
    path = default_log_path("Night patrol: canal", 42)
    assert path.parent == Path("runs")
    assert path.name.startswith("night-patrol-canal-") and path.name.endswith("-42.sqlite")




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






def test_a_compiled_guard_preempts_the_walk_and_recovers(tmp_path: Path) -> None:
    from bt_runtime.events import StatusChanged
    from bt_runtime.faults import parse_fault

    mission = load_mission(str(write(tmp_path, GUARDED)))
    fault = parse_fault("battery@8s:drop=40", mission.compiled.world)
    sink = MemorySink()
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



def _buried() -> Mission:
    """A mission whose only dock is inside an obstacle (the checker would refuse such a world,
    so it is built by hand): the backend refuses the start."""
    from types import SimpleNamespace

    from py_trees.composites import Sequence

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
        variables={},
        world=world,
    )
    return Mission("m.mission", "", compiled)  # type: ignore[arg-type]


def test_a_start_in_an_obstacle_is_bad_input_not_a_traceback() -> None:
    with pytest.raises(MissionError, match="cannot start on the dock buried") as caught:
        simulate(_buried(), make_backend("kinematic"), seed=1)
    assert caught.value.exit_code == EXIT_USAGE


# --- run_session: one ExitStack, every exit path closes everything ---------------------------


class _Journal:
    """Records what the session opened and closed, in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []


class _Log:
    def __init__(self, journal: _Journal) -> None:
        self.journal = journal
        self.events: list[object] = []
        journal.lines.append("log opened")

    def append(self, event: object) -> None:
        self.events.append(event)

    def commit_tick(self) -> None:
        pass

    def close(self) -> None:
        self.journal.lines.append("log closed")


class _Stream:
    def __init__(self, journal: _Journal, fail_start: bool = False) -> None:
        self.journal = journal
        self.fail_start = fail_start

    def start(self) -> tuple[str, int]:
        from bt_runtime.stream import StreamError

        if self.fail_start:
            raise StreamError("cannot listen on 127.0.0.1:1: in use")
        self.journal.lines.append("stream started")
        return ("127.0.0.1", 1)

    def banner(self) -> str:
        return "live stream on 127.0.0.1:1"

    def publish(self, message: object) -> None:
        pass

    def poll_commands(self) -> list[object]:
        return []

    def close(self) -> None:
        self.journal.lines.append("stream closed")


class _Backend:
    """The kinematic twin, recording close(); ``explode_after`` steps in, step() raises."""

    def __init__(self, journal: _Journal, explode_after: int | None = None) -> None:
        self.journal = journal
        self.inner = make_backend("kinematic")
        self.explode_after = explode_after
        self.steps = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def step(self, dt: float) -> Any:
        self.steps += 1
        if self.explode_after is not None and self.steps > self.explode_after:
            raise RuntimeError("the simulator diverged")
        return self.inner.step(dt)

    def close(self) -> None:
        self.journal.lines.append("backend closed")
        self.inner.close()


def _openers(
    journal: _Journal, *, backend: Any = None, fail_stream: bool = False
) -> Openers:
    def open_backend(name: str, options: Mapping[str, Any]) -> Any:
        if backend == "refuse":
            raise MissionError("mission: error: --backend: no such simulator", EXIT_USAGE)
        journal.lines.append("backend opened")
        return backend if backend is not None else _Backend(journal)

    return Openers(
        log=lambda path: _Log(journal),
        stream=lambda host, port: _Stream(journal, fail_start=fail_stream),
        backend=open_backend,
    )


def _options(tmp_path: Path, **changes: Any) -> RunOptions:
    base: dict[str, Any] = {
        "backend": "kinematic", "seed": 1, "log": tmp_path / "r.sqlite",
        "stream": "127.0.0.1:0", "quiet": True,
    }
    return RunOptions(**{**base, **changes})


def test_a_session_runs_and_closes_everything_newest_first(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    before = signal.getsignal(signal.SIGINT)
    err = io.StringIO()
    result = run_session(mission, _options(tmp_path), err, _openers(journal))
    assert result.report.outcome == "success" and result.exit_code == 0
    assert result.seed == 1 and result.log_path == tmp_path / "r.sqlite"
    assert result.lines()[-1] == f"log:       {tmp_path / 'r.sqlite'} (seed 1, kinematic)"
    assert journal.lines == [
        "stream started", "log opened", "backend opened",
        "backend closed", "log closed", "stream closed",
    ]
    assert signal.getsignal(signal.SIGINT) == before
    assert "live stream on 127.0.0.1:1" in err.getvalue()


def test_a_backend_that_fails_to_build_leaves_log_and_stream_closed(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    with pytest.raises(MissionError, match="no such simulator") as caught:
        run_session(mission, _options(tmp_path), io.StringIO(), _openers(journal, backend="refuse"))
    assert caught.value.exit_code == EXIT_USAGE
    assert journal.lines == ["stream started", "log opened", "log closed", "stream closed"]


def test_an_exception_mid_run_closes_everything_and_restores_ctrl_c(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    backend = _Backend(journal, explode_after=20)
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(RuntimeError, match="diverged"):
        run_session(mission, _options(tmp_path, quiet=False), io.StringIO(),
                    _openers(journal, backend=backend))
    assert backend.steps > 20  # it really was mid-run
    assert journal.lines == [
        "stream started", "log opened", "backend opened",
        "backend closed", "log closed", "stream closed",
    ]
    assert signal.getsignal(signal.SIGINT) == before


def test_a_stream_that_cannot_start_is_closed_and_nothing_else_opens(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    with pytest.raises(MissionError, match="cannot listen") as caught:
        run_session(mission, _options(tmp_path), io.StringIO(),
                    _openers(journal, fail_stream=True))
    assert caught.value.exit_code == EXIT_USAGE
    assert journal.lines == ["stream closed"]


def test_a_bad_start_pose_closes_what_was_opened(tmp_path: Path) -> None:
    journal = _Journal()
    with pytest.raises(MissionError, match="cannot start on the dock buried") as caught:
        run_session(_buried(), _options(tmp_path), io.StringIO(), _openers(journal))
    assert caught.value.exit_code == EXIT_USAGE
    assert journal.lines == [
        "stream started", "log opened", "backend opened",
        "backend closed", "log closed", "stream closed",
    ]


def test_a_bad_fault_spec_opens_nothing(tmp_path: Path) -> None:
    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    with pytest.raises(MissionError, match="--fault 'push@x'"):
        run_session(mission, _options(tmp_path, faults=("push@x",)), io.StringIO(),
                    _openers(journal))
    assert journal.lines == []


def test_ctrl_c_during_a_run_aborts_it_and_the_log_is_closed(tmp_path: Path) -> None:
    import os

    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()

    class _Interrupting(_Backend):
        def step(self, dt: float) -> Any:
            self.steps += 1
            if self.steps == 30:
                os.kill(os.getpid(), signal.SIGINT)  # handled by the session: abort, not raise
            return self.inner.step(dt)

    result = run_session(mission, _options(tmp_path), io.StringIO(),
                         _openers(journal, backend=_Interrupting(journal)))
    assert result.report.outcome == "aborted" and result.exit_code == 130  # 128 + SIGINT
    assert journal.lines[-3:] == ["backend closed", "log closed", "stream closed"]


def test_sigterm_during_a_run_aborts_it_as_ctrl_c_does(tmp_path: Path) -> None:
    # Before: SIGTERM (kill, a service manager) killed the process mid-tick; the log read
    # "incomplete" and nothing said who stopped it.
    import os

    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()
    logs: list[_Log] = []

    class _Terminated(_Backend):
        def step(self, dt: float) -> Any:
            self.steps += 1
            if self.steps == 30:
                os.kill(os.getpid(), signal.SIGTERM)
            return self.inner.step(dt)

    before = signal.getsignal(signal.SIGTERM)
    openers = _openers(journal, backend=_Terminated(journal))
    openers = replace(openers, log=lambda path: logs.append(_Log(journal)) or logs[-1])
    result = run_session(mission, _options(tmp_path), io.StringIO(), openers)
    assert result.report.outcome == "aborted" and result.exit_code == 130
    assert journal.lines[-3:] == ["backend closed", "log closed", "stream closed"]
    assert signal.getsignal(signal.SIGTERM) == before
    assert any(getattr(e, "origin", "") == "SIGTERM" for e in logs[0].events)


def test_ctrl_c_before_the_executor_exists_interrupts_the_start_up(tmp_path: Path) -> None:
    import os

    mission = load_mission(str(write(tmp_path)))
    journal = _Journal()

    class _InterruptedAtReset(_Backend):
        def reset(self, *args: Any, **kwargs: Any) -> Any:
            os.kill(os.getpid(), signal.SIGINT)  # ignored before: no executor to abort yet
            return self.inner.reset(*args, **kwargs)

    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        run_session(mission, _options(tmp_path), io.StringIO(),
                    _openers(journal, backend=_InterruptedAtReset(journal)))
    assert journal.lines[-3:] == ["backend closed", "log closed", "stream closed"]
    assert signal.getsignal(signal.SIGINT) == before


def test_default_log_names_of_the_same_mission_and_seed_never_collide(tmp_path: Path) -> None:
    names = {default_log_path("Same", 7, str(tmp_path)) for _ in range(200)}
    assert len(names) == 200  # one name per second before: the second run failed
    taken = default_log_path("Same", 7, str(tmp_path))
    taken.write_bytes(b"")
    assert all(default_log_path("Same", 7, str(tmp_path)) != taken for _ in range(50))
