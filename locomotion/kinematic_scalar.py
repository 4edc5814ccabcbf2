"""The single-robot fast path of the kinematic model: the same equations as
:func:`locomotion.kinematic_model.transition`, on Python floats.

Why a second copy: numpy costs about a microsecond per call whatever the array size, and the
vectorised step makes ~80 calls, so one robot stepped with N = 1 arrays runs at ~100x real time;
on floats it is ten times faster. ``tests/locomotion/test_kinematic_scalar.py`` steps both with the
same seed and asserts identical results, so the copies cannot drift apart.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from locomotion.energy import G
from locomotion.kinematic_model import (
    EDGE_CLEAR,
    EDGE_FALL,
    EDGE_REFUSE,
    MODE_INDEX,
    RASTER_SLACK,
    SLOPE_ALLOW,
    ModelTables,
    SurfaceGrid,
    footprint_offsets,
)
from locomotion.terrain import KIND_INDEX
from locomotion.world import TerrainKind

__all__ = [
    "FastSurface",
    "FastTables",
    "OneState",
    "apply_push_one",
    "edge_one",
    "initial_one",
    "transition_one",
]

_STAND, _SIT = MODE_INDEX["stand"], MODE_INDEX["sit"]
_BODY_HEIGHT = (0.28, 0.26, 0.27, 0.28, 0.12)
_HALF_LENGTH, _HALF_WIDTH = 0.18, 0.13
_WATER, _OBSTACLE = KIND_INDEX[TerrainKind.WATER], KIND_INDEX[TerrainKind.OBSTACLE]
_STAIRS = KIND_INDEX[TerrainKind.STAIRS]


class OneState(NamedTuple):
    """State of one robot (fields as :class:`~locomotion.kinematic_model.BatchState`); a
    NamedTuple because it is rebuilt every step and tuples build fastest."""

    time: float
    x: float
    y: float
    z: float
    yaw: float
    pitch: float
    roll: float
    vx: float
    vy: float
    wz: float
    push_vx: float
    push_vy: float
    energy_wh: float
    distance: float
    slip: float
    fallen: bool
    getup_left: float
    stall_left: float
    kind: int


class FastTables:
    """:class:`ModelTables` with its arrays as Python lists (fast scalar indexing)."""

    def __init__(self, t: ModelTables) -> None:
        self.t = t
        self.speed_ratio = t.speed_ratio.tolist()
        self.slip = t.slip.tolist()
        self.drift = t.drift.tolist()
        self.terrain_factor = t.terrain_factor.tolist()
        self.cot = t.cot.tolist()
        self.fall_threshold = t.fall_threshold.tolist()


class FastSurface:
    """Scalar lookups on a :class:`SurfaceGrid`.

    Every lookup rounds to the nearest sample as :meth:`SurfaceGrid.index` does (ties round up,
    clamped to the border). Each method repeats that arithmetic inline rather than calling
    :meth:`cell`: the twin makes a dozen lookups a step, and a Python call and its tuple cost
    more than the arithmetic.
    """

    def __init__(self, s: SurfaceGrid, near: np.ndarray | None = None) -> None:
        self.s = s
        self.inv = 1.0 / s.resolution
        self.x0, self.y0 = s.x0, s.y0
        self.h, self.w = s.height.shape
        self._base = s.base.item
        self._kind = s.kind.item
        self._soft = s.softness.item
        along, across = footprint_offsets(s.resolution)
        self.rim = list(zip(along.tolist(), across.tolist()))
        self.near = _near_obstacles(s) if near is None else near
        self._near = self.near.item
        # body edges at most ``margin`` samples from the centre: inside that band no clamping
        self._offsets: tuple[ModelTables | None, float, float] = (None, 0.0, 0.0)
        self._margin = math.ceil(max(_HALF_LENGTH, _HALF_WIDTH) * self.inv) + 1
        # the last ground_pose, (x, y, yaw, answer): the next step starts where this one ended,
        # and a robot standing still asks the same again (NaN never compares equal)
        self._last: tuple[float, float, float, tuple[float, float, float, int, float]] = (
            math.nan, math.nan, math.nan, (0.0, 0.0, 0.0, 0, 0.0))

    def edge_offsets(self, t: ModelTables) -> tuple[float, float]:
        """(reach, back) of :func:`edge_one` for ``t`` on this raster: how far ahead it looks for
        a wall or a rise (nearest samples round up), how far behind for a drop; kept per tables."""
        kept = self._offsets
        if kept[0] is t:
            return kept[1], kept[2]
        half = 0.5 * self.s.resolution
        reach, back = max(t.standoff - half, 0.0), t.drop_offset - half
        self._offsets = (t, reach, back)
        return reach, back

    def body_hits(self, x: float, y: float, yaw: float) -> int:
        """Rim points of the body at (x, y, yaw) that are blocked (as
        :func:`~locomotion.kinematic_model.footprint_hits`); 0 at once far from any obstacle."""
        inv = self.inv  # the cell arithmetic of :meth:`cell`, written out (a call and a tuple less)
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            r, c = min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1)
        if not self._near(r, c):
            return 0
        cs, sn = math.cos(yaw), math.sin(yaw)
        blocked = self.blocked
        return sum(blocked(x + cs * a - sn * b, y + sn * a + cs * b) for a, b in self.rim)

    def cell(self, x: float, y: float) -> tuple[int, int, bool]:
        c = math.floor((x - self.x0) * self.inv + 0.5)  # as SurfaceGrid.index: ties round up
        r = math.floor((y - self.y0) * self.inv + 0.5)
        if 0 <= r < self.h and 0 <= c < self.w:
            return r, c, True
        return min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1), False

    def height(self, x: float, y: float) -> float:
        """Mean ground height (without roughness) at (x, y)."""
        inv = self.inv
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            r, c = min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1)
        return self._base(r, c)  # type: ignore[no-any-return]

    def kind_at(self, x: float, y: float) -> int:
        """Kind code of the nearest sample."""
        inv = self.inv
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            r, c = min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1)
        return self._kind(r, c)  # type: ignore[no-any-return]

    def softness_at(self, x: float, y: float) -> float:
        """Softness of the nearest sample."""
        last = self._last
        if last[0] == x and last[1] == y:
            return last[3][4]
        inv = self.inv
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            r, c = min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1)
        return self._soft(r, c)  # type: ignore[no-any-return]

    def under(self, x: float, y: float) -> tuple[float, int, float]:
        """(height, kind, softness) of the nearest sample: from the last :meth:`ground_pose` when
        it was at (x, y) (where the next step starts), else looked up."""
        last = self._last
        if last[0] == x and last[1] == y:
            pose = last[3]
            return pose[0], pose[3], pose[4]
        inv = self.inv
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            r, c = min(max(r, 0), self.h - 1), min(max(c, 0), self.w - 1)
        return self._base(r, c), self._kind(r, c), self._soft(r, c)

    def blocked(self, x: float, y: float) -> bool:
        inv = self.inv
        c = math.floor((x - self.x0) * inv + 0.5)
        r = math.floor((y - self.y0) * inv + 0.5)
        if not (0 <= r < self.h and 0 <= c < self.w):
            return True
        k = self._kind(r, c)
        return k == _WATER or k == _OBSTACLE

    def ground_pose(self, x: float, y: float, yaw: float) -> tuple[float, float, float, int, float]:
        """Ground height, pitch (nose-down positive), roll, kind and softness under the trunk;
        pitch and roll from the mean ground under the front/back and left/right body edges."""
        last = self._last
        if last[0] == x and last[1] == y and last[2] == yaw:
            return last[3]
        c, s = math.cos(yaw), math.sin(yaw)
        x0, y0, inv, hmax, wmax = self.x0, self.y0, self.inv, self.h - 1, self.w - 1
        floor, base = math.floor, self._base
        q = floor((x - x0) * inv + 0.5)
        r = floor((y - y0) * inv + 0.5)
        if not (0 <= r <= hmax and 0 <= q <= wmax):
            r, q = min(max(r, 0), hmax), min(max(q, 0), wmax)
        h0 = base(r, q)
        fx, fy = c * _HALF_LENGTH, s * _HALF_LENGTH
        lx, ly = -s * _HALF_WIDTH, c * _HALF_WIDTH
        k = self._margin
        if k <= r <= hmax - k and k <= q <= wmax - k:  # every edge inside: no clamping
            hf = base(floor((y + fy - y0) * inv + 0.5), floor((x + fx - x0) * inv + 0.5))
            hb = base(floor((y - fy - y0) * inv + 0.5), floor((x - fx - x0) * inv + 0.5))
            hl = base(floor((y + ly - y0) * inv + 0.5), floor((x + lx - x0) * inv + 0.5))
            hr = base(floor((y - ly - y0) * inv + 0.5), floor((x - lx - x0) * inv + 0.5))
        else:
            hf, hb, hl, hr = self._edges_clamped(x, y, fx, fy, lx, ly)
        out = (h0, -math.atan2(hf - hb, 2 * _HALF_LENGTH), math.atan2(hl - hr, 2 * _HALF_WIDTH),
               self._kind(r, q), self._soft(r, q))
        self._last = (x, y, yaw, out)
        return out

    def _edges_clamped(self, x: float, y: float, fx: float, fy: float, lx: float, ly: float
                       ) -> tuple[float, float, float, float]:
        """Ground under the front, back, left and right body edges near the raster's border."""
        x0, y0, inv, hmax, wmax = self.x0, self.y0, self.inv, self.h - 1, self.w - 1
        floor, base = math.floor, self._base
        px, py = x + fx, y + fy
        hf = base(min(max(floor((py - y0) * inv + 0.5), 0), hmax),
                  min(max(floor((px - x0) * inv + 0.5), 0), wmax))
        px, py = x - fx, y - fy
        hb = base(min(max(floor((py - y0) * inv + 0.5), 0), hmax),
                  min(max(floor((px - x0) * inv + 0.5), 0), wmax))
        px, py = x + lx, y + ly
        hl = base(min(max(floor((py - y0) * inv + 0.5), 0), hmax),
                  min(max(floor((px - x0) * inv + 0.5), 0), wmax))
        px, py = x - lx, y - ly
        hr = base(min(max(floor((py - y0) * inv + 0.5), 0), hmax),
                  min(max(floor((px - x0) * inv + 0.5), 0), wmax))
        return hf, hb, hl, hr


