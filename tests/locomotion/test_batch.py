"""The batch form: many robots stepped at once, seeded, pushed."""

from __future__ import annotations

import numpy as np

from locomotion.batch import KinematicBatch
from locomotion.course import standard_course
from locomotion.params import load_calibration

CAL = load_calibration()


def test_batch_steps_many_robots_along_a_path() -> None:
    course = standard_course()
    batch = KinematicBatch(course.world, 200, seed=4)
    batch.reset(np.full(200, 0.5), np.linspace(-1, 1, 200), np.zeros(200))
    path = np.array([(0.5, 0.0), course.goal])
    for _ in range(900):
        batch.step(batch.follow(path), 0.1)
    s = batch.state
    assert np.all(np.isfinite(s.x))
    assert np.median(s.x) > course.goal[0] - 1.0
    assert np.all(s.energy_wh > 0)
    hard = max(CAL.fall.impulse_threshold.values()) + 20.0
    pushed = batch.push(np.where(np.arange(200) < 100, hard, 0.0), np.zeros(200))
    assert pushed.fallen[:100].mean() > 0.9 and not pushed.fallen[100:].any()


def test_batch_is_seeded() -> None:
    course = standard_course()
    runs = []
    for _ in range(2):
        batch = KinematicBatch(course.world, 50, seed=9)
        batch.reset(0.5, 0.0, 0.0)
        for _ in range(100):
            batch.step(np.tile([0.5, 0.0, 0.0], (50, 1)), 0.1)
        runs.append(batch.state.y.copy())
    assert np.array_equal(runs[0], runs[1]) and runs[0].std() > 0


def test_batch_walks_on_the_terrain_map_it_is_given() -> None:
    import pytest

    from locomotion.terrain import TerrainMap

    course = standard_course()
    shared = TerrainMap(course.world, seed=77)
    batch = KinematicBatch(course.world, 3, seed=1, terrain=shared)
    assert batch.terrain is shared
    assert KinematicBatch(course.world, 3, seed=1).terrain.seed == 0
    other = TerrainMap(course.world.__class__("elsewhere", course.world.bounds))
    with pytest.raises(ValueError, match="terrain map is of world 'elsewhere'"):
        KinematicBatch(course.world, 3, terrain=other)
