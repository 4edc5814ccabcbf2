"""The detector's first cut: targets not yet found within the square of half-side ``reach``
(its edge included), victims, then intruders, then payloads."""

from __future__ import annotations

import numpy as np

from bt_runtime.scenario import Scenario, Target
from bt_runtime.world_sim import WorldSim
from locomotion.terrain import TerrainMap
from tests.bt_runtime.runtime_world import WORLD


def test_the_square_edge_counts_and_found_targets_are_left_out() -> None:
    scenario = Scenario(
        victims=(Target("victim", "edge", (13.0, 5.0), 0.3),
                 Target("victim", "corner", (7.0, 1.0), 0.3),
                 Target("victim", "out", (13.01, 5.0), 0.3)),
        intruders=(), intruder_phase=(),
        payloads={"box": (10.0, 6.0), "far": (10.0, 9.5)},
    )
    sim = WorldSim(TerrainMap(WORLD), scenario, np.random.default_rng(0))
    near = sim._near(10.0, 4.0, 3.0, 0.0)
    assert [(t.kind, t.name) for t in near] == [
        ("victim", "edge"), ("victim", "corner"), ("payload", "box")]
    sim._found["edge"] = near[0]
    assert [t.name for t in sim._near(10.0, 4.0, 3.0, 0.0)] == ["corner", "box"]
