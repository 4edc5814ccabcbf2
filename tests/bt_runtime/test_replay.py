"""Replay: a recorded run is told again in order, with a header and its outcome or "incomplete"."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.eventlog import EventLogReader, EventLogWriter
from bt_runtime.events import Alert
from bt_runtime.replay import replay_lines
from tests.bt_runtime import runlog_samples as samples


def write_run(path: Path, ticks: int, *, finish: bool, fall_at: int | None = None) -> None:
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.tree())
        for tick in range(ticks):
            for event in samples.tick_events(tick):
                if fall_at is not None and tick >= fall_at and event.TYPE == "telemetry":
                    event = samples.telemetry(tick, fallen=True)
                writer.append(event)
            writer.commit_tick()
        if finish:
            for event in samples.finished(ticks):
                writer.append(event)


def lines_of(path: Path, **options: object) -> list[str]:
    with EventLogReader(path) as reader:
        return list(replay_lines(reader, **options))  # type: ignore[arg-type]


def test_replay_tells_header_events_telemetry_and_outcome_in_order(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=241, finish=True)  # 12 s of sim time
    lines = lines_of(path, telemetry_every=5.0)
    assert lines[0] == "mission patrol  (missions/patrol.mission)"
    assert "seed 7" in lines[1] and "backend kinematic" in lines[1]
    assert "started 2026-11-18 11:06:40 UTC" in lines[1] and "tick rate 20 Hz" in lines[1]
    assert lines[2].startswith("versions: quadmission 0.1.0")
    assert lines[3] == "tree: 3 nodes"
    body = lines[4:]
    assert body[0] == "[    0.00s] status   patrol: INVALID -> RUNNING"
    assert body[2] == "[    0.00s] status   patrol/go to dock: INVALID -> RUNNING  (walking)"
    robot = [line for line in body if " robot " in line]
    # one summary at 0, 5 and 10 s, and the last sample (tick 240)
    assert [line[:11] for line in robot] == [
        "[    0.00s]",
        "[    5.00s]",
        "[   10.00s]",
        "[   12.00s]",
    ]
    assert "at (2.00, 0.00)" in robot[1] and "battery 99.0%" in robot[1] and "gait trot" in robot[1]
    fact = body.index("[    1.50s] fact     victims_found: 0 -> 1")
    alert = body.index("[    2.00s] WARNING  battery below 99.7 %  (at patrol/go to dock)")
    assert 0 < fact < alert < body.index(robot[1])
    assert "[    1.50s] fact     victim_found: False -> True" in body
    # the last sample is told in its own tick, before the finish
    assert body.index(robot[-1]) < body.index("[   12.05s] status   patrol: RUNNING -> SUCCESS")
    assert lines[-2] == "outcome: success after 12.05 s  (distance 4.82 m, energy 0.24 Wh)"
    assert lines[-1] == "  victims_found: 1"


def test_every_recorded_telemetry_change_of_state_is_told(tmp_path: Path) -> None:
    """Between two summary lines, a fall or a stuck robot is told when it happens."""
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        for tick in range(40):
            writer.append(samples.telemetry(tick, stuck=12 <= tick < 20))
            writer.commit_tick()
    robot = [line for line in lines_of(path, telemetry_every=100.0) if " robot " in line]
    assert [line[:11] for line in robot] == ["[    0.00s]", "[    0.60s]", "[    1.95s]"]
    assert robot[1].endswith("STUCK") and not robot[2].endswith("STUCK")


def test_an_unfinished_run_is_told_as_incomplete_and_falls_are_shown(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    write_run(path, ticks=50, finish=False, fall_at=33)
    lines = lines_of(path, telemetry_every=100.0)
    robot = [line for line in lines if " robot " in line]
    assert robot[0].startswith("[    0.00s]") and "FALLEN" not in robot[0]
    assert robot[1].startswith("[    1.65s]") and robot[1].endswith("FALLEN")
    assert lines[-1] == "outcome: incomplete (the run did not finish; last record at 2.45 s)"


def test_a_failed_run_names_the_failing_node(tmp_path: Path) -> None:
    from bt_runtime.events import RunFinished

    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(Alert(3, 0.15, "error", "robot fell", "patrol/go to dock"))
        writer.append(RunFinished(3, "failure", 0.15, 0.1, 0.0, {}, "patrol/go to dock", "fell"))
    lines = lines_of(path)
    assert lines[-3] == "[    0.15s] ERROR    robot fell  (at patrol/go to dock)"
    assert lines[-1] == "  failed at patrol/go to dock: fell"


def test_a_diverged_simulation_replays_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.telemetry(0, x=float("nan"), battery=float("inf")))
    lines = lines_of(path)
    assert "at (nan, 0.00)" in lines[-2] and "battery inf%" in lines[-2]


def test_the_summary_reads_in_units_and_names(tmp_path: Path) -> None:
    """It printed raw floats and lists (`battery: 62.54187502502173`, `victims: []`)."""
    from bt_runtime.events import RunFinished

    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.tree())
        for event in samples.tick_events(0):
            writer.append(event)
        writer.commit_tick()
        writer.append(RunFinished(0, "success", 0.0, 0.0, 0.0, {
            "battery": 62.54187502502173, "min_battery": 61.0, "victims": ["v1", "v2"],
            "intruders": [], "falls": 0, "odd": {"a": 1}, "distance": 12.345}))
    lines = lines_of(path)
    start = lines.index("  battery: 62.5 %")
    assert lines[start:start + 7] == [
        "  battery: 62.5 %", "  min_battery: 61.0 %", "  victims: v1, v2", "  intruders: none",
        "  falls: 0", "  odd: {'a': 1}", "  distance: 12.35"]
