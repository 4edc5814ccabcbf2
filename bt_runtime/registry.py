"""The one description of everything a mission can say: actions, condition variables, properties.

The checker (``dsl/checker*.py``) reads this registry to check a mission, the compiler
(``dsl/compiler.py``) reads it to build behaviours, and the exporters read it to declare node models;
so the three cannot disagree about an action's parameters, their units or their defaults. Adding an
action means adding one :class:`ActionSpec` here, one grammar alternative and one behaviour class.

All defaults and ranges are in the canonical unit of their dimension (see :mod:`bt_runtime.units`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from types import MappingProxyType
from typing import Any

import py_trees

from bt_runtime import behaviours as bh
from bt_runtime.units import Dimension

__all__ = [
    "ACTIONS",
    "COUNTERS",
    "FACTS",
    "GAITS",
    "METRICS",
    "MISSION_PROPERTIES",
    "REQUIRED",
    "ROBOT_MODELS",
    "ROBOT_PROPERTIES",
    "STATE_VARS",
    "TARGET_KINDS",
    "TASK_PARAM_TYPES",
    "ActionSpec",
    "FactSpec",
    "ParamKind",
    "ParamSpec",
    "PropertySpec",
    "Range",
    "StateVar",
    "condition_names",
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
    return f"{value:g}"


NON_NEGATIVE = Range(0.0)
POSITIVE = Range(0.0, low_open=True)
PERCENT = Range(0.0, 100.0)
AT_LEAST_ONE = Range(1.0)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an action: how it is written, checked and passed to the behaviour."""

    name: str
    kind: ParamKind
    doc: str
    dimension: Dimension | None = None
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    range: Range | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class ActionSpec:
    """An action of the language: its spelling, parameters, behaviour class and documentation."""

    key: str
    syntax: str
    behaviour: type[py_trees.behaviour.Behaviour]
    params: tuple[ParamSpec, ...]
    doc: str

    @cached_property
    def _by_name(self) -> dict[str, ParamSpec]:
        return {spec.name: spec for spec in self.params}

    def param(self, name: str) -> ParamSpec:
        """The parameter called ``name`` (KeyError if the action has none)."""
        return self._by_name[name]

    @property
    def factory(self) -> Callable[..., py_trees.behaviour.Behaviour]:
        """Build the behaviour: ``factory(name=..., **canonical_params)``."""
        return self.behaviour


@dataclass(frozen=True)
class StateVar:
    """A measured robot quantity a condition can compare."""

    name: str
    dimension: Dimension
    doc: str


@dataclass(frozen=True)
class FactSpec:
    """A boolean fact; ``arg_kind`` names the kind of the optional argument (``carrying medkit``)."""

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


TARGET_KINDS: tuple[str, ...] = bh.TARGET_KINDS
GAITS: tuple[str, ...] = bh.GAITS
ROBOT_MODELS: tuple[str, ...] = ("a1",)

_TARGET = ParamSpec("kind", ParamKind.CHOICE, "what to look for", choices=TARGET_KINDS)


