"""A tally nobody wrote to since its last report answers ``changes()`` without merging its dicts,
and the robot writes its derived facts only when one of them changed; the changes reported are
the same as before either way."""

from __future__ import annotations

import pytest

from bt_runtime.robot_parts import Change, Tally
from tests.bt_runtime.runtime_world import make_context


def _tally() -> Tally:
    tally = Tally(("docked", "fallen"), ("falls", "alerts"))
    tally.declare("laps", 0)
    tally.mark_reported()
    return tally


def test_a_clean_tally_does_not_rebuild_its_values(monkeypatch: pytest.MonkeyPatch) -> None:
    tally = _tally()

    def boom() -> dict[str, object]:
        raise AssertionError("values() rebuilt for a clean tally")

    monkeypatch.setattr(tally, "values", boom)
    assert tally.changes() == []
    assert tally.changes() == []


def test_every_write_is_reported_once() -> None:
    tally = _tally()
    tally.count("falls")
    assert tally.changes() == [Change("falls", 0, 1)]
    assert tally.changes() == []
    tally.set_facts({"docked": True, "fallen": False})
    assert tally.changes() == [Change("docked", False, True)]
    tally.set_facts({"docked": True})  # written again, the same value: no change
    assert tally.changes() == []
    tally.set_variable("laps", 2)
    assert tally.changes() == [Change("laps", 0, 2)]
    tally.set_facts({"fallen": True})
    tally.set_facts({"fallen": False})  # flipped and back before the report: no change
    assert tally.changes() == []


def test_the_robot_rewrites_its_facts_only_when_one_changed(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    ctx = make_context(seed=1, start=(13.0, 3.0))
    writes: list[dict[str, bool]] = []
    tally = ctx._tally
    real = tally.set_facts

    def spy(values: dict[str, bool]) -> None:
        writes.append(dict(values))
        real(values)

    monkeypatch.setattr(tally, "set_facts", spy)
    for _ in range(20):
        assert ctx.step(0.1) == []  # standing still: nothing changes
    assert writes == []
    ctx.dock("home", (13.0, 3.0))
    assert len(writes) == 1 and writes[0]["docked"] is True
    assert [c.key for c in ctx.changes()] == ["docked"]
