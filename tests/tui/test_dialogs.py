"""The modal dialogs: escape cancels both; an empty region closes nothing."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import FakeController, drive, until
from tests.tui.test_app import app_with, running
from tui.widgets.dialogs import ConfirmAbort, FaultDialog


def test_escape_cancels_abort_and_fault_and_an_empty_region_is_no_fault() -> None:
    fake = FakeController()
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmAbort))
        await pilot.press("escape")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FaultDialog))
        await pilot.press("escape")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FaultDialog))
        await pilot.press("tab", "enter")
        await until(pilot, lambda: not isinstance(app.screen, FaultDialog))
        await pilot.press("1")  # back on the main screen: "1" filters the log, no push
        assert fake.calls == []

    drive(app, script)
