"""One simulated A1 in one pybullet client: physics stepping, control loop, pushes, energy, falls.

This is the engine room under :class:`locomotion.pybullet_backend.PyBulletBackend`: it knows body
commands (walk at a velocity / stand / sit), not missions or goals. Physics runs at ``physics_dt``;
the gait controller runs every ``control_every`` physics steps; the joint PD and torque output run
on every physics step, because pybullet forgets torques after each step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from pybullet_utils.bullet_client import BulletClient

from locomotion.backend import GaitParams
from locomotion.pb.controller import BodyCommand, ControlGains, GaitController
from locomotion.pb.kinematics import leg_ik
from locomotion.pb.recovery import RecoveryParams, StandUp, is_fallen
from locomotion.pb.robot import A1Robot, RobotObservation
from locomotion.pb.scene import Scene
from locomotion.terrain import TerrainMap
from locomotion.world import World

__all__ = ["SimConfig", "Simulation"]

_SIT_POSE = np.array([0.0, 1.3, -2.6] * 4)


@dataclass(frozen=True)
class SimConfig:
    """Physics and power settings.

    Attributes:
        physics_dt: physics timestep (s).
        control_every: physics steps per controller update.
        solver_iterations: constraint solver iterations per step.
        idle_power: electronics draw while powered (W), counted into energy.
        gains: controller tuning.
        recovery: fall detection and stand-up tuning.
    """

    physics_dt: float = 1.0 / 400.0
    control_every: int = 2
    solver_iterations: int = 30
    idle_power: float = 40.0
    gains: ControlGains = field(default_factory=ControlGains)
    recovery: RecoveryParams = field(default_factory=RecoveryParams)


class Simulation:
    """The robot, its scene and its controller inside an already connected client."""

    def __init__(
        self,
        client: BulletClient,
        world: World,
        start: tuple[float, float, float],
        terrain: TerrainMap,
        gait: GaitParams,
        config: SimConfig,
    ) -> None:
        """Build ``world``, drop the robot at ``start`` = (x, y, yaw) standing, settle it."""
        p = client
        self._p = p
        self.config = config
        p.resetSimulation()
        p.setGravity(0.0, 0.0, -9.81)
        p.setTimeStep(config.physics_dt)
        p.setPhysicsEngineParameter(
            numSolverIterations=config.solver_iterations, deterministicOverlappingPairs=1
        )
        self.scene = Scene(p, world, terrain)
        self.scene.mark_scene_group()
        x, y, yaw = start
        ground = float(self.scene.heights_at(np.array([[x, y]]))[0])
        self.robot = A1Robot(p, (x, y, ground + gait.body_height + 0.02), yaw)
        stand = self._standing_pose(gait)
        self.robot.reset_pose((x, y, ground + gait.body_height + 0.02), yaw, stand)
        com_offset, inertia = self.robot.composite_inertia()
        self.controller = GaitController(
            self.robot.hip_offsets,
            self.robot.legs,
            self.robot.total_mass,
            inertia,
            self.robot.lower_limits,
            self.robot.upper_limits,
            config.gains,
            com_offset,
        )
        self.gait = gait
        self.body_command = BodyCommand(walk=False)
        self.time = 0.0
        self.energy_j = 0.0
        self.sitting = False
        self.fallen = False
        self.recovery: StandUp | None = None
        self.falls = 0
        self._trunk_contact_for = 0.0
        self._push_force = np.zeros(3)
        self._push_steps = 0
        self._tick = 0
        self.obs: RobotObservation = self.robot.observe()

    def _standing_pose(self, gait: GaitParams) -> np.ndarray:
        q = np.zeros(12)
        for i, leg in enumerate(self.robot.legs):
            foot = np.array([0.0, leg.abduction, -gait.body_height])
            q[3 * i : 3 * i + 3] = leg_ik(foot, leg)
        return q

    # --------------------------------------------------------------------------------- inputs
    def push(self, impulse: float, direction: float, duration: float) -> None:
        """Spread ``impulse`` N·s towards world heading ``direction`` over ``duration`` s."""
        steps = max(1, round(duration / self.config.physics_dt))
        force = impulse / (steps * self.config.physics_dt)
        self._push_force = np.array([math.cos(direction), math.sin(direction), 0.0]) * force
        self._push_steps = steps

    def set_payload(self, mass: float) -> None:
        """Add ``mass`` kg to the trunk, in the physics and in the controller's model."""
        self.robot.set_extra_mass(mass)
        self.controller.mass = self.robot.total_mass + mass

    # ----------------------------------------------------------------------------------- step
    def advance(self, duration: float) -> None:
        """Simulate ``duration`` seconds (rounded to whole physics steps)."""
        steps = max(1, round(duration / self.config.physics_dt))
        for _ in range(steps):
            self._physics_step()

    def _control(self) -> None:
        cfg = self.config
        dt = cfg.physics_dt * cfg.control_every
        self.obs = self.robot.observe()
        self._trunk_contact_for = self._trunk_contact_for + dt if self.obs.trunk_contact else 0.0
        if self.recovery is None and is_fallen(self.obs, self._trunk_contact_for, cfg.recovery):
            self.fallen = True
            self.falls += 1
            self.recovery = StandUp(cfg.recovery)
            self.recovery.start()
        if self.recovery is not None:
            q = self.recovery.targets(self.obs, dt)
            ctrl = self.controller
            ctrl.q_des = q
            ctrl.kp = np.full(12, cfg.recovery.kp)
            ctrl.kd = np.full(12, cfg.recovery.kd)
            ctrl.tau_ff = np.zeros(12)
            if self.recovery.done:
                self.recovery = None
                self.fallen = False
                self._restart_controller()
            return
        if self.sitting:
            ctrl = self.controller
            ctrl.q_des = _SIT_POSE
            ctrl.kp = np.full(12, 30.0)
            ctrl.kd = np.full(12, 1.5)
            ctrl.tau_ff = np.zeros(12)
            return
        self.controller.update(self.obs, self.body_command, self.gait, dt, self.scene.heights_at)
        self.controller.tau_ff = self.controller.tau_ff + self.robot.gravity_torques()

    def _restart_controller(self) -> None:
        old = self.controller
        self.controller = GaitController(
            old.hips,
            old.legs,
            old.mass,
            old.inertia,
            old.lower,
            old.upper,
            old.gains,
            old.com_offset,
        )

    def _physics_step(self) -> None:
        cfg = self.config
        if self._tick % cfg.control_every == 0:
            self._control()
        self._tick += 1
        q, dq = self.robot.joint_state()
        torques = self.robot.apply_torques(self.controller.joint_torques(q, dq))
        if self._push_steps > 0:
            self._p.applyExternalForce(
                self.robot.body_id,
                -1,
                self._push_force.tolist(),
                self.obs.position.tolist(),
                self._p.WORLD_FRAME,
            )
            self._push_steps -= 1
        self._p.stepSimulation()
        power = float(np.abs(torques * dq).sum()) + cfg.idle_power
        self.energy_j += power * cfg.physics_dt
        self.time += cfg.physics_dt
