"""Gait controller decisions that need no physics: diagonal timing, catching a knock with quick
steps, stepping in place when a standing robot is shoved, standing still otherwise, and touching
down on contact (early on a stone, late into a dip) rather than on the clock alone."""

from __future__ import annotations

import numpy as np
import pytest

from locomotion.gait import GAITS
from locomotion.pb.controller import GAIT_OFFSETS, BodyCommand, GaitController
from locomotion.pb.kinematics import LegGeometry, leg_fk
from locomotion.pb.robot import RobotObservation

LEGS = [LegGeometry(a, 0.2, 0.2) for a in (-0.085, 0.085, -0.085, 0.085)]
HIPS = np.array([[0.17, -0.05, 0.0], [0.17, 0.05, 0.0], [-0.2, -0.05, 0.0], [-0.2, 0.05, 0.0]])
STAND_Q = np.array([0.0, 0.8, -1.6] * 4)


def _obs(velocity: tuple[float, float] = (0.0, 0.0), contact: bool = True) -> RobotObservation:
    position = np.array([0.0, 0.0, 0.3])
    feet = np.array(
        [position + HIPS[i] + leg_fk(STAND_Q[3 * i : 3 * i + 3], LEGS[i]) for i in range(4)]
    )
    return RobotObservation(
        position=position,
        rotation=np.eye(3),
        rpy=np.zeros(3),
        velocity=np.array([velocity[0], velocity[1], 0.0]),
        angular_velocity=np.zeros(3),
        q=STAND_Q.copy(),
        dq=np.zeros(12),
        foot_contact=(contact, contact, contact, contact),
        trunk_contact=False,
        foot_positions=feet,
    )


def _controller() -> GaitController:
    return GaitController(
        HIPS, LEGS, 12.5, np.diag([0.13, 0.34, 0.38]), -np.full(12, 3.0), np.full(12, 4.2)
    )


def _flat(points: np.ndarray) -> np.ndarray:
    return np.zeros(len(points))


def test_diagonal_pairs_share_a_phase() -> None:
    for name in ("trot", "crawl", "stairs"):
        fr, fl, rr, rl = GAIT_OFFSETS[name]
        assert fr == rl and fl == rr and fr != fl


def test_a_knock_gives_slow_gaits_quick_timing_for_a_while() -> None:
    ctrl = _controller()
    crawl = GAITS["crawl"]
    assert ctrl._catch_timing(_obs(), crawl, 0.005) == crawl
    quick = ctrl._catch_timing(_obs((0.0, 0.8)), crawl, 0.005)
    assert quick.period <= 0.4 and quick.duty <= 0.5 and quick.swing_height == crawl.swing_height
    for _ in range(300):  # 1.5 s later, calm again: back to the crawl's own timing
        ctrl._catch_timing(_obs(), crawl, 0.005)
    assert ctrl._catch_timing(_obs(), crawl, 0.005) == crawl


def test_standing_robot_stays_put_unless_shoved() -> None:
    ctrl = _controller()
    stand = BodyCommand(walk=False)
    for _ in range(50):
        ctrl.update(_obs(), stand, GAITS["trot"], 0.005, _flat)
    assert not ctrl.walking and np.all(ctrl.kp == ctrl.gains.stance_kp[0])
    for _ in range(50):
        ctrl.update(_obs((0.0, 0.6)), stand, GAITS["trot"], 0.005, _flat)
    assert ctrl.walking  # stepping in place to catch itself
    swing_kp = ctrl.gains.swing_kp[0]
    assert np.any(ctrl.kp == swing_kp)  # some legs are in the air


def _walk(ctrl: GaitController, seconds: float, contact: bool) -> None:
    for _ in range(round(seconds / 0.005)):
        ctrl.update(_obs(contact=contact), BodyCommand(0.2), GAITS["trot"], 0.005, _flat)


def test_a_foot_that_finds_no_ground_keeps_reaching_down() -> None:
    ctrl = _controller()
    trot = GAITS["trot"]  # FL and RR swing first, for half of the 0.4 s cycle
    swing_end = trot.period * (1 - trot.duty)
    _walk(ctrl, swing_end + 0.05, contact=False)
    leg = ctrl._legs[1]
    assert not leg.stance and leg.reach > 0.0  # its stance began in the air: reach on down
    waited = 0.05
    while not ctrl._legs[1].stance and waited < 0.5:
        _walk(ctrl, 0.005, contact=False)
        waited += 0.005
    # gives up reaching after max_reach and stands where it is, well before its next swing
    assert waited == pytest.approx(ctrl.gains.max_reach / ctrl.gains.reach_speed, abs=0.02)


def test_a_foot_that_meets_the_ground_late_in_its_swing_stops_there() -> None:
    ctrl = _controller()
    swing = GAITS["trot"].period * (1 - GAITS["trot"].duty)
    _walk(ctrl, 0.5 * swing, contact=True)
    assert not ctrl._legs[1].stance  # contact high in the swing (a stone's side) is ignored
    _walk(ctrl, 0.4 * swing, contact=True)
    leg = ctrl._legs[1]
    assert leg.stance and leg.early  # touched down before its clock said so
    _walk(ctrl, 0.3 * swing, contact=True)
    assert ctrl._legs[1].stance and not ctrl._legs[1].early  # the clock caught up
