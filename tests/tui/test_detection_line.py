"""The monitor lists each detection (what, where, how sure, by which action) with the alerts."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from bt_runtime.events import Detection, WorldChanged
from tests.tui.conftest import ScriptedSource, drive, until
from tests.tui.test_app import opened, running
from tests.tui.test_widgets_panels import opened_model
from tui.app import make_monitor
from tui.messages import DetectionEntry, Happened, MapEntry, entry_of
from tui.widgets.event_log import EventLogView, entry_kind, entry_line

FOUND = Detection(7, 0.7, "victim", "v1", 6.0, 14.04, 4.25, 0.8125, "search north for victim",
                  "main/search north for victim", "0.1")
LINE = ("     0.7 s  found   victim v1 at (6.0, 14.0), 4.2 m away, confidence 81 %, "
        "by search north for victim")


def test_a_detection_becomes_an_entry_listed_with_the_alerts() -> None:
    entry = entry_of(FOUND, {})
    assert entry == DetectionEntry(7, 0.7, FOUND)
    assert entry_kind(entry) == "alerts"
    assert entry_line(opened_model(), entry).plain == LINE
    found_on_map = entry_of(WorldChanged(7, 0.7, "found", "v1"), {})
    assert isinstance(found_on_map, MapEntry) and entry_kind(found_on_map) is None  # said above
    assert entry_kind(MapEntry(8, 0.8, "closed", "gap")) == "alerts"


def test_the_event_log_shows_the_detection_and_the_map_marks_it() -> None:
    app = make_monitor(ScriptedSource([opened(), running()]), clock=lambda: 0.0)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)
        entries = (entry_of(FOUND, {}), entry_of(WorldChanged(7, 0.7, "found", "v1"), {}))
        app.post_message(Happened(tuple(e for e in entries if e is not None)))
        view = app.query_one(EventLogView)
        await until(pilot, lambda: any("found   victim v1" in str(l.text) for l in view.lines))
        lines = [str(line.text) for line in view.lines]
        assert LINE.strip() in [line.strip() for line in lines]
        assert not any("map " in line and "v1 found" in line for line in lines)
        assert "v1" in app.model.found

    drive(app, script)
