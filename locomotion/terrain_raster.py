"""A world's terrain painted into arrays: the planner's :class:`CostGrid`, its edge cells, and the
kinematic twin's :class:`SurfaceGrid`.

Why a module of its own: :class:`~locomotion.terrain.TerrainMap` answers questions about points;
building whole-world rasters from those answers, once per reset, is a job beside it. Every raster
starts from one point-in-region pass (:func:`raster_regions`: each region tested only on the block
of samples its bounding box covers), and every field is read off that region index through the
map's ``*_of`` queries, so a raster equals the per-point queries sample for sample.

This module sits below :mod:`locomotion.terrain` (which re-exports what others import from it):
it reads a map through :class:`GroundQueries` and never imports it. The terrain's limits
(steepest slope, highest step) are the map's to pass in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from locomotion.world import (
    Circle,
    Polygon,
    Rect,
    Shape,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = [
    "KINDS",
    "KIND_INDEX",
    "CostGrid",
    "GroundQueries",
    "SurfaceGrid",
    "cost_grid",
    "edge_cells",
    "raster_regions",
    "shape_contains",
]

KINDS: tuple[TerrainKind, ...] = tuple(TerrainKind)
"""Order of the integer kind codes used in arrays (``KINDS[code]`` is the kind)."""
KIND_INDEX: dict[TerrainKind, int] = {k: i for i, k in enumerate(KINDS)}

_TALL = (TerrainKind.GRASS, TerrainKind.HEDGE, TerrainKind.OBSTACLE)


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


def raster_regions(regions: Sequence[TerrainRegion], xs: np.ndarray, ys: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The region index (as :meth:`~locomotion.terrain.TerrainMap.region_index`) of the raster
    ``np.meshgrid(xs, ys)`` (``xs``, ``ys`` ascending), each region tested only on the block of
    samples its bounding box covers.

    The rasters a reset builds (the planning grid, the edge grid, the surface) are rasters of the
    whole world; testing every shape at every sample was most of their cost. A rectangle's block
    is its answer (the same comparisons, on the axes); a disc or polygon is tested on its box
    padded by 1 um, outside which no sample can be inside it.

    Args:
        regions: the world's regions, in painting order (the last one painted wins).
        xs: the raster's column coordinates (m), ascending.
        ys: the raster's row coordinates (m), ascending.

    Returns:
        ``(gx, gy, idx)``: the meshgrid and the region index of each sample (-1: open ground).
    """
    gx, gy = np.meshgrid(xs, ys)
    idx = np.full(gx.shape, -1, dtype=np.int64)
    for i, region in enumerate(regions):
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


class GroundQueries(Protocol):
    """What the rasters read of a terrain map (:class:`~locomotion.terrain.TerrainMap` fits):
    each ``*_of`` query answers for points whose region index is already known."""

    @property
    def world(self) -> World: ...

    @property
    def resolution(self) -> float: ...

    @property
    def grid(self) -> CostGrid: ...

    def height_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray,
                  roughness: bool = True) -> np.ndarray: ...

    def textured_height(self, base: np.ndarray, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray
                        ) -> np.ndarray: ...

    def kind_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray: ...

    def cost_of(self, idx: np.ndarray, xa: np.ndarray, ya: np.ndarray) -> np.ndarray: ...

    def friction_table(self) -> np.ndarray: ...

    def softness_table(self) -> np.ndarray: ...


def cost_grid(terrain: GroundQueries) -> CostGrid:
    """The planning grid over the world bounds at the map's resolution (cells centred in it)."""
    b = terrain.world.bounds
    res = terrain.resolution
    nx = max(1, math.ceil((b.x_max - b.x_min) / res))
    ny = max(1, math.ceil((b.y_max - b.y_min) / res))
    xs = b.x_min + (np.arange(nx) + 0.5) * res
    ys = b.y_min + (np.arange(ny) + 0.5) * res
    regions = terrain.world.regions
    gx, gy, region = raster_regions(regions, xs, ys)
    cost = terrain.cost_of(region, gx, gy)
    kind = terrain.kind_of(region, gx, gy)
    axis = np.full(gx.shape, np.nan)
    ramp = np.full(gx.shape, np.nan)
    for i, r in enumerate(regions):
        if isinstance(r.params, StairsParams):
            axis[region == i] = math.radians(r.params.heading)
        elif isinstance(r.params, SlopeParams):
            ramp[region == i] = math.radians(r.params.heading)
    return CostGrid(b.x_min, b.y_min, res, cost, kind, region, axis, ramp)


def edge_cells(terrain: GroundQueries, max_step: float, stair_rise: float,
               max_slope_deg: float) -> np.ndarray:
    """Cells of the map's :attr:`~GroundQueries.grid` holding an edge (see
    :meth:`locomotion.terrain.TerrainMap.edge_cells`, which passes the terrain's limits).

    The ground is sampled a quarter of a cell apart (coarser on a huge grid); a height change
    between neighbouring samples of more than ``max_step`` m marks both of their cells, or of more
    than ``stair_rise`` m next to a stair sample. A slope of ``max_slope_deg`` never marks one.

    Returns:
        A boolean array of the grid's shape.
    """
    g = terrain.grid
    h, w = g.shape
    f = max(1, min(4, math.floor(math.sqrt(4e6 / (h * w)))))
    fine = g.resolution / f
    xs = g.x0 + (np.arange(w * f) + 0.5) * fine
    ys = g.y0 + (np.arange(h * f) + 0.5) * fine
    gx, gy, idx = raster_regions(terrain.world.regions, xs, ys)
    z = terrain.height_of(idx, gx, gy, roughness=False)
    stairs = terrain.kind_of(idx, gx, gy) == KIND_INDEX[TerrainKind.STAIRS]
    limit = max(max_step, math.tan(math.radians(max_slope_deg)) * fine + 0.02) + 1e-6
    tread = max(limit, stair_rise + 1e-6)  # in the stairs gait
    jump_x = np.abs(np.diff(z, axis=1)) > np.where(stairs[:, 1:] | stairs[:, :-1], tread, limit)
    jump_y = np.abs(np.diff(z, axis=0)) > np.where(stairs[1:, :] | stairs[:-1, :], tread, limit)
    mark = np.zeros(z.shape, dtype=bool)
    mark[:, 1:] |= jump_x
    mark[:, :-1] |= jump_x
    mark[1:, :] |= jump_y
    mark[:-1, :] |= jump_y
    return np.asarray(mark.reshape(h, f, w, f).any(axis=(1, 3)))


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
    def from_map(cls, terrain: GroundQueries, resolution: float = 0.05,
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
            return cls(b.x_min, b.y_min, res,
                       terrain.textured_height(like.base, like.region, gx, gy),
                       like.kind, terrain.softness_table()[like.region],
                       terrain.friction_table()[like.region], like.top, like.base, like.region)
        gx, gy, region = raster_regions(terrain.world.regions, xs, ys)
        tops = [float(getattr(r.params, "height", 0.0)) if r.kind in _TALL else 0.0
                for r in terrain.world.regions]
        # one point-in-region pass over the raster, every field read off it (was one per field);
        # the textured height differs from the base only on gravel and rubble
        base = terrain.height_of(region, gx, gy, roughness=False)
        return cls(
            b.x_min, b.y_min, res,
            terrain.textured_height(base, region, gx, gy), terrain.kind_of(region, gx, gy),
            terrain.softness_table()[region], terrain.friction_table()[region],
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
