"""The kinematic twin's physics-free model, vectorised over N robots.

Functional split (as in Gymnasium's functional envs): frozen :class:`ModelTables` built from the
calibration, a frozen :class:`BatchState` of arrays, and pure functions :func:`transition` and
:func:`apply_push` that return a new state. The single-robot backend and the batch runner both use
them (the single one with N = 1), so they cannot drift apart.

What is modelled, per robot and step: achieved speed = commanded x ``speed_ratio[terrain]``;
lateral drift as a random walk per metre; stalls in deep mud (a hazard rate growing with softness,
lasting a random time); falls when pushed (logistic in impulse around a threshold per gait,
lowered on slippery ground), followed by a get-up that takes time; pushes that do not topple the
robot make it slide; trunk height, pitch and roll follow the ground; energy from
:mod:`locomotion.energy`'s power model.

Edges (:func:`edge_check`), with the numbers the edge sweep fitted on pybullet
(:class:`~locomotion.params.EdgeParams`): the body is a footprint, so a move that would put the
point ``standoff`` m ahead of the trunk centre into an obstacle is refused (the trunk stops that far
short of a wall, as pybullet's does); a rise met there or under the centre that the legs cannot
climb either trips the robot (a fall at the face) or is refused like a wall; a drop beyond what the
legs step down is a fall once the centre is ``drop_offset`` m past it. A height change counts as an
edge only when a slope of :data:`~locomotion.terrain.MAX_SLOPE_DEG` could not explain it over the
move, so ramps and stairs walked along their axis are not edges.

The body (:func:`footprint_hits`): every step, turns in place and side-steps included, the rim of
the body rectangle (the A1's feet under its hips: 0.18 m along, 0.13 m across the trunk centre) is
looked up at the new pose; a step that would put more of it inside an obstacle than before is
shoved one sample away from the rim points in the obstacle (the contact pushes the body off), else
keeps only its move (without the turn), else only its turn, else is refused; so the twin never
turns or side-steps part of its body into a wall, and slides along one it brushes. Pybullet
side-stepping at a wall stops its centre 0.15 m from the face; turning in place 0.16 m from it, its
legs hit the wall.

Walking down a flight (:func:`stair_descent_falls`): under the seed's physics variation pybullet
falls on some descents and not others (2 of 12 four-tread flights, 1 of 8 seeded walks down the
bank site's ten treads); the twin falls at the calibrated rate ``stair_descent_hazard`` per metre of
height descended on stair cells, drawn with the step's stall draw (unused on stairs, where nothing
is soft), so the random streams of every other run are unchanged. The single-robot backend applies
it whenever the physics is varied (``KinematicBackend(descent_hazard=False)`` turns it off): checked
on the patrol's north steps (10 seeds, default variation), pybullet fell in 5 runs, the twin with the
hazard in 3 and without it in none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from locomotion.energy import G
from locomotion.params import KinematicParams
from locomotion.terrain import KIND_INDEX, KINDS, MAX_SLOPE_DEG, SurfaceGrid
from locomotion.world import TerrainKind

__all__ = [
    "EDGE_CLEAR",
    "EDGE_FALL",
    "EDGE_REFUSE",
    "MODES",
    "MODE_INDEX",
    "BatchState",
    "ModelTables",
    "apply_push",
    "edge_check",
    "footprint_hits",
    "footprint_offsets",
    "initial_state",
    "stair_descent_falls",
    "transition",
]

MODES: tuple[str, ...] = ("trot", "crawl", "stairs", "stand", "sit")
"""What a robot is doing, as an integer code: the three gaits, standing still, sitting."""
MODE_INDEX = {m: i for i, m in enumerate(MODES)}
_STAND, _SIT = MODE_INDEX["stand"], MODE_INDEX["sit"]
_BODY_HEIGHT = np.array([0.28, 0.26, 0.27, 0.28, 0.12])
_HALF_LENGTH, _HALF_WIDTH = 0.18, 0.13
_STAIRS_KIND = KIND_INDEX[TerrainKind.STAIRS]
EDGE_CLEAR, EDGE_REFUSE, EDGE_FALL = 0, 1, 2
"""What an edge does to a move: nothing, stops it (the robot stays put), or topples the robot."""
SLOPE_ALLOW = math.tan(math.radians(MAX_SLOPE_DEG))
RASTER_SLACK = 0.03
"""Height (m) two nearest-sample lookups 5 cm apart can differ by on the steepest walkable slope."""


@dataclass(frozen=True)
class ModelTables:
    """The calibration as arrays indexed by terrain kind code or by mode code."""

    speed_ratio: np.ndarray
    slip: np.ndarray
    drift: np.ndarray
    terrain_factor: np.ndarray
    cot: np.ndarray
    fall_threshold: np.ndarray
    fall_width: float
    getup_time: float
    stall_softness: float
    stall_hazard: float
    stall_duration: float
    idle_w: float
    sit_w: float
    climb_efficiency: float
    push_tau: float
    max_step_up: float = 0.15
    trip_rise_max: float = 0.15
    standoff: float = 0.22
    max_step_down: float = 0.15
    drop_offset: float = 0.3
    max_stair_rise: float = 0.15
    stair_descent_hazard: float = 0.0

    @classmethod
    def from_params(cls, p: KinematicParams, varied: bool = False) -> ModelTables:
        """The tables of ``p``; ``varied``: the run's physics is varied by its seed (only then
        does walking down a flight carry the calibrated hazard of a fall)."""
        def by_kind(table: dict[str, float], default: float) -> np.ndarray:
            return np.array([table.get(k.value, default) for k in KINDS])

        cot = p.energy.cost_of_transport
        thr = p.fall.impulse_threshold
        return cls(
            speed_ratio=by_kind(p.speed_ratio, 1.0),
            slip=by_kind(p.slip, 0.0),
            drift=by_kind(p.drift, 0.0),
            terrain_factor=by_kind(p.energy.terrain_factor, 1.0),
            cot=np.array([cot.get(m, cot.get("crawl", 0.8)) if i < _STAND else 0.0
                          for i, m in enumerate(MODES)]),
            fall_threshold=np.array([thr.get(m, 20.0) for m in MODES]),
            fall_width=p.fall.width,
            getup_time=p.fall.getup_time,
            stall_softness=p.stall.softness_min,
            stall_hazard=p.stall.hazard,
            stall_duration=p.stall.duration,
            idle_w=p.energy.idle_power_w,
            sit_w=p.energy.sit_power_w,
            climb_efficiency=p.energy.climb_efficiency,
            push_tau=max(p.push_slide_time, 1e-3),
            max_step_up=p.edges.max_step_up,
            trip_rise_max=max(p.edges.trip_rise_max, p.edges.max_step_up),
            standoff=p.edges.standoff,
            max_step_down=p.edges.max_step_down,
            drop_offset=p.edges.drop_offset,
            max_stair_rise=p.edges.max_stair_rise,
            stair_descent_hazard=p.edges.stair_descent_hazard if varied else 0.0,
        )


@dataclass(frozen=True)
class BatchState:
    """State of N robots; every field but ``time`` is an (N,) array. Velocities ``vx, vy, wz`` are
    the achieved body-frame ones; ``push_vx, push_vy`` the world-frame slide left by pushes."""

    time: float
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    yaw: np.ndarray
    pitch: np.ndarray
    roll: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    wz: np.ndarray
    push_vx: np.ndarray
    push_vy: np.ndarray
    energy_wh: np.ndarray
    distance: np.ndarray
    slip: np.ndarray
    fallen: np.ndarray
    getup_left: np.ndarray
    stall_left: np.ndarray
    kind: np.ndarray


def _ground_pose(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray, yaw: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ground height, pitch (right-handed: nose-down positive), roll, kind, softness."""
    c, s = np.cos(yaw), np.sin(yaw)
    px = np.stack([x, x + c * _HALF_LENGTH, x - c * _HALF_LENGTH,
                   x - s * _HALF_WIDTH, x + s * _HALF_WIDTH])
    py = np.stack([y, y + s * _HALF_LENGTH, y - s * _HALF_LENGTH,
                   y + c * _HALF_WIDTH, y - c * _HALF_WIDTH])
    r, q, _ = surface.index(px, py)
    h = surface.base[r, q]
    pitch = -np.arctan2(h[1] - h[2], 2 * _HALF_LENGTH)
    roll = np.arctan2(h[3] - h[4], 2 * _HALF_WIDTH)
    return h[0], pitch, roll, surface.kind[r[0], q[0]], surface.softness[r[0], q[0]]


