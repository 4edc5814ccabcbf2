"""Sensor models: where the scan rays fall, what they return, and the kinematic twin's senses.

The pybullet backend ray-casts heights itself but cannot render materials, so it takes the return
intensity (and the grass-canopy offset, since grass blades are not in its physics) from
:func:`material_returns`. The kinematic twin has no physics at all and synthesises the whole
:class:`~locomotion.perception.TerrainSensing` from the terrain map with seeded noise in
:func:`synthesise_sensing` (from the fine ground raster, for speed). Neither passes the map's label to the classifier: only heights,
intensities and proprioceptive figures, with overlapping distributions.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from locomotion.perception import SCAN_POINTS, TerrainSensing
from locomotion.terrain import KIND_INDEX, KINDS, SurfaceGrid, TerrainMap
from locomotion.world import GrassParams, HedgeParams, ObstacleParams, TerrainKind, TerrainRegion

__all__ = [
    "FOOT_OFFSETS",
    "HEIGHT_NOISE",
    "REFLECTANCE",
    "material_returns",
    "scan_points_world",
    "synthesise_sensing",
]

FOOT_OFFSETS: np.ndarray = np.array([(0.18, -0.13), (0.18, 0.13), (-0.18, -0.13), (-0.18, 0.13)])
"""Nominal foot positions (forward, left) in the body frame, order FR, FL, RR, RL (A1-sized)."""

REFLECTANCE: dict[TerrainKind, tuple[float, float]] = {
    TerrainKind.FLAT: (0.55, 0.06),
    TerrainKind.SLOPE: (0.55, 0.06),
    TerrainKind.STAIRS: (0.55, 0.06),
    TerrainKind.MUD: (0.14, 0.05),
    TerrainKind.GRAVEL: (0.50, 0.08),
    TerrainKind.GRASS: (0.30, 0.06),
    TerrainKind.HEDGE: (0.25, 0.06),
    TerrainKind.RUBBLE: (0.50, 0.12),
    TerrainKind.WATER: (math.nan, 0.0),
    TerrainKind.OBSTACLE: (0.60, 0.05),
}
"""Mean and standard deviation of the return intensity per kind of ground (water: no return)."""

_REFL_MEAN = np.array([REFLECTANCE[k][0] for k in KINDS])
_REFL_STD = np.array([REFLECTANCE[k][1] for k in KINDS])
HEIGHT_NOISE = 0.005
"""Standard deviation (m) of a scan ray's height at the nominal noise level (both backends)."""
_HEIGHT_NOISE = HEIGHT_NOISE
_ALL_OFFSETS = np.vstack([FOOT_OFFSETS, SCAN_POINTS])
_OX = np.ascontiguousarray(_ALL_OFFSETS[:, 0])
_OY = np.ascontiguousarray(_ALL_OFFSETS[:, 1])
_WATER = KIND_INDEX[TerrainKind.WATER]
_OBSTACLE = KIND_INDEX[TerrainKind.OBSTACLE]
_REACH = float(np.max(np.hypot(_OX, _OY)))
"""How far (m) a ray or foot lies from the trunk at most: the pose's own bounds check covers all."""
_OFFSETS = list(zip(_OX.tolist(), _OY.tolist()))
_REFL_MEAN_LIST = _REFL_MEAN.tolist()
_REFL_STD_LIST = _REFL_STD.tolist()
_N_RAYS = len(SCAN_POINTS)
_TERMS = np.stack([np.ones_like(_OX), _OX, _OY, np.ones_like(_OX)])[:, None, :]
"""(4, 1, 52): what the trunk's x, y, the rotation and the raster origin multiply per foot/ray."""
_TERMS.flags.writeable = False
_NO_OFFSET = np.zeros(_N_RAYS)
_NO_OFFSET.flags.writeable = False


def _rotate(offsets: np.ndarray, x: float, y: float, yaw: float) -> np.ndarray:
    c, s = math.cos(yaw), math.sin(yaw)
    out = np.empty_like(offsets)
    out[:, 0] = x + c * offsets[:, 0] - s * offsets[:, 1]
    out[:, 1] = y + s * offsets[:, 0] + c * offsets[:, 1]
    return out


