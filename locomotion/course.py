"""The standard terrain course: one straight corridor that exercises every gait.

Laid out along +x, 4 m wide, every piece spanning the full width (so the planner cannot walk
round it): 10 m flat, a 15 deg ramp up, a landing and a ramp down, a flight of 5 steps (10 cm rise,
30 cm tread) up, a landing and 5 steps down, 3 m of mud, 3 m of gravel, then a short finish.
The segment boundaries are exposed so benchmarks can report time per segment and classifier
accuracy per class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from locomotion.backend import Pose
from locomotion.world import (
    FlatParams,
    GravelParams,
    MudParams,
    Point,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainParams,
    TerrainRegion,
    World,
)

__all__ = ["Course", "CourseSegment", "standard_course"]

_HALF_WIDTH = 2.0


@dataclass(frozen=True)
class CourseSegment:
    """A stretch of the course from ``x_start`` to ``x_end`` (m) of one kind of ground."""

    name: str
    kind: TerrainKind
    x_start: float
    x_end: float

    @property
    def length(self) -> float:
        return self.x_end - self.x_start


@dataclass(frozen=True)
class Course:
    """A world plus where to start, where to finish and which stretch is which."""

    world: World
    start: Pose
    goal: Point
    segments: tuple[CourseSegment, ...]

    def segment_at(self, x: float) -> CourseSegment | None:
        """The segment holding position ``x`` along the course, or None before/after it."""
        for seg in self.segments:
            if seg.x_start <= x < seg.x_end:
                return seg
        return None


def standard_course(ramp_deg: float = 15.0, mud_softness: float = 0.4) -> Course:
    """Build the standard course.

    Args:
        ramp_deg: ramp inclination; 15 deg is the standard.
        mud_softness: softness of the mud stretch (passable below ~0.8).
    """
    ramp_len = 2.0
    ramp_top = ramp_len * math.tan(math.radians(ramp_deg))
    stairs = StairsParams(rise=0.10, tread=0.30, count=5, heading=0.0)
    stairs_down = StairsParams(rise=0.10, tread=0.30, count=5, heading=180.0)
    # the 5th riser is the edge of the landing, so a flight holds 4 treads (see terrain.py)
    flight = (stairs.count - 1) * stairs.tread
    layout: list[tuple[str, TerrainKind, float, TerrainParams, float]] = [
        ("flat", TerrainKind.FLAT, 10.0, FlatParams(), 0.0),
        ("ramp_up", TerrainKind.SLOPE, ramp_len, SlopeParams(angle=ramp_deg, heading=0.0), 0.0),
        ("ramp_landing", TerrainKind.FLAT, 1.5, FlatParams(), ramp_top),
        ("ramp_down", TerrainKind.SLOPE, ramp_len, SlopeParams(angle=ramp_deg, heading=180.0), 0.0),
        ("flat_2", TerrainKind.FLAT, 1.5, FlatParams(), 0.0),
        ("stairs_up", TerrainKind.STAIRS, flight, stairs, 0.0),
        ("stairs_landing", TerrainKind.FLAT, 1.0, FlatParams(), 0.5),
        ("stairs_down", TerrainKind.STAIRS, flight, stairs_down, 0.0),
        ("flat_3", TerrainKind.FLAT, 1.5, FlatParams(), 0.0),
        ("mud", TerrainKind.MUD, 3.0, MudParams(softness=mud_softness), 0.0),
        ("gravel", TerrainKind.GRAVEL, 3.0, GravelParams(), 0.0),
        ("finish", TerrainKind.FLAT, 2.0, FlatParams(), 0.0),
    ]
    regions: list[TerrainRegion] = []
    segments: list[CourseSegment] = []
    x = 0.0
    for name, kind, length, params, elevation in layout:
        rect = Rect(x, -_HALF_WIDTH, x + length, _HALF_WIDTH)
        regions.append(TerrainRegion(name, kind, rect, params, elevation))
        segments.append(CourseSegment(name, kind, x, x + length))
        x += length
    world = World(
        name="standard_course",
        bounds=Rect(-0.5, -_HALF_WIDTH, x + 0.5, _HALF_WIDTH),
        regions=tuple(regions),
    )
    return Course(world, Pose(0.5, 0.0, 0.0), (x - 1.0, 0.0), tuple(segments))
