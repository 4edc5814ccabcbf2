"""The executor: guards preempting, timeouts on sim time, determinism, limits, control, stream."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import py_trees
from py_trees.composites import Selector, Sequence
from py_trees.decorators import Inverter

from bt_runtime import behaviours as bh
from bt_runtime import expressions as E
from bt_runtime.eventlog import EventLogReader, EventLogWriter
from bt_runtime.events import (
    Alert,
    Event,
    FactChanged,
    RunFinished,
    Snapshot,
    StatusChanged,
    Telemetry,
)
from bt_runtime.executor import Executor
from bt_runtime.faults import BatteryFault
from bt_runtime.robot import RobotConfig
from bt_runtime.stream import StreamClient, StreamServer
from locomotion.backend import ContactInfo, Pose, RobotState, TerrainEstimate
from locomotion.world import TerrainKind
from tests.bt_runtime.runtime_world import make_context

FAR = bh.Place("far", 8.0, 2.0)


class ListSink:
    """An event sink in memory that counts commits."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.commits = 0

    def append(self, event: Event) -> None:
        self.events.append(event)

    def commit_tick(self) -> None:
        self.commits += 1


def guarded(rest: list[py_trees.behaviour.Behaviour]) -> Sequence:
    """The compiler's shape of ``guard battery < 50 % { dock  charge until 90 % }  rest...``."""
    condition = bh.Condition("battery < 50 %", E.Compare("battery", "<", 50.0, "%"))
    handler = Sequence(
        "handler", memory=True, children=[bh.Dock("dock"), bh.Charge("charge until 90 %", 90.0)]
    )
    when = Selector("when", memory=True, children=[Inverter("not", condition), handler])
    return Sequence(
        "guard", memory=False, children=[when, Sequence("rest", memory=True, children=rest)]
    )


def statuses(sink: ListSink, name: str) -> list[tuple[float, str, str]]:
    return [
        (e.sim_time, e.old, e.new)
        for e in sink.events
        if isinstance(e, StatusChanged) and e.node_path.endswith("/" + name)
    ]


def test_guard_preempts_the_running_go_to_halts_it_and_restarts_the_rest() -> None:
    ctx = make_context(start=(3.0, 2.0))
    goto = bh.GoTo("go to far", FAR)
    root = Sequence("mission", memory=True, children=[guarded([goto])])
    sink = ListSink()
    fault = BatteryFault(at=3.0, drop=40.0)
    report = Executor(root, ctx, 10.0, log=sink, faults=[fault]).run()
    assert report.outcome == "success"
    go = statuses(sink, "go to far")
    assert go[0][1:] == ("INVALID", "RUNNING")
    halted = [t for t, old, new in go if (old, new) == ("RUNNING", "INVALID")]
    assert halted and abs(halted[0] - 3.0) < 0.15  # preempted the tick the battery dropped
    dock = statuses(sink, "dock")
    assert dock[0][0] >= halted[0] and dock[0][2] == "RUNNING"
    charge_done = [t for t, _, new in statuses(sink, "charge until 90 %") if new == "SUCCESS"]
    restarts = [t for t, old, new in go if (old, new) == ("INVALID", "RUNNING")]
    assert len(restarts) == 2 and restarts[1] >= charge_done[0]
    assert go[-1][2] == "SUCCESS"
    assert ctx.distance_to(FAR.xy) < 0.4
    alerts = [e for e in sink.events if isinstance(e, Alert)]
    assert alerts[0].message.startswith("fault injected: battery dropped by 40 points")
    assert sink.commits >= report.ticks


def test_clock_timeout_fails_on_sim_time_and_reports_the_node_and_reason() -> None:
    ctx = make_context()
    timeout = bh.ClockTimeout("timeout 3 s", bh.GoTo("go to far", FAR), 3.0)
    root = Sequence("mission", memory=True, children=[timeout])
    sink = ListSink()
    report = Executor(root, ctx, 10.0, log=sink).run()
    assert report.outcome == "failure"
    assert 3.0 <= report.duration <= 3.3
    assert report.failure_path == "mission/timeout 3 s"
    assert report.failure_reason == "timed out after 3 s"
    finished = sink.events[-1]
    assert isinstance(finished, RunFinished) and finished.failure_reason == "timed out after 3 s"
    assert ctx.state is not None and ctx.state.nav_status == "idle"  # the go-to was halted


def test_an_action_failure_names_the_leaf() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Charge("charge until 90 %", 90.0)])
    report = Executor(root, ctx, 10.0).run()
    assert report.outcome == "failure"
    assert report.failure_path == "mission/charge until 90 %"
    assert report.failure_reason == "cannot charge: not docked (dock first)"
    assert any(line.startswith("reason:") for line in report.lines())


def run_logged(path: Path, seed: int) -> list[Event]:
    ctx = make_context(seed=seed, start=(13.0, 3.0))
    root = Sequence(
        "patrol",
        memory=True,
        children=[
            bh.GoTo("go to a", bh.Place("a", 18.0, 8.0)),
            bh.Scan("scan", "intruder", radius=8.0),
            bh.Report("say", "done"),
        ],
    )
    with EventLogWriter(path) as log:
        Executor(root, ctx, 10.0, log=log, telemetry_hz=0).run()
    with EventLogReader(path) as reader:
        events = list(reader.events())
        outcome = reader.outcome()
    assert outcome is not None
    return [*events, outcome]


