"""The control seams: what satisfies Controller and Seekable."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import FakeController
from tui.control import FAULT_KINDS, Controller, Seekable
from tui.source import LiveSource, ReplaySource


def test_the_fake_and_the_replay_are_controllers_and_only_the_replay_seeks() -> None:
    replay = ReplaySource(Path("unused.sqlite"))
    assert isinstance(FakeController(), Controller)
    assert isinstance(replay, Controller) and isinstance(replay, Seekable)
    assert replay.controller is replay
    live = LiveSource("127.0.0.1", 1)
    assert live.controller is None and not isinstance(live, Seekable)
    assert FAULT_KINDS == ("push", "battery", "block")
