"""The pybullet physics backend: a torque-controlled A1 walking in a world built from a World.

This class only routes: mission commands go to the navigator (``GoTo``) or straight to the body
(``Velocity``/``Stand``/``Sit``/``Stop``); the robot's own senses feed the terrain classifier, whose
reading picks the gait; :class:`locomotion.pb.sim.Simulation` does the physics and control. All
heavy imports happen here, when ``make_backend("pybullet")`` asks for this module, never before.

Every backend instance owns its physics client (``BulletClient``), its RNG (from the ``seed`` given
to :meth:`reset`) and nothing global, so several can run side by side. The scene's heightfields,
the senses and the planner read the terrain map given to :meth:`reset` (the run's one map, shared
with the runtime's line of sight), else the world's default ground, as on the kinematic twin.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import pybullet
import pybullet_data
from pybullet_utils.bullet_client import BulletClient

from locomotion.backend import (
    Command,
    ContactInfo,
    GaitParams,
    GoTo,
    NavStatus,
    Pose,
    RobotState,
    SetGait,
    Sit,
    Stand,
    Stop,
    TerrainEstimate,
    Velocity,
)
from locomotion.gait import GaitDecision, GaitSelector, gait_for
from locomotion.navigation import Navigator
from locomotion.pb.controller import BodyCommand
from locomotion.pb.senses import Senses
from locomotion.pb.sim import SimConfig, Simulation
from locomotion.perception import TerrainClassifier, TerrainReading
from locomotion.planner import Closure
from locomotion.terrain import TerrainMap, terrain_for
from locomotion.variation import (
    DEFAULT_TOLERANCES,
    Tolerances,
    Variation,
    draw_variation,
    jittered_start,
    terrain_blocked,
    varied_world,
)
from locomotion.world import Shape, TerrainKind, World

__all__ = ["PyBulletBackend"]

_NAV_PERIOD = 0.05
"""The navigator and the body command update at 20 Hz of simulated time."""
_SENSE_PERIOD = 0.1
"""The height scan, terrain classifier and gait selector run at 10 Hz."""
_STUCK_WINDOW = 4.0
_STUCK_PROGRESS = 0.1
"""Stuck: less than 10 cm of progress (towards the goal, or at all on a Velocity) in 4 s."""


@dataclass
class _Progress:
    """Remembers where the robot was a while ago, to call it stuck when it stops getting anywhere."""

    since: float = 0.0
    x: float = 0.0
    y: float = 0.0
    goal_distance: float = math.inf


class PyBulletBackend:
    """:class:`~locomotion.backend.LocomotionBackend` on pybullet physics."""

    def __init__(self, gui: bool = False, config: SimConfig | None = None,
                 tolerances: Tolerances = DEFAULT_TOLERANCES) -> None:
        """Nothing connects yet; :meth:`reset` does.

        Args:
            gui: open a pybullet window, if a display exists (headless machines stay DIRECT).
            config: physics/controller settings; the defaults are the benchmarked ones.
            tolerances: what a seed varies at reset (:mod:`locomotion.variation`; ``NOMINAL``:
                nothing, e.g. for calibration sweeps).
        """
        self._tolerances = tolerances
        self.variation: Variation | None = None
        self._gui = gui and bool(os.environ.get("DISPLAY"))
        self._config = config or SimConfig()
        self._client: BulletClient | None = None
        self._sim: Simulation | None = None
        self._nav: Navigator | None = None
        self._closed: tuple[Closure, ...] = ()
        self._terrain_map: TerrainMap | None = None
        self._senses: Senses | None = None
        self._classifier = TerrainClassifier()
        self._selector = GaitSelector()
        self._decision: GaitDecision | None = None
        self._reading: TerrainReading | None = None
        self._mode = "stand"
        self._velocity = Velocity(0.0)
        self._goal: GoTo | None = None
        self._nav_status = NavStatus.IDLE
        self._nav_reason = ""
        self._payload = 0.0
        self._distance = 0.0
        self._next_nav = 0.0
        self._next_sense = 0.0
        self._progress = _Progress()

    # -------------------------------------------------------------------------------- protocol
    def reset(self, world: World, start: Pose, seed: int | None = None,
              terrain: TerrainMap | None = None) -> RobotState:
        """Build ``world`` on ``terrain`` and stand the robot at ``start`` (see the protocol).

        The scene's gravel and rubble heightfields, the senses and the navigator's planner all read
        ``terrain`` (the run's map); the noise of the senses flows from ``seed``.

        Raises:
            ValueError: the start is not walkable, or ``terrain`` is of another world.
        """
        terrain = terrain_for(world, terrain)
        if self._client is None:
            self._client = BulletClient(pybullet.GUI if self._gui else pybullet.DIRECT)
            self._client.setAdditionalSearchPath(pybullet_data.getDataPath())
        self.variation = draw_variation(world, seed, self._tolerances)
        start = jittered_start(start, self.variation, terrain_blocked(terrain))
        seed = 0 if seed is None else int(seed)
        rng = np.random.default_rng(seed)
        self._terrain_map = terrain
        self._selector = GaitSelector()
        self._decision = None
        self._reading = None
        gait = self._selector_params()
        self._sim = Simulation(
            self._client,
            varied_world(world, self.variation),
            (start.x, start.y, start.yaw),
            self._terrain_map,
            gait,
            self._config,
        )
        self._senses = Senses(self._sim.scene, self._sim.robot, self._terrain_map, rng,
                              self.variation.sensor_noise)
        self._nav = None
        self._closed = ()
        self._mode, self._goal = "stand", None
        self._nav_status, self._nav_reason = NavStatus.IDLE, ""
        self._payload = 0.0
        self._apply_variation(self._sim, self.variation)
        self._distance = 0.0
        self._next_nav = self._next_sense = 0.0
        self._sim.advance(0.3)
        self._progress = _Progress(since=self._sim.time, x=start.x, y=start.y)
        self._update_perception()
        return self._state()

    def command(self, command: Command) -> None:
        """Replace the current command (never blocks)."""
        if isinstance(command, GoTo):
            self._start_goto(command)
        elif isinstance(command, Velocity):
            self._cancel_goal()
            self._mode, self._velocity = "velocity", command
        elif isinstance(command, (Stand, Stop)):
            self._cancel_goal()
            self._mode = "stand"
        elif isinstance(command, Sit):
            self._cancel_goal()
            self._mode = "sit"
        elif isinstance(command, SetGait):
            self._selector.override(command.gait)
        else:
            raise TypeError(f"not a locomotion command: {command!r}")
        self._progress = self._fresh_progress()

    def step(self, dt: float) -> RobotState:
        """Advance by ``dt`` seconds in 50 ms slices (navigator and gait update between them)."""
        sim = self._require_sim()
        end = sim.time + max(dt, 0.0)
        while sim.time < end - 1e-9:
            if sim.time >= self._next_sense - 1e-9:
                self._update_perception()
                self._next_sense = sim.time + _SENSE_PERIOD
            if sim.time >= self._next_nav - 1e-9:
                self._update_command()
                self._next_nav = sim.time + _NAV_PERIOD
            before = sim.obs.position[:2].copy()
            sim.advance(min(_NAV_PERIOD, end - sim.time))
            self._distance += float(np.linalg.norm(sim.obs.position[:2] - before))
            assert self._senses is not None
            self._senses.record_motion(sim.time, sim.obs)
        return self._state()

    def apply_push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        """Push the trunk with ``impulse`` N·s towards world heading ``direction`` (rad)."""
        self._require_sim().push(impulse, direction, duration)

    @property
    def terrain_map(self) -> TerrainMap | None:
        """The terrain map of the last reset (None before the first)."""
        return self._terrain_map

    def close_region(self, name: str, shape: Shape) -> None:
        """Close ``shape`` to walking until the next reset (see
        :class:`~locomotion.backend.WorldChanges`)."""
        self._require_sim()
        self._closed = (*self._closed, Closure(name, shape))
        if self._nav is not None:
            self._nav.set_closed(self._closed, self._pose())
            if self._goal is not None:
                self._nav_status, self._nav_reason = self._nav.status, self._nav.reason

    def set_payload(self, mass: float) -> None:
        """Carry ``mass`` kg on the trunk (0 to unload)."""
        if mass < 0:
            raise ValueError(f"payload mass must be >= 0 kg, got {mass}")
        sim = self._require_sim()
        sim.set_payload(mass)
        self._payload = float(mass)
        if self.variation is not None:  # the trunk carries the drawn mass; the controller the declared
            sim.robot.set_extra_mass(self.variation.carried(self._payload))

    def close(self) -> None:
        """Disconnect the physics client. Safe to call twice."""
        if self._client is not None:
            try:
                self._client.disconnect()
            finally:
                self._client = None
                self._sim = None

    # -------------------------------------------------------------------------------- internals
    def _apply_variation(self, sim: Simulation, variation: Variation) -> None:
        """The drawn physics the scene's build does not carry: the open ground's friction and the
        trunk's added mass (unknown to the controller, whose model keeps the nominal mass)."""
        for body in sim.scene.ground_ids:
            assert self._client is not None
            self._client.changeDynamics(body, -1, lateralFriction=0.9 * variation.ground_friction)
        sim.robot.set_extra_mass(variation.carried(0.0))

    def _require_sim(self) -> Simulation:
        if self._sim is None:
            raise RuntimeError("PyBulletBackend: call reset(world, start) before using the robot")
        return self._sim

    def _selector_params(self) -> GaitParams:
        if self._decision is not None:
            return self._decision.params
        return gait_for(TerrainKind.FLAT)

    def _pose(self) -> Pose:
        obs = self._require_sim().obs
        x, y, z = (float(v) for v in obs.position)
        roll, pitch, yaw = (float(v) for v in obs.rpy)
        return Pose(x, y, z, roll, pitch, yaw)

    def _start_goto(self, goto: GoTo) -> None:
        sim = self._require_sim()
        if self._nav is None:
            assert self._terrain_map is not None
            self._nav = Navigator(self._terrain_map, half_width=0.25)
            self._nav.closed = self._closed
        self._goal = goto
        self._mode = "goto"
        self._nav.set_goal(goto, self._pose(), sim.time)
        self._nav_status, self._nav_reason = NavStatus.ACTIVE, ""

    def _cancel_goal(self) -> None:
        if self._nav is not None and self._goal is not None:
            self._nav.cancel()
        self._goal = None
        if self._nav_status == NavStatus.ACTIVE:
            self._nav_status, self._nav_reason = NavStatus.IDLE, "cancelled"

    def _update_perception(self) -> None:
        sim = self._require_sim()
        assert self._senses is not None
        if sim.recovery is not None:
            return
        self._reading = self._classifier.classify(self._senses.read(sim.obs))
        self._decision = self._selector.update(self._reading, sim.time)
        sim.gait = self._decision.params

    def _update_command(self) -> None:
        sim = self._require_sim()
        cap = self._decision.speed_cap if self._decision is not None else 1.0
        sim.sitting = self._mode == "sit"
        if self._mode == "velocity":
            v = self._velocity
            sim.body_command = BodyCommand(v.vx, v.vy, v.wz, walk=True)
        elif self._mode == "goto" and self._nav is not None:
            if self._goal is not None and self._goal.speed is not None:
                cap = min(cap, self._goal.speed)
            cmd, status, reason = self._nav.update(self._pose(), cap, sim.time)
            self._nav_status, self._nav_reason = status, reason
            if status == NavStatus.ACTIVE:
                sim.body_command = BodyCommand(cmd.vx, cmd.vy, cmd.wz, walk=True)
            else:
                sim.body_command = BodyCommand(walk=False)
                self._mode = "stand"
        else:
            sim.body_command = BodyCommand(walk=False)

    def _fresh_progress(self) -> _Progress:
        if self._sim is None:
            return _Progress()
        pose = self._pose()
        return _Progress(
            since=self._sim.time, x=pose.x, y=pose.y, goal_distance=self._goal_distance()
        )

    def _goal_distance(self) -> float:
        if self._goal is None or self._sim is None:
            return math.inf
        pose = self._pose()
        return math.hypot(self._goal.goal[0] - pose.x, self._goal.goal[1] - pose.y)

    def _stuck(self) -> bool:
        """No progress for a while: towards the goal (GoTo) or at all (walking on a Velocity)."""
        sim = self._require_sim()
        moving = self._mode == "goto" or (
            self._mode == "velocity" and math.hypot(self._velocity.vx, self._velocity.vy) > 0.05
        )
        if not moving or sim.recovery is not None:
            self._progress = self._fresh_progress()
            return False
        pose = self._pose()
        progressed = (
            self._progress.goal_distance - self._goal_distance() >= _STUCK_PROGRESS
            if self._mode == "goto"
            else math.hypot(pose.x - self._progress.x, pose.y - self._progress.y) >= _STUCK_PROGRESS
        )
        if progressed:
            self._progress = self._fresh_progress()
            return False
        return sim.time - self._progress.since >= _STUCK_WINDOW

    def _state(self) -> RobotState:
        sim = self._require_sim()
        obs = sim.obs
        reading = self._reading
        terrain = (
            reading.estimate()
            if reading is not None
            else TerrainEstimate(TerrainKind.FLAT, TerrainKind.FLAT, 0.5)
        )
        slip = 0.0
        if self._senses is not None and any(obs.foot_contact):
            feet = [i for i in range(4) if obs.foot_contact[i]]
            vel = sim.robot.foot_velocities()[feet]
            slip = float(np.mean(np.hypot(vel[:, 0], vel[:, 1])))
        path: tuple[tuple[float, float], ...] = ()
        if self._nav is not None and self._goal is not None:
            path = tuple(self._nav.path)
        gait = (
            "recovering" if sim.recovery is not None else ("sit" if sim.sitting else sim.gait.name)
        )
        cos_yaw, sin_yaw = math.cos(float(obs.rpy[2])), math.sin(float(obs.rpy[2]))
        decision = self._decision
        return RobotState(
            time=sim.time,
            pose=self._pose(),
            velocity=(
                cos_yaw * float(obs.velocity[0]) + sin_yaw * float(obs.velocity[1]),
                -sin_yaw * float(obs.velocity[0]) + cos_yaw * float(obs.velocity[1]),
                float(obs.angular_velocity[2]),
            ),
            terrain=terrain,
            gait=gait,
            energy_used=sim.energy_j / 3600.0,
            fallen=sim.fallen,
            stuck=self._stuck(),
            contacts=ContactInfo(feet=obs.foot_contact, trunk=obs.trunk_contact, slip=slip),
            nav_status=self._nav_status,
            nav_reason=self._nav_reason,
            path=path,
            payload_mass=self._payload,
            extras={
                "falls": float(sim.falls),
                "speed": float(np.hypot(*obs.velocity[:2])),
                "distance": self._distance,
                "speed_cap": decision.speed_cap if decision is not None else sim.gait.speed_cap,
                "swing_height": sim.gait.swing_height,
                "terrain_confidence": terrain.confidence,
            },
        )
