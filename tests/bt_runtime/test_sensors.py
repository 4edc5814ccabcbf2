"""Detection: range, field of view, occlusion and probability."""

import math

import numpy as np
import pytest

from bt_runtime.scenario import Target
from bt_runtime.sensors import SensorModel, detect, sight_height_of, visible
from locomotion.world import ObstacleParams, Rect, TerrainKind, TerrainRegion, World


def _flat(x: float, y: float) -> float:
    return 0.0


WORLD = World(
    name="w",
    bounds=Rect(-20, -20, 20, 20),
    regions=(TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(3, -1, 3.5, 1), ObstacleParams(2.0)),),
)
SIGHT = sight_height_of(WORLD, _flat)
EYE = (0.0, 0.0, 0.35)


def _victim(x: float, y: float) -> Target:
    return Target("victim", "v", (x, y), 0.3)


def test_in_range_in_view_unoccluded_is_visible():
    assert visible(SensorModel(), EYE, 0.0, _victim(2.0, 2.0), 0.0, SIGHT)


def test_out_of_range_is_not_visible():
    assert not visible(SensorModel(range=5.0), EYE, 0.0, _victim(0.0, 6.0), 0.0, SIGHT)


def test_behind_the_robot_is_outside_a_narrow_field_of_view():
    sensor = SensorModel(fov=90.0)
    assert not visible(sensor, EYE, 0.0, _victim(-3.0, 0.0), 0.0, SIGHT)
    assert visible(sensor, EYE, math.pi, _victim(-3.0, 0.0), 0.0, SIGHT)
    assert visible(sensor.with_fov(360.0), EYE, 0.0, _victim(-3.0, 0.0), 0.0, SIGHT)


def test_an_obstacle_between_hides_the_target():
    assert not visible(SensorModel(), EYE, 0.0, _victim(6.0, 0.0), 0.0, SIGHT)
    assert visible(SensorModel(), EYE, 0.0, _victim(6.0, 3.0), 0.0, SIGHT)


def test_a_ridge_of_ground_hides_a_lying_victim():
    def ridge(x: float, y: float) -> float:
        return 1.0 if 1.5 < x < 2.0 else 0.0

    sight = sight_height_of(WORLD, ridge)
    assert not visible(SensorModel(), EYE, 0.0, _victim(3.0, 0.0), 0.0, sight)


def test_detection_rate_matches_the_per_second_probability():
    sensor = SensorModel(p_detect_per_s=0.5)
    rng = np.random.default_rng(0)
    hits = sum(
        bool(detect(sensor, EYE, 0.0, [_victim(2.0, 0.0)], _flat, SIGHT, 1.0, rng)) for _ in range(2000)
    )
    assert hits / 2000 == pytest.approx(0.5, abs=0.05)


def test_bad_sensor_values_are_refused_with_the_field_named():
    with pytest.raises(ValueError, match="range"):
        SensorModel(range=0.0)
    with pytest.raises(ValueError, match="field of view"):
        SensorModel(fov=400.0)
