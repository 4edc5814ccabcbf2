"""Pure pursuit: converges onto a route with small cross-track error."""

from __future__ import annotations

import math

import pytest

from locomotion.tracker import PurePursuit, wrap_angle


def _drive(path: list[tuple[float, float]], x: float, y: float, yaw: float,
           cap: float = 0.8, dt: float = 0.05, steps: int = 2000) -> tuple[list[float], float, float]:
    """Integrate the commands on an ideal unicycle; return cross-track history and final pose."""
    tr = PurePursuit()
    tr.set_path(path)
    errors = []
    for _ in range(steps):
        cmd = tr.command(x, y, yaw, cap)
        errors.append(cmd.cross_track)
        if cmd.remaining < 0.05 and abs(cmd.vx) < 0.1:
            break
        yaw += cmd.wz * dt
        x += (cmd.vx * math.cos(yaw) - cmd.vy * math.sin(yaw)) * dt
        y += (cmd.vx * math.sin(yaw) + cmd.vy * math.cos(yaw)) * dt
    return errors, x, y


def test_converges_from_an_offset_start_onto_a_straight_line() -> None:
    errors, x, y = _drive([(0, 0), (10, 0)], 0.0, 0.8, 0.0)
    assert errors[0] > 0.7
    settled = errors[len(errors) // 3 :]
    assert max(settled) < 0.05
    assert math.hypot(x - 10, y) < 0.3


def test_follows_an_l_shaped_route_with_small_cross_track_error() -> None:
    errors, x, y = _drive([(0, 0), (6, 0), (6, 6)], 0.0, 0.0, 0.0)
    assert max(errors) < 0.35
    assert sum(errors) / len(errors) < 0.08
    assert math.hypot(x - 6, y - 6) < 0.3


def test_turns_in_place_when_the_path_is_behind() -> None:
    tr = PurePursuit()
    tr.set_path([(0, 0), (-5, 0)])
    cmd = tr.command(0.0, 0.0, 0.0, 1.0)
    assert cmd.vx == 0.0 and abs(cmd.wz) == pytest.approx(tr.max_wz)


def test_speed_is_capped_and_tapers_near_the_end() -> None:
    tr = PurePursuit()
    tr.set_path([(0, 0), (10, 0)])
    assert tr.command(0.0, 0.0, 0.0, 0.4).vx <= 0.4 + 1e-9
    far, near = tr.command(8.0, 0.0, 0.0, 1.0).vx, tr.command(9.95, 0.0, 0.0, 1.0).vx
    assert near < far <= 1.0 and near < 0.3


def test_wrap_angle() -> None:
    assert wrap_angle(3 * math.pi) == pytest.approx(math.pi)
    assert wrap_angle(-0.5) == pytest.approx(-0.5)