def _actions() -> tuple[ActionSpec, ...]:
    q, length, time_ = ParamKind.QUANTITY, Dimension.LENGTH, Dimension.TIME
    return (
        ActionSpec(
            "go_to",
            "go to <place>",
            bh.GoTo,
            (ParamSpec("target", ParamKind.PLACE, "where to walk"),),
            "Walk to a named place or a point, planning around what cannot be crossed.",
        ),
        ActionSpec(
            "follow",
            "follow <route> [laps N]",
            bh.FollowRoute,
            (
                ParamSpec("route", ParamKind.ROUTE, "the route to walk"),
                ParamSpec("laps", ParamKind.INT, "times round", default=1, range=AT_LEAST_ONE),
            ),
            "Walk a route's points in order, `laps` times.",
        ),
        ActionSpec(
            "search",
            "search <area> for <kind>",
            bh.SearchArea,
            (ParamSpec("area", ParamKind.AREA, "the area to cover"), _TARGET),
            "Walk a coverage pattern over an area looking for something.",
        ),
        ActionSpec(
            "scan",
            "scan radius <length> for <kind> | scan <area> for <kind>",
            bh.Scan,
            (
                ParamSpec(
                    "radius", q, "how far to look", dimension=length, default=None, range=POSITIVE
                ),
                ParamSpec("area", ParamKind.AREA, "area to look over", default=None),
                _TARGET,
            ),
            "Look around from where the robot stands, without a coverage walk.",
        ),
        ActionSpec(
            "report",
            'report "text"',
            bh.Report,
            (ParamSpec("text", ParamKind.TEXT, "the line to log"),),
            "Log an information line.",
        ),
        ActionSpec(
            "alert",
            'alert "text"',
            bh.Alert,
            (ParamSpec("text", ParamKind.TEXT, "the line to log"),),
            "Log an alert line (counted by the `alerts` counter).",
        ),
        ActionSpec(
            "pick_up",
            "pick up <payload> at <station>",
            bh.PickUp,
            (
                ParamSpec("payload", ParamKind.PAYLOAD, "what to pick up"),
                ParamSpec("station", ParamKind.STATION, "where it is"),
            ),
            "Walk to the station (when farther than 1 m), then load a payload.",
        ),
        ActionSpec(
            "drop_off",
            "drop off [<payload>] at <station>",
            bh.DropOff,
            (
                ParamSpec(
                    "payload",
                    ParamKind.PAYLOAD,
                    "what to drop (default: what is carried)",
                    default=None,
                ),
                ParamSpec("station", ParamKind.STATION, "where to drop it"),
            ),
            "Walk to the station (when farther than 1 m), then unload.",
        ),
        ActionSpec(
            "dock",
            "dock [at <dock>]",
            bh.Dock,
            (ParamSpec("dock", ParamKind.DOCK, "which dock (default: the nearest)", default=None),),
            "Walk onto a dock and settle.",
        ),
        ActionSpec(
            "charge",
            "charge until <ratio>",
            bh.Charge,
            (
                ParamSpec(
                    "until",
                    q,
                    "battery level to reach",
                    dimension=Dimension.RATIO,
                    range=Range(0.0, 100.0, low_open=True),
                ),
            ),
            "Charge on a dock until the battery reaches a level.",
        ),
        ActionSpec(
            "wait",
            "wait <time>",
            bh.Wait,
            (ParamSpec("duration", q, "how long", dimension=time_, range=NON_NEGATIVE),),
            "Do nothing for a while.",
        ),
        ActionSpec("stand", "stand", bh.Stand, (), "Stand still on four feet."),
        ActionSpec("sit", "sit", bh.Sit, (), "Lower the trunk and rest."),
        ActionSpec(
            "set_speed",
            "set speed <speed>",
            bh.SetSpeed,
            (ParamSpec("speed", q, "speed cap", dimension=Dimension.SPEED, range=POSITIVE),),
            "Cap the walking speed for the rest of the run.",
        ),
        ActionSpec(
            "set_gait",
            "set gait trot|crawl|stairs|auto",
            bh.SetGait,
            (ParamSpec("gait", ParamKind.CHOICE, "gait to force", choices=GAITS),),
            "Force a gait for the rest of the run (`auto` adapts to the terrain).",
        ),
        ActionSpec("succeed", "succeed", bh.Succeed, (), "Succeed at once."),
        ActionSpec(
            "fail",
            'fail "reason"',
            bh.Fail,
            (ParamSpec("reason", ParamKind.TEXT, "why"),),
            "Fail at once with a reason.",
        ),
    )


ACTIONS: Mapping[str, ActionSpec] = MappingProxyType({a.key: a for a in _actions()})

STATE_VARS: Mapping[str, StateVar] = MappingProxyType(
    {
        v.name: v
        for v in (
            StateVar("battery", Dimension.RATIO, "battery charge left"),
            StateVar("speed", Dimension.SPEED, "current ground speed"),
            StateVar("payload_mass", Dimension.MASS, "mass carried"),
            StateVar("elapsed", Dimension.TIME, "time since the mission started"),
            StateVar("distance_travelled", Dimension.LENGTH, "distance walked so far"),
            StateVar("pitch", Dimension.ANGLE, "trunk pitch"),
        )
    }
)

