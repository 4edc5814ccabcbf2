"""Checking a mission against its robot: what the legs, the load and the sensor can do.

The robot model's capability table (:func:`bt_runtime.capabilities.robot_capabilities`, filled
from the calibration of the physics controller) is read once per check. Against it:

- **the robot's properties:** a declared ``payload`` or ``max_speed`` beyond what the model was
  calibrated to carry or walk is an error;
- **loads:** a payload the mission names that weighs more than the robot's ``payload`` is an
  error where it is named (the runtime would refuse it at the pick-up, after the walk);
- **the sensor:** ``scan radius R`` beyond the scan's reach is a warning (the scan is capped);
- **terrain on the way** (:mod:`dsl.check_reach`): every place, area, route and dock the mission
  walks to must be reachable from the start with the planner's own reachability, and no leg may
  cross a ramp steeper than the model walks up (judged from where the robot stands before it,
  :mod:`dsl.reach_legs`); an unreachable one names the terrain to blame.

What the mission needs is read from its statements: ``main`` and the tasks it calls (through any
depth of calls), every action argument and task-call argument naming a place, area, route, dock or
payload, and every point written in an action.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from bt_runtime.capabilities import robot_capabilities
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import SCAN_RANGE
from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import Resolved
from dsl.check_reach import Needs, check_reach
from locomotion.capabilities import Capabilities
from locomotion.params import CalibrationError
from locomotion.world import World

__all__ = ["Needs", "check_robot", "mission_needs"]


#: Values with no statement inside: the walk does not open them (conditions, written values).
_LEAVES: tuple[type, ...] = (A.Span, A.Ident, A.Quantity, A.Point, A.Text, str, int, float,
                             bool, type(None), A.BoolCond, A.Compare, A.DistanceCond, A.TerrainIs,
                             A.GaitIs, A.FactCond, A.AndCond, A.OrCond, A.NotCond)


#: Type names (as annotated on AST fields) whose values hold no statement: the walk skips a field
#: annotated with only these without reading it (they are all in _LEAVES, or None).
_LEAF_NAMES = frozenset({"Span", "Ident", "Quantity", "Point", "Text", "ArgValue", "Cond", "str",
                         "int", "float", "bool", "None", "BoolCond", "Compare", "DistanceCond",
                         "TerrainIs", "GaitIs", "FactCond", "AndCond", "OrCond", "NotCond"})


def _openable_fields(of: type) -> tuple[str, ...]:
    """The fields of AST node type ``of`` that may hold a statement, in declaration order.

    A field annotated ``Span`` or ``Quantity | Ident | None`` cannot; one whose annotation names
    anything else (``Block``, ``tuple[Stmt, ...]``, a new node type) is read and its value
    filtered as before, so an unknown annotation costs time, never a missed statement.
    """
    names = []
    for f in dataclasses.fields(of):
        annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "?")
        if not {part.strip() for part in annotation.split("|")} <= _LEAF_NAMES:
            names.append(f.name)
    return tuple(names)


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function reading ``names`` off a node, as a tuple (``attrgetter`` of one name is not)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda node: (one(node),)
    return lambda node: ()


# What the walk does with a value of a given type (decided once per type: see _kind).
_SKIP, _SEQUENCE, _NODE = 0, 1, 2


@lru_cache(maxsize=256)
def _kind(of: type) -> tuple[int, Callable[[object], tuple[object, ...]] | None]:
    """What the walk does with a value of type ``of``: _SKIP (a leaf, or nothing to open),
    _SEQUENCE (a list or tuple) or _NODE (an AST node, with the reader of its fields that may
    hold statements). Facts about a type, so found once per process, not once per check."""
    if issubclass(of, (list, tuple)):
        return _SEQUENCE, None
    if issubclass(of, _LEAVES) or not dataclasses.is_dataclass(of):
        return _SKIP, None
    return _NODE, _getter(_openable_fields(of))


def _opened(values: Iterable[object]) -> list[object]:
    """The values worth opening, in order (leaves and other values left out)."""
    # (mypy's lru_cache stub wants Hashable arguments and does not count a class as one)
    return [v for v in values if _kind(type(v))[0] != _SKIP]  # type: ignore[arg-type]


@dataclass
class _Walk:
    needs: Needs
    resolved: Resolved
    calls: list[str] = field(default_factory=list)


def _arg(walk: _Walk, value: object, action: str | None) -> None:
    needs, resolved = walk.needs, walk.resolved
    if isinstance(value, A.Point) and action is not None:
        needs.points.append(value)
    if not isinstance(value, A.Ident):
        return
    name = value.name
    for table, found in ((resolved.places, needs.places), (resolved.areas, needs.areas),
                         (resolved.routes, needs.routes), (resolved.payloads, needs.payloads)):
        if name in table:
            found.setdefault(name, value.span)


def _visit(walk: _Walk, node: object) -> None:
    """Collect the needs of ``node`` and everything below it (an explicit stack, no recursion)."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is A.Action:
            assert isinstance(item, A.Action)
            if item.action == "charge" or (item.action == "dock" and not item.args):
                walk.needs.any_dock.append((item.action, item.span))
            if item.action == "scan":
                walk.needs.scans.extend(a.value for a in item.args if a.name == "radius"
                                        and isinstance(a.value, A.Quantity))
            for a in item.args:
                _arg(walk, a.value, item.action)
            continue
        if kind is A.Call:
            assert isinstance(item, A.Call)
            walk.calls.append(item.task.name)
            for c in item.args:
                _arg(walk, c.value, None)
            continue
        what, read = _kind(kind)  # type: ignore[arg-type]
        if what == _SEQUENCE:
            stack.extend(reversed(_opened(item)))  # type: ignore[arg-type]
        elif read is not None:
            stack.extend(reversed(_opened(read(item))))


