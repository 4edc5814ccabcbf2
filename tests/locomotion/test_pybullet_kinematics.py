"""Closed-form A1 leg kinematics: IK inverts FK, the Jacobian matches finite differences, and FK
agrees with pybullet's own link positions."""

from __future__ import annotations

import numpy as np
import pybullet
import pybullet_data
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pybullet_utils.bullet_client import BulletClient

from locomotion.pb.kinematics import LegGeometry, leg_fk, leg_ik, leg_jacobian
from locomotion.pb.robot import A1Robot

LEFT = LegGeometry(abduction=0.08505, thigh=0.2, calf=0.2)
RIGHT = LegGeometry(abduction=-0.08505, thigh=0.2, calf=0.2)

joint_angles = st.tuples(st.floats(-0.8, 0.8), st.floats(-0.9, 1.5), st.floats(-2.6, -0.95)).map(
    np.array
)


@settings(max_examples=200, deadline=None)
@given(q=joint_angles, left=st.booleans())
def test_ik_inverts_fk(q: np.ndarray, left: bool) -> None:
    leg = LEFT if left else RIGHT
    # The walking workspace: foot at least 5 cm below the hip in the leg plane.
    assume(-0.2 * np.cos(q[1]) - 0.2 * np.cos(q[1] + q[2]) < -0.05)
    foot = leg_fk(q, leg)
    assert np.allclose(leg_fk(leg_ik(foot, leg), leg), foot, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(q=joint_angles)
def test_jacobian_matches_finite_differences(q: np.ndarray) -> None:
    eps = 1e-6
    numeric = np.stack(
        [(leg_fk(q + eps * np.eye(3)[k], LEFT) - leg_fk(q, LEFT)) / eps for k in range(3)], axis=1
    )
    assert np.allclose(leg_jacobian(q, LEFT), numeric, atol=1e-5)


def test_ik_of_unreachable_point_is_finite_and_at_full_reach() -> None:
    q = leg_ik(np.array([0.0, 0.08505, -1.0]), LEFT)
    assert np.all(np.isfinite(q))
    assert np.linalg.norm(leg_fk(q, LEFT) - np.array([0.0, 0.08505, 0.0])) == pytest.approx(
        0.4, abs=0.01
    )


def test_knee_bends_backwards_like_the_a1() -> None:
    q = leg_ik(np.array([0.0, -0.08505, -0.28]), RIGHT)
    assert q[2] < 0  # knee joint negative: the A1's only allowed branch


def test_fk_agrees_with_pybullet_link_positions() -> None:
    client = BulletClient(pybullet.DIRECT)
    try:
        client.setAdditionalSearchPath(pybullet_data.getDataPath())
        robot = A1Robot(client, (0.0, 0.0, 1.0), 0.4)
        q = np.array([0.1, 0.7, -1.4, -0.2, 0.9, -1.8, 0.3, 0.5, -1.2, 0.0, 1.1, -2.0])
        robot.reset_pose((0.2, -0.1, 1.0), 0.4, q)
        obs = robot.observe()
        for i, leg in enumerate(robot.legs):
            in_body = obs.rotation.T @ (obs.foot_positions[i] - obs.position) - robot.hip_offsets[i]
            assert np.allclose(leg_fk(q[3 * i : 3 * i + 3], leg), in_body, atol=1e-6)
    finally:
        client.disconnect()
