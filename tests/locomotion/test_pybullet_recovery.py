"""Stand-up sequence: from the back and from either side the A1 ends upright on its feet."""

from __future__ import annotations

import math

import numpy as np
import pybullet
import pybullet_data
import pytest
from pybullet_utils.bullet_client import BulletClient

from locomotion.gait import GAITS
from locomotion.pb.sim import SimConfig, Simulation
from locomotion.world import Rect, World


@pytest.mark.parametrize("roll", [math.pi, math.pi / 2, -math.pi / 2, -2.1])
def test_gets_up_from_lying_on_its_back_or_side(roll: float) -> None:
    client = BulletClient(pybullet.DIRECT)
    try:
        client.setAdditionalSearchPath(pybullet_data.getDataPath())
        sim = Simulation(
            client,
            World("flat", Rect(-5, -5, 5, 5)),
            (0.0, 0.0, 0.0),
            np.random.default_rng(0),
            GAITS["trot"],
            SimConfig(),
        )
        body = sim.robot.body_id
        client.resetBasePositionAndOrientation(
            body, (0.0, 0.0, 0.2), client.getQuaternionFromEuler((roll, 0.0, 0.3))
        )
        sim.advance(1.0)
        assert sim.fallen
        for _ in range(40):
            sim.advance(0.25)
            if not sim.fallen:
                break
        assert not sim.fallen
        sim.advance(1.0)
        assert sim.obs.rotation[2, 2] > 0.95 and sim.obs.position[2] > 0.22
    finally:
        client.disconnect()
