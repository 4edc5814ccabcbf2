"""Closed-form kinematics of one A1 leg: hip abduction, thigh and calf.

The controller needs three things many times per control tick for each of four legs: where the foot
is (FK), which joint angles put it somewhere (IK) and how joint torques map to a foot force (the
Jacobian, for ``tau = J^T f``). A numeric solver would be slower and could wander to the other knee
branch; the closed form is exact and always picks the A1's backward-bent knee.

All positions here are in the *hip frame*: origin at the hip-abduction joint, axes parallel to the
trunk (x forward, y left, z up). Link lengths are read from the URDF by :mod:`locomotion.pb.robot`
and passed in as :class:`LegGeometry`, so no length is hard-coded in the maths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["LegGeometry", "leg_fk", "leg_ik", "leg_jacobian"]


@dataclass(frozen=True)
class LegGeometry:
    """Lengths of one leg (m).

    Attributes:
        abduction: signed lateral offset from the hip joint to the thigh plane (+ for left legs).
        thigh: thigh-joint to knee distance.
        calf: knee to foot-centre distance.
    """

    abduction: float
    thigh: float
    calf: float


def leg_fk(q: np.ndarray, leg: LegGeometry) -> np.ndarray:
    """Foot position in the hip frame for joint angles ``q`` = (abduction, thigh, knee) in rad."""
    q0, q1, q2 = float(q[0]), float(q[1]), float(q[2])
    l1, l2, d = leg.thigh, leg.calf, leg.abduction
    x = -l1 * math.sin(q1) - l2 * math.sin(q1 + q2)
    zp = -l1 * math.cos(q1) - l2 * math.cos(q1 + q2)
    s0, c0 = math.sin(q0), math.cos(q0)
    return np.array([x, d * c0 - zp * s0, d * s0 + zp * c0])


def leg_jacobian(q: np.ndarray, leg: LegGeometry) -> np.ndarray:
    """3x3 Jacobian d(foot position)/d(q) in the hip frame; columns are abduction, thigh, knee."""
    q0, q1, q2 = float(q[0]), float(q[1]), float(q[2])
    l1, l2, d = leg.thigh, leg.calf, leg.abduction
    s1, c1 = math.sin(q1), math.cos(q1)
    s12, c12 = math.sin(q1 + q2), math.cos(q1 + q2)
    x = -l1 * s1 - l2 * s12
    zp = -l1 * c1 - l2 * c12
    s0, c0 = math.sin(q0), math.cos(q0)
    return np.array(
        [
            [0.0, zp, -l2 * c12],
            [-d * s0 - zp * c0, x * s0, -l2 * s12 * s0],
            [d * c0 - zp * s0, -x * c0, l2 * s12 * c0],
        ]
    )


def leg_ik(p: np.ndarray, leg: LegGeometry) -> np.ndarray:
    """Joint angles that put the foot at ``p`` (hip frame), knee bent backwards as on the A1.

    Targets out of reach are pulled onto the workspace boundary instead of failing: a swing target
    that is a centimetre too far must still give the nearest sensible pose, never NaN. The solution
    always puts the foot below the hip in the leg plane (the walking workspace); poses with the foot
    folded up above the hip (only used when getting up, in joint space) are not produced.
    """
    px, py, pz = float(p[0]), float(p[1]), float(p[2])
    l1, l2, d = leg.thigh, leg.calf, leg.abduction
    r_yz_sq = py * py + pz * pz
    plane_sq = max(r_yz_sq - d * d, 1e-6)
    zp = -math.sqrt(plane_sq)
    q0 = math.atan2(pz, py) - math.atan2(zp, d)
    q0 = math.atan2(math.sin(q0), math.cos(q0))
    reach_sq = px * px + zp * zp
    max_reach = (l1 + l2) * 0.999
    min_reach = abs(l1 - l2) + 0.02
    reach = min(max(math.sqrt(reach_sq), min_reach), max_reach)
    scale = reach / max(math.sqrt(reach_sq), 1e-9)
    px, zp = px * scale, zp * scale
    cos_knee = (reach * reach - l1 * l1 - l2 * l2) / (2.0 * l1 * l2)
    q2 = -math.acos(min(1.0, max(-1.0, cos_knee)))
    q1 = math.atan2(-px, -zp) - math.atan2(l2 * math.sin(q2), l1 + l2 * math.cos(q2))
    return np.array([q0, q1, q2])
