"""The text panels: header, telemetry, node detail, event log lines and the facts table."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import ScriptedSource, drive, until
from tests.tui.test_app import ROOT, opened, running
from tests.tui.test_model import sample
from tui.app import make_monitor
from tui.messages import AlertEntry, CommandEntry, FactEntry, Happened, StatusEntry
from tui.model import MonitorModel
from tui.widgets.event_log import entry_kind, entry_line
from tui.widgets.facts import FactsTable
from tui.widgets.node_detail import detail_text
from tui.widgets.run_header import header_text, timeline
from tui.widgets.telemetry import telemetry_text


def opened_model() -> MonitorModel:
    m = MonitorModel(mission="demo mission", source="main {\n  check the door\n}\n")
    m.open(ROOT)
    return m


def test_header_shows_mission_time_rtf_outcome_and_connection() -> None:
    m = opened_model()
    m.apply_state(12, 1.2, {}, (), {}, None)
    m.connection, m.realtime_factor, m.paused = "connected", 2.0, True
    text = header_text(m).plain
    assert "demo mission" in text and "t =     1.2 s" in text and "×2.0 real time" in text
    assert "PAUSED" in text and "RUNNING" not in text and "connected" in text  # one state word
    m.paused = False
    assert "RUNNING" in header_text(m).plain and "PAUSED" not in header_text(m).plain
    m.realtime_factor = None
    assert "real time" not in header_text(m).plain  # not measured yet: no "×–" placeholder
    m.finish("failure", 1.2, "0.0", "blocked")
    m.position, m.end, m.speed = 3.0, 9.0, 4.0
    text = header_text(m).plain
    assert "FAILURE: blocked" in text and "replay 3.0 / 9.0 s at ×4" in text
    assert "replay 3.0 / 9.0 s at ×4 ━━━━━━━━━●" in text
    assert timeline(0.0, 9.0, 5).plain == "●────" and timeline(9.0, 9.0, 5).plain == "━━━━●"
    assert "WAITING" in header_text(MonitorModel()).plain  # no run yet: no outcome claimed


def test_telemetry_text_has_terrain_gait_pose_and_falls() -> None:
    m = opened_model()
    assert telemetry_text(m).plain == "no telemetry yet"
    m.apply_entries([sample(1, terrain="gravel", gait="walk", fallen=True)])
    text = telemetry_text(m).plain
    assert "speed 0.50 m/s" in text and "gait walk" in text
    assert "terrain gravel (estimated) · not published (true)" in text
    assert "FALLEN · falls 1" in text
    m.apply_entries([sample(2, terrain="gravel", terrain_true="mud")])
    assert "gravel (estimated) · mud (true)" in telemetry_text(m).plain


def test_node_detail_shows_params_source_line_and_facts_read() -> None:
    m = opened_model()
    m.apply_entries([FactEntry(1, 0.1, "door_open", None, False),
                     StatusEntry(2, 0.2, "0.1.0.0", "INVALID", "FAILURE", "door is shut")])
    text = detail_text(m, "0.1.0.0").plain
    assert "check the door\nCondition  id 0.1.0.0" in text
    assert "failed: door is shut" in text and "expression = door_open" in text
    assert "source 2: check the door" in text and "reads door_open" in text
    assert detail_text(m, None).plain == "select a node to see its detail"


def test_event_log_lines_by_kind() -> None:
    m = opened_model()
    assert entry_kind(sample(1)) is None
    alert = entry_line(m, AlertEntry(1, 0.1, "warning", "low battery")).plain
    assert alert == "     0.1 s  warning low battery"
    status = entry_line(m, StatusEntry(1, 0.1, "0.0", "INVALID", "RUNNING", "walking")).plain
    assert status.endswith("status  walk to gate: INVALID → RUNNING (walking)")
    assert entry_line(m, CommandEntry(2.0, "pause")).plain.endswith("command pause")


def test_facts_table_highlights_the_last_change() -> None:
    app = make_monitor(ScriptedSource([opened(), running()]), clock=lambda: 0.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)
        table = app.query_one(FactsTable)
        app.post_message(Happened((FactEntry(6, 0.6, "victims", 0, 2),)))
        await until(pilot, lambda: table.row_count == 2)
        cell = table.get_cell("victims", "value")
        assert cell.plain == "2" and "reverse" in str(cell.style)
        assert "reverse" not in str(table.get_cell("door_open", "value").style)

    drive(app, script)