FACTS: Mapping[str, FactSpec] = MappingProxyType(
    {
        f.name: f
        for f in (
            FactSpec("victim_found", "a victim has been found"),
            FactSpec("intruder_seen", "an intruder has been seen"),
            FactSpec("docked", "the robot stands on a dock"),
            FactSpec(
                "carrying",
                "the robot carries a payload (`carrying medkit`: that one)",
                arg_kind=ParamKind.PAYLOAD,
            ),
            FactSpec("fallen", "the robot has fallen"),
            FactSpec("stuck", "the robot cannot make progress"),
            FactSpec("payload_delivered", "a payload has been dropped off"),
        )
    }
)

COUNTERS: Mapping[str, StateVar] = MappingProxyType(
    {
        c.name: c
        for c in (
            StateVar("victims_found", Dimension.COUNT, "victims found so far"),
            StateVar("intruders_seen", Dimension.COUNT, "intruders seen so far"),
            StateVar("deliveries", Dimension.COUNT, "payloads dropped off so far"),
            StateVar("falls", Dimension.COUNT, "falls so far"),
            StateVar("alerts", Dimension.COUNT, "alerts raised so far"),
        )
    }
)

ROBOT_PROPERTIES: Mapping[str, PropertySpec] = MappingProxyType(
    {
        p.name: p
        for p in (
            PropertySpec("battery", Dimension.ENERGY, "battery capacity", 480.0, POSITIVE),
            PropertySpec("charge", Dimension.RATIO, "initial charge", 100.0, PERCENT),
            PropertySpec("max_speed", Dimension.SPEED, "top walking speed", 0.6, POSITIVE),
            PropertySpec("payload", Dimension.MASS, "payload capacity", 5.0, NON_NEGATIVE),
        )
    }
)

MISSION_PROPERTIES: Mapping[str, PropertySpec] = MappingProxyType(
    {
        p.name: p
        for p in (
            PropertySpec(
                "tick_rate", Dimension.FREQUENCY, "behaviour tree ticks per second", 10.0, POSITIVE
            ),
            PropertySpec(
                "time_limit", Dimension.TIME, "stop the run after this long", None, POSITIVE
            ),
        )
    }
)

METRICS: Mapping[str, PropertySpec] = MappingProxyType(
    {
        p.name: p
        for p in (
            PropertySpec(
                "success", Dimension.RATIO, "fraction of runs that succeed", range=PERCENT
            ),
            PropertySpec("duration", Dimension.TIME, "run duration", range=NON_NEGATIVE),
            PropertySpec("min_battery", Dimension.RATIO, "lowest battery level", range=PERCENT),
            PropertySpec("falls", Dimension.COUNT, "falls per run", range=NON_NEGATIVE),
            PropertySpec("distance", Dimension.LENGTH, "distance walked", range=NON_NEGATIVE),
            PropertySpec("victims_found", Dimension.COUNT, "victims found", range=NON_NEGATIVE),
            PropertySpec("deliveries", Dimension.COUNT, "deliveries made", range=NON_NEGATIVE),
        )
    }
)


@dataclass(frozen=True)
class _TypeSpec:
    kind: ParamKind
    dimension: Dimension | None = None


#: Types a task parameter can be declared with (``task t(r: route, d: length)``).
TASK_PARAM_TYPES: Mapping[str, _TypeSpec] = MappingProxyType(
    {
        "place": _TypeSpec(ParamKind.PLACE),
        "waypoint": _TypeSpec(ParamKind.PLACE),
        "station": _TypeSpec(ParamKind.STATION),
        "dock": _TypeSpec(ParamKind.DOCK),
        "route": _TypeSpec(ParamKind.ROUTE),
        "area": _TypeSpec(ParamKind.AREA),
        "payload": _TypeSpec(ParamKind.PAYLOAD),
        "int": _TypeSpec(ParamKind.INT, Dimension.COUNT),
        "number": _TypeSpec(ParamKind.NUMBER, Dimension.NUMBER),
        "text": _TypeSpec(ParamKind.TEXT),
        **{
            d.value: _TypeSpec(ParamKind.QUANTITY, d)
            for d in Dimension
            if d not in (Dimension.COUNT, Dimension.NUMBER)
        },
    }
)


def condition_names() -> tuple[str, ...]:
    """Every name a condition can start with (for did-you-mean hints)."""
    return tuple(sorted({*STATE_VARS, *FACTS, *COUNTERS}))
