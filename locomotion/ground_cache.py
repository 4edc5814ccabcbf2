"""What a kinematic reset builds from a world's ground, kept from run to run while it is the same.

Every run of a campaign resets a fresh backend into its own world: the drawn friction and softness
and the run's texture seed make each world and terrain map different, but the *shape* of the
ground (the regions, their kinds, elevations, slopes and stairs, the bounds) is the same in every
run. The rasters that depend only on that shape are most of a reset's cost: the edge grid, the
planner's blocked cells, components and per-cell moves, and the fine surface's region, base
height, kind and obstacle-reach rasters. A :class:`GroundCache` keeps them per shape (and per cost
table, for the planner: softness prices mud) and builds the rest of each run's surface from its
own world and seed, so a warm reset gives exactly the rasters a cold one builds.

One cache belongs to whoever owns the runs of one process (the campaign worker keeps one per
process, as it keeps the compiled mission); a backend built without one keeps nothing between
backends. The cache holds at most ``limit`` shapes and forgets the oldest.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import numpy as np

from locomotion.kinematic_scalar import FastSurface
from locomotion.planner import Planner
from locomotion.terrain import SurfaceGrid, TerrainMap, region_cost
from locomotion.world import TerrainRegion, World

__all__ = ["GroundCache", "ground_key"]

_DRAWN = ("friction", "softness")
"""Region parameters a run's draw changes that no shape-only raster depends on."""


def _shape_only(region: TerrainRegion) -> TerrainRegion:
    params = region.params
    names = {f.name for f in dataclasses.fields(params)}
    neutral = {name: 0.0 for name in _DRAWN if name in names}
    return dataclasses.replace(region, params=dataclasses.replace(params, **neutral))


def _freeze(*arrays: np.ndarray | None) -> None:
    """Make shared rasters read-only, so a run that wrote into one would fail, not leak."""
    for a in arrays:
        if a is not None:
            a.flags.writeable = False


def ground_key(world: World) -> Hashable:
    """What the shape-only rasters of ``world`` depend on: its bounds and its regions with their
    friction and softness left out (everything else about a region, its name included)."""
    return (world.bounds, tuple(_shape_only(r) for r in world.regions))


class GroundCache:
    """Planners and surface rasters per ground shape (see the module docstring).

    Args:
        limit: most ground shapes kept (the oldest is forgotten first).
    """

    def __init__(self, limit: int = 4) -> None:
        self.limit = limit
        self._planners: OrderedDict[Hashable, Planner] = OrderedDict()
        self._surfaces: OrderedDict[Hashable, FastSurface] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def _remember(self, table: OrderedDict[Hashable, Any], key: Hashable, value: Any) -> None:
        table[key] = value
        while len(table) > self.limit:
            table.popitem(last=False)

    def planner(self, terrain: TerrainMap, half_width: float, max_step: float,
                max_stair_rise: float) -> Planner:
        """A planner for ``terrain``: the kept one of an equal grid (rebound to ``terrain``, its
        moves, components and closures shared), else a new one, kept.

        Args:
            terrain: the run's map.
            half_width: robot half-width (m).
            max_step: the largest height change a path may cross (m).
            max_stair_rise: the largest flight rise a path may climb (m).
        """
        world = terrain.world
        key = (ground_key(world), terrain.resolution, tuple(region_cost(r) for r in world.regions),
               half_width, max_step, max_stair_rise)
        kept = self._planners.get(key)
        if kept is not None:
            self.hits += 1
            self._planners.move_to_end(key)
            return kept.rebound(terrain)
        self.misses += 1
        planner = Planner(terrain, half_width, max_step, max_stair_rise)
        planner.warm()
        _freeze(planner.core, planner.blocked, planner.edges, planner.labels)
        self._remember(self._planners, key, planner)
        return planner

    def surface(self, terrain: TerrainMap) -> FastSurface:
        """The twin's surface of ``terrain``: its shape rasters (regions, base height, kind,
        tops, obstacle reach) from a kept surface of the same ground, its height texture,
        friction and softness from ``terrain`` itself."""
        key = ground_key(terrain.world)
        kept = self._surfaces.get(key)
        if kept is not None:
            self.hits += 1
            self._surfaces.move_to_end(key)
            return FastSurface(SurfaceGrid.from_map(terrain, like=kept.s), near=kept.near)
        self.misses += 1
        surface = FastSurface(SurfaceGrid.from_map(terrain))
        grid = surface.s
        _freeze(grid.region, grid.base, grid.kind, grid.top, surface.near)
        self._remember(self._surfaces, key, surface)
        return surface
