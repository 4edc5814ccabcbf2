"""Ground truth about the terrain of a :class:`~locomotion.world.World`, as fast numpy queries.

The world is a list of painted regions; planning, sensing and the kinematic twin all ask the same
questions many times per second (how high is the ground here, what is it, how costly is it to
cross), so :class:`TerrainMap` answers them vectorised over arrays of points, and rasterises the
world once into a :class:`CostGrid` for the planner.

Heights: level regions sit at their ``elevation``; slopes and stairs rise from the edge of their
shape that is lowest along their heading (``s = 0``): a slope by ``tan(angle) * s``; stairs by one
``rise`` per ``tread`` (the first tread already one rise up), for ``count`` steps, then level.
Gravel and rubble get deterministic value-noise roughness seeded by the map seed and the region's
index, so the same world and seed always give the same ground.

Size: over 400 lines: the map and its vectorised queries (height, kind, friction, edges) share the
rasters; the edge raster is the next to move out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from locomotion.world import (
    Circle,
    GrassParams,
    GravelParams,
    HedgeParams,
    MudParams,
    Polygon,
    Rect,
    RubbleParams,
    Shape,
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

KINDS: tuple[TerrainKind, ...] = tuple(TerrainKind)
"""Order of the integer kind codes used in arrays (``KINDS[code]`` is the kind)."""
KIND_INDEX: dict[TerrainKind, int] = {k: i for i, k in enumerate(KINDS)}
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


def shape_contains(shape: Shape, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Vectorised point-in-shape test (boundary counts as inside for rectangles and discs)."""
    if isinstance(shape, Rect):
        return (x >= shape.x_min) & (x <= shape.x_max) & (y >= shape.y_min) & (y <= shape.y_max)
    if isinstance(shape, Circle):
        cx, cy = shape.center
        return (x - cx) ** 2 + (y - cy) ** 2 <= shape.radius**2
    if isinstance(shape, Polygon):
        inside = np.zeros(np.broadcast(x, y).shape, dtype=bool)
        pts = shape.points
        for i in range(len(pts)):
            xi, yi = pts[i]
            xj, yj = pts[i - 1]
            crosses = (yi > y) != (yj > y)
            if yj == yi:
                continue
            x_cross = xi + (y - yi) * (xj - xi) / (yj - yi)
            inside ^= crosses & (x < x_cross)
        return inside
    raise TypeError(f"unknown shape type {type(shape).__name__}")


def _box(shape: Shape) -> tuple[float, float, float, float]:
    """(x_min, y_min, x_max, y_max) of a disc or polygon."""
    if isinstance(shape, Circle):
        (cx, cy), r = shape.center, shape.radius
        return cx - r, cy - r, cx + r, cy + r
    if isinstance(shape, Polygon):
        xs = [p[0] for p in shape.points]
        ys = [p[1] for p in shape.points]
        return min(xs), min(ys), max(xs), max(ys)
    raise TypeError(f"unknown shape type {type(shape).__name__}")


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