def mission_needs(main: A.MainDecl, resolved: Resolved) -> Needs:
    """What ``main`` and the tasks it calls walk to, pick up and scan (see the module docstring).

    Every payload named is one the robot carries (to drop one off it must have picked it up); a
    name passed to a task counts wherever the task uses it: the checker does not follow parameters.
    """
    walk = _Walk(Needs(), resolved)
    _visit(walk, main.body)
    done: set[str] = set()
    while walk.calls:
        name = walk.calls.pop()
        task = resolved.tasks.get(name)
        if name in done or task is None:
            continue
        done.add(name)
        walk.needs.tasks.append(name)
        _visit(walk, task.body)
        if task.on_failure is not None:
            _visit(walk, task.on_failure)
    return walk.needs


def _prop(robot: A.RobotDecl | None, name: str) -> A.Span | None:
    if robot is None:
        return None
    return next((p.value.span for p in robot.props if p.name.name == name), None)


def _properties(sink: V.Sink, caps: Capabilities, robot: A.RobotDecl | None,
                props: dict[str, float | None]) -> None:
    for prop, cap, what in (("payload", "max_payload", "carry"), ("max_speed", "max_speed",
                                                                   "walk")):
        span, value, c = _prop(robot, prop), props.get(prop), caps[cap]
        if span is None or value is None or value <= c.value + 1e-9:
            continue
        sink.error(span, f"the {caps.model.upper()} cannot {what} {value:g} {c.unit}: "
                   f"{c.meaning} in its calibration is {c.shown()}",
                   f"at most {c.value:g} {c.unit} ({c.source})")


def _loads(sink: V.Sink, needs: Needs, resolved: Resolved, props: dict[str, float | None]) -> None:
    capacity = props.get("payload")
    if capacity is None:
        return
    for name, span in needs.payloads.items():
        mass = resolved.payloads[name][0]
        if mass > capacity + 1e-9:
            sink.error(span, f"payload `{name}` weighs {mass:g} kg, over the robot's payload "
                       f"capacity of {capacity:g} kg", "raise the robot's `payload` (if the model "
                       "can carry it) or carry a lighter load")


def _scans(sink: V.Sink, caps: Capabilities, needs: Needs) -> None:
    reach = caps["scan_range"]
    for q in needs.scans:
        radius = V.quantity(V.Sink(), q, Dimension.LENGTH, "scan radius", SCAN_RANGE)
        if radius is not None and radius > reach.value + 1e-9:
            sink.warning(q.span, f"scan radius {q.text} is beyond the sensor's reach: a scan looks "
                         f"at most {reach.value:g} m and is capped there",
                         f"write at most `{reach.value:g} m`, or scan again from closer "
                         f"({reach.source})")


def check_robot(sink: V.Sink, model: str, robot: A.RobotDecl | None,
                props: dict[str, float | None], main: A.MainDecl | None, resolved: Resolved,
                world: World | None) -> None:
    """Check the mission against the capability table of ``model`` (see the module docstring).

    Args:
        sink: where diagnostics go.
        model: the robot model (an unknown one is reported by the declaration checker).
        robot: the ``robot`` declaration, for the spans of its properties (None: defaults).
        props: the robot's properties, canonical (declared or default).
        main: the mission's ``main`` (None for a task library: only the properties are checked).
        resolved: the checked names.
        world: the built world (None: no world, so no terrain to check).
    """
    try:
        caps = robot_capabilities(model)
    except CalibrationError:
        return  # an unknown model is already an error of the `robot` declaration
    _properties(sink, caps, robot, props)
    if main is None:
        return
    needs = mission_needs(main, resolved)
    _loads(sink, needs, resolved, props)
    _scans(sink, caps, needs)
    if world is not None:
        check_reach(sink, caps, world, needs, resolved, main,
                    [resolved.tasks[name] for name in needs.tasks])
