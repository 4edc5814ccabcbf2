"""Runtime condition expressions: what a compiled ``if``/``guard`` condition evaluates each tick.

The compiler turns a checked condition into these frozen values with every quantity already in its
canonical unit, so evaluation is a pure function of the expression and a :class:`StateView` — the
small read-only window onto the robot that the runtime provides (tests use a fake one).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "OPERATORS",
    "And",
    "Compare",
    "Const",
    "CounterCompare",
    "DistanceTo",
    "Expr",
    "FactIs",
    "GaitIs",
    "Not",
    "Or",
    "StateView",
    "TerrainIs",
    "Test",
    "compile_expr",
    "evaluate",
]


@runtime_checkable
class StateView(Protocol):
    """What a condition may read about the robot, in canonical units (see bt_runtime.units)."""

    def value(self, name: str) -> float:
        """A robot state variable of the vocabulary (``battery`` in %, ``speed`` in m/s, ...)."""
        ...

    def fact(self, name: str, arg: str | None = None) -> bool:
        """A vocabulary fact; ``arg`` narrows it (``carrying`` + payload name)."""
        ...

    def counter(self, name: str) -> int:
        """A vocabulary counter (``victims_found``, ``alerts``, ...)."""
        ...

    def position(self) -> tuple[float, float, float]:
        """Where the robot's trunk is (m)."""
        ...

    def terrain(self) -> str:
        """The terrain kind the robot believes it stands on."""
        ...

    def gait(self) -> str:
        """The gait the robot walks with now."""
        ...


Test = Callable[["StateView"], bool]
"""An expression compiled to a plain function of the state view (see :func:`compile_expr`)."""

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _check_op(op: str) -> None:
    if op not in OPERATORS:
        raise ValueError(f"unknown comparison operator {op!r}: use one of {' '.join(OPERATORS)}")


