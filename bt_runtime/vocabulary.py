"""The vocabulary of the mission language, as data: every action, condition word and property.

The checker (``dsl/check_*.py``) reads it to check a mission, the compiler (``dsl/compiler.py``) to
spell node names and resolve values, :mod:`dsl.to_ast` to build action statements from the grammar's
aliases, and the exporters to declare node models; so none of them can disagree about an action's
parameters, their units, their defaults or their words. It imports nothing but the standard library
and :mod:`bt_runtime.units` (plus the spec types of :mod:`bt_runtime.specs`), so checking a mission
never loads py_trees; :mod:`bt_runtime.bindings` maps each action key to its behaviour class.

Each default is written once, here: the robot properties (battery, charge, top speed, payload), the
tick rate (:data:`DEFAULT_TICK_RATE`) and the time units (:data:`TIME_UNITS`, from the unit table).
All defaults and ranges are in the canonical unit of their dimension. docs/adding-an-action.md says
what to add here for a new action.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bt_runtime.specs import (
    REQUIRED,
    ActionSpec,
    FactSpec,
    Form,
    ParamKind,
    ParamSpec,
    PropertySpec,
    Range,
    StateVar,
    TypeSpec,
)
from bt_runtime.units import UNITS, Dimension

__all__ = [
    "ACTIONS",
    "AT_LEAST_ONE",
    "COUNTERS",
    "COUNT_RANGE",
    "DEFAULT_TICK_RATE",
    "FACTS",
    "GAITS",
    "KIND_WANTS",
    "LAPS_RANGE",
    "METRICS",
    "MISSION_PROPERTIES",
    "NON_NEGATIVE",
    "PERCENT",
    "POSITIVE",
    "REQUIRED",
    "ROBOT_MODELS",
    "ROBOT_PROPERTIES",
    "SCAN_RANGE",
    "STATE_VARS",
    "TARGET_KINDS",
    "TASK_PARAM_TYPES",
    "TICK_RATE_RANGE",
    "TIME_UNITS",
    "ActionSpec",
    "FactSpec",
    "Form",
    "ParamKind",
    "ParamSpec",
    "PropertySpec",
    "Range",
    "StateVar",
    "TypeSpec",
    "condition_names",
    "robot_default",
]

NON_NEGATIVE = Range(0.0)
POSITIVE = Range(0.0, low_open=True)
PERCENT = Range(0.0, 100.0)
AT_LEAST_ONE = Range(1.0)
#: Counts of `repeat` and `retry`: a count is run, not built, but a billion rounds is a typo.
COUNT_RANGE = Range(1.0, 1_000_000.0)
#: Laps of `follow`: the route's legs are built up front, laps times.
LAPS_RANGE = Range(1.0, 10_000.0)
#: Ticks per second: above the physics rate (240 Hz) a tick sees no new state.
TICK_RATE_RANGE = Range(0.0, 240.0, low_open=True)
#: How far `scan radius` looks: a sensor's range, not a site.
SCAN_RANGE = Range(0.0, 100.0, low_open=True)

#: What a ``scan`` or ``search`` looks for.
TARGET_KINDS: tuple[str, ...] = ("victim", "intruder", "payload")
#: What ``set gait`` may force (``auto`` adapts to the terrain) and ``gait is`` may ask.
GAITS: tuple[str, ...] = ("trot", "crawl", "stairs", "auto")
#: Robot models a ``robot`` declaration may name; the first is the default.
ROBOT_MODELS: tuple[str, ...] = ("a1",)

#: Behaviour-tree ticks per simulated second when a mission does not say.
DEFAULT_TICK_RATE = 10.0

#: Every time unit of the language and its factor to seconds (``s``, ``ms``, ``min``, ``h``).
TIME_UNITS: Mapping[str, float] = MappingProxyType(
    {u.symbol: u.factor for u in UNITS.values() if u.dimension is Dimension.TIME}
)

_TARGET = ParamSpec("kind", ParamKind.CHOICE, "what to look for", choices=TARGET_KINDS, word="for")


def _actions() -> tuple[ActionSpec, ...]:
    q, length, time_ = ParamKind.QUANTITY, Dimension.LENGTH, Dimension.TIME
    return (
        ActionSpec(
            "go_to",
            "go to <place>",
            (ParamSpec("target", ParamKind.PLACE, "where to walk"),),
            "Walk to a named place or a point, planning around what cannot be crossed.",
            moves=True,
        ),
        ActionSpec(
            "follow",
            "follow <route> [laps N]",
            (
                ParamSpec("route", ParamKind.ROUTE, "the route to walk"),
                ParamSpec("laps", ParamKind.INT, "times round", default=1, range=LAPS_RANGE,
                          word="laps"),
            ),
            "Walk a route's points in order, `laps` times.",
            moves=True,
        ),
        ActionSpec(
            "search",
            "search <area> for <kind>",
            (ParamSpec("area", ParamKind.AREA, "the area to cover"), _TARGET),
            "Walk a coverage pattern over an area looking for something.",
            moves=True,
        ),
        ActionSpec(
            "scan",
            "scan radius <length> for <kind> | scan <area> for <kind>",
            (
                ParamSpec("radius", q, "how far to look", dimension=length, default=None,
                          range=SCAN_RANGE, word="radius"),
                ParamSpec("area", ParamKind.AREA, "area to look over", default=None),
                _TARGET,
            ),
            "Look around from where the robot stands, without a coverage walk.",
            forms=(Form("scan_radius", ("radius", "kind")), Form("scan_area", ("area", "kind"))),
            moves=True,
        ),
        ActionSpec(
            "report",
            'report "text"',
            (ParamSpec("text", ParamKind.TEXT, "the line to log"),),
            "Log an information line.",
        ),
        ActionSpec(
            "alert",
            'alert "text"',
            (ParamSpec("text", ParamKind.TEXT, "the line to log"),),
            "Log an alert line (counted by the `alerts` counter).",
        ),
        ActionSpec(
            "pick_up",
            "pick up <payload> at <station>",
            (
                ParamSpec("payload", ParamKind.PAYLOAD, "what to pick up"),
                ParamSpec("station", ParamKind.STATION, "where it is", word="at"),
            ),
            "Walk to the station (when farther than 1 m), then load a payload.",
            moves=True,
        ),
        ActionSpec(
            "drop_off",
            "drop off [<payload>] at <station>",
            (
                ParamSpec(
                    "payload",
                    ParamKind.PAYLOAD,
                    "what to drop (default: what is carried)",
                    default=None,
                ),
                ParamSpec("station", ParamKind.STATION, "where to drop it", word="at"),
            ),
            "Walk to the station (when farther than 1 m), then unload.",
            forms=(Form("drop_off", ("station",)),
                   Form("drop_off_payload", ("payload", "station"))),
            moves=True,
        ),
        ActionSpec(
            "dock",
            "dock [at <dock>]",
            (ParamSpec("dock", ParamKind.DOCK, "which dock (default: the nearest)", default=None,
                       word="at"),),
            "Walk onto a dock and settle.",
            forms=(Form("dock", ()), Form("dock_at", ("dock",))),
            moves=True,
        ),
        ActionSpec(
            "charge",
            "charge until <ratio>",
            (
                ParamSpec(
                    "until",
                    q,
                    "battery level to reach",
                    dimension=Dimension.RATIO,
                    range=Range(0.0, 100.0, low_open=True),
                    word="until",
                ),
            ),
            "Charge on a dock until the battery reaches a level.",
            moves=True,
        ),
        ActionSpec(
            "wait",
            "wait <time>",
            (ParamSpec("duration", q, "how long", dimension=time_, range=NON_NEGATIVE),),
            "Do nothing for a while.",
        ),
        ActionSpec("stand", "stand", (), "Stand still on four feet.", moves=True),
        ActionSpec("sit", "sit", (), "Lower the trunk and rest.", moves=True),
        ActionSpec(
            "set_speed",
            "set speed <speed>",
            (ParamSpec("speed", q, "speed cap", dimension=Dimension.SPEED, range=POSITIVE),),
            "Cap the walking speed for the rest of the run.",
        ),
        ActionSpec(
            "set_gait",
            "set gait trot|crawl|stairs|auto",
            (ParamSpec("gait", ParamKind.CHOICE, "gait to force", choices=GAITS),),
            "Force a gait for the rest of the run (`auto` adapts to the terrain).",
        ),
        ActionSpec("succeed", "succeed", (), "Succeed at once."),
        ActionSpec(
            "fail",
            'fail "reason"',
            (ParamSpec("reason", ParamKind.TEXT, "why"),),
            "Fail at once with a reason.",
        ),
    )


ACTIONS: Mapping[str, ActionSpec] = MappingProxyType({a.key: a for a in _actions()})

STATE_VARS: Mapping[str, StateVar] = MappingProxyType(
    {
        v.name: v
        for v in (
            StateVar("battery", Dimension.RATIO, "battery charge left", Range(0.0, 100.0)),
            StateVar("speed", Dimension.SPEED, "current ground speed"),
            StateVar("payload_mass", Dimension.MASS, "mass carried"),
            StateVar("elapsed", Dimension.TIME, "time since the mission started"),
            StateVar("distance_travelled", Dimension.LENGTH, "distance walked so far"),
            StateVar("pitch", Dimension.ANGLE, "trunk pitch", Range(-180.0, 180.0)),
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
            PropertySpec("tick_rate", Dimension.FREQUENCY, "behaviour tree ticks per second",
                         DEFAULT_TICK_RATE, TICK_RATE_RANGE),
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

#: Types a task parameter can be declared with (``task t(r: route, d: length)``).
TASK_PARAM_TYPES: Mapping[str, TypeSpec] = MappingProxyType(
    {
        "place": TypeSpec(ParamKind.PLACE),
        "waypoint": TypeSpec(ParamKind.PLACE),
        "station": TypeSpec(ParamKind.STATION),
        "dock": TypeSpec(ParamKind.DOCK),
        "route": TypeSpec(ParamKind.ROUTE),
        "area": TypeSpec(ParamKind.AREA),
        "payload": TypeSpec(ParamKind.PAYLOAD),
        "int": TypeSpec(ParamKind.INT, Dimension.COUNT),
        "number": TypeSpec(ParamKind.NUMBER, Dimension.NUMBER),
        "text": TypeSpec(ParamKind.TEXT),
        **{
            d.value: TypeSpec(ParamKind.QUANTITY, d)
            for d in Dimension
            if d not in (Dimension.COUNT, Dimension.NUMBER)
        },
    }
)

#: What a value of each kind is called in a diagnostic ("expected a station").
KIND_WANTS: Mapping[ParamKind, str] = MappingProxyType(
    {
        ParamKind.PLACE: "a place (waypoint, station or dock) or a point",
        ParamKind.STATION: "a station",
        ParamKind.DOCK: "a dock",
        ParamKind.ROUTE: "a route",
        ParamKind.AREA: "an area",
        ParamKind.PAYLOAD: "a payload",
        ParamKind.INT: "a whole number",
        ParamKind.NUMBER: "a number",
        ParamKind.TEXT: "a string in double quotes",
    }
)


def condition_names() -> tuple[str, ...]:
    """Every name a condition can start with (for did-you-mean hints)."""
    return tuple(sorted({*STATE_VARS, *FACTS, *COUNTERS}))


def robot_default(name: str) -> float:
    """The default of a robot property in its canonical unit (``battery`` → 480 Wh).

    Raises:
        KeyError: ``name`` is not a robot property.
        ValueError: the property has no default.
    """
    default = ROBOT_PROPERTIES[name].default
    if default is None:
        raise ValueError(f"robot property {name!r} has no default")
    return default
