"""Gait controller for the A1: gait clock, Raibert foot placement, swing curves, virtual-model stance.

Each control tick :meth:`GaitController.update` turns an observation and a body-velocity command
into 12 joint-angle targets with PD gains and 12 feed-forward torques; :meth:`joint_torques` closes
the PD loop and is cheap enough to run on every physics step in between ticks.

* **Gait clock** — one phase in [0, 1) advanced by ``dt / period``; each leg adds its offset. A leg
  is in stance for the first ``duty`` of its cycle. All gaits move diagonal pairs together (crawl
  and stairs differ by duty, swing and speed: with four-foot phases between pair swings); periods
  are capped at ``max_period``. When the command is "stand", legs finish their swing and stay down
  — unless the body is knocked into motion, then it steps in place until it has settled; after
  any knock the cycle briefly takes a quick trot's timing so feet land soon enough to catch it.
* **Foot placement** (Raibert) — a swing foot lands under where its hip will be at mid-stance, plus
  ``k (v - v_des)`` so a push is caught by stepping into it. Landing height comes from the height
  scan at that spot (stairs), with the target nudged off tread edges (stair gait) or onto the
  most level spot nearby (other gaits: rubble) (:mod:`locomotion.pb.swing`). The target is fixed
  for the last ``1 - target_freeze`` of the swing, so the foot lands where it was aimed.
* **Swing** — the foot rises to ``swing_height`` above the highest of lift-off, landing and the
  ground scanned along the way, moving forward along a cycloid; with ``lift_then_step`` it goes up
  before it goes forward and forward before it goes down.
* **Touchdown** — on contact, not on the clock alone: a foot that meets the ground late in its
  swing stays there; one still in the air when its stance begins reaches further down first.
* **Stance** — a desired body wrench (height/attitude PD, velocity PI, heading hold) is shared
  among the stance feet by regularised least squares about the whole-body centre of mass, clipped
  to the friction cone, and mapped to torques with ``-J^T f`` (the simulation adds the legs' own
  gravity torques); a soft joint PD holds each stance foot at its touchdown point. The height
  target never lets the trunk's underside sink onto the ground scanned beneath it.

The commands and gains are frozen values in :mod:`locomotion.pb.gains` and the stance arithmetic
(force sharing, attitude error, trunk floor) pure functions in :mod:`locomotion.pb.stance`; both
are re-exported here where callers have always found them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from locomotion.backend import GaitParams
from locomotion.pb.gains import GAIT_OFFSETS, BodyCommand, ControlGains
from locomotion.pb.kinematics import LegGeometry, leg_ik, leg_jacobian
from locomotion.pb.robot import RobotObservation
from locomotion.pb.stance import GRAVITY, attitude_error, distribute_wrench, rot_z, trunk_floor
from locomotion.pb.swing import HeightFn, foothold_shift, level_foothold, swing_point

__all__ = ["GAIT_OFFSETS", "BodyCommand", "ControlGains", "GaitController"]


_PATH_SAMPLES = np.linspace(0.15, 0.85, 6)
"""Where along a swing (fraction of the way) the ground is checked for the apex to clear."""


@dataclass
class _Leg:
    """One leg's gait state. ``early``: it touched down before its clock said so (it stays down
    until the clock's next stance ends); ``reach``: how far below its target a late foot, still
    in the air when its stance began, is now reaching for the ground (m)."""

    stance: bool = True
    anchor: np.ndarray = field(default_factory=lambda: np.zeros(3))
    liftoff: np.ndarray = field(default_factory=lambda: np.zeros(3))
    target: np.ndarray = field(default_factory=lambda: np.zeros(3))
    early: bool = False
    reach: float = 0.0




class GaitController:
    """Stateful controller for one robot; create a new one on reset."""

    def __init__(
        self,
        hip_offsets: np.ndarray,
        legs: list[LegGeometry],
        mass: float,
        inertia: np.ndarray,
        lower_limits: np.ndarray,
        upper_limits: np.ndarray,
        gains: ControlGains | None = None,
        com_offset: np.ndarray | None = None,
    ) -> None:
        """Set up for a robot with the given geometry and mass properties (from the URDF)."""
        self.hips = hip_offsets
        self.legs = legs
        self.mass = mass
        self.inertia = inertia
        self.lower = lower_limits
        self.upper = upper_limits
        self.gains = gains or ControlGains()
        self.com_offset = np.zeros(3) if com_offset is None else com_offset
        self.foot_radius = 0.02
        self.phase = 0.0
        self._legs = [_Leg() for _ in range(4)]
        self._initialised = False
        self._v_des = np.zeros(2)
        self._wz_des = 0.0
        self._yaw_des: float | None = None
        self._foothold_shift = [np.zeros(2) for _ in range(4)]
        self._path_top = [-math.inf] * 4
        self._tick = 0
        self._v_int = np.zeros(2)
        self._dt = 0.0
        self._balancing = False
        self._settled_for = 0.0
        self._catch_left = 0.0
        self._floor = -math.inf
        self.q_des = np.zeros(12)
        self.kp = np.zeros(12)
        self.kd = np.zeros(12)
        self.tau_ff = np.zeros(12)
        self.walking = False

    # --------------------------------------------------------------------------------- helpers
    def _world_to_hip(self, obs: RobotObservation, p_world: np.ndarray, i: int) -> np.ndarray:
        return obs.rotation.T @ (p_world - obs.position) - self.hips[i]

    # ----------------------------------------------------------------------------------- update
    def update(
        self,
        obs: RobotObservation,
        command: BodyCommand,
        gait: GaitParams,
        dt: float,
        ground: HeightFn,
    ) -> None:
        """Advance the gait by ``dt`` and set new joint targets, gains and feed-forward torques.

        Args:
            obs: the current robot state.
            command: desired body motion.
            gait: timing and geometry of the gait to walk.
            dt: control period (s).
            ground: maps an (n, 2) array of world xy to ground heights (the robot's height scan).
        """
        if not self._initialised:
            for i, leg in enumerate(self._legs):
                leg.anchor = obs.foot_positions[i].copy()
                leg.target = leg.anchor.copy()
            self._initialised = True
        if gait.period > self.gains.max_period:
            # Slow diagonal gaits rock on their two-foot phases under this controller; a shorter
            # cycle with the same duty keeps the pattern and stays steady (bench: roll 0.25 -> 0.05).
            gait = replace(gait, period=self.gains.max_period)
        gait = self._catch_timing(obs, gait, dt)
        self._dt = dt
        self._tick += 1
        if self._tick % 4 == 1:
            self._floor = trunk_floor(
                obs.position, obs.rotation, ground, self.gains.trunk_clearance
            )
        self._ramp_command(command, gait, dt)
        self._advance_clock(obs, command, gait, dt)
        forces = self._stance_forces(obs, gait)
        for i, leg in enumerate(self._legs):
            if leg.stance:
                self._stance_leg(obs, i, forces[i])
            else:
                self._swing_leg(obs, i, gait, ground)

    def _ramp_command(self, command: BodyCommand, gait: GaitParams, dt: float) -> None:
        g = self.gains
        target = np.array([command.vx, command.vy]) if command.walk else np.zeros(2)
        speed = float(np.linalg.norm(target))
        if speed > gait.speed_cap > 0:
            target *= gait.speed_cap / speed
        step = target - self._v_des
        max_step = g.accel_limit * dt
        norm = float(np.linalg.norm(step))
        if norm > max_step:
            step *= max_step / norm
        self._v_des = self._v_des + step
        wz = command.wz if command.walk else 0.0
        self._wz_des += float(
            np.clip(wz - self._wz_des, -g.yaw_accel_limit * dt, g.yaw_accel_limit * dt)
        )
        if self._yaw_des is not None:
            self._yaw_des += self._wz_des * dt

    def _leg_phase(self, i: int, gait: GaitParams) -> float:
        offsets = GAIT_OFFSETS.get(gait.name, GAIT_OFFSETS["trot"])
        return (self.phase + offsets[i]) % 1.0

    def _advance_clock(
        self, obs: RobotObservation, command: BodyCommand, gait: GaitParams, dt: float
    ) -> None:
        all_down = all(leg.stance for leg in self._legs)
        walk = command.walk or self._balance_steps(obs, dt)
        if walk and not self.walking and all_down:
            self.phase = 0.0
        self.walking = walk
        if self.walking or not all_down:
            self.phase = (self.phase + dt / gait.period) % 1.0
        for i, leg in enumerate(self._legs):
            clock_stance = self._leg_phase(i, gait) < gait.duty
            if leg.stance:
                if clock_stance:
                    leg.early = False
                elif self.walking and not leg.early:
                    leg.stance = False
                    leg.liftoff = obs.foot_positions[i].copy()
                    leg.reach = 0.0
            elif self._touches_down(obs, i, gait, clock_stance, dt):
                leg.stance, leg.early, leg.reach = True, not clock_stance, 0.0
                leg.anchor = obs.foot_positions[i].copy()

    def _touches_down(
        self, obs: RobotObservation, i: int, gait: GaitParams, clock_stance: bool, dt: float
    ) -> bool:
        """Whether swinging leg ``i`` becomes a stance leg now: on contact, not on the clock alone.

        On rough ground the scan's landing height is off by the curvature of a stone: a foot that
        meets it while still descending stops there (early touchdown: pushing on would tip the
        trunk), and a foot that finds nothing when its stance begins keeps reaching down, up to
        ``max_reach`` (late touchdown: loading a foot in the air drops that corner).
        """
        g = self.gains
        contact = obs.foot_contact[i]
        if not clock_stance:
            return contact and self.walking and self._swing_progress(i, gait) >= g.early_touchdown
        if contact or not self.walking or self._legs[i].reach >= g.max_reach:
            return True
        self._legs[i].reach += g.reach_speed * dt
        return False

    def _catch_timing(self, obs: RobotObservation, gait: GaitParams, dt: float) -> GaitParams:
        """A quick trot's timing for a while after the body was knocked off its velocity.

        Slow careful gaits (duty 0.8) put a foot down only every few tenths of a second; to catch a
        push the feet must be placed now, so for ``catch_time`` s the cycle shortens to at most
        ``catch_period`` with at most half duty. Swing height and the rest stay the gait's.
        """
        g = self.gains
        v_des = rot_z(float(obs.rpy[2]))[:2, :2] @ self._v_des
        error = float(np.linalg.norm(v_des - obs.velocity[:2]))
        if error > g.catch_trigger:
            self._catch_left = g.catch_time
            # Where it was pushed from no longer matters: do not walk back there.
            self._v_int = np.zeros(2)
        if self._catch_left <= 0.0:
            return gait
        self._catch_left -= dt
        return replace(gait, period=min(gait.period, g.catch_period), duty=min(gait.duty, 0.5))

    def _balance_steps(self, obs: RobotObservation, dt: float) -> bool:
        """Whether a standing robot should step in place to catch itself (it was pushed).

        Standing on four fixed feet cannot absorb a shove; stepping can. Starts when the trunk
        moves faster than ``balance_trigger``, ends once it has been slow for ``balance_settle`` s.
        """
        g = self.gains
        speed = math.hypot(float(obs.velocity[0]), float(obs.velocity[1]))
        if speed > g.balance_trigger:
            self._balancing, self._settled_for = True, 0.0
        elif self._balancing:
            self._settled_for = self._settled_for + dt if speed < 0.15 else 0.0
            self._balancing = self._settled_for < g.balance_settle
        return self._balancing

    def _swing_progress(self, i: int, gait: GaitParams) -> float:
        phi = self._leg_phase(i, gait)
        if phi < gait.duty:
            return 1.0
        return (phi - gait.duty) / (1.0 - gait.duty)

    # ----------------------------------------------------------------------------------- stance
    def _stance_forces(self, obs: RobotObservation, gait: GaitParams) -> list[np.ndarray]:
        """Ground reaction force (world frame) each stance foot should push with; zero in swing."""
        stance = [i for i, leg in enumerate(self._legs) if leg.stance]
        if not stance:
            return [np.zeros(3) for _ in range(4)]
        wrench = self._body_wrench(obs, stance, gait)
        com = obs.position + obs.rotation @ self.com_offset
        return distribute_wrench(obs.foot_positions, com, stance, wrench, self.gains)

    def _body_wrench(
        self, obs: RobotObservation, stance: list[int], gait: GaitParams
    ) -> np.ndarray:
        """Force and torque (world frame, about the CoM) that would steer the body as commanded.

        Height above the feet and pitch follow the ground the feet stand on (the touchdown points
        of the last steps), so the trunk rises with a stair and tilts with a ramp.
        """
        g = self.gains
        yaw = float(obs.rpy[2])
        v_des_world = rot_z(yaw)[:2, :2] @ self._v_des
        anchors = np.array([leg.anchor for leg in self._legs])
        feet_z = float(np.mean([obs.foot_positions[i][2] for i in stance]))
        z_des = 0.5 * feet_z + 0.5 * float(np.mean(anchors[:, 2])) + gait.body_height
        # Keep the belly off the stones between the feet, as far as the legs reach.
        z_des = max(z_des, min(self._floor, feet_z + g.max_leg_extension))
        front = (anchors[0, 2] + anchors[1, 2]) / 2
        rear = (anchors[2, 2] + anchors[3, 2]) / 2
        length = float(self.hips[0, 0] - self.hips[2, 0])
        pitch_des = float(np.clip(-math.atan2(front - rear, length), -g.max_pitch, g.max_pitch))
        v_err = v_des_world - obs.velocity[:2]
        # Integral of the velocity error: removes the steady lag when walking and, standing, holds
        # position against the slow creep the force allocation would otherwise allow.
        self._v_int = np.clip(
            self._v_int + v_err * self._dt, -g.velocity_integral_limit, g.velocity_integral_limit
        )
        acc = np.zeros(3)
        acc[:2] = g.kp_velocity * v_err + g.ki_velocity * self._v_int
        acc[2] = g.kp_height * (z_des - obs.position[2]) - g.kd_height * obs.velocity[2]
        force = self.mass * (acc + np.array([0.0, 0.0, GRAVITY]))
        omega = obs.angular_velocity
        alpha = g.kp_attitude * attitude_error(obs.rotation, 0.0, pitch_des, yaw)
        alpha -= g.kd_attitude * omega
        if self._yaw_des is None or not self.walking:
            self._yaw_des = yaw
        yaw_err = math.remainder(self._yaw_des - yaw, 2.0 * math.pi)
        if abs(yaw_err) > g.max_yaw_error:
            # Hold the heading, but never wind up: a big error means we were pushed round; accept it.
            self._yaw_des = yaw + math.copysign(g.max_yaw_error, yaw_err)
            yaw_err = math.copysign(g.max_yaw_error, yaw_err)
        alpha[2] = g.kp_yaw * yaw_err + g.kd_yaw_rate * (self._wz_des - omega[2])
        inertia_world = obs.rotation @ self.inertia @ obs.rotation.T
        return np.concatenate([force, inertia_world @ alpha])

    def _stance_leg(self, obs: RobotObservation, i: int, force_world: np.ndarray) -> None:
        g = self.gains
        sl = slice(3 * i, 3 * i + 3)
        q = obs.q[sl]
        jac = leg_jacobian(q, self.legs[i])
        self.tau_ff[sl] = -jac.T @ (obs.rotation.T @ force_world)
        target = self._world_to_hip(obs, self._legs[i].anchor, i)
        self.q_des[sl] = leg_ik(target, self.legs[i])
        self.kp[sl] = g.stance_kp
        self.kd[sl] = g.stance_kd

    # ------------------------------------------------------------------------------------ swing
    def _swing_leg(self, obs: RobotObservation, i: int, gait: GaitParams, ground: HeightFn) -> None:
        g = self.gains
        leg = self._legs[i]
        s = self._swing_progress(i, gait)
        if self.walking and s < g.target_freeze:
            # Late changes of the target cannot be followed: the foot lands centimetres off it,
            # on rubble often on the flank of a stone. Aim once, then hit that spot.
            leg.target = self._touchdown_target(obs, i, gait, s, ground)
        if self._tick % 8 == i % 8 or s < 0.05:
            self._path_top[i] = self._path_top_z(leg.liftoff, leg.target, ground)
        p = swing_point(leg.liftoff, leg.target, s, gait, self._path_top[i])
        p[2] -= leg.reach
        sl = slice(3 * i, 3 * i + 3)
        self.q_des[sl] = leg_ik(self._world_to_hip(obs, p, i), self.legs[i])
        self.kp[sl] = g.swing_kp
        self.kd[sl] = g.swing_kd
        self.tau_ff[sl] = 0.0

    def _path_top_z(self, start: np.ndarray, end: np.ndarray, ground: HeightFn) -> float:
        """Highest ground (world z, plus the foot's radius) on the line a swinging foot follows."""
        t = _PATH_SAMPLES[:, None]
        pts = start[None, :2] + (end[None, :2] - start[None, :2]) * t
        return float(np.max(ground(pts))) + self.foot_radius

    def _touchdown_target(
        self, obs: RobotObservation, i: int, gait: GaitParams, s: float, ground: HeightFn
    ) -> np.ndarray:
        g = self.gains
        yaw = float(obs.rpy[2])
        rz = rot_z(yaw)
        hip_body = self.hips[i].copy()
        hip_body[1] += self.legs[i].abduction + math.copysign(gait.stance_width, hip_body[1])
        hip_world = obs.position + rz @ hip_body
        t_stance = gait.duty * gait.period
        t_left = (1.0 - s) * (1.0 - gait.duty) * gait.period
        v = obs.velocity[:2]
        v_des = rz[:2, :2] @ self._v_des
        turn = self._wz_des * t_stance / 2.0
        spin = np.array([-(hip_world[1] - obs.position[1]), hip_world[0] - obs.position[0]]) * turn
        offset = v * t_left + v_des * t_stance / 2.0 + g.raibert_gain * (v - v_des) + spin
        step = offset - v * t_left
        norm = float(np.linalg.norm(step))
        if norm > g.max_step:
            offset = v * t_left + step * (g.max_step / norm)
        xy = hip_world[:2] + offset
        if self._tick % 8 == i % 8 or s < 0.05:
            if gait.lift_then_step:
                self._foothold_shift[i] = foothold_shift(
                    xy, yaw, ground, g.foothold_clearance, g.foothold_search
                )
            else:
                self._foothold_shift[i] = level_foothold(
                    xy, ground, g.level_search, g.level_spacing, g.level_distance_cost
                )
        xy = xy + self._foothold_shift[i]
        z = float(ground(xy[None, :])[0])
        return np.array([xy[0], xy[1], z + self.foot_radius])

    # ------------------------------------------------------------------------------ joint loop
    def joint_torques(self, q: np.ndarray, dq: np.ndarray) -> np.ndarray:
        """PD on the current targets plus feed-forward: run this on every physics step."""
        q_des = np.clip(self.q_des, self.lower, self.upper)
        return self.kp * (q_des - q) - self.kd * dq + self.tau_ff
