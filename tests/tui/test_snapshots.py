"""Screenshots (pytest-textual-snapshot, 160x50) of a running, a failed and a finished mission,
each replayed from a log recorded in the session, paused, so the picture is deterministic.

Review the SVGs in ``__snapshots__`` before accepting a change with ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import SIZE, until
from tui.app import MonitorApp, make_monitor
from tui.source import ReplaySource


def paused_at(log: Path, sim_time: float) -> tuple[MonitorApp, Any]:
    source = ReplaySource(log, playing=False)
    app = make_monitor(source, clock=lambda: 0.0)

    async def settle(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.end is not None)
        source.seek(sim_time)
        target = min(sim_time, app.model.end or 0.0)
        await until(pilot, lambda: app.model.position == target)
        await pilot.pause(0.2)

    return app, settle


def test_running_mission(snap_compare: Any, patrol_log: Path) -> None:
    app, settle = paused_at(patrol_log, 150.0)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_failed_mission(snap_compare: Any, failing_log: Path) -> None:
    app, settle = paused_at(failing_log, 1e9)

    async def then_jump(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=then_jump)


def test_finished_mission(snap_compare: Any, patrol_log: Path) -> None:
    app, settle = paused_at(patrol_log, 1e9)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)
