"""The world as a monitor's map needs it: :class:`~bt_runtime.events.WorldDefinition` from a World.

Why here: the monitor never imports ``locomotion`` (nor the language), so the runtime, which holds
the run's :class:`~locomotion.world.World`, flattens it into plain data once per run; the executor
records it in the log and publishes it (sticky) on the stream.
"""

from __future__ import annotations

from typing import Any

from bt_runtime.events import JsonValue, WorldDefinition
from locomotion.world import Circle, Polygon, Rect, Shape, World

__all__ = ["shape_data", "world_definition"]


def shape_data(shape: Shape) -> dict[str, JsonValue]:
    """A shape as ``{"rect": [...]}``, ``{"circle": [cx, cy, r]}`` or ``{"polygon": [[x, y]...]}``.

    Args:
        shape: a locomotion shape.

    Returns:
        The plain-data form :class:`WorldDefinition` documents.
    """
    if isinstance(shape, Rect):
        return {"rect": [shape.x_min, shape.y_min, shape.x_max, shape.y_max]}
    if isinstance(shape, Circle):
        return {"circle": [shape.center[0], shape.center[1], shape.radius]}
    if isinstance(shape, Polygon):
        return {"polygon": [[x, y] for x, y in shape.points]}
    x0, y0, x1, y1 = shape.bbox()  # an unknown shape: its bounding box is still true to draw
    return {"rect": [x0, y0, x1, y1]}


def _place(name: str, kind: str, point: Any) -> dict[str, JsonValue]:
    return {"name": name, "kind": kind, "x": float(point[0]), "y": float(point[1])}


def world_definition(world: World) -> WorldDefinition:
    """Flatten ``world`` for the map: bounds, terrain regions, places and entities.

    Args:
        world: the run's world.

    Returns:
        The event to record before the first tick.
    """
    b = world.bounds
    regions = [
        {"name": r.name, "kind": r.kind.value, "shape": shape_data(r.shape)} for r in world.regions
    ]
    places = [_place(d.name, "dock", d.position) for d in world.docks]
    places += [_place(s.name, "station", s.position) for s in world.stations]
    places += [_place(name, "waypoint", point) for name, point in world.waypoints]
    stations = {s.name: s.position for s in world.stations}
    entities = [_place(v.name, "victim", v.position) for v in world.victims]
    for intruder in world.intruders:
        if intruder.path:
            entry = _place(intruder.name, "intruder", intruder.path[0])
            entry["path"] = [[float(x), float(y)] for x, y in intruder.path]
            entities.append(entry)
    entities += [
        _place(p.name, "payload", stations[p.station])
        for p in world.payloads
        if p.station in stations
    ]
    return WorldDefinition(
        world.name, (b.x_min, b.y_min, b.x_max, b.y_max), regions, places, entities
    )
