"""A top-down map of the world, the route, the planned path, the robot and its trail.

The world (bounds, terrain regions with their kinds, docks, stations, waypoints, entities) comes
from the runtime's ``WorldDefinition`` (the monitor never imports the language or locomotion);
entities found and regions closed from the snapshots (live) or the log's ``WorldChanged`` events
(replay); the planned path from live snapshots only (the log does not keep it). Routes and scan
areas come from the tree's parameters. The last line is a legend, and says what is not published
(a log written before the world was recorded).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from rich.text import Text
from textual.widget import Widget

from tui.messages import NodeInfo, WorldInfo
from tui.model import MonitorModel
from tui.world_items import FAR, finite, point_of

__all__ = ["ARROWS", "Geometry", "MapView", "geometry_of", "render_map"]

ARROWS = "→↗↑↖←↙↓↘"
"""Robot glyph by heading, counter-clockwise from east in 45° steps."""
MISSING = "not published: terrain regions, entities, closed regions, planned path"
"""The legend line when the run's world was not recorded (an older log)."""
LEGEND = "V I P green=found ✕ closed ─ route ∙ plan • trail D dock S station"
"""The legend line when the world is known."""

TERRAIN_STYLE = {
    "flat": ("░", "grey35"), "slope": ("╱", "yellow"), "stairs": ("≡", "yellow"),
    "mud": ("▒", "dark_orange3"), "gravel": ("▒", "grey62"), "grass": ("░", "green"),
    "hedge": ("▓", "dark_green"), "rubble": ("▒", "grey50"), "water": ("≈", "blue"),
    "obstacle": ("█", "grey70"),
}
"""Fill glyph and colour per terrain kind (the runtime's ``TerrainKind`` values)."""
PLACE_GLYPH = {"dock": "D", "station": "S", "waypoint": "o"}
ENTITY_GLYPH = {"victim": "V", "intruder": "I", "payload": "P"}


def shape_contains(shape: Any, x: float, y: float) -> bool:
    """Whether the plain-data ``shape`` (rect, circle or polygon) contains (x, y)."""
    if not isinstance(shape, dict):
        return False
    if "rect" in shape:
        x0, y0, x1, y1 = shape["rect"]
        return bool(x0 <= x <= x1 and y0 <= y <= y1)
    if "circle" in shape:
        cx, cy, r = shape["circle"]
        return bool((x - cx) ** 2 + (y - cy) ** 2 <= r * r)
    points = shape.get("polygon") or []
    inside = False
    for (xa, ya), (xb, yb) in zip(points, points[1:] + points[:1]):
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            inside = not inside
    return inside


@dataclass(frozen=True)
class Geometry:
    """World features found in the tree: named places, routes (place lists) and scan areas."""

    places: dict[str, tuple[float, float]]
    routes: list[list[tuple[float, float]]]
    areas: list[tuple[float, float, float]]


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _point(d: dict[str, Any]) -> tuple[float, float] | None:
    return point_of(d)


def geometry_of(root: NodeInfo | None) -> Geometry:
    """Collect places, routes and scan areas from every node's parameters."""
    places: dict[str, tuple[float, float]] = {}
    routes: list[list[tuple[float, float]]] = []
    areas: list[tuple[float, float, float]] = []
    for node in root.walk() if root else ():
        for d in _dicts(dict(node.params)):
            point = _point(d)
            if point is not None and isinstance(d.get("name"), str):
                places[d["name"]] = point
            stops = d.get("places")
            if isinstance(stops, list):
                line = [p for p in (_point(s) for s in stops if isinstance(s, dict)) if p]
                if line and line not in routes:
                    routes.append(line)
            centre, radius = d.get("center"), d.get("radius")
            if isinstance(centre, list) and len(centre) == 2 and all(
                    map(finite, (*centre, radius))):
                area = (float(centre[0]), float(centre[1]), float(radius))
                if area not in areas:
                    areas.append(area)
    return Geometry(places, routes, areas)


class _Canvas:
    def __init__(self, width: int, height: int, bounds: tuple[float, float, float, float]):
        self.width, self.height = width, height
        x0, y0, x1, y1 = bounds
        self.x0, self.y0 = x0, y0
        # a cell is about twice as tall as wide: one scale for both axes, in metres per row
        self.scale = max((x1 - x0) / max(1, width - 1) * 2, (y1 - y0) / max(1, height - 1), 1e-6)
        self.cells: list[list[tuple[str, str]]] = [[(" ", "")] * width for _ in range(height)]

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """The cell of (x, y); (-1, -1), off the canvas, for a damaged value (NaN, inf, far)."""
        col = (x - self.x0) / self.scale * 2
        row = self.height - 1 - (y - self.y0) / self.scale
        if not (abs(col) < FAR and abs(row) < FAR):  # false for NaN too
            return -1, -1
        return round(col), round(row)

    def at(self, col: int, row: int) -> tuple[float, float]:
        """The world point at the centre of a cell."""
        return self.x0 + col * self.scale / 2, self.y0 + (self.height - 1 - row) * self.scale

    def fill(self, shape: Any, char: str, style: str) -> None:
        for row in range(self.height):
            for col in range(self.width):
                if shape_contains(shape, *self.at(col, row)):
                    self.cells[row][col] = (char, style)

    def put(self, x: float, y: float, char: str, style: str = "") -> None:
        col, row = self.cell(x, y)
        if 0 <= col < self.width and 0 <= row < self.height:
            self.cells[row][col] = (char, style)

    def text(self, col: int, row: int, label: str, style: str) -> None:
        for i, char in enumerate(label):
            if 0 <= col + i < self.width and 0 <= row < self.height:
                self.cells[row][col + i] = (char, style)

    def line(self, a: tuple[float, float], b: tuple[float, float], char: str, style: str) -> None:
        if not all(map(finite, (*a, *b))):
            return
        # at most a few steps per cell crossed: a far end must not cost a billion puts
        steps = max(1, min(int(math.dist(a, b) / self.scale * 2), 4 * (self.width + self.height)))
        for i in range(steps + 1):
            t = i / steps
            self.put(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, char, style)

    def render(self) -> Text:
        out = Text()
        for row in self.cells:
            for char, style in row:
                out.append(char, style)
            out.append("\n")
        return out


