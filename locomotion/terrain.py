"""Ground truth about the terrain of a :class:`~locomotion.world.World`, as fast numpy queries.

The world is a list of painted regions; planning, sensing and the kinematic twin all ask the same
questions many times per second (how high is the ground here, what is it, how costly is it to
cross), so :class:`TerrainMap` answers them vectorised over arrays of points, and holds the planning
:class:`~locomotion.terrain_raster.CostGrid` it rasterises once (the rasters are built in
:mod:`locomotion.terrain_raster`, whose names this module re-exports for its importers).

Heights: level regions sit at their ``elevation``; slopes and stairs rise from the edge of their
shape that is lowest along their heading (``s = 0``): a slope by ``tan(angle) * s``; stairs by one
``rise`` per ``tread`` (the first tread already one rise up), for ``count`` steps, then level.
Gravel and rubble get deterministic value-noise roughness seeded by the map seed and the region's
index, so the same world and seed always give the same ground.
"""

from __future__ import annotations

import math

import numpy as np

from locomotion.terrain_raster import (
    KIND_INDEX,
    KINDS,
    CostGrid,
    SurfaceGrid,
    cost_grid,
    edge_cells,
    shape_contains,
)
from locomotion.world import (
    GrassParams,
    GravelParams,
    HedgeParams,
    MudParams,
    RubbleParams,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = [
    "IMPASSABLE",
    "KINDS",
    "KIND_INDEX",
    "MAX_GRID_CELLS",
    "MAX_SLOPE_DEG",
    "MAX_STAIR_RISE",
    "STAIR_AXIS_TOLERANCE",
    "CostGrid",
    "SurfaceGrid",
    "TerrainMap",
    "region_cost",
    "shape_contains",
    "terrain_for",
]

IMPASSABLE = math.inf
MAX_SLOPE_DEG = 30.0
"""Steeper slopes are impassable for a small quadruped."""
MAX_STAIR_RISE = 0.25
"""Higher steps are walls to a small quadruped (impassable, and what perception calls obstacle)."""
STAIR_AXIS_TOLERANCE = math.radians(25.0)
"""Largest angle between a move on stairs and the stair axis; 25 deg > 22.5 deg so one of the
eight grid directions always qualifies."""

_NOISE_CELL = {TerrainKind.GRAVEL: 0.06, TerrainKind.RUBBLE: 0.15}
# std of bilinear interpolation of iid U(-1, 1) lattice values, averaged over a cell: sqrt(1/3)*2/3
_NOISE_STD = math.sqrt(1.0 / 3.0) * 2.0 / 3.0
_FLAT = KIND_INDEX[TerrainKind.FLAT]


def region_cost(region: TerrainRegion) -> float:
    """Traversal cost per metre relative to flat ground (``inf`` = impassable).

    Costs are what the planner trades distance against: grass 1.3, gravel 1.5, slopes grow with
    their angle, stairs 2.5, mud with its softness, hedges are nearly walls.
    """
    p = region.params
    kind = region.kind
    if kind in (TerrainKind.WATER, TerrainKind.OBSTACLE):
        return IMPASSABLE
    if isinstance(p, SlopeParams):
        if abs(p.angle) > MAX_SLOPE_DEG:
            return IMPASSABLE
        return 1.0 + 0.08 * abs(p.angle)
    if isinstance(p, StairsParams):
        return IMPASSABLE if p.rise > MAX_STAIR_RISE else 2.5
    if isinstance(p, MudParams):
        return 1.5 + 4.0 * p.softness
    if isinstance(p, GravelParams):
        return 1.5
    if isinstance(p, GrassParams):
        return 1.2 + min(p.height, 0.5)
    if isinstance(p, RubbleParams):
        return 2.0 + 10.0 * p.roughness
    if isinstance(p, HedgeParams):
        return IMPASSABLE if p.density >= 0.95 else 8.0 + 30.0 * p.density
    return 1.0


def _hash_uniform(ix: np.ndarray, iy: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic U(-1, 1) per integer lattice point (a small integer hash, no RNG state)."""
    h = ix.astype(np.uint64) * np.uint64(0x9E3779B1) ^ iy.astype(np.uint64) * np.uint64(0x85EBCA77)
    h ^= np.uint64(seed & 0xFFFFFFFF) * np.uint64(0xC2B2AE3D)
    h ^= h >> np.uint64(15)
    h *= np.uint64(0x2C1B3C6D)
    h ^= h >> np.uint64(12)
    h *= np.uint64(0x297A2D39)
    h ^= h >> np.uint64(15)
    return (h & np.uint64(0xFFFFFF)).astype(np.float64) / float(0xFFFFFF) * 2.0 - 1.0


def _value_noise(x: np.ndarray, y: np.ndarray, cell: float, seed: int) -> np.ndarray:
    gx, gy = x / cell, y / cell
    x0, y0 = np.floor(gx), np.floor(gy)
    fx, fy = gx - x0, gy - y0
    ix, iy = x0.astype(np.int64) + (1 << 20), y0.astype(np.int64) + (1 << 20)
    v00 = _hash_uniform(ix, iy, seed)
    v10 = _hash_uniform(ix + 1, iy, seed)
    v01 = _hash_uniform(ix, iy + 1, seed)
    v11 = _hash_uniform(ix + 1, iy + 1, seed)
    return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy


#: Most cells of one planning grid: a 400 m square site at 0.2 m (a few hundred MB over all layers).
MAX_GRID_CELLS = 4_000_000


class TerrainMap:
    """Vectorised ground truth for one world.

    Args:
        world: the site.
        resolution: planning grid cell size (m); 0.1-0.25 suits a 0.3 m wide robot.
        seed: seeds the gravel/rubble roughness (same seed, same ground).
    """

    def __init__(self, world: World, resolution: float = 0.2, seed: int = 0) -> None:
        if not 0.01 <= resolution <= 2.0:
            raise ValueError(f"resolution must be between 0.01 and 2 m, got {resolution}")
        b = world.bounds
        cells = math.ceil((b.x_max - b.x_min) / resolution) * math.ceil(
            (b.y_max - b.y_min) / resolution)
        if cells > MAX_GRID_CELLS:  # each layer of the grid would take gigabytes
            raise ValueError(f"world {world.name!r} needs {cells:,} grid cells at {resolution} m "
                             f"(the limit is {MAX_GRID_CELLS:,}): make the world smaller")
        self.world = world
        self.resolution = resolution
        self.seed = seed
        self._regions = world.regions
        self._ascent = [self._ascent_frame(r) for r in self._regions]
        self._grid: CostGrid | None = None

    # ------------------------------------------------------------------ point queries
    @staticmethod
    def _ascent_frame(region: TerrainRegion) -> tuple[float, float, float] | None:
        p = region.params
        if not isinstance(p, (SlopeParams, StairsParams)):
            return None
        h = math.radians(p.heading)
        ux, uy = math.cos(h), math.sin(h)
        verts = region.shape.vertices()
        s0 = min(vx * ux + vy * uy for vx, vy in verts)
        return ux, uy, s0

    def region_index(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Index into ``world.regions`` of the region owning each point, -1 for default flat."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        idx = np.full(xa.shape, -1, dtype=np.int64)
        for i, region in enumerate(self._regions):
            idx[shape_contains(region.shape, xa, ya)] = i
        return idx

    def kind(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Integer kind code per point (see :data:`KINDS`); outside bounds counts as obstacle."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        codes = np.full(xa.shape, _FLAT, dtype=np.int64)
        for region in self._regions:
            codes[shape_contains(region.shape, xa, ya)] = KIND_INDEX[region.kind]
        return self._outside_is_obstacle(codes, xa, ya)

    def kind_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray:
        """:meth:`kind` from an already computed :meth:`region_index` of the same points (the
        last region painted wins in both, so the codes are the same)."""
        table = np.array([KIND_INDEX[r.kind] for r in self._regions] + [_FLAT], dtype=np.int64)
        return self._outside_is_obstacle(table[idx], xa, ya)

    def _outside_is_obstacle(self, codes: np.ndarray, xa: np.ndarray, ya: np.ndarray
                             ) -> np.ndarray:
        b = self.world.bounds
        outside = (xa < b.x_min) | (xa > b.x_max) | (ya < b.y_min) | (ya > b.y_max)
        codes[outside] = KIND_INDEX[TerrainKind.OBSTACLE]
        return codes

    def kind_at(self, x: float, y: float) -> TerrainKind:
        return KINDS[int(self.kind(x, y))]

    def height(self, x: np.ndarray | float, y: np.ndarray | float,
               roughness: bool = True) -> np.ndarray:
        """Ground height (m) per point: stairs, slopes and (unless ``roughness`` is False) the
        seeded gravel/rubble roughness. Without it you get the mean surface a trunk follows."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return self.height_of(self.region_index(xa, ya), xa, ya, roughness)

    def height_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray,
                   roughness: bool = True) -> np.ndarray:
        """:meth:`height` from an already computed :meth:`region_index` of the same points."""
        # a level region without texture is its elevation: read off a table; the others
        # (slopes, stairs, textured gravel and rubble) are computed on their own samples
        z = np.array(self._elevation_table()[idx], dtype=float)  # 0-d for one point
        present = np.bincount(idx.ravel() + 1, minlength=len(self._regions) + 1)[1:]
        for i in np.flatnonzero(present):  # the regions' point sets are disjoint: order is free
            if self._ascent[int(i)] is None and not (roughness and self._textured_region(int(i))):
                continue
            m = idx == i
            z[m] = self._region_height(int(i), xa[m], ya[m], roughness)
        return z

    def _elevation_table(self) -> np.ndarray:
        return np.array([float(r.elevation) for r in self._regions] + [0.0])

    def _textured_region(self, i: int) -> bool:
        return isinstance(self._regions[i].params, (GravelParams, RubbleParams))

    def textured_height(self, base: np.ndarray, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray
                  ) -> np.ndarray:
        """:meth:`height_of` with roughness, from its value without (``base``): only the
        gravel and rubble regions' samples are computed again (the others' heights are the
        same with or without roughness, by the same arithmetic)."""
        z = base.copy()
        present = np.bincount(idx.ravel() + 1, minlength=len(self._regions) + 1)[1:]
        for i in np.flatnonzero(present):
            if self._textured_region(int(i)):
                m = idx == i
                z[m] = self._region_height(int(i), xa[m], ya[m], True)
        return z

    def _region_height(self, i: int, x: np.ndarray, y: np.ndarray,
                       roughness: bool = True) -> np.ndarray:
        region = self._regions[i]
        p = region.params
        z = np.full(x.shape, float(region.elevation))
        frame = self._ascent[i]
        if frame is not None:
            ux, uy, s0 = frame
            s = np.maximum(x * ux + y * uy - s0, 0.0)
            if isinstance(p, SlopeParams):
                z += math.tan(math.radians(p.angle)) * s
            elif isinstance(p, StairsParams):
                steps = np.minimum(np.floor(s / p.tread) + 1.0, float(p.count))
                z += p.rise * steps
        if roughness and isinstance(p, (GravelParams, RubbleParams)):
            cell = _NOISE_CELL[region.kind]
            z += _value_noise(x, y, cell, self.seed * 7919 + i) * (p.roughness / _NOISE_STD)
        return z

    def friction(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Coulomb friction per point (0.9 on default ground)."""
        idx = self.region_index(x, y)
        return self.friction_table()[idx]

    def friction_table(self) -> np.ndarray:
        return np.array([float(getattr(r.params, "friction", 0.9)) for r in self._regions] + [0.9])

    def softness(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Mud softness per point (0 away from mud)."""
        return self.softness_table()[self.region_index(x, y)]

    def softness_table(self) -> np.ndarray:
        return np.array(
            [r.params.softness if isinstance(r.params, MudParams) else 0.0 for r in self._regions]
            + [0.0]
        )

    def cost(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Traversal cost per metre per point, ``inf`` for impassable or outside bounds."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return self.cost_of(self.region_index(xa, ya), xa, ya)

    def cost_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray:
        """:meth:`cost` from an already computed :meth:`region_index` of the same points."""
        table = np.array([region_cost(r) for r in self._regions] + [1.0])
        c = np.array(table[idx], dtype=float)
        b = self.world.bounds
        c[(xa < b.x_min) | (xa > b.x_max) | (ya < b.y_min) | (ya > b.y_max)] = IMPASSABLE
        return c

    # ------------------------------------------------------------------ rasters
    def edge_cells(self, max_step: float, stair_rise: float = MAX_STAIR_RISE) -> np.ndarray:
        """Cells of :attr:`grid` holding an edge: a height change of more than ``max_step`` m
        between neighbouring ground samples a quarter of a cell apart (a ledge, a step, a ramp's
        or a flight's side, a floor that does not meet its stairs). Both sides of an edge count;
        slopes do not (the steepest walkable one rises 3 cm between samples); next to a stair
        sample the limit is ``stair_rise`` (at most :data:`MAX_STAIR_RISE`: treads are climbed in
        the stairs gait, and the planner enters flights only along their axis)."""
        return edge_cells(self, max_step, min(stair_rise, MAX_STAIR_RISE), MAX_SLOPE_DEG)

    @property
    def grid(self) -> CostGrid:
        """The planning grid over the world bounds, built on first use and cached."""
        if self._grid is None:
            self._grid = cost_grid(self)
        return self._grid


def terrain_for(world: World, terrain: TerrainMap | None = None,
                resolution: float = 0.2) -> TerrainMap:
    """The map a backend uses at ``reset``: ``terrain`` itself (the run's map, checked to be of
    ``world``), or for None the world's default ground (texture seed 0) at ``resolution`` m.

    Raises:
        ValueError: ``terrain`` is the map of another world.
    """
    if terrain is None:
        return TerrainMap(world, resolution, seed=0)
    if terrain.world is not world and terrain.world != world:
        raise ValueError(
            f"the terrain map is of world {terrain.world.name!r}, not of {world.name!r}: "
            "build it from the world being reset into"
        )
    return terrain
