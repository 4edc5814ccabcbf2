"""Fall detection and the stand-up sequence.

A fall is declared when the trunk tilts past :attr:`RecoveryParams.max_tilt` or touches the ground
for longer than a moment. Standing up is a short scripted sequence of joint-space poses, each held
by joint PD for a fixed time, chosen by which way the robot lies:

1. ``tuck``: fold all legs against the trunk so nothing is caught under it;
2. ``roll``: on the back, the legs of one side swing over beside the trunk and lever it over the
   other side onto its feet; on a side, all legs reach over the trunk and tip it onto its feet;
   (upright already: nothing);
3. ``retuck`` then ``crouch``: legs under the trunk, feet on the ground;
4. ``rise``: extend to the standing pose; then the gait controller takes over.

If the trunk is still not upright at the end, the sequence starts over; after ``max_attempts`` it
holds the standing pose and the backend keeps reporting ``fallen`` (a mission can then give up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from locomotion.pb.robot import RobotObservation

__all__ = ["RecoveryParams", "StandUp", "is_fallen"]


@dataclass(frozen=True)
class RecoveryParams:
    """Thresholds and timing of fall detection and standing up."""

    max_tilt: float = 1.0
    trunk_contact_time: float = 0.3
    tuck_time: float = 0.5
    roll_time: float = 0.8
    crouch_time: float = 0.6
    rise_time: float = 0.8
    upright_cos: float = 0.8
    max_attempts: int = 4
    kp: float = 60.0
    kd: float = 2.0


def is_fallen(obs: RobotObservation, trunk_contact_for: float, params: RecoveryParams) -> bool:
    """True when the trunk tilts too far, or has touched the ground for a while."""
    up = obs.rotation[2, 2]
    return bool(up < math.cos(params.max_tilt) or trunk_contact_for >= params.trunk_contact_time)


# Joint-space poses (abduction, thigh, knee) of one leg; found by trying candidates on a robot laid
# on its back and on either side (see tests/locomotion/test_pybullet_recovery.py).
_TUCK = np.array([0.0, 1.6, -2.6])
_CROUCH = np.array([0.0, 1.2, -2.5])
_STAND = np.array([0.0, 0.8, -1.6])
_BACK_PUSH_LEFT = np.array([0.8, 3.6, -1.5])
"""On the back: the left legs swing over beside the trunk and lever it over its right side."""
_BACK_PUSH_RIGHT = np.array([-0.8, 3.6, -1.5])
_SIDE_LEFT = np.array([-0.8, 3.6, -2.0])
"""On a side: both pairs reach over the trunk and tip it onto its feet (symmetric)."""
_SIDE_RIGHT = np.array([0.8, 3.6, -2.0])


def _both(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """12 joint targets from one pose for the left legs and one for the right (FR, FL, RR, RL)."""
    return np.concatenate([right, left, right, left])


class StandUp:
    """The stand-up sequence as a small time-driven state machine."""

    def __init__(self, params: RecoveryParams) -> None:
        self.params = params
        self.time = 0.0
        self.attempts = 0
        self.done = False
        self._roll_pose: np.ndarray | None = None

    def _stages(self) -> list[tuple[str, float]]:
        p = self.params
        return [
            ("tuck", p.tuck_time),
            ("roll", p.roll_time),
            ("retuck", p.tuck_time),
            ("crouch", p.crouch_time),
            ("rise", p.rise_time),
        ]

    def start(self) -> None:
        """Begin (again) from whatever pose the robot is in; the roll move is chosen later."""
        self.time = 0.0
        self.done = False
        self.attempts += 1
        self._roll_pose = None

    def stage(self) -> str:
        """Name of the current stage ("end" once the sequence has run through)."""
        t = self.time
        for name, length in self._stages():
            if t < length:
                return name
            t -= length
        return "end"

    def _choose_roll(self, obs: RobotObservation) -> np.ndarray:
        """Pick the roll-over move from how the trunk lies now (after tucking)."""
        up = float(obs.rotation[2, 2])
        if up > self.params.upright_cos:
            return _both(_TUCK, _TUCK)
        if up < -0.5:
            roll = math.atan2(float(obs.rotation[2, 1]), float(obs.rotation[2, 2]))
            if roll > 0:
                return _both(_BACK_PUSH_LEFT, _TUCK)
            return _both(_TUCK, _BACK_PUSH_RIGHT)
        return _both(_SIDE_LEFT, _SIDE_RIGHT)

    def targets(self, obs: RobotObservation, dt: float) -> np.ndarray:
        """Joint targets (12) for this instant; advances the sequence clock by ``dt``."""
        self.time += dt
        name = self.stage()
        if name == "end":
            if obs.rotation[2, 2] > self.params.upright_cos:
                self.done = True
            elif self.attempts < self.params.max_attempts:
                self.start()
                name = "tuck"
        if name == "roll":
            if self._roll_pose is None:
                self._roll_pose = self._choose_roll(obs)
            return self._roll_pose
        pose = {"crouch": _CROUCH, "rise": _STAND, "end": _STAND}.get(name, _TUCK)
        return _both(pose, pose)
