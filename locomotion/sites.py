"""Multi-level test sites: ground the twin and the planner must respect edges on.

:func:`bank_site` is the site of issue 11's "done when": a grass bank 0.86 m high whose sides are
open (no railing: walking off them is a fall), reached only by a flight of stairs that meets its
top, and a wall on the ground beyond it. Tests and benchmarks drive both backends on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from locomotion.backend import Pose
from locomotion.world import (
    GrassParams,
    ObstacleParams,
    Point,
    Rect,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = ["BankSite", "bank_site"]

BANK_HEIGHT = 0.86


@dataclass(frozen=True)
class BankSite:
    """The bank site and its landmarks (m)."""

    world: World
    bank: Rect
    stairs: Rect
    wall: Rect
    ground_start: Pose
    on_bank: Point
    beyond_bank: Point


def bank_site() -> BankSite:
    """A 30 x 16 m yard: the bank x 12-20, y 4-12 (0.86 m), stairs up to it from the west at
    y 7-9 (10 steps of 8.6 cm), a wall x 25-26, y 2-14 on the ground east of the bank."""
    bank = Rect(12.0, 4.0, 20.0, 12.0)
    stairs = Rect(9.4, 7.0, 12.0, 9.0)
    wall = Rect(25.0, 2.0, 26.0, 14.0)
    regions = (
        TerrainRegion("bank", TerrainKind.GRASS, bank, GrassParams(height=0.05), BANK_HEIGHT),
        TerrainRegion("bank_stairs", TerrainKind.STAIRS, stairs,
                      StairsParams(rise=BANK_HEIGHT / 10, tread=0.26, count=10, heading=0.0)),
        TerrainRegion("wall", TerrainKind.OBSTACLE, wall, ObstacleParams(height=1.2)),
    )
    world = World("bank site", Rect(0.0, 0.0, 30.0, 16.0), regions)
    return BankSite(world, bank, stairs, wall, Pose(4.0, 8.0), (16.0, 8.0), (22.5, 8.0))