def _num(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Const:
    """``true`` or ``false``."""

    value: bool

    def evaluate(self, state: StateView) -> bool:
        return self.value

    def text(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Compare:
    """A state variable compared with a canonical value; ``unit`` is only for display."""

    name: str
    op: str
    value: float
    unit: str = ""

    def __post_init__(self) -> None:
        _check_op(self.op)

    def evaluate(self, state: StateView) -> bool:
        return OPERATORS[self.op](state.value(self.name), self.value)

    def text(self) -> str:
        return f"{self.name} {self.op} {_num(self.value)}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class CounterCompare:
    """A counter compared with a whole number."""

    name: str
    op: str
    value: int

    def __post_init__(self) -> None:
        _check_op(self.op)

    def evaluate(self, state: StateView) -> bool:
        return OPERATORS[self.op](state.counter(self.name), self.value)

    def text(self) -> str:
        return f"{self.name} {self.op} {self.value}"


@dataclass(frozen=True)
class FactIs:
    """A fact holds (``docked``, ``carrying medkit``)."""

    name: str
    arg: str | None = None

    def evaluate(self, state: StateView) -> bool:
        return bool(state.fact(self.name, self.arg))

    def text(self) -> str:
        return self.name if self.arg is None else f"{self.name} {self.arg}"


@dataclass(frozen=True)
class DistanceTo:
    """Planar distance from the robot to a place (m) compared with ``value`` metres."""

    place: str
    x: float
    y: float
    op: str
    value: float

    def __post_init__(self) -> None:
        _check_op(self.op)

    def evaluate(self, state: StateView) -> bool:
        px, py, _ = state.position()
        return OPERATORS[self.op](math.hypot(px - self.x, py - self.y), self.value)

    def text(self) -> str:
        return f"distance to {self.place} {self.op} {_num(self.value)} m"


@dataclass(frozen=True)
class TerrainIs:
    """The robot believes it stands on this terrain kind."""

    kind: str

    def evaluate(self, state: StateView) -> bool:
        return state.terrain() == self.kind

    def text(self) -> str:
        return f"terrain is {self.kind}"


@dataclass(frozen=True)
class GaitIs:
    """The robot walks with this gait."""

    gait: str

    def evaluate(self, state: StateView) -> bool:
        return state.gait() == self.gait

    def text(self) -> str:
        return f"gait is {self.gait}"


@dataclass(frozen=True)
class And:
    """All of ``items`` hold (short-circuit, left to right)."""

    items: tuple[Expr, ...]

    def evaluate(self, state: StateView) -> bool:
        return all(item.evaluate(state) for item in self.items)

    def text(self) -> str:
        return " and ".join(_wrap(item, (Or,)) for item in self.items)


@dataclass(frozen=True)
class Or:
    """Any of ``items`` holds (short-circuit, left to right)."""

    items: tuple[Expr, ...]

    def evaluate(self, state: StateView) -> bool:
        return any(item.evaluate(state) for item in self.items)

    def text(self) -> str:
        return " or ".join(item.text() for item in self.items)


@dataclass(frozen=True)
class Not:
    """``item`` does not hold."""

    item: Expr

    def evaluate(self, state: StateView) -> bool:
        return not self.item.evaluate(state)

    def text(self) -> str:
        return "not " + _wrap(self.item, (And, Or))


Expr = (
    Const
    | Compare
    | CounterCompare
    | FactIs
    | DistanceTo
    | TerrainIs
    | GaitIs
    | And
    | Or
    | Not
)


def _wrap(expr: Expr, looser: tuple[type, ...]) -> str:
    return f"({expr.text()})" if isinstance(expr, looser) else expr.text()


def compile_expr(expr: Expr) -> Test:
    """``expr`` as one closure over the state view, for a condition evaluated every tick.

    Why: ``evaluate`` walks the frozen tree and looks the operator up by its symbol on every
    call; the closure does the lookups once. It reads the view through the same calls in the same
    order and returns what ``expr.evaluate`` returns (``And``/``Or``/``Not`` a ``bool``), so a run
    is unchanged. An expression type this function does not know is called through its own
    ``evaluate``.

    Args:
        expr: a runtime expression.

    Returns:
        A function of the state view: whether ``expr`` holds.
    """
    if isinstance(expr, Const):
        value = expr.value
        return lambda state: value
    if isinstance(expr, Compare):
        op, name, limit = OPERATORS[expr.op], expr.name, expr.value
        return lambda state: op(state.value(name), limit)
    if isinstance(expr, CounterCompare):
        op, name, count = OPERATORS[expr.op], expr.name, expr.value
        return lambda state: op(state.counter(name), count)
    if isinstance(expr, FactIs):
        name, arg = expr.name, expr.arg
        return lambda state: bool(state.fact(name, arg))
    if isinstance(expr, DistanceTo):
        return _compile_distance(expr)
    if isinstance(expr, TerrainIs):
        kind = expr.kind
        return lambda state: state.terrain() == kind
    if isinstance(expr, GaitIs):
        gait = expr.gait
        return lambda state: state.gait() == gait
    if isinstance(expr, And | Or):
        tests = tuple(compile_expr(item) for item in expr.items)
        if isinstance(expr, And):
            return lambda state: all(test(state) for test in tests)
        return lambda state: any(test(state) for test in tests)
    if isinstance(expr, Not):
        inner = compile_expr(expr.item)
        return lambda state: not inner(state)
    return expr.evaluate


def _compile_distance(expr: DistanceTo) -> Test:
    op, x, y, limit, hypot = OPERATORS[expr.op], expr.x, expr.y, expr.value, math.hypot

    def test(state: StateView) -> bool:
        px, py, _ = state.position()
        return op(hypot(px - x, py - y), limit)

    return test


def evaluate(expr: Expr, state: StateView) -> bool:
    """Evaluate ``expr`` against ``state``; pure (reads ``state``, changes nothing)."""
    return expr.evaluate(state)
