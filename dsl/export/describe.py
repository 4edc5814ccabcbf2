"""What every exporter needs to know about a compiled node: its kind, name, settings, children.

Kept apart from the exporters so that JSON, dot and the text tree show the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime.behaviours import ClockTimeout, IfThenElse, Place, Route, TaskCall
from locomotion.world import Circle, Polygon, Rect

__all__ = ["NodeInfo", "describe", "jsonable", "short"]


@dataclass(frozen=True)
class NodeInfo:
    """A node as data: ``kind`` (class), ``name``, ``settings`` (composite/decorator options),
    ``action`` (vocabulary key of a leaf, or "" ), ``params`` (a leaf's canonical parameters)."""

    kind: str
    name: str
    settings: Mapping[str, Any]
    action: str
    params: Mapping[str, Any]
    children: tuple[Behaviour, ...]


def _policy(node: py_trees.composites.Parallel) -> str:
    policy = node.policy
    if isinstance(policy, py_trees.common.ParallelPolicy.SuccessOnAll):
        return f"SuccessOnAll(synchronise={policy.synchronise})"
    return type(policy).__name__


def describe(node: Behaviour) -> NodeInfo:
    """Describe one compiled node."""
    settings: dict[str, Any] = {}
    if isinstance(node, (py_trees.composites.Sequence, py_trees.composites.Selector)):
        settings["memory"] = node.memory
    elif isinstance(node, py_trees.composites.Parallel):
        settings["policy"] = _policy(node)
    elif isinstance(node, py_trees.decorators.Repeat):
        settings["num_success"] = node.num_success
    elif isinstance(node, py_trees.decorators.Retry):
        settings["num_failures"] = node.num_failures
    elif isinstance(node, ClockTimeout):
        settings["duration"] = node.duration
    elif isinstance(node, TaskCall):
        settings["task"] = node.task
        settings["args"] = dict(node.args)
    params_fn = getattr(node, "params", None)
    params = dict(params_fn()) if callable(params_fn) and not isinstance(
        node, (py_trees.composites.Composite, py_trees.decorators.Decorator)) else {}
    action = getattr(node, "action", "") if params_fn is not None else ""
    if isinstance(node, (IfThenElse, TaskCall)):
        action = ""
    return NodeInfo(type(node).__name__, node.name, settings, action if isinstance(action, str)
                    else "", params, tuple(node.children))


def jsonable(value: Any) -> Any:
    """A parameter value as plain JSON data (places, routes and shapes become objects)."""
    if isinstance(value, Place):
        return {"name": value.name, "x": value.x, "y": value.y, "z": value.z}
    if isinstance(value, Route):
        return {"name": value.name, "closed": value.closed,
                "places": [jsonable(p) for p in value.places]}
    if isinstance(value, Rect):
        return {"shape": "rect", "x_min": value.x_min, "y_min": value.y_min,
                "x_max": value.x_max, "y_max": value.y_max}
    if isinstance(value, Circle):
        return {"shape": "circle", "center": list(value.center), "radius": value.radius}
    if isinstance(value, Polygon):
        return {"shape": "polygon", "points": [list(p) for p in value.points]}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _num(value: float) -> str:
    return f"{value:g}"


def short(value: Any) -> str:
    """A parameter value in a few characters (text tree and dot labels)."""
    if isinstance(value, Place):
        return f"{value.name}@({_num(value.x)}, {_num(value.y)})" if not value.name.startswith(
            "(") else value.name
    if isinstance(value, Route):
        return f"{value.name}[{len(value.places)} places{', closed' if value.closed else ''}]"
    if isinstance(value, Rect):
        return (f"rect({_num(value.x_min)}, {_num(value.y_min)})-({_num(value.x_max)}, "
                f"{_num(value.y_max)})")
    if isinstance(value, Circle):
        return f"circle({_num(value.center[0])}, {_num(value.center[1])}) r={_num(value.radius)}"
    if isinstance(value, Polygon):
        return f"polygon[{len(value.points)} corners]"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, str):
        return repr(value) if " " in value or not value else value
    return str(value)

