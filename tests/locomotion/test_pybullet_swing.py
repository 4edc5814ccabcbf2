"""Swing geometry: curves start and end on the footholds and clear the step, lift-then-step
lifts first, footholds move off tread edges."""

from __future__ import annotations

import numpy as np
import pytest

from locomotion.backend import GaitParams
from locomotion.pb.swing import foothold_shift, swing_point

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
