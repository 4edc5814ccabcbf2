"""Per-run seeds and draws are pure functions; a draw lands in the world, robot and faults."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bt_runtime.faults import BlockRegion, Push
from bt_runtime.variation import DEFAULT_VARIATION, Variation, Varied
from quadmission.campaign.apply import apply_draw
from quadmission.campaign.plan import draw_for, run_seed
from quadmission.loading import load_mission


def test_run_seeds_depend_only_on_campaign_seed_and_index() -> None:
    seeds = [run_seed(7, i) for i in range(50)]
    assert seeds == [run_seed(7, i) for i in range(50)]
    assert len(set(seeds)) == 50
    assert seeds[:5] != [run_seed(8, i) for i in range(5)]
    child = np.random.SeedSequence(7).spawn(3)[2]
    assert run_seed(7, 2) == int(child.generate_state(1, np.uint32)[0] >> 1)


def test_draws_are_pure_and_in_range() -> None:
    draws = [draw_for(None, run_seed(1, i)) for i in range(200)]
    assert draws[3] == draw_for(None, run_seed(1, 3))
    for item in DEFAULT_VARIATION.items:
        values = [d[item.key] for d in draws]
        assert min(values) >= item.low and max(values) <= item.high
        assert max(values) - min(values) > 0.5 * (item.high - item.low)
    assert all(0 <= d["push_dir"] < 360 for d in draws)


def test_a_chance_is_drawn_at_its_rate() -> None:
    variation = Variation((Varied("closed", "drain", 30.0, 30.0),))
    closed = sum(draw_for(variation, s)["closed.drain"] for s in range(2000))
    assert 0.26 < closed / 2000 < 0.34


def test_a_draw_changes_the_world_robot_and_faults(passing: Path) -> None:
    mission = load_mission(str(passing))
    draw = {"friction.drain": 0.31, "friction_scale": 0.5, "charge": 42.0, "push_impulse": 3.0,
            "push_time": 2.0, "push_dir": 90.0, "closed.drain": 1.0, "detection": 50.0}
    applied = apply_draw(mission, draw)
    world = applied.mission.compiled.world
    regions = {r.name: r for r in world.regions}
    before = {r.name: r for r in mission.compiled.world.regions}
    assert regions["drain"].params.friction == 0.31
    assert regions["towpath"].params.friction == before["towpath"].params.friction * 0.5
    assert applied.mission.compiled.robot["charge"] == 42.0
    assert mission.compiled.robot["charge"] == 80.0  # the mission as written is unchanged
    assert Push(2.0, 3.0, 90.0) in applied.faults
    assert any(isinstance(f, BlockRegion) and f.name == "drain" and f.at == 0.0
               for f in applied.faults)
    assert applied.sensor.p_detect_per_s == 0.5


def test_a_drawn_sensor_noise_reaches_the_backend(passing: Path) -> None:
    from locomotion.backend import Pose
    from locomotion.backends import make_backend
    from locomotion.variation import drawn_physics

    mission = load_mission(str(passing))
    applied = apply_draw(mission, {"sensor_noise": 1.8})
    assert "tolerances" in applied.backend_options
    assert apply_draw(mission, {}).backend_options == {}
    backend = make_backend("kinematic", **applied.backend_options)
    try:
        backend.reset(applied.mission.compiled.world, Pose(1.0, 1.0), 4)
        assert drawn_physics(backend)["sensor_noise_scale"] == 1.8
    finally:
        backend.close()
