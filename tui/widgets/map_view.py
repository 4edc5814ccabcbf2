"""A top-down map of what the runtime publishes about the world, the robot and its trail.

The runtime does not publish the world yet (no terrain regions, entities, closed regions or planned
path in ``RunStarted``/``TreeDefinition``), and the monitor never imports the language to build it.
So the map draws what the tree's parameters hold (the places a walk goes to, the routes it follows,
the areas it scans), the robot's trail from telemetry and the robot with its heading, and says in
its last line what is missing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widget import Widget

from tui.messages import NodeInfo
from tui.model import MonitorModel

__all__ = ["ARROWS", "Geometry", "MapView", "geometry_of", "render_map"]

ARROWS = "→↗↑↖←↙↓↘"
"""Robot glyph by heading, counter-clockwise from east in 45° steps."""
MISSING = "not published: terrain regions, entities, closed regions, planned path"


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
    x, y = d.get("x"), d.get("y")
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return float(x), float(y)
    return None


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
            if isinstance(centre, list) and len(centre) == 2 and isinstance(radius, (int, float)):
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
        col = round((x - self.x0) / self.scale * 2)
        row = self.height - 1 - round((y - self.y0) / self.scale)
        return col, row

    def put(self, x: float, y: float, char: str, style: str = "") -> None:
        col, row = self.cell(x, y)
        if 0 <= col < self.width and 0 <= row < self.height:
            self.cells[row][col] = (char, style)

    def text(self, col: int, row: int, label: str, style: str) -> None:
        for i, char in enumerate(label):
            if 0 <= col + i < self.width and 0 <= row < self.height:
                self.cells[row][col + i] = (char, style)

    def line(self, a: tuple[float, float], b: tuple[float, float], char: str, style: str) -> None:
        steps = max(1, int(math.dist(a, b) / self.scale * 2))
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


def render_map(model: MonitorModel, geometry: Geometry, width: int, height: int) -> Text:
    """The map as ``height`` lines of ``width`` cells (the last line names what is missing)."""
    rows = max(1, height - 1)
    trail = [(s.x, s.y) for s in model.samples]
    points = list(geometry.places.values()) + [p for r in geometry.routes for p in r] + trail
    points += [(x + dx, y + dy) for x, y, r in geometry.areas for dx, dy in ((-r, -r), (r, r))]
    if model.sample is not None:
        points.append((model.sample.x, model.sample.y))
    if not points:
        return Text("no positions yet\n" + MISSING, "dim")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = 1.0
    canvas = _Canvas(width, rows, (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad))
    for x, y, r in geometry.areas:
        for k in range(48):
            a = 2 * math.pi * k / 48
            canvas.put(x + r * math.cos(a), y + r * math.sin(a), "·", "cyan")
    for route in geometry.routes:
        for a, b in zip(route, route[1:]):
            canvas.line(a, b, "─", "blue")
    for point in trail:
        canvas.put(*point, "•", "green")
    for name, (x, y) in geometry.places.items():
        canvas.put(x, y, "o", "bold blue")
        col, row = canvas.cell(x, y)
        canvas.text(col + 1, row, name[:10], "blue")
    if model.sample is not None:
        s = model.sample
        arrow = ARROWS[round(math.degrees(s.yaw) / 45) % 8]
        canvas.put(s.x, s.y, "X" if s.fallen else arrow, "bold red" if s.fallen else "bold yellow")
    text = canvas.render()
    text.append(MISSING[: max(0, width)], "dim")
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