def _near_obstacles(s: SurfaceGrid) -> np.ndarray:
    """Samples within reach of the body's rim of a blocked sample or of the raster's border: the
    only places :meth:`FastSurface.body_hits` has to look (a square dilation of the blocked
    mask)."""
    along, across = footprint_offsets(s.resolution)
    k = math.ceil(float(np.max(np.hypot(along, across))) / s.resolution) + 1
    blocked = (s.kind == _WATER) | (s.kind == _OBSTACLE)
    h, w = blocked.shape
    padded = np.pad(blocked, k, constant_values=True)
    rows = np.zeros((h, w + 2 * k), dtype=bool)
    for d in range(2 * k + 1):
        rows |= padded[d:d + h]
    out = np.zeros((h, w), dtype=bool)
    for d in range(2 * k + 1):
        out |= rows[:, d:d + w]
    return out


def _climb_verdict(surface: FastSurface, ax: float, ay: float, bx: float, by: float, rise: float,
                   t: ModelTables) -> int:
    """What a rise from (ax, ay) to (bx, by) above the slope's allowance does (tread to tread:
    the flight's own limit)."""
    tread = surface.kind_at(ax, ay) == _STAIRS and surface.kind_at(bx, by) == _STAIRS
    limit = t.max_stair_rise if tread else t.max_step_up
    if rise <= limit:
        return EDGE_CLEAR
    return EDGE_FALL if rise <= (t.max_stair_rise if tread else t.trip_rise_max) else EDGE_REFUSE