@dataclass(frozen=True)
class CostGrid:
    """The world rasterised for planning. Cell (row i, col j) has its centre at
    ``(x0 + (j + 0.5) * resolution, y0 + (i + 0.5) * resolution)``.

    Attributes:
        cost: traversal cost per metre, ``inf`` where impassable.
        kind: integer kind code (index into :data:`KINDS`).
        region: index of the owning region in ``world.regions``, -1 for the default flat ground.
        stair_axis: ascent heading (rad) on stair cells, NaN elsewhere.
        ramp_axis: ascent heading (rad) on slope cells, NaN elsewhere (None: no slopes known).
    """

    x0: float
    y0: float
    resolution: float
    cost: np.ndarray
    kind: np.ndarray
    region: np.ndarray
    stair_axis: np.ndarray
    ramp_axis: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.cost.shape  # type: ignore[return-value]

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """(row, col) of the cell holding (x, y); may lie outside the grid."""
        return (math.floor((y - self.y0) / self.resolution),
                math.floor((x - self.x0) / self.resolution))

    def center(self, row: int, col: int) -> tuple[float, float]:
        return (self.x0 + (col + 0.5) * self.resolution, self.y0 + (row + 0.5) * self.resolution)

    def inside(self, row: int, col: int) -> bool:
        return 0 <= row < self.cost.shape[0] and 0 <= col < self.cost.shape[1]


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

    def raster_regions(self, xs: np.ndarray, ys: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`region_index` of the raster ``np.meshgrid(xs, ys)`` (``xs``, ``ys`` ascending),
        each region tested only on the block of samples its bounding box covers.

        The rasters a reset builds (the planning grid, the edge grid, the surface) are rasters
        of the whole world; testing every shape at every sample was most of their cost. A
        rectangle's block is its answer (the same comparisons, on the axes); a disc or polygon
        is tested on its box padded by 1 um, outside which no sample can be inside it.

        Returns:
            ``(gx, gy, idx)``: the meshgrid and the region index of each sample.
        """
        gx, gy = np.meshgrid(xs, ys)
        idx = np.full(gx.shape, -1, dtype=np.int64)
        for i, region in enumerate(self._regions):
            shape = region.shape
            if isinstance(shape, Rect):
                cols = np.flatnonzero((xs >= shape.x_min) & (xs <= shape.x_max))
                rows = np.flatnonzero((ys >= shape.y_min) & (ys <= shape.y_max))
                if cols.size and rows.size:
                    idx[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = i
                continue
            x_lo, y_lo, x_hi, y_hi = _box(shape)
            c0 = int(np.searchsorted(xs, x_lo - 1e-6, side="left"))
            c1 = int(np.searchsorted(xs, x_hi + 1e-6, side="right"))
            r0 = int(np.searchsorted(ys, y_lo - 1e-6, side="left"))
            r1 = int(np.searchsorted(ys, y_hi + 1e-6, side="right"))
            if c1 > c0 and r1 > r0:
                block = idx[r0:r1, c0:c1]
                block[shape_contains(shape, gx[r0:r1, c0:c1], gy[r0:r1, c0:c1])] = i
        return gx, gy, idx

    def kind(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Integer kind code per point (see :data:`KINDS`); outside bounds counts as obstacle."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        codes = np.full(xa.shape, _FLAT, dtype=np.int64)
        for region in self._regions:
            codes[shape_contains(region.shape, xa, ya)] = KIND_INDEX[region.kind]
        return self._outside_is_obstacle(codes, xa, ya)

    def _kind_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray:
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
        return self._height_of(self.region_index(xa, ya), xa, ya, roughness)

    def _height_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray,
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

    def _textured(self, base: np.ndarray, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray
                  ) -> np.ndarray:
        """:meth:`_height_of` with roughness, from its value without (``base``): only the
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
        return self._friction_table()[idx]

    def _friction_table(self) -> np.ndarray:
        return np.array([float(getattr(r.params, "friction", 0.9)) for r in self._regions] + [0.9])

    def softness(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Mud softness per point (0 away from mud)."""
        return self._softness_table()[self.region_index(x, y)]

    def _softness_table(self) -> np.ndarray:
        return np.array(
            [r.params.softness if isinstance(r.params, MudParams) else 0.0 for r in self._regions]
            + [0.0]
        )

    def cost(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Traversal cost per metre per point, ``inf`` for impassable or outside bounds."""
        xa, ya = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return self._cost_of(self.region_index(xa, ya), xa, ya)

    def _cost_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray:
        """:meth:`cost` from an already computed :meth:`region_index` of the same points."""
        table = np.array([region_cost(r) for r in self._regions] + [1.0])
        c = np.array(table[idx], dtype=float)
        b = self.world.bounds
        c[(xa < b.x_min) | (xa > b.x_max) | (ya < b.y_min) | (ya > b.y_max)] = IMPASSABLE
        return c

    # ------------------------------------------------------------------ rasterisation
    def edge_cells(self, max_step: float, stair_rise: float = MAX_STAIR_RISE) -> np.ndarray:
        """Cells of :attr:`grid` holding an edge: a height change of more than ``max_step`` m
        between neighbouring ground samples a quarter of a cell apart (a ledge, a step, a ramp's
        or a flight's side, a floor that does not meet its stairs). Both sides of an edge count;
        slopes do not (the steepest walkable one rises 3 cm between samples); next to a stair
        sample the limit is ``stair_rise`` (at most :data:`MAX_STAIR_RISE`: treads are climbed in
        the stairs gait, and the planner enters flights only along their axis)."""
        g = self.grid
        h, w = g.shape
        f = max(1, min(4, math.floor(math.sqrt(4e6 / (h * w)))))
        fine = g.resolution / f
        xs = g.x0 + (np.arange(w * f) + 0.5) * fine
        ys = g.y0 + (np.arange(h * f) + 0.5) * fine
        gx, gy, idx = self.raster_regions(xs, ys)
        z = self._height_of(idx, gx, gy, roughness=False)
        stairs = self._kind_of(idx, gx, gy) == KIND_INDEX[TerrainKind.STAIRS]
        limit = max(max_step, math.tan(math.radians(MAX_SLOPE_DEG)) * fine + 0.02) + 1e-6
        tread = max(limit, min(stair_rise, MAX_STAIR_RISE) + 1e-6)  # in the stairs gait
        jump_x = np.abs(np.diff(z, axis=1)) > np.where(stairs[:, 1:] | stairs[:, :-1], tread, limit)
        jump_y = np.abs(np.diff(z, axis=0)) > np.where(stairs[1:, :] | stairs[:-1, :], tread, limit)
        mark = np.zeros(z.shape, dtype=bool)
        mark[:, 1:] |= jump_x
        mark[:, :-1] |= jump_x
        mark[1:, :] |= jump_y
        mark[:-1, :] |= jump_y
        return np.asarray(mark.reshape(h, f, w, f).any(axis=(1, 3)))

    @property
    def grid(self) -> CostGrid:
        """The planning grid over the world bounds, built on first use and cached."""
        if self._grid is None:
            self._grid = self._rasterise()
        return self._grid

    def _rasterise(self) -> CostGrid:
        b = self.world.bounds
        res = self.resolution
        nx = max(1, math.ceil((b.x_max - b.x_min) / res))
        ny = max(1, math.ceil((b.y_max - b.y_min) / res))
        xs = b.x_min + (np.arange(nx) + 0.5) * res
        ys = b.y_min + (np.arange(ny) + 0.5) * res
        gx, gy, region = self.raster_regions(xs, ys)
        cost = self._cost_of(region, gx, gy)
        kind = self._kind_of(region, gx, gy)
        axis = np.full(gx.shape, np.nan)
        ramp = np.full(gx.shape, np.nan)
        for i, r in enumerate(self._regions):
            if isinstance(r.params, StairsParams):
                axis[region == i] = math.radians(r.params.heading)
            elif isinstance(r.params, SlopeParams):
                ramp[region == i] = math.radians(r.params.heading)
        return CostGrid(b.x_min, b.y_min, res, cost, kind, region, axis, ramp)


_TALL = (TerrainKind.GRASS, TerrainKind.HEDGE, TerrainKind.OBSTACLE)


@dataclass(frozen=True)
class SurfaceGrid:
    """A fine raster of the ground for O(1) nearest-sample lookups by the kinematic twin.

    ``base`` is the ground without gravel/rubble roughness (the trunk follows it, the legs absorb
    the rest); ``top`` is the height of grass, hedges and obstacles above the ground (0 elsewhere).
    """

    x0: float
    y0: float
    resolution: float
    height: np.ndarray
    kind: np.ndarray
    softness: np.ndarray
    friction: np.ndarray
    top: np.ndarray
    base: np.ndarray
    region: np.ndarray | None = None
    """The index of the region owning each sample (-1: open ground), when built from a map."""

    @classmethod
    def from_map(cls, terrain: TerrainMap, resolution: float = 0.05,
                 like: SurfaceGrid | None = None) -> SurfaceGrid:
        """Sample ``terrain`` every ``resolution`` m (coarser if the world is huge).

        Args:
            terrain: the map to sample.
            resolution: sample spacing (m).
            like: a grid sampled at the same spacing from a map of the same ground shape
                (:func:`locomotion.ground_cache.ground_key`): its region, base height, kind and
                top rasters are shared (they depend only on the shape), the textured height,
                friction and softness are read from ``terrain``.
        """
        b = terrain.world.bounds
        area = (b.x_max - b.x_min) * (b.y_max - b.y_min)
        res = max(resolution, math.sqrt(area / 4e6))
        nx = math.ceil((b.x_max - b.x_min) / res) + 1
        ny = math.ceil((b.y_max - b.y_min) / res) + 1
        xs, ys = b.x_min + np.arange(nx) * res, b.y_min + np.arange(ny) * res
        if like is not None and like.region is not None and like.base.shape == (ny, nx):
            gx, gy = np.meshgrid(xs, ys)
            return cls(b.x_min, b.y_min, res, terrain._textured(like.base, like.region, gx, gy),
                       like.kind, terrain._softness_table()[like.region],
                       terrain._friction_table()[like.region], like.top, like.base, like.region)
        gx, gy, region = terrain.raster_regions(xs, ys)
        tops = [float(getattr(r.params, "height", 0.0)) if r.kind in _TALL else 0.0
                for r in terrain.world.regions]
        # one point-in-region pass over the raster, every field read off it (was one per field);
        # the textured height differs from the base only on gravel and rubble
        base = terrain._height_of(region, gx, gy, roughness=False)
        return cls(
            b.x_min, b.y_min, res,
            terrain._textured(base, region, gx, gy), terrain._kind_of(region, gx, gy),
            terrain._softness_table()[region], terrain._friction_table()[region],
            np.array(tops + [0.0])[region],
            base,
            region,
        )

    def index(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of the nearest sample to each point (ties round up)."""
        inv = 1.0 / self.resolution
        col = np.floor((x - self.x0) * inv + 0.5).astype(np.int64)
        row = np.floor((y - self.y0) * inv + 0.5).astype(np.int64)
        h, w = self.height.shape
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        if not inside.all():
            row = np.minimum(np.maximum(row, 0), h - 1)
            col = np.minimum(np.maximum(col, 0), w - 1)
        return row, col, inside

    def blocked(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """True where a robot cannot stand: outside, water, obstacle."""
        r, c, inside = self.index(x, y)
        k = self.kind[r, c]
        return ~inside | (k == KIND_INDEX[TerrainKind.WATER]) | (k == KIND_INDEX[TerrainKind.OBSTACLE])


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
