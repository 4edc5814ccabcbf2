"""A* planner: detours, fail-fast reasons, cheap terrain, stairs along their axis."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locomotion.planner import Planner
from locomotion.terrain import TerrainMap
from locomotion.world import (
    Circle,
    FlatParams,
    MudParams,
    ObstacleParams,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    WaterParams,
    World,
)

BOUNDS = Rect(0, 0, 20, 10)


def _planner(*regions: TerrainRegion) -> Planner:
    return Planner(TerrainMap(World("p", BOUNDS, tuple(regions)), resolution=0.2), half_width=0.25)


def _clear(planner: Planner, path: tuple[tuple[float, float], ...]) -> bool:
    """Every point densely sampled along the path is at least half a width from blocked ground."""
    m = planner.terrain
    for (ax, ay), (bx, by) in itertools.pairwise(path):
        for t in np.linspace(0, 1, 50):
            x, y = ax + t * (bx - ax), ay + t * (by - ay)
            for a in np.linspace(0, 2 * math.pi, 8, endpoint=False):
                px, py = x + 0.2 * math.cos(a), y + 0.2 * math.sin(a)
                if math.isinf(float(m.cost(px, py))):
                    return False
    return True


WALL = TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(9, 0, 10, 7), ObstacleParams())


def test_detours_around_a_wall_keeping_the_body_clear() -> None:
    p = _planner(WALL)
    r = p.plan((2, 2), (18, 2))
    assert r.ok, r.reason
    assert r.path[0] == (2, 2) and r.path[-1] == (18, 2)
    assert max(y for _, y in r.path) > 7.0  # went over the top of the wall
    assert _clear(p, r.path)
    assert len(r.path) < 12  # shortcut, not a staircase of grid cells


def test_goal_in_water_fails_fast_naming_the_region() -> None:
    p = _planner(TerrainRegion("pond", TerrainKind.WATER, Circle((15, 5), 2), WaterParams()))
    started = time.perf_counter()
    r = p.plan((2, 2), (15, 5))
    assert not r.ok
    assert "water 'pond'" in r.reason
    assert time.perf_counter() - started < 0.05


def test_goal_outside_bounds_fails_with_the_bounds() -> None:
    r = _planner().plan((2, 2), (25, 5))
    assert not r.ok and "outside the world bounds" in r.reason and "[0, 20]" in r.reason


def test_enclosed_goal_fails_without_searching() -> None:
    ring = [
        TerrainRegion("n", TerrainKind.OBSTACLE, Rect(12, 6, 18, 7), ObstacleParams()),
        TerrainRegion("s", TerrainKind.OBSTACLE, Rect(12, 1, 18, 2), ObstacleParams()),
        TerrainRegion("w", TerrainKind.OBSTACLE, Rect(12, 1, 13, 7), ObstacleParams()),
        TerrainRegion("e", TerrainKind.OBSTACLE, Rect(17, 1, 18, 7), ObstacleParams()),
    ]
    p = _planner(*ring)
    r = p.plan((2, 2), (15, 4))
    assert not r.ok and "enclosed" in r.reason
    assert r.expanded == 0


def test_gap_narrower_than_the_robot_is_not_taken() -> None:
    upper = TerrainRegion("u", TerrainKind.OBSTACLE, Rect(9, 5.2, 10, 10), ObstacleParams())
    lower = TerrainRegion("l", TerrainKind.OBSTACLE, Rect(9, 0, 10, 4.9), ObstacleParams())
    r = _planner(upper, lower).plan((2, 5), (18, 5))
    assert not r.ok and "narrower than the robot" in r.reason


def test_prefers_cheap_terrain_when_the_detour_is_short() -> None:
    mud = TerrainRegion("mud", TerrainKind.MUD, Rect(8, 0, 12, 6), MudParams(softness=0.8))
    r = _planner(mud).plan((2, 3), (18, 3))
    assert r.ok
    assert max(y for _, y in r.path) > 6.0  # around the mud, not through it
    p = _planner(TerrainRegion("mud", TerrainKind.MUD, Rect(8, 0, 12, 10), MudParams(0.8)))
    r2 = p.plan((2, 3), (18, 3))
    assert r2.ok  # no way round: goes through, it is passable


def test_stairs_are_taken_along_their_axis_not_sideways() -> None:
    # stairs rising along +x occupy the whole width between x = 8 and 9.5: the robot must cross
    # them along x even though the goal lies diagonally away (onto a floor at the flight's top:
    # a flight ending in a 0.5 m drop is an edge no path may cross)
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(8, 0, 9.5, 10), StairsParams())
    top = TerrainRegion("top", TerrainKind.FLAT, Rect(9.5, 0, 20, 10), FlatParams(), 0.5)
    p = _planner(st, top)
    r = p.plan((2, 1), (18, 9))
    assert r.ok, r.reason
    m = p.terrain
    for (ax, ay), (bx, by) in itertools.pairwise(r.path):
        for t in np.linspace(0, 1, 40):
            x, y = ax + t * (bx - ax), ay + t * (by - ay)
            if m.kind_at(x, y) is TerrainKind.STAIRS:
                heading = math.atan2(by - ay, bx - ax)
                assert abs(math.cos(heading)) >= math.cos(math.radians(25)) - 1e-9


def test_stairs_running_along_the_route_cannot_be_walked_sideways() -> None:
    # a flight rising along +y fills a corridor the robot would cross along x: forbidden, so the
    # only route is round it (a gap at the top)
    st = TerrainRegion("st", TerrainKind.STAIRS, Rect(8, 0, 10, 8), StairsParams(heading=90.0))
    r = _planner(st).plan((2, 2), (18, 2))
    assert r.ok
    assert max(y for _, y in r.path) > 8.0


def test_penalty_steers_the_route() -> None:
    p = _planner()
    penalty = np.zeros(p.grid.shape)
    penalty[:, 40:60] = 0.0
    penalty[0:30, 45:55] = 50.0
    r = p.plan((2, 2), (18, 2), penalty)
    assert r.ok and max(y for _, y in r.path) > 5.5


@pytest.mark.parametrize("start", [(9.1, 7.2), (0.05, 0.05)])
def test_start_in_the_inflated_margin_still_plans(start: tuple[float, float]) -> None:
    r = _planner(WALL).plan(start, (18, 2))
    assert r.ok, r.reason


def test_course_is_planned_both_ways_up_and_down_the_flights() -> None:
    from locomotion.course import standard_course

    course = standard_course()
    p = Planner(TerrainMap(course.world), half_width=0.25)
    there = p.plan(course.start.xy, course.goal)
    back = p.plan(course.goal, course.start.xy)
    assert there.ok and back.ok
    assert back.path[0] == course.goal and back.path[-1] == course.start.xy


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 17), st.floats(0, 8), st.floats(0.3, 3), st.floats(0.3, 3)),
                max_size=6))
def test_any_path_found_keeps_clear_of_obstacles(boxes: list[tuple[float, float, float, float]]
                                                  ) -> None:
    regions = [TerrainRegion(f"b{i}", TerrainKind.OBSTACLE, Rect(x, y, x + w, y + h),
                             ObstacleParams()) for i, (x, y, w, h) in enumerate(boxes)]
    p = _planner(*regions)
    start, goal = (0.5, 0.5), (19.5, 9.5)
    r = p.plan(start, goal)
    if not r.ok:
        assert r.reason
        return
    assert r.path[0] == start and r.path[-1] == goal
    m = p.terrain
    for (ax, ay), (bx, by) in itertools.pairwise(r.path):
        for t in np.linspace(0, 1, 60):
            assert not math.isinf(float(m.cost(ax + t * (bx - ax), ay + t * (by - ay))))


def test_a_ramp_is_entered_along_its_axis_even_where_its_side_is_low() -> None:
    # a 5 deg ramp rising along +x: its north side is under 10 cm high near the foot, no edge,
    # but the path from the north must still come onto it over its foot, along the axis
    ramp = TerrainRegion("ramp", TerrainKind.SLOPE, Rect(8, 0, 12, 4), SlopeParams(angle=5.0))
    p = _planner(ramp)
    r = p.plan((9, 8), (9, 2))
    assert r.ok, r.reason
    m = p.terrain
    for (ax, ay), (bx, by) in itertools.pairwise(r.path):
        ts = np.linspace(0, 1, 200)
        on = [m.kind_at(ax + t * (bx - ax), ay + t * (by - ay)) is TerrainKind.SLOPE for t in ts]
        if any(a != b for a, b in itertools.pairwise(on)):  # this segment crosses the boundary
            heading = math.atan2(by - ay, bx - ax)
            assert abs(math.cos(heading)) >= math.cos(math.radians(25)) - 1e-9


def test_ends_answers_reachability_without_a_search() -> None:
    """``Planner.ends`` is what ``plan`` checks before A*: a goal beyond a raised floor's edge is
    refused with both cells (in different components), a reachable one gets both and no reason."""
    from locomotion.planner import Planner
    from locomotion.terrain import TerrainMap
    from locomotion.world import FlatParams, Rect, TerrainKind, TerrainRegion, World

    deck = TerrainRegion("deck", TerrainKind.FLAT, Rect(6, 0, 10, 10), FlatParams(), 0.7)
    planner = Planner(TerrainMap(World("w", Rect(0, 0, 10, 10), (deck,))))
    s_cell, g_cell, why = planner.ends((1.0, 5.0), (8.0, 5.0))
    assert "unreachable" in why and s_cell is not None and g_cell is not None
    assert planner.labels[s_cell] != planner.labels[g_cell]
    s_cell, g_cell, why = planner.ends((1.0, 5.0), (3.0, 8.0))
    assert why == "" and planner.labels[s_cell] == planner.labels[g_cell]
    assert not planner.plan((1.0, 5.0), (8.0, 5.0)).ok
    assert planner.plan((1.0, 5.0), (3.0, 8.0)).ok


def _flood_labels(free: np.ndarray) -> np.ndarray:
    """The Python flood fill the scipy labelling replaced (8-connected, raster order)."""
    from collections import deque

    h, w = free.shape
    lab = np.full((h, w), -1, dtype=np.int64)
    current = 0
    for r0 in range(h):
        for c0 in range(w):
            if not free[r0, c0] or lab[r0, c0] >= 0:
                continue
            lab[r0, c0] = current
            queue = deque([(r0, c0)])
            while queue:
                r, c = queue.popleft()
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        rr, cc = r + dr, c + dc
                        if 0 <= rr < h and 0 <= cc < w and free[rr, cc] and lab[rr, cc] < 0:
                            lab[rr, cc] = current
                            queue.append((rr, cc))
            current += 1
    return lab


def test_component_labels_match_a_flood_fill() -> None:
    from locomotion.planner import Planner
    from locomotion.terrain import TerrainMap
    from locomotion.world import ObstacleParams, Rect, TerrainKind, TerrainRegion, World

    walls = tuple(TerrainRegion(f"w{i}", TerrainKind.OBSTACLE, Rect(x, 0, x + 0.4, 8 - i),
                                ObstacleParams()) for i, x in enumerate((2.0, 4.0, 6.0)))
    ring = TerrainRegion("ring", TerrainKind.OBSTACLE, Rect(7.0, 1.0, 9.0, 1.4), ObstacleParams())
    planner = Planner(TerrainMap(World("w", Rect(0, 0, 10, 10), (*walls, ring))))
    assert np.array_equal(planner.labels, _flood_labels(~planner.blocked))
