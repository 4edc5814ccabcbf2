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

What the mission needs is read from its statements, as the statement checker's walk recorded them
(:mod:`dsl.check_facts`): ``main`` and the tasks it calls (through any depth of calls), every
action argument and task-call argument naming a place, area, route, dock or payload, and every
point written in an action.
"""

from __future__ import annotations

from collections.abc import Mapping

from bt_runtime.capabilities import robot_capabilities
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import SCAN_RANGE
from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import Resolved
from dsl.check_facts import MAIN, BodyFacts
from dsl.check_reach import Needs, check_reach
from locomotion.capabilities import Capabilities
from locomotion.params import CalibrationError
from locomotion.world import World

__all__ = ["Needs", "check_robot", "mission_needs"]


def mission_needs(bodies: Mapping[str | None, BodyFacts], resolved: Resolved) -> Needs:
    """What ``main`` and the tasks it calls walk to, pick up and scan (see the module docstring).

    Every payload named is one the robot carries (to drop one off it must have picked it up); a
    name passed to a task counts wherever the task uses it: the checker does not follow parameters.

    Args:
        bodies: what the statement checker found in each body (:mod:`dsl.check_facts`).
        resolved: the checked names.

    Returns:
        The needs, each name at the first place it is named (``main`` first, then the tasks in
        the order :attr:`Needs.tasks` lists them).
    """
    needs = Needs()
    _add(needs, bodies[MAIN])
    calls = bodies[MAIN].callees()
    done: set[str] = set()
    while calls:
        name = calls.pop()
        if name in done or name not in resolved.tasks:
            continue
        done.add(name)
        needs.tasks.append(name)
        for part in bodies[name].with_handler():
            _add(needs, part)
        calls += bodies[name].callees()
    return needs


def _add(needs: Needs, body: BodyFacts) -> None:
    """Add the needs of one body to ``needs`` (a name keeps the span it was first named at)."""
    part = body.needs
    for mine, theirs in ((needs.places, part.places), (needs.areas, part.areas),
                         (needs.routes, part.routes), (needs.payloads, part.payloads)):
        for name, span in theirs.items():
            mine.setdefault(name, span)
    needs.points += part.points
    needs.any_dock += part.any_dock
    needs.scans += part.scans


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
                props: dict[str, float | None], main: A.MainDecl | None,
                bodies: Mapping[str | None, BodyFacts], resolved: Resolved,
                world: World | None) -> None:
    """Check the mission against the capability table of ``model`` (see the module docstring).

    Args:
        sink: where diagnostics go.
        model: the robot model (an unknown one is reported by the declaration checker).
        robot: the ``robot`` declaration, for the spans of its properties (None: defaults).
        props: the robot's properties, canonical (declared or default).
        main: the mission's ``main`` (None for a task library: only the properties are checked).
        bodies: what the statement checker found in ``main`` and each task.
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
    needs = mission_needs(bodies, resolved)
    _loads(sink, needs, resolved, props)
    _scans(sink, caps, needs)
    if world is not None:
        check_reach(sink, caps, world, needs, resolved, main,
                    [resolved.tasks[name] for name in needs.tasks])