def _world_points(world: WorldInfo | None) -> list[tuple[float, float]]:
    if world is None:
        return []
    x0, y0, x1, y1 = world.bounds
    return [(x0, y0), (x1, y1)] if x1 > x0 and y1 > y0 else []


def _draw_world(canvas: _Canvas, world: WorldInfo, model: MonitorModel) -> None:
    for region in world.regions:
        char, style = TERRAIN_STYLE.get(str(region.get("kind")), ("▒", "grey50"))
        canvas.fill(region.get("shape"), char, style)
    for region in world.regions:  # closed regions on top of every fill
        if region.get("name") in model.closed:
            canvas.fill(region.get("shape"), "✕", "bold red")
    for place in world.places:
        glyph = PLACE_GLYPH.get(str(place.get("kind")), "o")
        x, y = point_of(place) or (math.nan, math.nan)
        canvas.put(x, y, glyph, "bold blue")
        if place.get("kind") != "waypoint":
            col, row = canvas.cell(x, y)
            canvas.text(col + 1, row, str(place.get("name", ""))[:10], "blue")


def _draw_entities(canvas: _Canvas, world: WorldInfo, model: MonitorModel) -> None:
    for entity in world.entities:
        glyph = ENTITY_GLYPH.get(str(entity.get("kind")), "?")
        found = entity.get("name") in model.found
        style = "bold green" if found else "bold magenta"
        canvas.put(*(point_of(entity) or (math.nan, math.nan)), glyph, style)


def _fit(line: str, width: int) -> str:
    """``line`` cut to ``width`` at a word boundary (a legend item is never cut in half)."""
    if len(line) <= width:
        return line
    cut = line[: max(0, width)].rsplit(" ", 1)[0]
    return cut if cut else line[: max(0, width)]


def render_map(model: MonitorModel, geometry: Geometry, width: int, height: int) -> Text:
    """The map as ``height`` lines of ``width`` cells (the last line is the legend)."""
    rows = max(1, height - 1)
    world = model.world
    trail = [(s.x, s.y) for s in model.samples]
    points = _world_points(world)
    if not points:
        points = list(geometry.places.values()) + [p for r in geometry.routes for p in r] + trail
        points += [(x + dx, y + dy) for x, y, r in geometry.areas for dx, dy in ((-r, -r), (r, r))]
        if model.sample is not None:
            points.append((model.sample.x, model.sample.y))
    points = [p for p in points if finite(p[0]) and finite(p[1])]  # a damaged sample: not drawn
    if not points:
        return Text("no positions yet\n" + MISSING, "dim")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = 0.0 if world is not None else 1.0
    canvas = _Canvas(width, rows, (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad))
    if world is not None:
        _draw_world(canvas, world, model)
    for x, y, r in geometry.areas:
        for k in range(48):
            angle = 2 * math.pi * k / 48
            canvas.put(x + r * math.cos(angle), y + r * math.sin(angle), "·", "cyan")
    for route in geometry.routes:
        for a, b in pairwise(route):
            canvas.line(a, b, "─", "blue")
    if model.sample is not None and model.planned_path:
        path = [(model.sample.x, model.sample.y), *model.planned_path]
        for a, b in pairwise(path):
            canvas.line(a, b, "∙", "bold yellow")
    for point in trail:
        canvas.put(*point, "•", "green")
    if world is None:
        for name, (x, y) in geometry.places.items():
            canvas.put(x, y, "o", "bold blue")
            col, row = canvas.cell(x, y)
            canvas.text(col + 1, row, name[:10], "blue")
    else:
        _draw_entities(canvas, world, model)
    if model.sample is not None:
        s = model.sample
        arrow = ARROWS[round(math.degrees(s.yaw) / 45) % 8] if finite(s.yaw) else "?"
        canvas.put(s.x, s.y, "X" if s.fallen else arrow, "bold red" if s.fallen else "bold yellow")
    text = canvas.render()
    legend = LEGEND if world is not None else MISSING
    if world is not None and world.left_out:
        legend = f"{world.left_out} damaged world items not drawn; {legend}"
    text.append(_fit(legend, width), "dim")
    return text


class MapView(Widget):
    """Redraws the map at its own size from the model."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.geometry = geometry_of(None)

    def load(self) -> None:
        """Collect the geometry of the model's tree (once per run)."""
        self.geometry = geometry_of(self.model.root)
        self.refresh()

    def render(self) -> Text:
        return render_map(self.model, self.geometry, self.size.width, self.size.height)
