"""Turn a :class:`~locomotion.world.World` into pybullet collision geometry, and scan it with rays.

One builder per terrain kind (a dict, not an if/elif chain): level ground everywhere (a plane, or
boxes around the rough regions), boxes for stairs, landings and obstacles, a rotated box for a
slope, a heightfield sampled from the terrain map for gravel and rubble, and a soft low-friction
pad for mud (``contactStiffness``/``contactDamping``: the feet sink in). This is the simulator's
knowledge of the world; the robot only learns about it through :meth:`Scene.heights_at`, which
casts rays straight down like a depth sensor would.

Conventions (shared with the terrain map): a slope rises from ``elevation`` at its lowest edge along
``heading``; stair ``k`` (1-based) of a flight has its tread top at ``elevation + k * rise`` and the
part of the region beyond the last tread is a landing at the top height. Where regions overlap, the
higher surface is what a foot meets (physics has no painting order).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from pybullet_utils.bullet_client import BulletClient

from locomotion.terrain import TerrainMap
from locomotion.world import (
    Circle,
    GravelParams,
    MudParams,
    Polygon,
    Rect,
    RubbleParams,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = ["Scene", "mud_sink_depth"]

_BELOW = 0.5
"""How far solid boxes reach below their base elevation, so no gap opens under a step."""


def _solid_bottom(elevation: float) -> float:
    """Bottom of a solid standing at ``elevation``: below both it and the level ground, so a raised
    floor or bank is solid down to the ground (no gap the robot could walk under; the terrain map
    says the ground there is the region's top)."""
    return min(elevation, 0.0) - _BELOW

_RAY_TOP = 5.0
_MARGIN = 50.0
"""Level ground reaches this far beyond the world's bounds (m)."""
_ROUGH_CELL = 0.02


def _tiles(
    outer: tuple[float, float, float, float], holes: list[tuple[float, float, float, float]]
) -> list[tuple[float, float, float, float]]:
    """Rectangles covering ``outer`` minus the ``holes`` rectangles (x0, y0, x1, y1 each).

    Cut ``outer`` into vertical slabs at every hole's x edges; in each slab keep the y intervals
    no hole covers.
    """
    ox0, oy0, ox1, oy1 = outer
    xs = sorted({ox0, ox1, *(min(max(v, ox0), ox1) for h in holes for v in (h[0], h[2]))})
    out = []
    for xa, xb in pairwise(xs):
        if xb - xa < 1e-9:
            continue
        mid = (xa + xb) / 2
        cuts = sorted((h[1], h[3]) for h in holes if h[0] < mid < h[2])
        y = oy0
        for ya, yb in cuts:
            if ya > y:
                out.append((xa, y, xb, ya))
            y = max(y, yb)
        if y < oy1:
            out.append((xa, y, xb, oy1))
    return out


def mud_sink_depth(softness: float) -> float:
    """Thickness of the soft mud pad (m): how deep a foot can sink before it meets firm ground."""
    return 0.01 + 0.05 * min(max(softness, 0.0), 1.0)


@dataclass(frozen=True)
class _Frame:
    """A region's extent along its heading ``u`` and across it ``w`` (m), and the heading (rad)."""

    u_min: float
    u_max: float
    w_min: float
    w_max: float
    heading: float

    def to_world(self, u: float, w: float) -> tuple[float, float]:
        c, s = math.cos(self.heading), math.sin(self.heading)
        return (u * c - w * s, u * s + w * c)


def _heading_frame(region: TerrainRegion, heading_deg: float) -> _Frame:
    heading = math.radians(heading_deg)
    c, s = math.cos(heading), math.sin(heading)
    shape = region.shape
    points = shape.vertices()
    us = [x * c + y * s for x, y in points]
    ws = [-x * s + y * c for x, y in points]
    return _Frame(min(us), max(us), min(ws), max(ws), heading)


class Scene:
    """The static world in one pybullet client."""

    def __init__(self, client: BulletClient, world: World, terrain: TerrainMap) -> None:
        """Build ``world`` into ``client``.

        Args:
            client: a connected ``BulletClient`` with pybullet_data on its search path.
            world: what to build.
            terrain: the world's terrain map; gravel and rubble take their (seeded) surface from it,
                so the physics and the kinematic twin walk on the same stones.
        """
        self._p = client
        self._terrain = terrain
        self.body_ids: list[int] = []
        self.ground_ids: list[int] = []
        """The open ground's bodies (the plane, or the tiles around rough regions)."""
        rough = [
            i
            for i, r in enumerate(world.regions)
            if r.kind in (TerrainKind.GRAVEL, TerrainKind.RUBBLE)
        ]
        self._ground(world, [world.regions[i].shape.bbox() for i in rough])
        builders: dict[TerrainKind, Callable[[TerrainRegion], None]] = {
            TerrainKind.FLAT: self._flat,
            TerrainKind.GRASS: self._flat,
            TerrainKind.WATER: self._flat,
            TerrainKind.SLOPE: self._slope,
            TerrainKind.STAIRS: self._stairs,
            TerrainKind.MUD: self._mud,
            TerrainKind.GRAVEL: self._rough,
            TerrainKind.RUBBLE: self._rough,
            TerrainKind.OBSTACLE: self._obstacle,
            TerrainKind.HEDGE: self._obstacle,
        }
        for region in world.regions:
            builders[region.kind](region)

    def _ground(self, world: World, holes: list[tuple[float, float, float, float]]) -> None:
        """Level ground at z = 0 everywhere except under rough regions (their surface dips below 0).

        Without holes this is pybullet's plane; with them, boxes tiling the world (plus a wide
        margin, so a robot that wanders out does not fall off) around the holes' rectangles.
        """
        if not holes:
            plane = self._p.loadURDF("plane.urdf")
            self._p.changeDynamics(plane, -1, lateralFriction=0.9)
            self.body_ids.append(plane)
            self.ground_ids.append(plane)
            return
        b = world.bounds
        outer = (b.x_min - _MARGIN, b.y_min - _MARGIN, b.x_max + _MARGIN, b.y_max + _MARGIN)
        for x0, y0, x1, y1 in _tiles(outer, holes):
            half = ((x1 - x0) / 2, (y1 - y0) / 2, _BELOW / 2)
            sid = self._p.createCollisionShape(self._p.GEOM_BOX, halfExtents=half)
            self.ground_ids.append(
                self._static(sid, ((x0 + x1) / 2, (y0 + y1) / 2, -_BELOW / 2), friction=0.9))

    # ------------------------------------------------------------------------------- builders
    def _static(
        self,
        shape_id: int,
        position: tuple[float, float, float],
        yaw: float = 0.0,
        pitch: float = 0.0,
        friction: float = 0.9,
    ) -> int:
        orientation = self._p.getQuaternionFromEuler((0.0, pitch, yaw))
        body = self._p.createMultiBody(
            baseMass=0.0,
            baseCollisionShapeIndex=shape_id,
            basePosition=position,
            baseOrientation=orientation,
        )
        self._p.changeDynamics(body, -1, lateralFriction=friction)
        self.body_ids.append(body)
        return body

    def _prism(self, region: TerrainRegion, bottom: float, top: float, friction: float) -> int:
        """A solid of the region's outline between heights ``bottom`` and ``top``."""
        p = self._p
        shape = region.shape
        height = top - bottom
        if isinstance(shape, Rect):
            half = ((shape.x_max - shape.x_min) / 2, (shape.y_max - shape.y_min) / 2, height / 2)
            sid = p.createCollisionShape(p.GEOM_BOX, halfExtents=half)
            centre = ((shape.x_min + shape.x_max) / 2, (shape.y_min + shape.y_max) / 2)
        elif isinstance(shape, Circle):
            sid = p.createCollisionShape(p.GEOM_CYLINDER, radius=shape.radius, height=height)
            centre = shape.center
        else:
            assert isinstance(shape, Polygon)
            cx = sum(x for x, _ in shape.points) / len(shape.points)
            cy = sum(y for _, y in shape.points) / len(shape.points)
            verts = [
                (x - cx, y - cy, z) for x, y in shape.points for z in (-height / 2, height / 2)
            ]
            sid = p.createCollisionShape(p.GEOM_MESH, vertices=verts)
            centre = (cx, cy)
        return self._static(sid, (centre[0], centre[1], bottom + height / 2), friction=friction)

    def _flat(self, region: TerrainRegion) -> None:
        friction = float(getattr(region.params, "friction", 0.3))
        self._prism(region, _solid_bottom(region.elevation), region.elevation, friction)

    def _obstacle(self, region: TerrainRegion) -> None:
        height = float(getattr(region.params, "height", 1.0))
        self._prism(region, _solid_bottom(region.elevation), region.elevation + height, 0.8)

    def _mud(self, region: TerrainRegion) -> None:
        params = region.params
        assert isinstance(params, MudParams)
        depth = mud_sink_depth(params.softness)
        # Firm ground under the pad, then the pad: a foot sinks through the soft layer to the firm one.
        self._prism(region, _solid_bottom(region.elevation), region.elevation, 0.9)
        pad = self._prism(region, region.elevation, region.elevation + depth, params.friction)
        # ~60 N per foot should sink it most of the way: k = 60 N / depth; damping near critical.
        stiffness = 60.0 / depth
        self._p.changeDynamics(
            pad, -1, contactStiffness=stiffness, contactDamping=2.0 * math.sqrt(stiffness * 3.0)
        )

    def _slope(self, region: TerrainRegion) -> None:
        params = region.params
        assert isinstance(params, SlopeParams)
        frame = _heading_frame(region, params.heading)
        angle = math.radians(params.angle)
        length = (frame.u_max - frame.u_min) / math.cos(angle)
        width = frame.w_max - frame.w_min
        thickness = 0.4
        p = self._p
        sid = p.createCollisionShape(p.GEOM_BOX, halfExtents=(length / 2, width / 2, thickness / 2))
        # Top-surface midpoint, then step down half the thickness along the tilted normal.
        u_mid = (frame.u_min + frame.u_max) / 2
        w_mid = (frame.w_min + frame.w_max) / 2
        z_mid = region.elevation + (u_mid - frame.u_min) * math.tan(angle)
        du = math.sin(angle) * thickness / 2
        dz = math.cos(angle) * thickness / 2
        x, y = frame.to_world(u_mid + du, w_mid)
        self._static(
            sid, (x, y, z_mid - dz), yaw=frame.heading, pitch=-angle, friction=params.friction
        )

    def _stairs(self, region: TerrainRegion) -> None:
        params = region.params
        assert isinstance(params, StairsParams)
        frame = _heading_frame(region, params.heading)
        count = int(params.count)
        width = frame.w_max - frame.w_min
        w_mid = (frame.w_min + frame.w_max) / 2
        p = self._p
        for k in range(1, count + 1):
            u0 = frame.u_min + (k - 1) * params.tread
            u1 = frame.u_max if k == count else min(frame.u_min + k * params.tread, frame.u_max)
            if u1 <= u0:
                break
            top = region.elevation + k * params.rise
            bottom = _solid_bottom(region.elevation)
            half = ((u1 - u0) / 2, width / 2, (top - bottom) / 2)
            sid = p.createCollisionShape(p.GEOM_BOX, halfExtents=half)
            x, y = frame.to_world((u0 + u1) / 2, w_mid)
            self._static(
                sid, (x, y, (top + bottom) / 2), yaw=frame.heading, friction=params.friction
            )

    def _rough(self, region: TerrainRegion) -> None:
        """A heightfield sampled from the terrain map every 2 cm over the region's bounding box."""
        params = region.params
        assert isinstance(params, (GravelParams, RubbleParams))
        x0, y0, x1, y1 = region.shape.bbox()
        nx = max(round((x1 - x0) / _ROUGH_CELL) + 1, 2)
        ny = max(round((y1 - y0) / _ROUGH_CELL) + 1, 2)
        gx, gy = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
        heights = self._terrain.height(gx, gy)
        p = self._p
        sid = p.createCollisionShape(
            p.GEOM_HEIGHTFIELD,
            meshScale=((x1 - x0) / (nx - 1), (y1 - y0) / (ny - 1), 1.0),
            heightfieldData=heights.ravel().tolist(),
            numHeightfieldRows=nx,
            numHeightfieldColumns=ny,
        )
        # Bullet centres a heightfield vertically on the middle of its height range.
        z = (float(heights.min()) + float(heights.max())) / 2
        self._static(sid, ((x0 + x1) / 2, (y0 + y1) / 2, z), friction=params.friction)

    # ---------------------------------------------------------------------------------- sensing
    def heights_at(self, points: np.ndarray) -> np.ndarray:
        """Ground height (m) under each (x, y) row of ``points``, by casting rays straight down.

        Only the scene's own bodies count, so the robot never sees itself.
        """
        n = len(points)
        starts = [(float(x), float(y), _RAY_TOP) for x, y in points[:, :2]]
        ends = [(float(x), float(y), -_RAY_TOP) for x, y in points[:, :2]]
        hits = self._p.rayTestBatch(starts, ends, collisionFilterMask=_SCENE_GROUP)
        out = np.zeros(n)
        for i, hit in enumerate(hits):
            out[i] = hit[3][2] if hit[0] >= 0 else 0.0
        return out

    def mark_scene_group(self) -> None:
        """Put every scene body in the collision group rays look for (robot stays out of it).

        The bodies stay in Bullet's static group and keep ignoring each other: static-static pairs
        (a heightfield lying on the ground boxes) would otherwise be solved every step, at ~10x cost.
        """
        group = _SCENE_GROUP | _STATIC_GROUP
        for body in self.body_ids:
            self._p.setCollisionFilterGroupMask(body, -1, group, -1 ^ group)


_SCENE_GROUP = 4
"""Collision-filter bit of scene bodies; ray casts ask for this bit only."""
_STATIC_GROUP = 2
"""Bullet's own filter bit for static bodies."""
