"""Fixtures for the monitor's tests: recorded logs (made once per session), a fake controller, a
source that posts scripted messages, and helpers to drive an app without an async test plugin."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot

from tests.tui.recorded import record_failing, record_patrol
from tui.control import ControlError

SIZE = (160, 50)


@pytest.fixture(scope="session")
def patrol_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_patrol(tmp_path_factory.mktemp("patrol"))


@pytest.fixture(scope="session")
def failing_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record_failing(tmp_path_factory.mktemp("failing"))


class FakeController:
    """Records every call; refuses what ``refuse`` names."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.refuse = refuse

    def _call(self, *call: Any) -> None:
        if call[0] in self.refuse:
            raise ControlError(f"{call[0]} refused by the fake")
        self.calls.append(call)

    def pause(self) -> None:
        self._call("pause")

    def resume(self) -> None:
        self._call("resume")

    def step(self) -> None:
        self._call("step")

    def abort(self) -> None:
        self._call("abort")

    def set_speed(self, factor: float) -> None:
        self._call("speed", factor)

    def set_breakpoint(self, node_id: str, enabled: bool) -> None:
        self._call("breakpoint", node_id, enabled)

    def inject_fault(self, kind: str, params: Mapping[str, Any]) -> None:
        self._call("fault", kind, dict(params))


class ScriptedSource:
    """Posts the given messages when started (a live run's stand-in)."""

    def __init__(self, messages: list[Message], controller: Any = None) -> None:
        self.messages = messages
        self.controller = controller
        self.stopped = False

    def start(self, app: App[Any]) -> None:
        for message in self.messages:
            app.post_message(message)

    def stop(self) -> None:
        self.stopped = True


def drive(app: App[Any], script: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    """Run ``app`` headless at the test size and ``script`` against it."""

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await script(pilot)

    asyncio.run(main())


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app did not reach the expected state in time")
        await pilot.pause(0.02)