def footprint_offsets(resolution: float) -> tuple[np.ndarray, np.ndarray]:
    """Body-frame points (m) along the rim of the body rectangle, at most one sample apart.

    The rectangle is shrunk by half a sample, because nearest-sample lookups round outwards (as
    :func:`edge_check`'s look-ahead is).

    Args:
        resolution: the surface raster's sample spacing (m).

    Returns:
        (along, across) arrays of the rim points.
    """
    hl = max(_HALF_LENGTH - 0.5 * resolution, 0.0)
    hw = max(_HALF_WIDTH - 0.5 * resolution, 0.0)
    xs = np.linspace(-hl, hl, max(2, math.ceil(2 * hl / resolution)) + 1)
    ys = np.linspace(-hw, hw, max(2, math.ceil(2 * hw / resolution)) + 1)[1:-1]
    along = np.concatenate([xs, xs, np.full(ys.size, hl), np.full(ys.size, -hl)])
    across = np.concatenate([np.full(xs.size, hw), np.full(xs.size, -hw), ys, ys])
    return along, across


def _rim_blocked(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray, yaw: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(blocked mask, x offsets, y offsets) of each body's rim points, shape (N, points)."""
    along, across = footprint_offsets(surface.resolution)
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    ox, oy = c * along - s * across, s * along + c * across
    return surface.blocked(x[:, None] + ox, y[:, None] + oy), ox, oy


def footprint_hits(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray,
                   yaw: np.ndarray) -> np.ndarray:
    """How many rim points of each body (:func:`footprint_offsets`) lie in an obstacle, water or
    outside the world, for bodies centred at (x, y) heading ``yaw``."""
    return np.asarray(_rim_blocked(surface, x, y, yaw)[0].sum(axis=1))


def _shove(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray, yaw: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) moved one sample away from the rim points in an obstacle (the contact pushes the
    body off, as pybullet's legs are pushed off a wall)."""
    hit, ox, oy = _rim_blocked(surface, x, y, yaw)
    sx, sy = (ox * hit).sum(axis=1), (oy * hit).sum(axis=1)
    norm = np.hypot(sx, sy)
    step = np.where(norm > 1e-12, surface.resolution / np.maximum(norm, 1e-12), 0.0)
    return x - sx * step, y - sy * step


def edge_check(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray, nx: np.ndarray,
               ny: np.ndarray, walk_x: np.ndarray, walk_y: np.ndarray,
               tables: ModelTables) -> np.ndarray:
    """What the edges on the way from (x, y) to (nx, ny) do to each move (``EDGE_*`` codes).

    The body looks ahead along the walking direction ``(walk_x, walk_y)`` (world frame, any
    length; zero: along the move itself, as when pushed), so the random drift of one step never
    lets the trunk creep into a wall it is walking at.
    """
    dxm, dym = nx - x, ny - y
    d = np.hypot(dxm, dym)
    walk = np.hypot(walk_x, walk_y)
    use_walk = walk > 1e-9
    ax, ay = np.where(use_walk, walk_x, dxm), np.where(use_walk, walk_y, dym)
    norm = np.maximum(np.hypot(ax, ay), 1e-12)
    ux, uy = ax / norm, ay / norm

    def ground(px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r, q, _ = surface.index(px, py)
        return surface.base[r, q], surface.kind[r, q] == _STAIRS_KIND

    def climb(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
        (za, sa), (zb, sb) = ground(ax, ay), ground(bx, by)
        rise = zb - za
        tread = sa & sb  # tread to tread: less room for the feet
        limit = np.where(tread, tables.max_stair_rise, tables.max_step_up)
        trip = np.where(tread, tables.max_stair_rise, tables.trip_rise_max)
        fails = (rise > allow) & (rise > limit)
        return np.where(fails, np.where(rise <= trip, EDGE_FALL, EDGE_REFUSE), EDGE_CLEAR)

    allow = SLOPE_ALLOW * d + RASTER_SLACK
    reach = max(tables.standoff - 0.5 * surface.resolution, 0.0)  # nearest samples round up
    fx, fy = ux * reach, uy * reach
    wall = surface.blocked(nx + fx, ny + fy)
    ahead, under = climb(x + fx, y + fy, nx + fx, ny + fy), climb(x, y, nx, ny)
    rising = np.where((ahead == EDGE_REFUSE) | (under == EDGE_REFUSE), EDGE_REFUSE,
                      np.maximum(ahead, under))
    back = tables.drop_offset - 0.5 * surface.resolution
    bx, by = ux * back, uy * back
    drop = ground(x - bx, y - by)[0] - ground(nx - bx, ny - by)[0]
    out = np.where((drop > allow) & (drop > tables.max_step_down), EDGE_FALL, EDGE_CLEAR)
    out = np.where(rising != EDGE_CLEAR, rising, out)
    out = np.where(wall, EDGE_REFUSE, out)
    return np.where(d > 1e-9, out, EDGE_CLEAR)


def stair_descent_falls(drop: np.ndarray, on_stairs: np.ndarray, u: np.ndarray,
                        hazard: float) -> np.ndarray:
    """Whether walking ``drop`` m down on a flight (``on_stairs``) this step topples each robot:
    ``u`` < 1 - exp(-hazard * drop), for uniform draws ``u``."""
    return on_stairs & (drop > 0.0) & (u < -np.expm1(-hazard * np.maximum(drop, 0.0)))


def initial_state(surface: SurfaceGrid, x: np.ndarray, y: np.ndarray, yaw: np.ndarray,
                  time: float = 0.0) -> BatchState:
    """N robots standing still at the given positions and headings."""
    x, y, yaw = (np.asarray(a, dtype=float).copy() for a in (x, y, yaw))
    ground, pitch, roll, kind, soft = _ground_pose(surface, x, y, yaw)
    zeros = np.zeros_like(x)
    return BatchState(
        time, x, y, ground + _BODY_HEIGHT[_STAND] - 0.1 * soft, yaw, pitch, roll,
        zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros,
        np.zeros(x.shape, dtype=bool), zeros, zeros, kind,
    )


def transition(state: BatchState, cmd: np.ndarray, mode: np.ndarray, mass: np.ndarray,
               surface: SurfaceGrid, tables: ModelTables, dt: float,
               rng: np.random.Generator) -> BatchState:
    """Advance N robots by ``dt`` seconds.

    Args:
        state: current state.
        cmd: (N, 3) commanded body-frame (vx, vy, wz), already capped by the gait.
        mode: (N,) mode codes (:data:`MODES`).
        mass: (N,) total mass in kg (robot plus payload).
        surface: the ground.
        tables: calibration.
        dt: step (s).
        rng: the caller's generator; draws are a fixed number per step, so runs are repeatable.

    Returns:
        The new state.
    """
    n = state.x.shape[0]
    noise = rng.standard_normal(n)
    u_stall, u_dur = rng.random(n), rng.random(n)
    kind = state.kind
    soft = surface.softness[surface.index(state.x, state.y)[:2]]
    fallen = state.fallen
    walking = ~fallen & (mode < _STAND)
    ratio = tables.speed_ratio[kind]
    stall_left = np.maximum(state.stall_left - dt, 0.0)
    moving = walking & (np.abs(cmd[:, 0]) + np.abs(cmd[:, 1]) > 0.01)
    span = max(1.0 - tables.stall_softness, 1e-6)
    hazard = tables.stall_hazard * np.clip((soft - tables.stall_softness) / span, 0.0, 1.0)
    starts = moving & (stall_left <= 0) & (soft >= tables.stall_softness) & (
        u_stall < 1.0 - np.exp(-hazard * dt))
    stall_left = np.where(starts, tables.stall_duration * (0.5 + u_dur), stall_left)
    go = walking & (stall_left <= 0)
    vx = np.where(go, cmd[:, 0] * ratio, 0.0)
    vy = np.where(go, cmd[:, 1] * ratio, 0.0)
    wz = np.where(walking, cmd[:, 2] * np.minimum(1.0, ratio + 0.3), 0.0)
    speed = np.hypot(vx, vy)
    drift = tables.drift[kind] * np.sqrt(speed * dt) * noise
    mid = state.yaw + 0.5 * wz * dt
    c, s = np.cos(mid), np.sin(mid)
    dx = (c * vx - s * vy) * dt - s * drift + state.push_vx * dt
    dy = (s * vx + c * vy) * dt + c * drift + state.push_vy * dt
    nx, ny = state.x + dx, state.y + dy
    edge = edge_check(surface, state.x, state.y, nx, ny, c * vx - s * vy, s * vx + c * vy, tables)
    bump = surface.blocked(nx, ny) | (edge == EDGE_REFUSE)
    nx, ny = np.where(bump, state.x, nx), np.where(bump, state.y, ny)
    yaw = np.arctan2(np.sin(state.yaw + wz * dt), np.cos(state.yaw + wz * dt))
    # the body's rim: the whole step, else the move without the turn, else the turn alone
    now = footprint_hits(surface, state.x, state.y, state.yaw)
    whole_ok = footprint_hits(surface, nx, ny, yaw) <= now
    move_ok = footprint_hits(surface, nx, ny, state.yaw) <= now
    turn_ok = footprint_hits(surface, state.x, state.y, yaw) <= now
    keep_turn = whole_ok | (~move_ok & turn_ok)
    keep_move = whole_ok | move_ok
    stuck = ~whole_ok  # the contact shoves the body off and the step goes on
    sx, sy = _shove(surface, nx, ny, yaw)
    shoved = stuck & ~surface.blocked(sx, sy) & (footprint_hits(surface, sx, sy, yaw) <= now)
    nx, ny = np.where(shoved, sx, nx), np.where(shoved, sy, ny)
    keep_move, keep_turn = keep_move | shoved, keep_turn | shoved
    bump = bump | ~keep_move
    nx, ny = np.where(keep_move, nx, state.x), np.where(keep_move, ny, state.y)
    yaw, wz = np.where(keep_turn, yaw, state.yaw), np.where(keep_turn, wz, 0.0)
    vx, vy = np.where(bump, 0.0, vx), np.where(bump, 0.0, vy)
    tripped = ~fallen & ~bump & (edge == EDGE_FALL)
    if tables.stair_descent_hazard > 0.0:
        r0, q0, _ = surface.index(state.x, state.y)
        r1, q1, _ = surface.index(nx, ny)
        on_stairs = go & ~starts & ((surface.kind[r0, q0] == _STAIRS_KIND)
                                    | (surface.kind[r1, q1] == _STAIRS_KIND))
        drop = surface.base[r0, q0] - surface.base[r1, q1]
        tripped |= ~fallen & ~bump & stair_descent_falls(drop, on_stairs, u_stall,
                                                         tables.stair_descent_hazard)
    decay = math.exp(-dt / tables.push_tau)
    getup_left = np.where(fallen, state.getup_left - dt, 0.0)
    getup_left = np.where(tripped, tables.getup_time, getup_left)
    still_down = (fallen & (getup_left > 0)) | tripped
    ground, pitch, roll, new_kind, new_soft = _ground_pose(surface, nx, ny, yaw)
    z = ground + _BODY_HEIGHT[mode] - 0.1 * new_soft
    z = np.where(still_down, ground + 0.1, z)
    climb = (z - state.z) / dt
    moved = np.hypot(nx - state.x, ny - state.y)
    power = np.where(
        mode == _SIT,
        tables.sit_w,
        tables.idle_w
        + tables.cot[mode] * mass * G * speed * tables.terrain_factor[kind]
        + mass * G * np.maximum(climb, 0.0) / tables.climb_efficiency * walking,
    )
    power = np.where(fallen, 2.0 * tables.idle_w, power)
    return BatchState(
        time=state.time + dt, x=nx, y=ny, z=z, yaw=yaw,
        pitch=np.where(still_down, 0.0, pitch), roll=np.where(still_down, 1.2, roll),
        vx=vx, vy=vy, wz=wz,
        push_vx=state.push_vx * decay, push_vy=state.push_vy * decay,
        energy_wh=state.energy_wh + power * dt / 3600.0,
        distance=state.distance + moved,
        slip=tables.slip[kind] * speed + np.hypot(state.push_vx, state.push_vy) * 0.5,
        fallen=still_down, getup_left=np.where(still_down, getup_left, 0.0),
        stall_left=stall_left, kind=new_kind,
    )


def apply_push(state: BatchState, impulse: np.ndarray, direction: np.ndarray, mode: np.ndarray,
               mass: np.ndarray, surface: SurfaceGrid, tables: ModelTables,
               rng: np.random.Generator) -> BatchState:
    """Push each robot with ``impulse`` N·s towards world heading ``direction`` (rad).

    A robot falls with probability ``logistic((impulse - threshold) / width)``; the threshold is
    the mode's, scaled by ``sqrt(friction / 0.9)`` (slippery ground topples sooner). Robots that
    stay up slide off with velocity ``impulse / mass``, decaying over ``push_slide_time``.
    """
    impulse = np.asarray(impulse, dtype=float)
    friction = surface.friction[surface.index(state.x, state.y)[:2]]
    threshold = tables.fall_threshold[mode] * np.sqrt(np.clip(friction, 0.05, 2.0) / 0.9)
    z = np.clip((impulse - threshold) / tables.fall_width, -50.0, 50.0)
    p_fall = 1.0 / (1.0 + np.exp(-z))
    falls = ~state.fallen & (impulse > 0) & (rng.random(impulse.shape) < p_fall)
    dv = impulse / mass * np.where(falls, 0.3, 1.0)
    return replace(
        state,
        push_vx=state.push_vx + dv * np.cos(direction),
        push_vy=state.push_vy + dv * np.sin(direction),
        fallen=state.fallen | falls,
        getup_left=np.where(falls, tables.getup_time, state.getup_left),
    )
