"""Runtime condition expressions evaluated against a fake state view."""

from __future__ import annotations

import pytest

from bt_runtime import expressions as E
from tests.dsl.helpers import FakeState


@pytest.fixture()
def state() -> FakeState:
    s = FakeState(battery=30.0, speed=0.5, pitch=2.0)
    s.facts = {"docked": True, "carrying medkit": True}
    s.counters = {"victims_found": 2}
    s.pos = (3.0, 4.0, 0.0)
    s.ground = "mud"
    s.walk = "crawl"
    return s


@pytest.mark.parametrize(("expr", "expected"), [
    (E.Compare("battery", "<", 25.0, "%"), False),
    (E.Compare("battery", ">=", 30.0, "%"), True),
    (E.Compare("speed", "!=", 0.5), False),
    (E.CounterCompare("victims_found", "==", 2), True),
    (E.FactIs("docked"), True),
    (E.FactIs("carrying", "medkit"), True),
    (E.FactIs("carrying", "water"), False),
    (E.FactIs("stuck"), False),
    (E.DistanceTo("origin", 0.0, 0.0, "<=", 5.0), True),
    (E.DistanceTo("origin", 0.0, 0.0, "<", 5.0), False),
    (E.TerrainIs("mud"), True),
    (E.GaitIs("trot"), False),
    (E.Const(True), True),
    (E.Not(E.FactIs("docked")), False),
    (E.And((E.FactIs("docked"), E.TerrainIs("mud"))), True),
    (E.Or((E.FactIs("stuck"), E.GaitIs("crawl"))), True),
])
def test_evaluate(state: FakeState, expr: E.Expr, expected: bool) -> None:
    assert E.evaluate(expr, state) is expected


def test_evaluation_short_circuits(state: FakeState) -> None:
    missing = E.Compare("no_such_value", "<", 1.0)
    assert E.evaluate(E.Or((E.Const(True), missing)), state) is True
    assert E.evaluate(E.And((E.Const(False), missing)), state) is False


def test_text_round_trips_precedence() -> None:
    expr = E.And((E.Not(E.Or((E.FactIs("docked"), E.FactIs("stuck")))),
                  E.Or((E.Compare("battery", "<", 25.0, "%"), E.GaitIs("crawl")))))
    assert expr.text() == "not (docked or stuck) and (battery < 25 % or gait is crawl)"
    assert E.DistanceTo("gate", 1, 2, "<", 3.0).text() == "distance to gate < 3 m"


def test_bad_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown comparison operator '=<'"):
        E.Compare("battery", "=<", 1.0)


def test_fake_state_is_a_state_view(state: FakeState) -> None:
    assert isinstance(state, E.StateView)


def test_expressions_are_frozen() -> None:
    expr = E.FactIs("docked")
    with pytest.raises(AttributeError):
        expr.name = "stuck"  # type: ignore[misc]