def edge_one(surface: FastSurface, x: float, y: float, nx: float, ny: float, walk_x: float,
             walk_y: float, t: ModelTables) -> int:
    """One move's edge verdict: see :func:`locomotion.kinematic_model.edge_check`.

    The six height look-ups are :meth:`FastSurface.height` written out (the same arithmetic):
    each call cost more than the look-up, and this runs every step the robot moves.
    """
    d = math.hypot(nx - x, ny - y)
    if d <= 1e-9:
        return EDGE_CLEAR
    walk = math.hypot(walk_x, walk_y)
    if walk > 1e-9:
        ux, uy = walk_x / walk, walk_y / walk
    else:
        ux, uy = (nx - x) / d, (ny - y) / d
    allow = SLOPE_ALLOW * d + RASTER_SLACK
    reach, back = surface.edge_offsets(t)
    fx, fy = ux * reach, uy * reach
    if surface.blocked(nx + fx, ny + fy):
        return EDGE_REFUSE
    x0, y0, inv, hmax, wmax = surface.x0, surface.y0, surface.inv, surface.h - 1, surface.w - 1
    floor, base = math.floor, surface._base
    # ahead: from (x + fx, y + fy) to (nx + fx, ny + fy)
    ax, ay, bx, by = x + fx, y + fy, nx + fx, ny + fy
    rise = (base(min(max(floor((by - y0) * inv + 0.5), 0), hmax),
                 min(max(floor((bx - x0) * inv + 0.5), 0), wmax))
            - base(min(max(floor((ay - y0) * inv + 0.5), 0), hmax),
                   min(max(floor((ax - x0) * inv + 0.5), 0), wmax)))
    ahead = EDGE_CLEAR if rise <= allow else _climb_verdict(surface, ax, ay, bx, by, rise, t)
    # under: from (x, y) to (nx, ny)
    rise = (base(min(max(floor((ny - y0) * inv + 0.5), 0), hmax),
                 min(max(floor((nx - x0) * inv + 0.5), 0), wmax))
            - base(min(max(floor((y - y0) * inv + 0.5), 0), hmax),
                   min(max(floor((x - x0) * inv + 0.5), 0), wmax)))
    under = EDGE_CLEAR if rise <= allow else _climb_verdict(surface, x, y, nx, ny, rise, t)
    if ahead == EDGE_REFUSE or under == EDGE_REFUSE:
        return EDGE_REFUSE
    if ahead == EDGE_FALL or under == EDGE_FALL:
        return EDGE_FALL
    bx, by = ux * back, uy * back
    ax, ay = x - bx, y - by
    bx, by = nx - bx, ny - by
    drop = (base(min(max(floor((ay - y0) * inv + 0.5), 0), hmax),
                 min(max(floor((ax - x0) * inv + 0.5), 0), wmax))
            - base(min(max(floor((by - y0) * inv + 0.5), 0), hmax),
                   min(max(floor((bx - x0) * inv + 0.5), 0), wmax)))
    if drop > allow and drop > t.max_step_down:
        return EDGE_FALL
    return EDGE_CLEAR


