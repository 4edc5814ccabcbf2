"""The shapes of the language's vocabulary: what an action, a parameter or a property is.

Pure data types, kept apart from the entries themselves (:mod:`bt_runtime.vocabulary`) so that each
module stays short; neither imports anything but the standard library and :mod:`bt_runtime.units`,
so the checker can read the vocabulary without loading py_trees. All defaults and ranges are in the
canonical unit of their dimension (see :mod:`bt_runtime.units`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from types import MappingProxyType
from typing import Any

from bt_runtime.units import Dimension

__all__ = [
    "REQUIRED",
    "ActionSpec",
    "FactSpec",
    "Form",
    "ParamKind",
    "ParamSpec",
    "PropertySpec",
    "Range",
    "StateVar",
    "TypeSpec",
]


class _Required:
    """Marker for a parameter without a default."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class ParamKind(str, Enum):
    """What kind of value a parameter takes (what the checker resolves a written value to)."""

    QUANTITY = "quantity"  # a number with a unit of ``dimension``
    INT = "int"  # a bare whole number (a count)
    NUMBER = "number"  # a bare number
    PLACE = "place"  # a waypoint, station or dock name, or a point
    ROUTE = "route"
    AREA = "area"
    PAYLOAD = "payload"
    STATION = "station"
    DOCK = "dock"
    CHOICE = "choice"  # one name out of ``choices``
    TEXT = "text"  # a string


@dataclass(frozen=True)
class Range:
    """Allowed interval of a value in canonical units; open ends exclude the bound."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (NaN never does)."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self, unit: str = "") -> str:
        """Human wording such as "> 0 s", "between 0 and 100 %" or "> 0 and <= 100 %".

        "between" is only said when both ends are included: an open end (the bound itself is
        refused) is spelled with its strict operator, so ``charge until 0 %`` is not told that
        0 would do.
        """
        sfx = f" {unit}" if unit else ""
        low = f"{'>' if self.low_open else '>='} {_fmt(self.low)}"
        high = f"{'<' if self.high_open else '<='} {_fmt(self.high)}"
        if math.isinf(self.high):
            return f"{low}{sfx}"
        if math.isinf(self.low):
            return f"{high}{sfx}"
        if self.low_open or self.high_open:
            return f"{low} and {high}{sfx}"
        return f"between {_fmt(self.low)} and {_fmt(self.high)}{sfx}"


def _fmt(value: float) -> str:
    if value.is_integer() and 1e6 <= abs(value) < 1e15:  # 1,000,000, not 1e+06
        return f"{value:,.0f}"
    return f"{value:g}"


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an action: how it is written, checked and passed to the behaviour.

    ``word`` is the keyword written before the value (``for`` in ``scan zone for victim``), so a
    node name can spell the action the way the operator wrote it.
    """

    name: str
    kind: ParamKind
    doc: str
    dimension: Dimension | None = None
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    range: Range | None = None
    word: str = ""

    @property
    def required(self) -> bool:
        """True when the parameter has no default."""
        return self.default is REQUIRED


@dataclass(frozen=True)
class Form:
    """One grammar alternative of an action: its ``-> alias`` in mission.lark and the parameters
    its children fill, in order (a child that is None, an omitted ``[...]``, fills nothing)."""

    alias: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class ActionSpec:
    """An action of the language: its key, spelling, parameters, grammar forms and documentation.

    No behaviour class here: :mod:`bt_runtime.bindings` maps the key to one, so the checker can read
    this without importing py_trees. ``forms`` empty means one alternative aliased as the key whose
    children are all the parameters in order; ``words`` empty means the key with spaces.
    ``moves`` says the action commands the legs (walks, turns, stands, sits): the backend follows
    one such command at a time, so the checker refuses two that can run at once.
    """

    key: str
    syntax: str
    params: tuple[ParamSpec, ...]
    doc: str
    forms: tuple[Form, ...] = ()
    words: str = ""
    moves: bool = False

    @cached_property
    def by_name(self) -> Mapping[str, ParamSpec]:
        """The parameters by name."""
        return MappingProxyType({spec.name: spec for spec in self.params})

    def param(self, name: str) -> ParamSpec:
        """The parameter called ``name``.

        Raises:
            KeyError: the action has no such parameter.
        """
        return self.by_name[name]

    @cached_property
    def spelled(self) -> str:
        """The leading words of the action as written (``go to``, ``set gait``)."""
        return self.words or self.key.replace("_", " ")

    @cached_property
    def grammar_forms(self) -> tuple[Form, ...]:
        """The grammar alternatives that build this action (the default one if none is given)."""
        return self.forms or (Form(self.key, tuple(p.name for p in self.params)),)


@dataclass(frozen=True)
class StateVar:
    """A measured robot quantity a condition can compare; ``bounds`` is what it can read at all
    (canonical units), so a comparison decided by them alone can be pointed out."""

    name: str
    dimension: Dimension
    doc: str
    bounds: Range = Range(0.0)


@dataclass(frozen=True)
class FactSpec:
    """A boolean fact; ``arg_kind`` is the kind of its optional argument (``carrying medkit``)."""

    name: str
    doc: str
    arg_kind: ParamKind | None = None


@dataclass(frozen=True)
class PropertySpec:
    """A robot/mission property or an acceptance metric; ``default`` None means "none"."""

    name: str
    dimension: Dimension
    doc: str
    default: float | None = None
    range: Range | None = None


@dataclass(frozen=True)
class TypeSpec:
    """What a task parameter's declared type means to the checker: a kind and maybe a dimension."""

    kind: ParamKind
    dimension: Dimension | None = None
