"""The stance half of the gait controller as pure functions: attitude, force sharing, trunk floor.

The controller (:mod:`locomotion.pb.controller`) computes a desired body wrench each tick; these
functions turn it into foot forces (regularised least squares about the centre of mass, clipped to
push-not-pull and to the friction cone) and keep the trunk's underside off the ground. They hold
no state, so they are tested and reasoned about on their own.
"""

from __future__ import annotations

import math

import numpy as np

from locomotion.pb.gains import ControlGains
from locomotion.pb.swing import HeightFn

__all__ = ["GRAVITY", "attitude_error", "distribute_wrench", "rot_z", "skew", "trunk_floor"]

GRAVITY = 9.81
_FOOTPRINT_X = np.array([-0.2, -0.1, 0.0, 0.1, 0.2])
_FOOTPRINT_Y = np.array([-0.08, 0.0, 0.08])
"""Where, in the trunk's frame, its underside is checked against the ground (m)."""
_TRUNK_HALF_DEPTH = 0.057


def skew(v: np.ndarray) -> np.ndarray:
    return np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])


def rot_z(yaw: float) -> np.ndarray:
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def attitude_error(rot: np.ndarray, roll: float, pitch: float, yaw: float) -> np.ndarray:
    """World-frame rotation vector taking the current attitude to the desired one."""
    cr, sr, cp, sp = math.cos(roll), math.sin(roll), math.cos(pitch), math.sin(pitch)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cr, -sr], [0.0, sr, cr]])
    ry = np.array([[cp, 0.0, sp], [0.0, 1.0, 0.0], [-sp, 0.0, cp]])
    err = rot_z(yaw) @ ry @ rx @ rot.T
    angle = math.acos(min(1.0, max(-1.0, (np.trace(err) - 1.0) / 2.0)))
    if angle < 1e-9:
        return np.zeros(3)
    axis = np.array([err[2, 1] - err[1, 2], err[0, 2] - err[2, 0], err[1, 0] - err[0, 1]])
    return axis * (angle / (2.0 * math.sin(angle)))


def trunk_floor(
    position: np.ndarray, rotation: np.ndarray, ground: HeightFn, clearance: float
) -> float:
    """Lowest trunk height (world z of its centre) that keeps its underside off the ground.

    Scans the ground under the trunk's outline (a heading-aligned grid) and, for each point,
    how far the underside sits below the centre there in the current attitude (a pitched trunk
    drops one end); adds ``clearance``. On rubble a stone between the feet can stand higher than
    the feet's mean height plus the body height.

    Args:
        position: trunk centre, world frame (m).
        rotation: trunk rotation matrix (body to world).
        ground: ground height at an (n, 2) array of world points.
        clearance: gap to keep (m).

    Returns:
        The lowest allowed world z of the trunk's centre (m).
    """
    xs, ys = np.meshgrid(_FOOTPRINT_X, _FOOTPRINT_Y)
    local = np.stack([xs.ravel(), ys.ravel(), np.full(xs.size, -_TRUNK_HALF_DEPTH)], axis=1)
    offsets = local @ rotation.T
    pts = position[:2] + offsets[:, :2]
    return float(np.max(ground(pts) - offsets[:, 2])) + clearance


def distribute_wrench(
    feet: np.ndarray, com: np.ndarray, stance: list[int], wrench: np.ndarray,
    gains: ControlGains,
) -> list[np.ndarray]:
    """Share ``wrench`` among the stance feet, then clip each force to push, not pull, and to stay
    inside the friction cone.

    Args:
        feet: the four foot positions, world frame (4 x 3).
        com: the whole-body centre of mass, world frame.
        stance: indices of the feet on the ground (not empty).
        wrench: desired force and torque about ``com`` (world frame, 6 values).
        gains: weights, regularisation, friction and the normal-force cap.

    Returns:
        Four ground reaction forces (world frame); zero for feet not in ``stance``.
    """
    n = len(stance)
    a = np.zeros((6, 3 * n))
    for k, i in enumerate(stance):
        a[:3, 3 * k : 3 * k + 3] = np.eye(3)
        a[3:, 3 * k : 3 * k + 3] = skew(feet[i] - com)
    w = np.array(gains.wrench_weights)
    ata = a.T @ (w[:, None] * a) + gains.regularisation * np.eye(3 * n)
    f = np.linalg.solve(ata, a.T @ (w * wrench))
    forces = [np.zeros(3) for _ in range(4)]
    for k, i in enumerate(stance):
        fi = f[3 * k : 3 * k + 3].copy()
        fi[2] = min(max(fi[2], 0.0), gains.max_normal_force)
        tangential = math.hypot(fi[0], fi[1])
        limit = gains.friction * fi[2]
        if tangential > limit:
            fi[:2] *= limit / tangential
        forces[i] = fi
    return forces
