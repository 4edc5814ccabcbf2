"""The world a mission runs in: bounds, terrain regions and scenario entities, as plain frozen data.

This is what the simulator knows and the robot does not. The mission language's world files
compile into a :class:`World`; the terrain map (``terrain.py``) answers queries about it. Regions
are painted in declaration order: where two overlap, the later one wins.

Every terrain parameter is a dataclass field whose ``metadata["unit"]`` names its canonical unit
("m", "deg", "" for a plain number, "count"), so the language checker can check and convert the
values an operator writes without keeping a second table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import Enum

Point = tuple[float, float]

__all__ = [
    "PARAMS_BY_KIND",
    "Circle",
    "Dock",
    "FlatParams",
    "GrassParams",
    "GravelParams",
    "HedgeParams",
    "Intruder",
    "MudParams",
    "ObstacleParams",
    "PayloadItem",
    "Point",
    "Polygon",
    "Rect",
    "RubbleParams",
    "Shape",
    "SlopeParams",
    "StairsParams",
    "Station",
    "TerrainKind",
    "TerrainParams",
    "TerrainRegion",
    "Victim",
    "WaterParams",
    "World",
    "param_units",
]


def _param(default: float, unit: str, doc: str) -> float:
    return field(default=default, metadata={"unit": unit, "doc": doc})


# --------------------------------------------------------------------------------------- shapes
@dataclass(frozen=True)
class Rect:
    """Axis-aligned rectangle from its lower-left to its upper-right corner (metres)."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def contains(self, x: float, y: float) -> bool:
        return self.x_min <= x <= self.x_max and self.y_min <= y <= self.y_max

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x_min, self.y_min, self.x_max, self.y_max)

    def vertices(self) -> tuple[Point, ...]:
        return (
            (self.x_min, self.y_min),
            (self.x_max, self.y_min),
            (self.x_max, self.y_max),
            (self.x_min, self.y_max),
        )


@dataclass(frozen=True)
class Circle:
    """Disc of ``radius`` metres around ``center``."""

    center: Point
    radius: float

    def contains(self, x: float, y: float) -> bool:
        return math.hypot(x - self.center[0], y - self.center[1]) <= self.radius

    def bbox(self) -> tuple[float, float, float, float]:
        cx, cy = self.center
        return (cx - self.radius, cy - self.radius, cx + self.radius, cy + self.radius)

    def vertices(self, segments: int = 24) -> tuple[Point, ...]:
        cx, cy = self.center
        return tuple(
            (
                cx + self.radius * math.cos(2 * math.pi * i / segments),
                cy + self.radius * math.sin(2 * math.pi * i / segments),
            )
            for i in range(segments)
        )


@dataclass(frozen=True)
class Polygon:
    """Simple polygon given by its corners in order (either winding)."""

    points: tuple[Point, ...]

    def contains(self, x: float, y: float) -> bool:
        inside = False
        pts = self.points
        j = len(pts) - 1
        for i in range(len(pts)):
            xi, yi = pts[i]
            xj, yj = pts[j]
            if (yi > y) != (yj > y):
                x_cross = xi + (y - yi) * (xj - xi) / (yj - yi)
                if x < x_cross:
                    inside = not inside
            j = i
        return inside

    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))

    def vertices(self) -> tuple[Point, ...]:
        return self.points


Shape = Rect | Circle | Polygon


# -------------------------------------------------------------------------------------- terrain
class TerrainKind(str, Enum):
    """Kinds of ground. Also the classes the terrain classifier names."""

    FLAT = "flat"
    SLOPE = "slope"
    STAIRS = "stairs"
    MUD = "mud"
    GRAVEL = "gravel"
    GRASS = "grass"
    HEDGE = "hedge"
    RUBBLE = "rubble"
    WATER = "water"
    OBSTACLE = "obstacle"


