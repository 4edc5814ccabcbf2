"""The A1 quadruped in a pybullet client: loading, joint lookup by name, state reading, torque output.

Everything about the URDF is looked up by *name* (``FR_hip_joint``, ``FL_toe`` ...) when the robot
is loaded, so no joint index or link length is a constant in the code. The default velocity motors
that pybullet attaches to every revolute joint are switched off: the controller owns the joints
through torques alone, sent again before every physics step (pybullet forgets them after a step).

The *body frame* used throughout the controller is pybullet's base frame, i.e. the trunk's centre
of mass with the trunk's axes (x forward, y left, z up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pybullet_utils.bullet_client import BulletClient

from locomotion.pb.kinematics import LegGeometry

__all__ = ["LEGS", "TORQUE_LIMIT", "A1Robot", "RobotObservation"]

LEGS: tuple[str, str, str, str] = ("FR", "FL", "RR", "RL")
"""Leg order everywhere in this package: front-right, front-left, rear-right, rear-left."""

TORQUE_LIMIT = 33.5
"""Peak joint torque of the A1's motors (N·m); every command is clipped to it."""

_JOINT_SUFFIXES = ("hip_joint", "upper_joint", "lower_joint")
_URDF = "a1/a1.urdf"


@dataclass(frozen=True)
class RobotObservation:
    """One snapshot of the robot, in world coordinates unless named otherwise.

    Attributes:
        position: trunk centre of mass (m).
        rotation: 3x3 body-to-world rotation matrix.
        rpy: roll, pitch, yaw (rad).
        velocity: linear velocity of the centre of mass (m/s).
        angular_velocity: angular velocity (rad/s), world frame.
        q: 12 joint angles, legs in :data:`LEGS` order, (abduction, thigh, knee) each.
        dq: 12 joint velocities.
        foot_contact: whether each foot touches anything that is not the robot.
        trunk_contact: whether the trunk itself touches anything (legs brushing mud or a stair
            nosing do not count).
        foot_positions: 4x3 world positions of the foot centres, from pybullet's link state.
    """

    position: np.ndarray
    rotation: np.ndarray
    rpy: np.ndarray
    velocity: np.ndarray
    angular_velocity: np.ndarray
    q: np.ndarray
    dq: np.ndarray
    foot_contact: tuple[bool, bool, bool, bool]
    trunk_contact: bool
    foot_positions: np.ndarray