def test_same_seed_gives_the_same_event_log(tmp_path: Path) -> None:
    first = run_logged(tmp_path / "a.sqlite", seed=7)
    second = run_logged(tmp_path / "b.sqlite", seed=7)
    assert first == second
    assert any(isinstance(e, FactChanged) and e.key == "intruder_seen" for e in first)
    other = run_logged(tmp_path / "c.sqlite", seed=8)
    assert other != first  # the intruder's walk and the detections depend on the seed


def test_battery_running_out_ends_the_run_with_the_reason() -> None:
    config = RobotConfig(battery_wh=100.0, initial_charge=0.02)
    ctx = make_context(config=config)
    root = Sequence("mission", memory=True, children=[bh.GoTo("go to far", FAR)])
    sink = ListSink()
    report = Executor(root, ctx, 10.0, log=sink).run()
    assert report.outcome == "failure"
    assert report.failure_reason is not None and report.failure_reason.startswith("battery empty")
    assert report.failure_path == "mission/go to far"
    assert any(isinstance(e, Alert) and e.severity == "error" for e in sink.events)


def test_time_limit_stops_the_run_and_halts_the_tree() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait 60 s", 60.0)])
    sink = ListSink()
    report = Executor(root, ctx, 10.0, time_limit=2.0, log=sink).run()
    assert report.outcome == "failure" and report.failure_reason == "time limit of 2 s reached"
    assert abs(report.duration - 2.0) < 0.05
    last = [e for e in sink.events if isinstance(e, StatusChanged)][-1]
    assert last.new == "INVALID"  # the tree was halted cleanly
    assert root.status == py_trees.common.Status.INVALID


def test_report_and_alert_lines_become_alerts_and_count() -> None:
    ctx = make_context()
    root = Sequence(
        "mission", memory=True, children=[bh.Report("r", "hello"), bh.Alert("a", "careful")]
    )
    sink = ListSink()
    report = Executor(root, ctx, 10.0, log=sink).run()
    alerts = [
        (e.severity, e.message, e.node_path, e.node_id) for e in sink.events if isinstance(e, Alert)
    ]
    assert alerts == [
        ("info", "hello", "mission/r", "0.0"),
        ("warning", "careful", "mission/a", "0.1"),
    ]
    assert report.alerts == 1
    counted = [e for e in sink.events if isinstance(e, FactChanged) and e.key == "alerts"]
    assert [(e.old, e.new) for e in counted] == [(0, 1)]  # counters change through FactChanged


def test_alerts_of_two_nodes_with_the_same_name_are_told_apart_by_id() -> None:
    """Names are not unique: each line is attributed to the node object that wrote it."""
    ctx = make_context()
    first = Sequence("step", memory=True, children=[bh.Alert("warn", "from the first")])
    second = Sequence("step", memory=True, children=[bh.Alert("warn", "from the second")])
    root = Sequence("mission", memory=True, children=[first, second])  # both write in one tick
    sink = ListSink()
    Executor(root, ctx, 10.0, log=sink).run()
    alerts = [(e.message, e.node_id, e.node_path) for e in sink.events if isinstance(e, Alert)]
    assert alerts == [
        ("from the first", "0.0.0", "mission/step/warn"),
        ("from the second", "0.1.0", "mission/step/warn"),
    ]


def test_the_tree_is_ticked_through_py_trees_own_tick_and_hooks() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 0.45)])
    ex = Executor(root, ctx, 10.0)
    seen: list[int] = []
    ex.tree.add_post_tick_handler(lambda tree: seen.append(tree.count))
    report = ex.run()
    assert ex.tree.count == report.ticks == 6  # t = 0.0 ... 0.5 s
    assert seen == list(range(6))  # any other py_trees handler rides along


def test_a_snapshot_holds_every_fact_and_counter_by_name() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1e6)])
    ex = Executor(root, ctx, 10.0)
    ex.tick_once()
    snap = ex._snapshot(ex._telemetry())
    assert snap.facts == ctx.snapshot_values()
    assert {"docked", "victims_found", "alerts", "falls"} <= snap.facts.keys()
    assert snap.statuses == {"0": "RUNNING", "0.0": "RUNNING"}


def test_pause_single_step_and_abort_from_another_thread() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1e6)])
    ex = Executor(root, ctx, 10.0)
    ex.pause()
    thread = threading.Thread(target=ex.run)
    thread.start()
    time.sleep(0.1)
    assert ex.tick == 0 and ex.paused
    ex.step()
    deadline = time.monotonic() + 2
    while ex.tick < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert ex.tick == 1
    ex.resume()
    time.sleep(0.1)
    assert ex.tick > 1
    ex.abort()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert ex.report is not None and ex.report.outcome == "aborted"
    assert ex.report.failure_path == "mission/wait"