def initial_one(surface: FastSurface, x: float, y: float, yaw: float,
                time: float = 0.0) -> OneState:
    ground, pitch, roll, kind, soft = surface.ground_pose(x, y, yaw)
    return OneState(time, x, y, ground + _BODY_HEIGHT[_STAND] - 0.1 * soft, yaw, pitch, roll,
                    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False, 0.0, 0.0, kind)


def _body_fit(surface: FastSurface, st: OneState, nx: float, ny: float, yaw: float
              ) -> tuple[bool, bool]:
    """What of a step the body's rim allows, (keep the move, keep the turn): the whole step, else
    the move without the turn, else the turn alone (see
    :func:`locomotion.kinematic_model.transition`)."""
    now = surface.body_hits(st.x, st.y, st.yaw)
    if surface.body_hits(nx, ny, yaw) <= now:
        return True, True
    if surface.body_hits(nx, ny, st.yaw) <= now:
        return True, False
    return False, surface.body_hits(st.x, st.y, yaw) <= now


def _shove(surface: FastSurface, x: float, y: float, yaw: float) -> tuple[float, float]:
    """(x, y) moved one sample away from the rim points of the body at (x, y, yaw) that are in an
    obstacle: the contact pushes the body off, as pybullet's legs are pushed off a wall."""
    cs, sn = math.cos(yaw), math.sin(yaw)
    sx = sy = 0.0
    for a, b in surface.rim:
        px, py = x + cs * a - sn * b, y + sn * a + cs * b
        if surface.blocked(px, py):
            sx, sy = sx + px - x, sy + py - y
    norm = math.hypot(sx, sy)
    if norm <= 1e-12:
        return x, y
    step = surface.s.resolution / norm
    return x - sx * step, y - sy * step


