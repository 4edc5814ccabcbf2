"""The monitor against a REAL run in the same process (``mission run --tui``'s wiring): the
kinematic twin paced to the wall clock, the executor on a worker thread, the app reading it
through the in-process stream. Every control goes through the footer's keys; what happened is
read back from the run log afterwards, so the log (not only the screen) is what these tests
judge."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from bt_runtime.eventlog import EventLogReader
from bt_runtime.events import Alert, OperatorCommand, StatusChanged
from bt_runtime.localstream import LocalStream
from quadmission.loading import load_mission
from quadmission.monitored import RunInMonitor
from quadmission.session import RunOptions
from tests.tui.conftest import drive, until
from tests.tui.recorded import ROOT, SHORT_MISSION
from tui.app import MonitorApp, make_monitor
from tui.source import LiveSource
from tui.widgets.dialogs import ConfirmAbort


@pytest.fixture
def short_mission(tmp_path: Path) -> Path:
    (tmp_path / "worlds").mkdir()
    shutil.copy(ROOT / "missions" / "worlds" / "industrial_park.world", tmp_path / "worlds")
    mission = tmp_path / "short.mission"
    mission.write_text(SHORT_MISSION)
    return mission


def start(mission: Path, log: Path) -> tuple[MonitorApp, RunInMonitor, LocalStream]:
    options = RunOptions(backend="kinematic", seed=2, log=log, realtime=True, quiet=True)
    local = LocalStream()
    run = RunInMonitor(load_mission(str(mission)), options, local)
    source = LiveSource("in-process", 0, token=local.token, connect=lambda h, p: local, retry=0.1)
    app = make_monitor(source)
    run.start()
    return app, run, local


def node_of_kind(app: MonitorApp, kind: str) -> str:
    return next(n.id for n in app.model.nodes.values() if n.kind == kind)


def test_pause_freezes_sim_time_and_step_advances_exactly_one_tick(
    short_mission: Path, tmp_path: Path
) -> None:
    app, run, local = start(short_mission, tmp_path / "run.sqlite")
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick >= 3)
        await pilot.press("p")
        await until(pilot, lambda: app.model.paused and run._executor is not None
                    and run._executor.paused)
        await asyncio.sleep(0.3)  # let the tick in flight land
        frozen = (run._executor.tick, run._executor.ctx.time)
        await asyncio.sleep(0.6)
        seen["frozen"] = (frozen, (run._executor.tick, run._executor.ctx.time))
        await pilot.press("n")
        await until(pilot, lambda: run._executor.tick == frozen[0] + 1)
        await asyncio.sleep(0.5)
        seen["stepped"] = (frozen[0], run._executor.tick)
        await until(pilot, lambda: app.model.tick == frozen[0] + 1)
        await pilot.press("q")

    try:
        drive(app, script)
    finally:
        local.close()
        run.stop()
    (before, after) = seen["frozen"]
    assert before == after  # paused: no tick, no sim time
    first, now = seen["stepped"]
    assert now == first + 1  # one step, one tick, and paused again
    assert run.result is not None and run.result.report.outcome == "aborted"  # quit aborts
    with EventLogReader(tmp_path / "run.sqlite") as reader:
        assert reader.outcome() is not None  # the log is finished
        commands = [(e.command, e.origin) for e in reader.events()
                    if isinstance(e, OperatorCommand)]
    assert ("pause", "local monitor") in commands
    assert ("step", "local monitor") in commands


def test_a_breakpoint_pauses_before_its_node_and_a_fault_from_the_monitor_is_logged(
    short_mission: Path, tmp_path: Path
) -> None:
    app, run, local = start(short_mission, tmp_path / "run.sqlite")
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.root is not None and app.model.tick >= 1)
        report = node_of_kind(app, "Report")
        app.views.tree.reveal(report)
        await pilot.pause()  # let the selection land before the key (a loaded machine is slow)
        await pilot.press("b")  # on the selected node: the report after the first walk
        await until(pilot, lambda: run._executor is not None
                    and report in run._executor.commands.breakpoints.ids(), timeout=30)
        await pilot.press("plus")  # faster: 2x real time
        await until(pilot, lambda: run._executor.commands.held == report, timeout=60)
        node = run._executor.commands.breakpoints._nodes[report]
        seen["status at the hold"] = node.status.value
        seen["statuses"] = app.model.stats[report].status
        await until(pilot, lambda: app.model.paused)
        await pilot.press("x")
        await pilot.press("2")  # battery drops 20 points, at the next tick
        await until(pilot, lambda: any("fault" in getattr(e, "command", "")
                                       for e in app.model.entries))
        await pilot.press("p")  # resume: the report ticks now
        await until(pilot, lambda: app.model.stats[report].status != "INVALID", timeout=20)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmAbort))
        await pilot.press("y")
        await until(pilot, lambda: app.model.outcome == "aborted", timeout=20)
        await pilot.press("q")

    try:
        drive(app, script)
    finally:
        local.close()
        run.stop()
    assert seen["status at the hold"] == "INVALID"  # held BEFORE the node ticked
    assert seen["statuses"] == "INVALID"
    with EventLogReader(tmp_path / "run.sqlite") as reader:
        events = list(reader.events())
        assert reader.outcome().outcome == "aborted"
    hold = next(i for i, e in enumerate(events) if isinstance(e, Alert)
                and e.message.startswith("breakpoint: paused before"))
    report_ticks = [i for i, e in enumerate(events) if isinstance(e, StatusChanged)
                    and e.node_path.endswith('report "at the gate"')]
    assert report_ticks and min(report_ticks) > hold  # no status of it before the hold
    faults = [e for e in events if isinstance(e, Alert)
              and e.message.startswith("fault injected by local monitor: battery dropped by 20")]
    assert len(faults) == 1 and faults[0].tick > events[hold].tick - 1
    assert any(isinstance(e, OperatorCommand) and e.command.startswith("speed")
               and e.origin == "local monitor" for e in events)
