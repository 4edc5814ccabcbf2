"""Swing geometry: curves start and end on the footholds and clear the step, lift-then-step
lifts first, footholds move off tread edges and onto level spots among stones, the apex clears
the highest ground on the way."""

from __future__ import annotations

import numpy as np
import pytest

from locomotion.backend import GaitParams
from locomotion.pb.swing import foothold_shift, level_foothold, swing_point

STAIRS = GaitParams(
    "stairs",
    period=0.8,
    duty=0.8,
    swing_height=0.15,
    body_height=0.27,
    speed_cap=0.25,
    lift_then_step=True,
)
TROT = GaitParams("trot", period=0.4, duty=0.5, swing_height=0.08, body_height=0.28, speed_cap=1.0)


def _swing(gait: GaitParams, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    return np.array([swing_point(start, end, s, gait) for s in np.linspace(0, 1, 101)])


@pytest.mark.parametrize("gait", [TROT, STAIRS])
def test_swing_starts_and_ends_on_the_footholds_and_clears_the_step(gait: GaitParams) -> None:
    start, end = np.array([0.0, 0.0, 0.02]), np.array([0.2, 0.0, 0.12])
    curve = _swing(gait, start, end)
    assert np.allclose(curve[0], start) and np.allclose(curve[-1], end)
    assert curve[:, 2].max() == pytest.approx(0.12 + gait.swing_height)


def test_lift_then_step_rises_before_moving_forward() -> None:
    curve = _swing(STAIRS, np.array([0.0, 0.0, 0.02]), np.array([0.3, 0.0, 0.12]))
    # Until the foot is above the step's height it has barely moved towards the step.
    below = curve[curve[:, 2] < 0.12 + 0.02]
    rising = below[: np.argmax(below[:, 2])]
    assert np.all(rising[:, 0] < 0.03)


def _stair_ground(points: np.ndarray) -> np.ndarray:
    """Treads of 0.3 m rising 0.1 m along +x from x = 1.0."""
    x = points[:, 0]
    return np.where(x < 1.0, 0.0, 0.1 * (np.floor((x - 1.0) / 0.3) + 1))


def test_foothold_moves_off_a_tread_edge_and_stays_put_on_even_ground() -> None:
    shift = foothold_shift(np.array([1.29, 0.0]), 0.0, _stair_ground, 0.05, 0.12)
    landed = 1.29 + shift[0]
    edge_distance = np.min(np.abs(landed - np.array([1.0, 1.3, 1.6])))
    assert edge_distance >= 0.05
    assert np.allclose(foothold_shift(np.array([1.45, 0.0]), 0.0, _stair_ground, 0.05, 0.12), 0.0)


def test_swing_apex_clears_the_highest_ground_on_the_way() -> None:
    start, end = np.array([0.0, 0.0, 0.0]), np.array([0.2, 0.0, 0.0])
    low = swing_point(start, end, 0.5, TROT)
    high = swing_point(start, end, 0.5, TROT, clear=0.07)
    assert low[2] == pytest.approx(TROT.swing_height)
    assert high[2] == pytest.approx(0.07 + TROT.swing_height)
    assert np.allclose(swing_point(start, end, 1.0, TROT, clear=0.07), end)


def _ridge(points: np.ndarray) -> np.ndarray:
    """A stone: a ridge along y whose flanks fall 0.6 m per m from x = 0; level beyond |x| > 0.1."""
    return np.maximum(0.06 - 0.6 * np.abs(points[:, 0]), 0.0)


def test_level_foothold_moves_a_foot_off_a_stone_flank() -> None:
    shift = level_foothold(np.array([0.05, 0.0]), _ridge, 0.08, 0.02, 1.5)
    landed = np.array([0.05, 0.0]) + shift
    assert abs(landed[0]) >= 0.12  # on the level ground beside the stone, not its flank
    assert abs(shift[1]) < 1e-9  # the ridge runs along y: nothing to gain sideways


def test_level_foothold_leaves_level_ground_and_pits_alone() -> None:
    assert np.allclose(level_foothold(np.array([1.0, 2.0]), _flat_ground, 0.08, 0.02, 1.5), 0.0)
    pit = level_foothold(np.array([0.0, 0.0]), lambda p: 0.5 * np.abs(p[:, 0]), 0.08, 0.02, 1.5)
    assert np.allclose(pit, 0.0)  # the bottom of a V holds the foot: stay


def _flat_ground(points: np.ndarray) -> np.ndarray:
    return np.zeros(len(points))
