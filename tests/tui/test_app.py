"""Every footer binding, driven with pilot against scripted messages and a fake controller."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import FakeController, ScriptedSource, drive, until
from tui.app import MonitorApp, make_monitor
from tui.messages import (
    AlertEntry,
    CommandEntry,
    FactEntry,
    Happened,
    NodeInfo,
    RunEnded,
    RunOpened,
    StateChanged,
    StatusEntry,
)
from tui.widgets.dialogs import ConfirmAbort, FaultDialog
from tui.widgets.event_log import EventLogView

LEAF_A = NodeInfo("0.0", "walk to gate", "GoTo", "demo/walk to gate")
LEAF_B = NodeInfo("0.1.0.0", "check the door", "Condition", "demo/task/body/check the door",
                  {"expression": "door_open"})
BODY = NodeInfo("0.1.0", "body", "Sequence", "demo/task/body", {}, (LEAF_B,))
TASK = NodeInfo("0.1", "task", "TaskCall", "demo/task", {}, (BODY,))
ROOT = NodeInfo("0", "demo", "Sequence", "demo", {}, (LEAF_A, TASK))


def opened() -> RunOpened:
    return RunOpened("demo mission", "kinematic", 3, 10.0, 'main {\n  check the door\n}\n', ROOT)


def running(tick: int = 5) -> StateChanged:
    statuses = {"0": "RUNNING", "0.0": "SUCCESS", "0.1": "RUNNING", "0.1.0": "RUNNING",
                "0.1.0.0": "RUNNING"}
    return StateChanged(tick, tick / 10, statuses, ("0", "0.1", "0.1.0", "0.1.0.0"),
                        {"door_open": False})


def failed() -> list[Any]:
    return [
        Happened((StatusEntry(9, 0.9, "0.1.0.0", "RUNNING", "FAILURE", "door is shut"),
                  AlertEntry(9, 0.9, "error", "the door did not open", "0.1.0.0"),
                  FactEntry(9, 0.9, "door_open", None, False))),
        RunEnded("failure", 0.9, 3.0, "0.1.0.0", "door is shut"),
    ]


def app_with(*messages: Any, controller: Any = None) -> MonitorApp:
    return make_monitor(ScriptedSource([opened(), *messages], controller), clock=lambda: 0.0)


def commands(app: MonitorApp) -> list[CommandEntry]:
    return [e for e in app.model.entries if isinstance(e, CommandEntry)]


def test_pause_resume_and_step_go_to_the_controller() -> None:
    fake = FakeController()
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)
        await pilot.press("p")
        assert fake.calls == [("pause",)] and app.model.paused
        await pilot.press("p")
        await pilot.press("n")
        assert fake.calls == [("pause",), ("resume",), ("step",)]
        assert [c.command for c in commands(app)] == ["pause", "resume", "step"]

    drive(app, script)


def test_abort_asks_first_and_only_yes_aborts() -> None:
    fake = FakeController()
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmAbort))
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmAbort))
        assert fake.calls == []
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmAbort))
        await pilot.press("y")
        await until(pilot, lambda: fake.calls == [("abort",)])
        app.post_message(RunEnded("aborted", 0.5, 1.0, None, "aborted by the operator"))
        await until(pilot, lambda: app.model.outcome == "aborted")
        assert not app.model.paused

    drive(app, script)


def test_faster_and_slower_double_and_halve_the_speed() -> None:
    fake = FakeController()
    app = app_with(controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("plus")
        await pilot.press("plus")
        await pilot.press("minus")
        assert fake.calls == [("speed", 2.0), ("speed", 4.0), ("speed", 2.0)]
        assert app.model.speed == 2.0

    drive(app, script)


def test_jump_to_the_failing_node_expands_the_collapsed_task_and_selects_it() -> None:
    app = app_with(running(), *failed())

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.outcome == "failure")
        tree = app.query_one("#tree")
        assert not tree.handles["0.1"].is_expanded  # tasks start collapsed
        await pilot.press("f")
        await until(pilot, lambda: tree.selected_id() == "0.1.0.0")
        assert tree.handles["0.1"].is_expanded
        assert "door is shut" in str(app.query_one("#detail").render())

    drive(app, script)


def test_follow_moves_the_cursor_with_the_active_node() -> None:
    app = app_with(running())

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)
        tree = app.query_one("#tree")
        assert tree.selected_id() != "0.1.0.0"
        await pilot.press("o")
        assert app.following
        await until(pilot, lambda: tree.selected_id() == "0.1.0.0")
        await pilot.press("o")
        assert not app.following

    drive(app, script)


def test_a_breakpoint_on_the_selected_node_goes_to_the_controller_and_shows() -> None:
    fake = FakeController()
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("down")  # root -> "walk to gate"
        await pilot.press("b")
        assert fake.calls == [("breakpoint", "0.0", True)]
        assert "◆" in str(app.query_one("#tree").handles["0.0"].label)
        await pilot.press("b")
        assert fake.calls[-1] == ("breakpoint", "0.0", False)
        assert "◆" not in str(app.query_one("#tree").handles["0.0"].label)

    drive(app, script)


def test_a_fault_from_the_monitor_goes_to_the_controller_and_shows_in_the_log() -> None:
    fake = FakeController()
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FaultDialog))
        await pilot.press("2")
        await until(pilot, lambda: fake.calls == [("fault", "battery", {"drop": 20.0})])
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FaultDialog))
        await pilot.press("tab", *"west_gap")
        await pilot.press("enter")
        await until(pilot, lambda: len(fake.calls) == 2)
        assert fake.calls[1] == ("fault", "block", {"region": "west_gap"})
        assert [c.command for c in commands(app)] == ["fault battery", "fault block"]
        lines = [str(line.text) for line in app.query_one(EventLogView).lines]
        assert any("fault block region=west_gap" in line for line in lines)

    drive(app, script)


def test_a_read_only_monitor_refuses_controls_in_the_log() -> None:
    app = app_with(running(), controller=None)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("p")
        assert not app.model.paused
        assert commands(app)[-1].detail == "refused: read-only monitor"

    drive(app, script)


def test_a_refused_control_is_logged_with_the_reason() -> None:
    fake = FakeController(refuse=("step",))
    app = app_with(running(), controller=fake)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("n")
        assert commands(app)[-1].detail == "refused: step refused by the fake"

    drive(app, script)


def test_search_finds_nodes_by_name_inside_collapsed_tasks() -> None:
    app = app_with(running())

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        assert app.query_one("#search").display
        await pilot.press(*"door", "enter")
        tree = app.query_one("#tree")
        await until(pilot, lambda: tree.selected_id() == "0.1.0.0")
        await pilot.press("escape")
        assert not app.query_one("#search").display

    drive(app, script)


def test_number_keys_filter_the_event_log() -> None:
    app = app_with(running(), *failed())

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.outcome == "failure")
        log = app.query_one(EventLogView)
        assert len(log.lines) == 3
        await pilot.press("2")  # hide status changes
        await pilot.press("3")  # hide facts
        assert log.shown_kinds == {"alerts", "commands"}
        assert [str(line.text).split()[2] for line in log.lines] == ["error"]
        await pilot.press("2")
        assert len(log.lines) == 2

    drive(app, script)


def test_seek_keys_say_seek_is_for_replays_on_a_live_run() -> None:
    app = app_with(running(), controller=FakeController())

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.model.position is None

    drive(app, script)


def test_quit_stops_the_source() -> None:
    source = ScriptedSource([opened()])
    app = make_monitor(source)

    async def script(pilot: Pilot[Any]) -> None:
        await pilot.press("q")

    drive(app, script)
    assert source.stopped


def test_a_message_still_in_flight_after_exit_does_not_touch_the_screen() -> None:
    app = app_with(running())

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)

    drive(app, script)
    assert not app.views.showing
    app.on_state_changed(running(9))  # a worker's last post, handled during teardown
    app.on_happened(failed()[0])
    assert app.model.tick == 5
