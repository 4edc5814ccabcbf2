"""How exporters print a node's parameter values: as JSON data, or in a few characters.

The node facts themselves (kind, name, settings, parameters, ids) come from one description of the
compiled tree, :func:`bt_runtime.tree_model.describe`; this module only formats values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bt_runtime.behaviours import Place, Route
from locomotion.world import Circle, Polygon, Rect

__all__ = ["jsonable", "short"]


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

