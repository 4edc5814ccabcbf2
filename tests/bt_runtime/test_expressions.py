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


class _Recording:
    """A state view that notes every read, to compare what two evaluations asked for."""

    def __init__(self, inner: FakeState) -> None:
        self.inner, self.reads = inner, []

    def __getattr__(self, name: str):
        method = getattr(self.inner, name)

        def read(*args):
            self.reads.append((name, args))
            return method(*args)

        return read


_LEAVES = [
    E.Compare("battery", "<", 25.0, "%"), E.Compare("speed", ">=", 0.5),
    E.CounterCompare("victims_found", "==", 2), E.FactIs("docked"), E.FactIs("stuck"),
    E.FactIs("carrying", "medkit"), E.DistanceTo("origin", 0.0, 0.0, "<=", 5.0),
    E.TerrainIs("mud"), E.GaitIs("trot"), E.Const(False), E.Const(True),
]


def _random_expr(rng, depth: int) -> E.Expr:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(_LEAVES)
    kind = rng.choice(["and", "or", "not"])
    if kind == "not":
        return E.Not(_random_expr(rng, depth - 1))
    items = tuple(_random_expr(rng, depth - 1) for _ in range(rng.randint(2, 3)))
    return E.And(items) if kind == "and" else E.Or(items)


def test_compiled_expressions_read_and_answer_as_evaluate(state: FakeState) -> None:
    import random

    rng = random.Random(4)
    for _ in range(300):
        expr = _random_expr(rng, 3)
        walked, compiled = _Recording(state), _Recording(state)
        expected = E.evaluate(expr, walked)  # type: ignore[arg-type]
        got = E.compile_expr(expr)(compiled)  # type: ignore[arg-type]
        assert got == expected and type(got) is type(expected), expr.text()
        assert compiled.reads == walked.reads, expr.text()  # same reads, same short-circuits
