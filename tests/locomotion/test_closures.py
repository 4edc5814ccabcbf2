"""Closed regions as a dynamic layer: both backends walk around them mid-run, or fail saying why.

Before closures reached the backends, the planner never knew of them: a route past a closed region
failed instead of detouring, and a robot inside one could never leave.
"""

from __future__ import annotations

import pytest

from locomotion.backend import GoTo, NavStatus, Pose, WorldChanges
from locomotion.backends import make_backend
from locomotion.planner import Closure, Planner
from locomotion.terrain import TerrainMap
from locomotion.world import ObstacleParams, Rect, TerrainKind, TerrainRegion, World

# 12 x 8 m; a wall x 6-6.5 with gaps at y 0-3 and y 5-8
WORLD = World("gaps", Rect(0, 0, 12, 8), (
    TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(6, 3, 6.5, 5), ObstacleParams()),))
SOUTH_GAP = Rect(5.5, 0, 7, 3)
NORTH_GAP = Rect(5.5, 5, 7, 8)


def _walk(name: str, closures: list[tuple[float, str, Rect]], goal=(10.0, 1.5), limit=40.0):
    backend = make_backend(name)
    try:
        assert isinstance(backend, WorldChanges)
        state = backend.reset(WORLD, Pose(2.0, 1.5), seed=0)
        backend.command(GoTo(goal))
        crossed = []
        pending = sorted(closures)
        while state.time < limit:
            while pending and state.time >= pending[0][0]:
                _, label, shape = pending.pop(0)
                backend.close_region(label, shape)
            state = backend.step(0.1)
            crossed.append(SOUTH_GAP.contains(*state.pose.xy) and state.time > 1.2)
            if state.nav_status in (NavStatus.REACHED, NavStatus.FAILED):
                break
        return state, any(crossed)
    finally:
        backend.close()


@pytest.mark.parametrize("name", ["kinematic", "pybullet"])
def test_a_region_closed_mid_walk_is_walked_around(name: str) -> None:
    state, crossed = _walk(name, [(1.0, "south_gap", SOUTH_GAP)])
    assert state.nav_status == NavStatus.REACHED, state.nav_reason
    assert not crossed


@pytest.mark.parametrize("name", ["kinematic", "pybullet"])
def test_closing_every_route_fails_the_walk_at_once_with_the_reason(name: str) -> None:
    state, _ = _walk(name, [(1.0, "south_gap", SOUTH_GAP), (1.0, "north_gap", NORTH_GAP)])
    assert state.nav_status == NavStatus.FAILED
    assert "no detour" in state.nav_reason and "north_gap, south_gap" in state.nav_reason
    assert state.time < 1.5


def test_a_robot_inside_a_closed_region_walks_out_by_the_shortest_way() -> None:
    planner = Planner(TerrainMap(WORLD))
    yard = Closure("yard", Rect(1, 0, 4, 3))
    r = planner.plan((2.5, 1.5), (10, 1.5), closed=(yard,))
    assert r.ok, r.reason
    r2 = planner.plan((10, 1.5), (2.5, 1.5), closed=(yard,))
    assert not r2.ok and "inside a closed region: yard is closed" in r2.reason


def test_closures_do_not_outlive_a_reset() -> None:
    backend = make_backend("kinematic")
    backend.reset(WORLD, Pose(2.0, 1.5), seed=0)
    backend.close_region("south_gap", SOUTH_GAP)
    backend.close_region("north_gap", NORTH_GAP)
    backend.reset(WORLD, Pose(2.0, 1.5), seed=0)
    backend.command(GoTo((10.0, 1.5)))
    assert backend.step(0.1).nav_status == NavStatus.ACTIVE