def _rotate(quat: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate each row of ``v`` by the matching (x, y, z, w) quaternion row of ``quat``."""
    q, w = quat[:, :3], quat[:, 3:4]
    t = 2.0 * np.cross(q, v)
    return v + w * t + np.cross(q, t)


class A1Robot:
    """An A1 loaded into ``client`` (a ``BulletClient``), torque-controlled."""

    def __init__(
        self, client: BulletClient, position: tuple[float, float, float], yaw: float
    ) -> None:
        """Load the URDF at ``position`` facing ``yaw`` and switch the joints to torque control.

        Args:
            client: a ``pybullet_utils.bullet_client.BulletClient`` with pybullet_data on its path.
            position: where to put the trunk's centre of mass (m).
            yaw: heading (rad).
        """
        self._p = client
        orientation = client.getQuaternionFromEuler((0.0, 0.0, yaw))
        self.body_id: int = client.loadURDF(_URDF, position, orientation, useFixedBase=False)
        joints = {}
        links = {}
        for j in range(client.getNumJoints(self.body_id)):
            info = client.getJointInfo(self.body_id, j)
            joints[info[1].decode()] = j
            links[info[12].decode()] = j
        self.joint_ids: list[int] = [joints[f"{leg}_{s}"] for leg in LEGS for s in _JOINT_SUFFIXES]
        self.foot_links: list[int] = [links[f"{leg}_toe"] for leg in LEGS]
        self._foot_link_set = set(self.foot_links)
        self.lower_limits = np.array(
            [client.getJointInfo(self.body_id, j)[8] for j in self.joint_ids]
        )
        self.upper_limits = np.array(
            [client.getJointInfo(self.body_id, j)[9] for j in self.joint_ids]
        )
        self.hip_offsets, self.legs = self._leg_geometry(joints, links)
        self.base_mass = float(client.getDynamicsInfo(self.body_id, -1)[0])
        self.total_mass = self.base_mass + sum(
            float(client.getDynamicsInfo(self.body_id, j)[0])
            for j in range(client.getNumJoints(self.body_id))
        )
        self.foot_radius = 0.02
        self._prepare_gravity(client)
        # pybullet drives every revolute joint with a velocity motor by default; zero its force so
        # only our torques act.
        client.setJointMotorControlArray(
            self.body_id,
            self.joint_ids,
            client.VELOCITY_CONTROL,
            targetVelocities=[0.0] * 12,
            forces=[0.0] * 12,
        )
        for link in self.foot_links:
            client.changeDynamics(self.body_id, link, lateralFriction=1.0)

    def _prepare_gravity(self, client: BulletClient) -> None:
        """Which links hang below each leg joint, their masses and the joint axes (for gravity)."""
        n = client.getNumJoints(self.body_id)
        parent = {j: client.getJointInfo(self.body_id, j)[16] for j in range(n)}
        self._gravity_links = list(range(n))
        self._link_masses = np.array(
            [float(client.getDynamicsInfo(self.body_id, j)[0]) for j in range(n)]
        )

        def below(joint: int) -> list[int]:
            out = []
            for link in range(n):
                k = link
                while k != -1 and k != joint:
                    k = parent[k]
                if k == joint:
                    out.append(link)
            return out

        self._below = np.zeros((12, n))
        for k, j in enumerate(self.joint_ids):
            self._below[k, below(j)] = 1.0
        self._joint_axes = np.array(
            [client.getJointInfo(self.body_id, j)[13] for j in self.joint_ids]
        )

    def _joint_origin(self, joint: int) -> np.ndarray:
        """Joint origin in its parent's URDF link frame (pybullet reports it from the parent's CoM)."""
        info = self._p.getJointInfo(self.body_id, joint)
        parent = info[16]
        inertial = np.array(self._p.getDynamicsInfo(self.body_id, parent)[3])
        return np.array(info[14]) + inertial

    def _leg_geometry(
        self, joints: dict[str, int], links: dict[str, int]
    ) -> tuple[np.ndarray, list[LegGeometry]]:
        hips = []
        legs = []
        for leg in LEGS:
            hip = joints[f"{leg}_hip_joint"]
            # Hip position relative to the base CoM is exactly what pybullet reports for the base.
            hips.append(np.array(self._p.getJointInfo(self.body_id, hip)[14]))
            abduction = float(self._joint_origin(joints[f"{leg}_upper_joint"])[1])
            thigh = float(np.linalg.norm(self._joint_origin(joints[f"{leg}_lower_joint"])))
            calf = float(np.linalg.norm(self._joint_origin(links[f"{leg}_toe"])))
            legs.append(LegGeometry(abduction=abduction, thigh=thigh, calf=calf))
        return np.array(hips), legs

    def composite_inertia(self) -> tuple[np.ndarray, np.ndarray]:
        """Whole-body centre of mass (body frame, relative to the trunk CoM) and 3x3 inertia about it.

        The legs carry over half the A1's mass, so balancing the trunk alone would misjudge both the
        lever arms and the rotational inertia. Computed in the current pose (call it standing);
        link rotational inertias are approximated as point masses apart from the trunk's own.
        """
        p = self._p
        pos, quat = p.getBasePositionAndOrientation(self.body_id)
        rot = np.array(p.getMatrixFromQuaternion(quat)).reshape(3, 3)
        masses = [self.base_mass]
        points = [np.zeros(3)]
        for j in range(p.getNumJoints(self.body_id)):
            masses.append(float(p.getDynamicsInfo(self.body_id, j)[0]))
            points.append(rot.T @ (np.array(p.getLinkState(self.body_id, j)[0]) - np.array(pos)))
        m = np.array(masses)
        r = np.array(points)
        com = (m[:, None] * r).sum(axis=0) / m.sum()
        inertia = np.diag(p.getDynamicsInfo(self.body_id, -1)[2]).astype(float)
        for mi, ri in zip(m, r - com):
            inertia += mi * (float(ri @ ri) * np.eye(3) - np.outer(ri, ri))
        return com, inertia

    # ----------------------------------------------------------------------------------- state
    def observe(self) -> RobotObservation:
        """Read everything the controller needs in one go."""
        p = self._p
        pos, quat = p.getBasePositionAndOrientation(self.body_id)
        lin, ang = p.getBaseVelocity(self.body_id)
        rot = np.array(p.getMatrixFromQuaternion(quat)).reshape(3, 3)
        states = p.getJointStates(self.body_id, self.joint_ids)
        q = np.array([s[0] for s in states])
        dq = np.array([s[1] for s in states])
        feet = [False, False, False, False]
        trunk = False
        for contact in p.getContactPoints(bodyA=self.body_id):
            if contact[2] == self.body_id:
                continue
            link = contact[3]
            if link in self._foot_link_set:
                feet[self.foot_links.index(link)] = True
            elif link == -1:
                trunk = True
        link_states = p.getLinkStates(self.body_id, self.foot_links)
        foot_pos = np.array([s[0] for s in link_states])
        return RobotObservation(
            position=np.array(pos),
            rotation=rot,
            rpy=np.array(p.getEulerFromQuaternion(quat)),
            velocity=np.array(lin),
            angular_velocity=np.array(ang),
            q=q,
            dq=dq,
            foot_contact=(feet[0], feet[1], feet[2], feet[3]),
            trunk_contact=trunk,
            foot_positions=foot_pos,
        )

    def gravity_torques(self) -> np.ndarray:
        """Joint torques (12) that hold each leg's own links up against gravity.

        ``tau = -J^T f`` treats the legs as massless; on the A1 they carry over half the weight, so
        without this term the feet push with the wrong forces (the trunk creeps while standing).
        Per joint: ``sum over links below it of (c - p) x w = sum(c x w) - p x sum(w)``, all at once.
        """
        states = self._p.getLinkStates(self.body_id, self._gravity_links)
        com = np.array([s[0] for s in states])
        weight = self._link_masses[:, None] * np.array([0.0, 0.0, -9.81])
        moments = self._below @ np.cross(com, weight)
        forces = self._below @ weight
        joints = [states[j] for j in self.joint_ids]
        origin = np.array([s[4] for s in joints])
        quat = np.array([s[5] for s in joints])
        axis = _rotate(quat, self._joint_axes)
        torque = moments - np.cross(origin, forces)
        return -np.einsum("ij,ij->i", torque, axis)

    def foot_velocities(self) -> np.ndarray:
        """4x3 world linear velocities of the feet (for slip)."""
        states = self._p.getLinkStates(self.body_id, self.foot_links, computeLinkVelocity=1)
        return np.array([s[6] for s in states])

    def joint_state(self) -> tuple[np.ndarray, np.ndarray]:
        """Joint angles and velocities only (cheap; for the per-physics-step PD)."""
        states = self._p.getJointStates(self.body_id, self.joint_ids)
        return np.array([s[0] for s in states]), np.array([s[1] for s in states])

    def apply_torques(self, torques: np.ndarray) -> np.ndarray:
        """Send ``torques`` (clipped to :data:`TORQUE_LIMIT`) for the next physics step; return them."""
        clipped = np.clip(torques, -TORQUE_LIMIT, TORQUE_LIMIT)
        self._p.setJointMotorControlArray(
            self.body_id, self.joint_ids, self._p.TORQUE_CONTROL, forces=clipped.tolist()
        )
        return clipped

    def set_extra_mass(self, mass: float) -> None:
        """Make the trunk ``mass`` kg heavier than in the URDF (payload)."""
        self._p.changeDynamics(self.body_id, -1, mass=self.base_mass + mass)

    def reset_pose(self, position: tuple[float, float, float], yaw: float, q: np.ndarray) -> None:
        """Teleport the trunk and set joint angles, all velocities zero."""
        orientation = self._p.getQuaternionFromEuler((0.0, 0.0, yaw))
        self._p.resetBasePositionAndOrientation(self.body_id, position, orientation)
        self._p.resetBaseVelocity(self.body_id, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0))
        for j, angle in zip(self.joint_ids, q):
            self._p.resetJointState(self.body_id, j, float(angle), 0.0)