@dataclass(frozen=True)
class FlatParams:
    friction: float = _param(0.9, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class SlopeParams:
    angle: float = _param(10.0, "deg", "inclination of the slope")
    heading: float = _param(0.0, "deg", "direction of ascent, 0 = +x, 90 = +y")
    friction: float = _param(0.8, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class StairsParams:
    rise: float = _param(0.10, "m", "height of one step")
    tread: float = _param(0.30, "m", "depth of one step")
    count: float = _param(5, "count", "number of steps")
    heading: float = _param(0.0, "deg", "direction of ascent, 0 = +x, 90 = +y")
    friction: float = _param(0.9, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class MudParams:
    softness: float = _param(0.5, "", "0 = firm, 1 = the robot sinks to its knees")
    friction: float = _param(0.4, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class GravelParams:
    roughness: float = _param(0.02, "m", "standard deviation of the surface height")
    friction: float = _param(0.6, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class GrassParams:
    height: float = _param(0.10, "m", "height of the grass")
    friction: float = _param(0.7, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class HedgeParams:
    height: float = _param(1.0, "m", "height of the hedge")
    density: float = _param(0.5, "", "0 = sparse, 1 = impassable")


@dataclass(frozen=True)
class RubbleParams:
    roughness: float = _param(0.06, "m", "standard deviation of the surface height")
    friction: float = _param(0.7, "", "Coulomb friction coefficient")


@dataclass(frozen=True)
class WaterParams:
    depth: float = _param(1.0, "m", "depth of the water")


@dataclass(frozen=True)
class ObstacleParams:
    height: float = _param(1.0, "m", "height of the obstacle")


TerrainParams = (
    FlatParams
    | SlopeParams
    | StairsParams
    | MudParams
    | GravelParams
    | GrassParams
    | HedgeParams
    | RubbleParams
    | WaterParams
    | ObstacleParams
)

PARAMS_BY_KIND: dict[TerrainKind, type] = {
    TerrainKind.FLAT: FlatParams,
    TerrainKind.SLOPE: SlopeParams,
    TerrainKind.STAIRS: StairsParams,
    TerrainKind.MUD: MudParams,
    TerrainKind.GRAVEL: GravelParams,
    TerrainKind.GRASS: GrassParams,
    TerrainKind.HEDGE: HedgeParams,
    TerrainKind.RUBBLE: RubbleParams,
    TerrainKind.WATER: WaterParams,
    TerrainKind.OBSTACLE: ObstacleParams,
}


def param_units(kind: TerrainKind) -> dict[str, str]:
    """Map each parameter of ``kind`` to its canonical unit ("" for a plain number)."""
    return {f.name: f.metadata["unit"] for f in fields(PARAMS_BY_KIND[kind])}


@dataclass(frozen=True)
class TerrainRegion:
    """A named piece of ground.

    ``elevation`` is the ground height (m) at the region's lowest edge: slopes and stairs rise from
    it along their heading; every other kind is level at that height.
    """

    name: str
    kind: TerrainKind
    shape: Shape
    params: TerrainParams
    elevation: float = 0.0


# ------------------------------------------------------------------------------------- entities
@dataclass(frozen=True)
class Dock:
    name: str
    position: Point


@dataclass(frozen=True)
class Station:
    name: str
    position: Point


@dataclass(frozen=True)
class Victim:
    name: str
    position: Point


@dataclass(frozen=True)
class Intruder:
    """Someone walking ``path`` at ``speed`` m/s, back and forth, or round if ``loop``."""

    name: str
    path: tuple[Point, ...]
    speed: float = 1.0
    loop: bool = False


@dataclass(frozen=True)
class PayloadItem:
    """A payload of ``mass`` kg that starts at ``station``."""

    name: str
    mass: float
    station: str


@dataclass(frozen=True)
class World:
    """Everything the simulator knows about a site."""

    name: str
    bounds: Rect
    regions: tuple[TerrainRegion, ...] = ()
    docks: tuple[Dock, ...] = ()
    stations: tuple[Station, ...] = ()
    victims: tuple[Victim, ...] = ()
    intruders: tuple[Intruder, ...] = ()
    payloads: tuple[PayloadItem, ...] = ()
    waypoints: tuple[tuple[str, Point], ...] = ()

    def region_at(self, x: float, y: float) -> TerrainRegion | None:
        """The region that owns (x, y): the last declared one containing it, or None (flat)."""
        for region in reversed(self.regions):
            if region.shape.contains(x, y):
                return region
        return None

    def kind_at(self, x: float, y: float) -> TerrainKind:
        region = self.region_at(x, y)
        return TerrainKind.FLAT if region is None else region.kind

    def in_bounds(self, x: float, y: float) -> bool:
        return self.bounds.contains(x, y)

    def is_blocked(self, x: float, y: float) -> bool:
        """True where no legged robot can stand: outside bounds, water or a solid obstacle."""
        if not self.in_bounds(x, y):
            return True
        return self.kind_at(x, y) in (TerrainKind.WATER, TerrainKind.OBSTACLE)
