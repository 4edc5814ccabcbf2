"""The kinematic twin: a fast, physics-free :class:`~locomotion.backend.LocomotionBackend`.

:class:`KinematicBackend` runs one robot through the whole locomotion stack a physics backend
would: synthesised senses -> terrain classifier -> gait selector (hysteresis, blending) -> speed
cap; ``GoTo`` through the :class:`~locomotion.navigation.Navigator`; the motion itself from the
model of :mod:`locomotion.kinematic_model`, run through its scalar twin
:mod:`locomotion.kinematic_scalar` (same equations, tested equal, ten times faster for one
robot). Perception runs at a fixed rate
(5 Hz by default, like a real terrain-perception pipeline; the gait selector's dwell
and blend times are set for that rate), not every step.

:class:`~locomotion.batch.KinematicBatch` (re-exported here) steps thousands of robots at once
with the same model.

Every instance owns one ``np.random.Generator`` seeded at ``reset``; the global RNG is never used.
The ground (surface raster and planner) comes from the terrain map ``reset`` is given (the run's
one map), else the world's default ground, the same one the pybullet backend builds.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from locomotion.backend import (
    Command,
    ContactInfo,
    GoTo,
    Pose,
    RobotState,
    SetGait,
    Sit,
    Stand,
    Stop,
    TerrainEstimate,
    Velocity,
)
from locomotion.batch import KinematicBatch
from locomotion.gait import GaitDecision, GaitSelector
from locomotion.ground_cache import GroundCache
from locomotion.kinematic_model import MODE_INDEX, ModelTables
from locomotion.kinematic_scalar import (
    FastSurface,
    FastTables,
    OneState,
    apply_push_one,
    initial_one,
    transition_one,
)
from locomotion.navigation import Navigator
from locomotion.params import ROBOT_MASS, load_calibration
from locomotion.perception import TerrainClassifier
from locomotion.planner import Closure, Planner
from locomotion.sensing import synthesise_sensing
from locomotion.terrain import SurfaceGrid, TerrainMap, terrain_for
from locomotion.variation import (
    DEFAULT_TOLERANCES,
    NOMINAL,
    Tolerances,
    Variation,
    draw_variation,
    jittered_start,
    region_raster,
    terrain_blocked,
    varied_surface,
)
from locomotion.world import Shape, TerrainKind, World

__all__ = ["KinematicBackend", "KinematicBatch"]

_FEET_DOWN = (True, True, True, True)
_FEET_UP = (False, False, False, False)
_STUCK_AFTER = 1.0
"""Seconds of commanded walking without progress (wall, stall) before ``stuck`` is reported."""


class _WorldCache:
    """Planner and surface raster of the last terrain map, so resets on one map are cheap.

    A given map is kept by identity (the run's map); the default map of a world is kept while
    resets come into an equal world.
    """

    def __init__(self, resolution: float, half_width: float, max_step: float,
                 max_stair_rise: float, ground: GroundCache | None = None) -> None:
        self.ground = ground
        self.resolution = resolution
        self.half_width = half_width
        self.max_step = max_step
        self.max_stair_rise = max_stair_rise
        self._default_of: World | None = None
        self.terrain: TerrainMap | None = None
        self.planner: Planner | None = None
        self.surface: FastSurface | None = None
        self._regions: np.ndarray | None = None

    def regions(self) -> np.ndarray:
        """The region index of each surface sample of the current map (built on first use)."""
        if self._regions is None:
            assert self.terrain is not None and self.surface is not None
            self._regions = region_raster(self.terrain, self.surface.s)
        return self._regions

    def _is_default_of(self, world: World) -> bool:
        known = self._default_of
        return known is not None and (known is world or known == world)

    def get(self, world: World, terrain: TerrainMap | None
            ) -> tuple[TerrainMap, Planner, FastSurface]:
        if terrain is not None:
            terrain = terrain_for(world, terrain)
            if terrain is not self.terrain:
                self._build(terrain, None)
        elif self.terrain is None or not self._is_default_of(world):
            self._build(terrain_for(world, None, self.resolution), world)
        assert self.terrain is not None and self.planner is not None and self.surface is not None
        return self.terrain, self.planner, self.surface

    def _build(self, terrain: TerrainMap, default_of: World | None) -> None:
        self.terrain = terrain
        if self.ground is not None:  # shared with earlier backends of this process
            self.planner = self.ground.planner(terrain, self.half_width, self.max_step,
                                               self.max_stair_rise)
            self.surface = self.ground.surface(terrain)
        else:
            self.planner = Planner(terrain, self.half_width, self.max_step, self.max_stair_rise)
            self.surface = FastSurface(SurfaceGrid.from_map(terrain))
        self._regions = None
        self._default_of = default_of


def _check_number(name: str, value: object, low: float = -math.inf) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
        raise ValueError(f"{name} must be a finite number >= {low:g}, got {value!r}")
    return float(value)


class KinematicBackend:
    """One simulated quadruped without physics (see the module docstring).

    Args:
        calibration: path of a calibration JSON (default: the committed one).
        resolution: planning grid resolution (m).
        half_width: robot half-width for obstacle inflation (m).
        perception_rate: how often (Hz) the robot senses and re-selects its gait.
        tolerances: what a seed varies at reset (:mod:`locomotion.variation`; ``NOMINAL``: none).
        descent_hazard: under varied physics, fall walking down flights at the calibrated
            ``stair_descent_hazard`` (on by default: with it off the twin never fell on the
            patrol's north steps where pybullet fell in 5 of 10 cross-checked runs; with it on
            the twin falls there in 3 of the same 10 seeds).
        ground: a :class:`~locomotion.ground_cache.GroundCache` to take the planner and the
            surface rasters from (and keep them in) across backends; None: built at each reset.
    """

    def __init__(self, calibration: str | Path | None = None, resolution: float = 0.2,
                 half_width: float = 0.25, perception_rate: float = 5.0,
                 tolerances: Tolerances = DEFAULT_TOLERANCES,
                 descent_hazard: bool = True, ground: GroundCache | None = None) -> None:
        self.params = load_calibration(calibration)
        self.tables = FastTables(ModelTables.from_params(self.params,
                                                         varied=descent_hazard and tolerances != NOMINAL))
        edges = self.params.edges
        self._cache = _WorldCache(resolution, half_width, edges.planner_step, edges.max_stair_rise,
                                  ground)
        self._period = 1.0 / _check_number("perception_rate", perception_rate, 1e-3)
        self._world: World | None = None
        self.terrain: TerrainMap | None = None
        self._tolerances = tolerances
        self.variation: Variation | None = None
        self._closed = False
        self._handlers: dict[type, Callable[[object], None]] = {
            GoTo: self._on_goto, Velocity: self._on_velocity, Stand: self._on_stand,
            Stop: self._on_stand, Sit: self._on_sit, SetGait: self._on_set_gait,
        }

    # ------------------------------------------------------------------ protocol
    def reset(self, world: World, start: Pose, seed: int | None = None,
              terrain: TerrainMap | None = None) -> RobotState:
        """Place the robot at ``start`` in ``world`` on ``terrain`` (see the protocol's ``reset``).

        Raises:
            ValueError: the start is not walkable, or ``terrain`` is of another world.
        """
        if self._closed:
            raise RuntimeError("this KinematicBackend was closed: make a new one")
        if not isinstance(world, World) or not isinstance(start, Pose):
            raise TypeError("reset(world, start) needs a locomotion.world.World and a "
                            f"locomotion.backend.Pose, got {type(world).__name__} and "
                            f"{type(start).__name__}")
        self.terrain, planner, self.surface = self._cache.get(world, terrain)
        if self.surface.blocked(start.x, start.y):
            raise ValueError(f"start ({start.x:.2f}, {start.y:.2f}) is outside the world or in "
                             "water/an obstacle: choose a start on walkable ground")
        self._world = world
        start = self._vary(world, seed, start)
        self._noise = self.variation.sensor_noise if self.variation else 1.0
        self.rng = np.random.default_rng(seed)
        self.navigator = Navigator(self.terrain, planner=planner)
        self.selector = GaitSelector()
        self.classifier = TerrainClassifier()
        self._state: OneState = initial_one(self.surface, start.x, start.y, start.yaw)
        self._pose_of: tuple[OneState, Pose] | None = None
        self._velocity = Velocity(0.0)
        self._goto = False
        self._sitting = False
        self._payload = 0.0
        self._carried = self.variation.carried(0.0) if self.variation else 0.0
        self._pushes: list[tuple[float, float]] = []
        self._blocked_for = 0.0
        self._next_sense = 0.0
        self._estimate = TerrainEstimate(TerrainKind.FLAT, TerrainKind.FLAT, 0.5)
        self._decision: GaitDecision = self._sense(0.0)
        return self._robot_state()

    def command(self, command: Command) -> None:
        """Replace the current command (``SetGait`` only changes the gait). Never blocks.

        Raises:
            TypeError: not a locomotion command.
            ValueError: ``SetGait`` names an unknown gait.
        """
        self._require_reset()
        handler = self._handlers.get(type(command))
        if handler is None:
            raise TypeError(f"not a locomotion command: {command!r}")
        handler(command)

    def step(self, dt: float) -> RobotState:
        """Advance by ``dt`` seconds and return the new state."""
        self._require_reset()
        if dt.__class__ is not float or not 1e-6 <= dt <= sys.float_info.max:  # else as checked
            dt = _check_number("dt", dt, 1e-6)
        s = self._state
        now = s.time
        if now + 1e-9 >= self._next_sense:
            self._decision = self._sense(now)
        mass = ROBOT_MASS + self._carried
        if self._pushes:
            impulse = sum(p[0] for p in self._pushes)
            direction = self._pushes[-1][1]
            self._pushes = []
            s = apply_push_one(s, impulse, direction, self._mode(), mass, self.surface,
                               self.tables, self.rng)
        cmd = self._body_command(s)
        new = transition_one(s, cmd, self._mode(cmd), mass, self.surface, self.tables, dt,
                             self.rng)
        # walking but not getting anywhere (against a wall, or stalled): counts towards "stuck"
        trying = abs(cmd[0]) + abs(cmd[1]) > 0.05 and not new.fallen
        moved = math.hypot(new.x - s.x, new.y - s.y) > 0.1 * dt * math.hypot(cmd[0], cmd[1])
        self._blocked_for = self._blocked_for + dt if trying and not moved else 0.0
        self._state = new
        return self._robot_state()

    def apply_push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        """Push the trunk; the twin applies the whole impulse at the start of the next step."""
        self._require_reset()
        _check_number("impulse", impulse, 0.0)
        _check_number("duration", duration, 0.0)
        self._pushes.append((float(impulse), _check_number("direction", direction)))

    @property
    def terrain_map(self) -> TerrainMap | None:
        """The terrain map of the last reset (None before the first)."""
        return self.terrain

    def close_region(self, name: str, shape: Shape) -> None:
        """Close ``shape`` to walking until the next reset (see
        :class:`~locomotion.backend.WorldChanges`)."""
        self._require_reset()
        closed = (*self.navigator.closed, Closure(name, shape))
        self.navigator.set_closed(closed, self._pose(self._state))

    def set_payload(self, mass: float) -> None:
        """Carry ``mass`` kg (0 to unload)."""
        self._payload = _check_number("payload mass", mass, 0.0)
        self._carried = self.variation.carried(self._payload) if self.variation else self._payload

    def close(self) -> None:
        """Release everything. Safe to call twice."""
        self._closed = True
        self._world = None

    # ------------------------------------------------------------------ internals
    def _vary(self, world: World, seed: int | None, start: Pose) -> Pose:
        """Draw this run's physics from ``seed`` (:mod:`locomotion.variation`): a ground with its
        friction and softness scaled per region, and the jittered start this returns."""
        assert self.surface is not None
        self.variation = draw_variation(world, seed, self._tolerances)
        self.surface = FastSurface(varied_surface(self.surface.s, self._cache.regions(),
                                                  self.variation), near=self.surface.near)
        assert self.terrain is not None
        return jittered_start(start, self.variation, terrain_blocked(self.terrain))

    def _require_reset(self) -> None:
        if self._closed:
            raise RuntimeError("this KinematicBackend was closed: make a new one")
        if self._world is None:
            raise RuntimeError("call reset(world, start) before commanding or stepping")

    def _pose(self, s: OneState) -> Pose:
        """The Pose of ``s``, built once per state (navigation and the report share it)."""
        cached = self._pose_of
        if cached is not None and cached[0] is s:
            return cached[1]
        pose = Pose(s.x, s.y, s.z, s.roll, s.pitch, s.yaw)
        self._pose_of = (s, pose)
        return pose

    def _sense(self, now: float) -> GaitDecision:
        s = self._state
        speed = math.hypot(s.vx, s.vy)
        sensing = synthesise_sensing(self.surface.s, s.x, s.y, s.yaw, speed,
                                     self.tables.slip[s.kind] * speed, self.rng,
                                     self._noise)
        reading = self.classifier.classify(sensing)
        self._estimate = reading.estimate()
        self._next_sense = now + self._period
        return self.selector.update(reading, now)

    def _mode(self, cmd: tuple[float, float, float] | None = None) -> int:
        if self._sitting:
            return MODE_INDEX["sit"]
        if cmd is not None and abs(cmd[0]) + abs(cmd[1]) + abs(cmd[2]) < 1e-9:
            return MODE_INDEX["stand"]
        if cmd is None and not self._goto and self._velocity == Velocity(0.0):
            return MODE_INDEX["stand"]
        return MODE_INDEX.get(self._decision.params.name, MODE_INDEX["crawl"])

    def _body_command(self, s: OneState) -> tuple[float, float, float]:
        cap = self._decision.speed_cap
        if self._sitting or s.fallen:
            return (0.0, 0.0, 0.0)
        if self._goto:
            out = self.navigator.update(self._pose(s), cap, s.time)
            v = out.command
        else:
            v = self._velocity
        scale = min(1.0, cap / max(math.hypot(v.vx, v.vy), 1e-9))
        return (v.vx * scale, v.vy * scale, v.wz)

    def _robot_state(self) -> RobotState:
        s = self._state
        fallen = s.fallen
        nav = self.navigator
        d = self._decision
        estimate = self._estimate
        # positional, in RobotState's field order: built every step, and a frozen dataclass
        # takes keywords a third slower (tests/locomotion/test_kinematic.py checks the fields)
        return RobotState(
            s.time,  # time
            self._pose(s),  # pose
            (s.vx, s.vy, s.wz),  # velocity
            estimate,  # terrain
            "sit" if self._sitting else d.params.name,  # gait
            s.energy_wh,  # energy_used
            fallen,  # fallen
            s.stall_left > 0 or self._blocked_for >= _STUCK_AFTER,  # stuck
            ContactInfo(_FEET_UP if fallen else _FEET_DOWN, fallen, s.slip),  # contacts
            nav.status,  # nav_status
            nav.reason,  # nav_reason
            nav.path,  # path
            self._payload,  # payload_mass
            {  # extras
                "speed_cap": d.speed_cap,
                "body_pitch_target": d.body_pitch,
                "swing_height": d.params.swing_height,
                "distance": s.distance,
                "terrain_confidence": estimate.confidence,
            },
        )

    # ------------------------------------------------------------------ command handlers
    def _on_goto(self, c: object) -> None:
        assert isinstance(c, GoTo)
        self._sitting = False
        self._goto = True
        self.navigator.set_goal(c, self._pose(self._state), self._state.time)

    def _on_velocity(self, c: object) -> None:
        assert isinstance(c, Velocity)
        for name in ("vx", "vy", "wz"):
            _check_number(f"Velocity.{name}", getattr(c, name))
        self._sitting, self._goto, self._velocity = False, False, c
        self.navigator.cancel()

    def _on_stand(self, c: object) -> None:
        self._sitting, self._goto, self._velocity = False, False, Velocity(0.0)
        self.navigator.cancel()

    def _on_sit(self, c: object) -> None:
        self._on_stand(c)
        self._sitting = True

    def _on_set_gait(self, c: object) -> None:
        assert isinstance(c, SetGait)
        self.selector.override(c.gait)
        self._next_sense = self._state.time  # re-select at the next step