def scan_points_world(x: float, y: float, yaw: float) -> np.ndarray:
    """World (x, y) of the 48 scan rays for a trunk at (x, y) heading ``yaw`` (rad)."""
    return _rotate(SCAN_POINTS, x, y, yaw)


def _returns(codes: np.ndarray, top: np.ndarray, rng: np.random.Generator, noise: float = 1.0
             ) -> tuple[np.ndarray, np.ndarray]:
    """Canopy offset and intensity per ray from kind codes and canopy/obstacle tops."""
    std = _REFL_STD[codes] if noise == 1.0 else _REFL_STD[codes] * noise
    refl = _REFL_MEAN[codes] + std * rng.standard_normal(len(codes))
    np.clip(refl, 0.0, 1.0, out=refl)
    offset = np.zeros(len(codes))
    tall = top > 0
    if tall.any():
        frac = np.where(codes[tall] == _OBSTACLE, 1.0, rng.uniform(0.3, 1.0, int(tall.sum())))
        offset[tall] = top[tall] * frac
    water = codes == _WATER
    if water.any():
        offset[water] = math.nan
    return offset, refl


def material_returns(
    terrain: TerrainMap, xy: np.ndarray, rng: np.random.Generator, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per ray: the height a lidar sees above the bare ground, and its return intensity.

    Grass and hedges return from their canopy (a random 30-100 % of their height); obstacles from
    their top; water returns nothing (NaN). Intensities are drawn from :data:`REFLECTANCE`.

    Args:
        terrain: the map.
        xy: (n, 2) world points.
        rng: the caller's generator (each backend instance owns one).
        noise: the factor on the intensity's spread (the run's drawn sensor noise; 1 nominal).

    Returns:
        ``(offset, reflectance)``, two (n,) arrays.
    """
    x, y = xy[:, 0], xy[:, 1]
    codes = terrain.kind(x, y)
    regions = terrain.region_index(x, y)
    tops = np.array([_canopy_top(r) for r in terrain.world.regions] + [0.0])
    top = tops[regions]
    top[(codes == _OBSTACLE) & (regions < 0)] = 1.0  # outside the bounds: a wall
    top[codes == _OBSTACLE] = np.maximum(top[codes == _OBSTACLE], 0.05)
    return _returns(codes, top, rng, noise)


def _canopy_top(region: TerrainRegion) -> float:
    p = region.params
    if isinstance(p, (GrassParams, HedgeParams, ObstacleParams)):
        return float(p.height)
    return 0.0


def synthesise_sensing(
    surface: SurfaceGrid,
    x: float,
    y: float,
    yaw: float,
    speed: float,
    slip: float,
    rng: np.random.Generator,
    noise: float = 1.0,
) -> TerrainSensing:
    """The kinematic twin's senses at a pose, with seeded noise, from the ground raster.

    Args:
        surface: the ground raster of the map.
        x, y, yaw: trunk pose.
        speed: current ground speed (m/s): vibration grows with it.
        slip: the twin's foot-slip figure for this terrain and speed (m/s), before noise.
        rng: the backend's generator.
        noise: the factor on every noise level (the run's drawn sensor noise; 1 nominal). The
            same standard normal draws are scaled, so a seed's noise pattern keeps its shape.
    """
    sensing = _synthesise_plain(surface, x, y, yaw, speed, slip, rng, noise)
    if sensing is not None:
        return sensing
    # This runs at every perception tick, and numpy's fixed cost per call (~0.5 us, more for
    # reductions and clip) outweighs the arithmetic on 52 points: the column and row of every
    # ray are computed in one (2, 52) pass (the same operations in the same order as
    # SurfaceGrid.index, so the same samples are read), the bounds are checked on the scalar
    # pose, and the rare rays with a canopy or over water take the general path of _returns.
    cos, sin = math.cos(yaw), math.sin(yaw)
    inv = 1.0 / surface.resolution
    x0, y0 = surface.x0, surface.y0
    h, w = surface.height.shape
    v = np.array((cos, sin, -sin, cos, x, y, x0, y0)).reshape(4, 2, 1)
    cells = np.floor((((v[2] + v[0] * _OX) + v[1] * _OY) - v[3]) * inv + 0.5)
    margin = _REACH * inv + 2.0  # cells, with two to spare for rounding
    inside = (margin <= (x - x0) * inv <= w - 1 - margin
              and margin <= (y - y0) * inv <= h - 1 - margin)
    if inside:
        flat = (cells[1] * w + cells[0]).astype(np.intp)
        ground = surface.height.take(flat)
        codes = surface.kind.take(flat)
        top = surface.top.take(flat)
    else:
        flat, ground, codes, top = _near_border(surface, cells)
    soft = surface.softness
    sink = 0.1 * (soft.item(int(flat[0])) + soft.item(int(flat[3]))) / 2
    g = ground.tolist()
    fr, fl, rr, rl = feet_z = [g[0] - sink, g[1] - sink, g[2] - sink, g[3] - sink]
    plane = (fr + fl + rr + rl) / 4.0
    codes, top = codes[4:], top[4:]
    if np.count_nonzero(top > 0) or np.count_nonzero(codes == _WATER):
        offset, refl = _returns(codes, top, rng, noise)
    else:  # _returns without canopy or water: no offset, and nothing drawn but the intensities
        std = _REFL_STD.take(codes) if noise == 1.0 else _REFL_STD.take(codes) * noise
        refl = _REFL_MEAN.take(codes) + std * rng.standard_normal(len(codes))
        np.maximum(refl, 0.0, out=refl)  # np.clip(refl, 0, 1), at a third of its cost
        np.minimum(refl, 1.0, out=refl)
        offset = _NO_OFFSET
    draws = rng.standard_normal(len(SCAN_POINTS) + 3)
    if noise != 1.0:
        draws *= noise
    heights = ground[4:] + offset - plane + _HEIGHT_NOISE * draws[3:]
    n0, n1, n2 = draws[:3].tolist()
    pitch = math.atan2((fr + fl - rr - rl) / 2, 0.36) + 0.01 * n0
    roll = math.atan2((fl + rl - fr - rr) / 2, 0.26) + 0.01 * n1
    rough = math.sqrt(((fr - plane) ** 2 + (fl - plane) ** 2 + (rr - plane) ** 2
                       + (rl - plane) ** 2) / 4.0)
    return TerrainSensing(
        heights=tuple(heights.tolist()),
        reflectance=tuple(refl.tolist()),
        foot_slip=max(0.0, slip * (1.0 + 0.2 * n2)),
        sinkage=max(0.0, sink + 0.004 * n2),
        body_pitch=pitch,
        body_roll=roll,
        step_height=max(feet_z) - min(feet_z) + 0.003 * abs(n1),
        vibration=abs(0.3 + 2.0 * speed + 40.0 * rough * speed + 0.1 * n0),
    )


def _synthesise_plain(surface: SurfaceGrid, x: float, y: float, yaw: float, speed: float,
                      slip: float, rng: np.random.Generator, noise: float
                      ) -> TerrainSensing | None:
    """:func:`synthesise_sensing` where every ray lands inside the raster on ground without a
    canopy or water (else None, before anything is drawn): the sample indices in one numpy pass,
    everything per ray after the takes on Python floats.

    The same samples, draws and float operations as the numpy path, element by element (IEEE
    arithmetic is the same either way). Within a run each of the ~40 small numpy calls of that
    path costs several times its hot-loop figure (its code is fetched afresh after the tree tick
    between two scans); this path makes about 16. What it leaves out changes no bit: the two normal
    draws are one call (a Generator's normals come one by one off the bit stream, with nothing
    carried over between calls), ``* 1.0`` (nominal noise) is exact, and inside the raster every
    index is positive, where a float's truncation is its floor.
    """
    inv = 1.0 / surface.resolution
    x0, y0 = surface.x0, surface.y0
    h, w = surface.height.shape
    margin = _REACH * inv + 2.0  # cells, with two to spare for rounding
    if not (margin <= (x - x0) * inv <= w - 1 - margin
            and margin <= (y - y0) * inv <= h - 1 - margin):
        return None
    cos, sin = math.cos(yaw), math.sin(yaw)
    # the nearest sample of each foot and ray, as SurfaceGrid.index (ties round up), in one
    # (2, 52) pass: numpy is cheaper than floats here (16 operations on each of 52 points), and
    # each numpy call costs a run ~1.3 us, so the four terms of ((x + c ox) - s oy) - x0 are made
    # in one product and summed in one reduction (over the first axis numpy adds the terms one
    # after the other, as the expression does; u - x0 is u + -x0 in IEEE arithmetic)
    terms = np.array((x, y, cos, sin, -sin, cos, -x0, -y0)).reshape(4, 2, 1) * _TERMS
    t = np.add.reduce(terms, axis=0)
    t *= inv
    t += 0.5
    # > 0 inside the margin, where truncation is np.floor; then row * w + col, in integers
    row = _row_major(w) @ t.astype(np.intp)
    rays = row[4:]
    if np.count_nonzero(surface.top.take(rays)):  # a canopy (any nonzero top) ...
        return None
    codes = surface.kind.take(rays).tolist()
    if _WATER in codes:  # ... or water: the general path
        return None
    ground = surface.height.take(row).tolist()
    soft = surface.softness
    sink = 0.1 * (soft.item(row.item(0)) + soft.item(row.item(3))) / 2
    fr, fl, rr, rl = feet_z = [ground[0] - sink, ground[1] - sink, ground[2] - sink,
                               ground[3] - sink]
    plane = (fr + fl + rr + rl) / 4.0
    # the intensities' 48 normals, then the proprioception's 3 and the heights' 48
    z = rng.standard_normal(2 * _N_RAYS + 3).tolist()
    mean, std = _REFL_MEAN_LIST, _scaled_std(noise)
    refl = tuple([v if 0.0 <= (v := mean[k] + std[k] * e) <= 1.0  # np.clip
                  else (0.0 if v < 0.0 else 1.0) for k, e in zip(codes, z)])
    n0, n1, n2 = z[_N_RAYS] * noise, z[_N_RAYS + 1] * noise, z[_N_RAYS + 2] * noise
    height_noise = _HEIGHT_NOISE
    heights = tuple([((g + 0.0) - plane) + height_noise * (e * noise)
                     for g, e in zip(ground[4:], z[_N_RAYS + 3:])])
    pitch = math.atan2((fr + fl - rr - rl) / 2, 0.36) + 0.01 * n0
    roll = math.atan2((fl + rl - fr - rr) / 2, 0.26) + 0.01 * n1
    rough = math.sqrt(((fr - plane) ** 2 + (fl - plane) ** 2 + (rr - plane) ** 2
                       + (rl - plane) ** 2) / 4.0)
    return TerrainSensing.trusted(
        heights,
        refl,
        max(0.0, slip * (1.0 + 0.2 * n2)),
        max(0.0, sink + 0.004 * n2),
        pitch,
        roll,
        max(feet_z) - min(feet_z) + 0.003 * abs(n1),
        abs(0.3 + 2.0 * speed + 40.0 * rough * speed + 0.1 * n0),
    )


@lru_cache(maxsize=16)
def _row_major(width: int) -> np.ndarray:
    """The weights (1, width) of a sample's column and row in its flat index."""
    weights = np.array((1, width), dtype=np.intp)
    weights.flags.writeable = False
    return weights


@lru_cache(maxsize=64)
def _scaled_std(noise: float) -> tuple[float, ...]:
    """The intensity's standard deviation per kind code times ``noise`` (a run draws one)."""
    return tuple([s * noise for s in _REFL_STD_LIST])


def _near_border(surface: SurfaceGrid, cells: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat sample index, ground, kind code and top of each ray when some may fall outside the
    raster (as :meth:`SurfaceGrid.index`: clamped to the border; outside reads as a wall)."""
    col, row = cells.astype(np.int64)
    h, w = surface.height.shape
    inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
    row = np.minimum(np.maximum(row, 0), h - 1)
    col = np.minimum(np.maximum(col, 0), w - 1)
    flat = row * w + col
    ground = surface.height.take(flat)
    codes = np.where(inside, surface.kind.take(flat), _OBSTACLE)
    top = np.where(inside, surface.top.take(flat), 1.0)
    return flat, ground, codes, top