def test_realtime_paces_ticks_to_the_wall_clock() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 0.5)])
    start = time.monotonic()
    report = Executor(root, ctx, 10.0, realtime=True).run()
    assert report.outcome == "success"
    assert time.monotonic() - start >= 0.45


def test_stream_gets_events_and_snapshots_and_can_abort() -> None:
    ctx = make_context()
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1e6)])
    with StreamServer() as server:
        host, port = server.start()
        ex = Executor(root, ctx, 10.0, stream=server, realtime=True)
        thread = threading.Thread(target=ex.run)
        thread.start()
        with StreamClient(host, port) as client:
            got_snapshot = None
            for message in client.messages(timeout=3):
                if isinstance(message, Snapshot):
                    got_snapshot = message
                    break
            assert got_snapshot is not None
            assert got_snapshot.statuses["0"] == "RUNNING"
            assert got_snapshot.active_path == ("0", "0.0")
            client.send_command("abort", server.token)
            thread.join(timeout=5)
            finished = [m for m in client.messages(timeout=1) if isinstance(m, RunFinished)]
    assert not thread.is_alive()
    assert finished and finished[0].outcome == "aborted"


class ScriptedBackend:
    """Stands still; terrain, gait, stuck and fallen change at scripted simulated times."""

    SCRIPT = ((0.35, "terrain"), (0.55, "gait"), (0.75, "stuck"), (0.95, "fallen"))

    terrain_map: object = None

    def reset(
        self, world: object, start: Pose, seed: int | None = None, terrain: object = None
    ) -> RobotState:
        self.terrain_map = terrain
        self.state = RobotState(
            time=0.0,
            pose=start,
            velocity=(0.0, 0.0, 0.0),
            terrain=TerrainEstimate(TerrainKind.FLAT, TerrainKind.FLAT, 1.0),
            gait="trot",
            energy_used=0.0,
            fallen=False,
            stuck=False,
            contacts=ContactInfo((True, True, True, True)),
        )
        return self.state

    def command(self, command: object) -> None:
        pass

    def step(self, dt: float) -> RobotState:
        now = self.state.time + dt
        changed: dict[str, object] = {"time": now}
        for at, what in self.SCRIPT:
            if abs(now - at) < 1e-6:
                changed[what] = {
                    "terrain": TerrainEstimate(TerrainKind.MUD, TerrainKind.MUD, 1.0),
                    "gait": "crawl",
                    "stuck": True,
                    "fallen": True,
                }[what]
        self.state = dataclasses.replace(self.state, **changed)  # type: ignore[arg-type]
        return self.state

    def apply_push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        pass

    def set_payload(self, mass: float) -> None:
        pass

    def close(self) -> None:
        pass


def test_each_change_of_terrain_gait_stuck_and_fallen_is_logged_when_it_happens(
    tmp_path: Path,
) -> None:
    from bt_runtime.assembly import build_context
    from tests.bt_runtime.runtime_world import WORLD

    ctx = build_context(ScriptedBackend(), WORLD, RobotConfig(), seed=1)  # type: ignore[arg-type]
    ctx.start(Pose(2.0, 2.0))
    root = Sequence("mission", memory=True, children=[bh.Wait("wait", 1.4)])
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as log:
        Executor(root, ctx, 20.0, log=log, telemetry_hz=1.0).run()  # 1 Hz: changes stand out
    with EventLogReader(path) as reader:
        samples = [e for e in reader.events() if isinstance(e, Telemetry)]
    kept = [round(e.sim_time, 2) for e in samples]
    assert kept == [0.05, 0.35, 0.55, 0.75, 0.95, 1.0, 1.45]  # grid, four changes, grid, last
    assert (samples[1].terrain, samples[2].gait, samples[3].stuck, samples[4].fallen) == (
        "mud",
        "crawl",
        True,
        True,
    )
    assert not samples[0].stuck and samples[0].terrain == "flat"


def test_tree_ids_are_positions() -> None:
    root = Sequence("m", memory=True, children=[bh.Succeed("a"), bh.Wait("b", 1.0)])
    executor = Executor(root, make_context(), 10.0)
    node = executor.definition
    assert [c.id for c in node.children] == ["0.0", "0.1"]
    assert node.children[1].params == {"duration": 1.0}



def test_pybullet_smoke_a_short_walk_succeeds() -> None:
    """The same executor and runners drive the physics backend (a few simulated seconds)."""
    from bt_runtime.assembly import build_context
    from locomotion.backend import Pose
    from locomotion.backends import make_backend
    from locomotion.world import Rect, World

    world = World("flat", Rect(0, 0, 10, 6))
    ctx = build_context(make_backend("pybullet"), world, RobotConfig(), 1)
    try:
        ctx.start(Pose(2.0, 3.0))
        goal = bh.Place("p", 4.5, 3.0)
        root = Sequence("m", memory=True, children=[bh.GoTo("go", goal), bh.Report("r", "ok")])
        report = Executor(root, ctx, 10.0, time_limit=30.0).run()
    finally:
        ctx.backend.close()
    assert report.outcome == "success", report.failure_reason
    assert ctx.distance_to(goal.xy) < 0.4
    assert report.energy > 0