def transition_one(st: OneState, cmd: tuple[float, float, float], mode: int, mass: float,
                   surface: FastSurface, tables: FastTables, dt: float,
                   rng: np.random.Generator) -> OneState:
    """One robot, one step: see :func:`locomotion.kinematic_model.transition`."""
    t = tables.t
    noise = rng.standard_normal()
    u_stall, u_dur = rng.random(2).tolist()  # the same two doubles as two random() calls
    kind = st.kind
    here_h, here_kind, soft = surface.under(st.x, st.y)
    fallen = st.fallen
    walking = not fallen and mode < _STAND
    ratio = tables.speed_ratio[kind]
    stall_left = max(st.stall_left - dt, 0.0)
    moving = walking and abs(cmd[0]) + abs(cmd[1]) > 0.01
    started = False
    if moving and stall_left <= 0 and soft >= t.stall_softness:
        span = max(1.0 - t.stall_softness, 1e-6)
        hazard = t.stall_hazard * min(max((soft - t.stall_softness) / span, 0.0), 1.0)
        if u_stall < 1.0 - math.exp(-hazard * dt):
            stall_left = t.stall_duration * (0.5 + u_dur)
            started = True
    go = walking and stall_left <= 0
    vx = cmd[0] * ratio if go else 0.0
    vy = cmd[1] * ratio if go else 0.0
    wz = cmd[2] * min(1.0, ratio + 0.3) if walking else 0.0
    speed = math.hypot(vx, vy)
    drift = tables.drift[kind] * math.sqrt(speed * dt) * noise
    mid = st.yaw + 0.5 * wz * dt
    cm, sm = math.cos(mid), math.sin(mid)
    nx = st.x + (cm * vx - sm * vy) * dt - sm * drift + st.push_vx * dt
    ny = st.y + (sm * vx + cm * vy) * dt + cm * drift + st.push_vy * dt
    edge = edge_one(surface, st.x, st.y, nx, ny, cm * vx - sm * vy, sm * vx + cm * vy, t)
    bump = edge == EDGE_REFUSE or surface.blocked(nx, ny)
    if bump:
        nx, ny = st.x, st.y
    yaw = math.atan2(math.sin(st.yaw + wz * dt), math.cos(st.yaw + wz * dt))
    if nx != st.x or ny != st.y or yaw != st.yaw:
        keep_move, keep_turn = _body_fit(surface, st, nx, ny, yaw)
        if not (keep_move and keep_turn):  # the contact shoves the body off, the step goes on
            sx, sy = _shove(surface, nx, ny, yaw)
            if not surface.blocked(sx, sy) and (
                    surface.body_hits(sx, sy, yaw) <= surface.body_hits(st.x, st.y, st.yaw)):
                nx, ny, keep_move, keep_turn = sx, sy, True, True
        if not keep_move:
            nx, ny, bump = st.x, st.y, True
        if not keep_turn:
            yaw, wz = st.yaw, 0.0
    if bump:
        vx, vy = 0.0, 0.0
    tripped = edge == EDGE_FALL and not fallen and not bump
    # the ground under the new position (pure: looked up before the trip that reads it)
    ground, pitch, roll, new_kind, new_soft = surface.ground_pose(nx, ny, yaw)
    if t.stair_descent_hazard > 0.0 and go and not started and not fallen and not bump:
        drop = here_h - ground
        if drop > 0.0 and (here_kind == _STAIRS or new_kind == _STAIRS):
            tripped = tripped or u_stall < -math.expm1(-t.stair_descent_hazard * drop)
    decay = math.exp(-dt / t.push_tau)
    getup_left = st.getup_left - dt if fallen else 0.0
    if tripped:
        getup_left = t.getup_time
    still_down = (fallen and getup_left > 0) or tripped
    z = ground + 0.1 if still_down else ground + _BODY_HEIGHT[mode] - 0.1 * new_soft
    climb = (z - st.z) / dt
    moved = math.hypot(nx - st.x, ny - st.y)
    if fallen:
        power = 2.0 * t.idle_w
    elif mode == _SIT:
        power = t.sit_w
    else:
        power = (t.idle_w + tables.cot[mode] * mass * G * speed * tables.terrain_factor[kind]
                 + mass * G * max(climb, 0.0) / t.climb_efficiency * walking)
    return OneState(  # positional: a NamedTuple builds faster so than from 19 keywords
        st.time + dt, nx, ny, z, yaw,  # time, x, y, z, yaw
        0.0 if still_down else pitch, 1.2 if still_down else roll,  # pitch, roll
        vx, vy, wz,
        st.push_vx * decay, st.push_vy * decay,  # push_vx, push_vy
        st.energy_wh + power * dt / 3600.0,  # energy_wh
        st.distance + moved,  # distance
        tables.slip[kind] * speed + math.hypot(st.push_vx, st.push_vy) * 0.5,  # slip
        still_down, getup_left if still_down else 0.0,  # fallen, getup_left
        stall_left, new_kind,  # stall_left, kind
    )


def apply_push_one(st: OneState, impulse: float, direction: float, mode: int, mass: float,
                   surface: FastSurface, tables: FastTables,
                   rng: np.random.Generator) -> OneState:
    """One robot pushed: see :func:`locomotion.kinematic_model.apply_push`."""
    t = tables.t
    r, c, _ = surface.cell(st.x, st.y)
    friction = float(surface.s.friction.item(r, c))
    threshold = tables.fall_threshold[mode] * math.sqrt(min(max(friction, 0.05), 2.0) / 0.9)
    z = min(max((impulse - threshold) / t.fall_width, -50.0), 50.0)
    p_fall = 1.0 / (1.0 + math.exp(-z))
    u = rng.random()  # drawn unconditionally, as the batch form does
    falls = not st.fallen and impulse > 0 and u < p_fall
    dv = impulse / mass * (0.3 if falls else 1.0)
    return st._replace(
        push_vx=st.push_vx + dv * math.cos(direction),
        push_vy=st.push_vy + dv * math.sin(direction),
        fallen=st.fallen or falls,
        getup_left=t.getup_time if falls else st.getup_left,
    )
