"""The senses' noise level is drawn per run from its seed on both backends, replays exactly for a
seed, is recorded with the run's physics, and a campaign can fix it (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest

from locomotion.backend import Pose
from locomotion.backends import make_backend
from locomotion.pb.senses import Senses
from locomotion.perception import TerrainSensing
from locomotion.sensing import HEIGHT_NOISE, synthesise_sensing
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.variation import (
    DEFAULT_TOLERANCES,
    NOMINAL,
    draw_variation,
    drawn_physics,
    with_sensor_noise,
)
from locomotion.world import Rect, World

SMOOTH = World(name="smooth", bounds=Rect(0, 0, 20, 10))


def test_the_noise_level_is_drawn_per_seed_within_its_tolerance() -> None:
    low, high = DEFAULT_TOLERANCES.sensor_noise
    levels = [draw_variation(SMOOTH, seed).sensor_noise for seed in range(60)]
    assert all(low <= v <= high for v in levels) and max(levels) - min(levels) > 0.5
    assert levels == [draw_variation(SMOOTH, seed).sensor_noise for seed in range(60)]
    assert draw_variation(SMOOTH, None).sensor_noise == 1.0
    assert draw_variation(SMOOTH, 5, NOMINAL).sensor_noise == 1.0
    fixed = draw_variation(SMOOTH, 5, with_sensor_noise(DEFAULT_TOLERANCES, 2.0))
    assert fixed.sensor_noise == 2.0
    # fixing the noise leaves every other value the seed draws as it was
    assert fixed.start_dx == draw_variation(SMOOTH, 5).start_dx
    with pytest.raises(ValueError, match="sensor noise scale"):
        with_sensor_noise(DEFAULT_TOLERANCES, -1.0)


def _spread(readings: list[TerrainSensing]) -> float:
    return float(np.std(np.array([r.heights for r in readings])))


def test_twin_senses_scale_with_the_level_and_replay_for_a_seed() -> None:
    surface = SurfaceGrid.from_map(TerrainMap(SMOOTH))

    def scan(seed: int, noise: float) -> list[TerrainSensing]:
        rng = np.random.default_rng(seed)
        return [synthesise_sensing(surface, 5.0, 5.0, 0.0, 0.5, 0.01, rng, noise)
                for _ in range(20)]

    assert scan(1, 1.0) == scan(1, 1.0)
    assert scan(1, 1.0) != scan(2, 1.0)
    assert _spread(scan(1, 1.0)) == pytest.approx(HEIGHT_NOISE, rel=0.1)
    assert _spread(scan(1, 2.0)) == pytest.approx(2 * _spread(scan(1, 1.0)), rel=1e-6)


def test_physics_senses_have_range_noise_at_the_level_and_replay_for_a_seed() -> None:
    backend = make_backend("pybullet", tolerances=NOMINAL)
    try:
        backend.reset(SMOOTH, Pose(5.0, 5.0), 3)
        sim = backend._sim  # the scene and robot the backend's own senses read
        assert sim is not None
        obs = sim.robot.observe()
        terrain = TerrainMap(SMOOTH)

        def scan(seed: int, noise: float) -> list[TerrainSensing]:
            senses = Senses(sim.scene, sim.robot, terrain, np.random.default_rng(seed), noise)
            return [senses.read(obs) for _ in range(10)]

        assert scan(1, 1.0) == scan(1, 1.0)
        assert scan(1, 1.0) != scan(2, 1.0)
        # a ray cast alone is exact: the spread over repeated scans is the range noise
        assert _spread(scan(1, 1.0)) == pytest.approx(HEIGHT_NOISE, rel=0.25)
        assert _spread(scan(1, 2.0)) == pytest.approx(2 * _spread(scan(1, 1.0)), rel=0.25)
    finally:
        backend.close()


@pytest.mark.parametrize("name", ["kinematic", "pybullet"])
def test_the_level_is_recorded_and_a_campaign_can_fix_it(name: str) -> None:
    backend = make_backend(name)
    try:
        backend.reset(SMOOTH, Pose(5.0, 5.0), 11)
        drawn = drawn_physics(backend)["sensor_noise_scale"]
        assert drawn == pytest.approx(draw_variation(SMOOTH, 11).sensor_noise, abs=1e-6)
    finally:
        backend.close()
    fixed = make_backend(name, tolerances=with_sensor_noise(DEFAULT_TOLERANCES, 1.75))
    try:
        fixed.reset(SMOOTH, Pose(5.0, 5.0), 11)
        assert drawn_physics(fixed)["sensor_noise_scale"] == 1.75
    finally:
        fixed.close()
