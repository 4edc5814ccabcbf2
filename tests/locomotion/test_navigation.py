"""Navigator: plan + track + replan, with reasons."""

from __future__ import annotations

import math

from locomotion.backend import GoTo, NavStatus, Pose, Velocity
from locomotion.navigation import Navigator
from locomotion.terrain import TerrainMap
from locomotion.world import ObstacleParams, Rect, TerrainKind, TerrainRegion, WaterParams, World

WORLD = World("n", Rect(0, 0, 20, 10), (
    TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(9, 0, 10, 7), ObstacleParams()),
    TerrainRegion("pond", TerrainKind.WATER, Rect(15, 7, 19, 9.5), WaterParams()),
))


def _sim(nav: Navigator, pose: Pose, steps: int, dt: float = 0.1,
         push_at: int | None = None, reasons: list[str] | None = None) -> tuple[Pose, list[str]]:
    statuses = []
    t = 0.0
    for i in range(steps):
        cmd, status, reason = nav.update(pose, 0.8, t)
        statuses.append(status)
        if reasons is not None and reason:
            reasons.append(reason)
        if status != NavStatus.ACTIVE:
            break
        yaw = pose.yaw + cmd.wz * dt
        x = pose.x + cmd.vx * math.cos(yaw) * dt
        y = pose.y + cmd.vx * math.sin(yaw) * dt
        if push_at is not None and i == push_at:
            y -= 1.5
        pose = Pose(x, y, 0.0, 0.0, 0.0, yaw)
        t += dt
    return pose, statuses


def test_reaches_a_goal_behind_a_wall() -> None:
    nav = Navigator(TerrainMap(WORLD))
    start = Pose(2, 2)
    nav.set_goal(GoTo((18, 2)), start, 0.0)
    assert nav.status == NavStatus.ACTIVE and len(nav.path) >= 3
    pose, statuses = _sim(nav, start, 2000)
    assert statuses[-1] == NavStatus.REACHED
    assert math.hypot(pose.x - 18, pose.y - 2) <= 0.3


def test_unreachable_goal_fails_at_once_with_a_reason() -> None:
    nav = Navigator(TerrainMap(WORLD))
    nav.set_goal(GoTo((17, 8)), Pose(2, 2), 0.0)
    cmd, status, reason = nav.update(Pose(2, 2), 1.0, 0.0)
    assert status == NavStatus.FAILED and "water 'pond'" in reason
    assert cmd == Velocity(0.0, 0.0, 0.0)


def test_replans_when_pushed_off_the_path() -> None:
    nav = Navigator(TerrainMap(WORLD))
    start = Pose(2, 5)
    nav.set_goal(GoTo((7, 5)), start, 0.0)
    reasons: list[str] = []
    _, statuses = _sim(nav, start, 600, push_at=10, reasons=reasons)
    assert statuses[-1] == NavStatus.REACHED
    assert any(r.startswith("replanned:") and "off the path" in r for r in reasons)


def test_gives_up_when_stuck_with_a_reason() -> None:
    nav = Navigator(TerrainMap(WORLD), stuck_time=1.0, max_replans=2)
    pose = Pose(2, 2)
    nav.set_goal(GoTo((6, 2)), pose, 0.0)
    status, reason = NavStatus.ACTIVE, ""
    t = 0.0
    while status == NavStatus.ACTIVE and t < 30:
        _, status, reason = nav.update(pose, 0.8, t)  # the robot never moves
        t += 0.1
    assert status == NavStatus.FAILED
    assert "stuck at (2.0, 2.0)" in reason and "2 replans" in reason


def test_turns_to_the_requested_heading_before_reporting_reached() -> None:
    nav = Navigator(TerrainMap(WORLD))
    nav.set_goal(GoTo((3, 3), yaw=1.0), Pose(3, 3), 0.0)
    cmd, status, _ = nav.update(Pose(3, 3, yaw=0.0), 0.5, 0.0)
    assert status == NavStatus.ACTIVE and cmd.wz > 0
    _, status, _ = nav.update(Pose(3, 3, yaw=1.0), 0.5, 0.1)
    assert status == NavStatus.REACHED


def test_goto_speed_caps_the_command_and_cancel_idles() -> None:
    nav = Navigator(TerrainMap(WORLD))
    nav.set_goal(GoTo((8, 2), speed=0.2), Pose(2, 2), 0.0)
    cmd, _, _ = nav.update(Pose(2, 2), 1.0, 0.0)
    assert 0 < cmd.vx <= 0.2
    nav.cancel()
    cmd, status, _ = nav.update(Pose(2, 2), 1.0, 0.1)
    assert status == NavStatus.IDLE and cmd.vx == 0
