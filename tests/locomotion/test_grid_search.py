"""The fast search (flat per-cell move tables, line costs in plain Python) plans exactly what the
planner it replaced planned: the same cells, cost and expansions, the same smoothed path, on random
worlds of walls, mud, stairs and ramps, with and without penalties and closures."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locomotion.planner import Closure, Planner
from locomotion.terrain import TerrainMap
from locomotion.world import (
    Circle,
    GrassParams,
    MudParams,
    ObstacleParams,
    Polygon,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)
from tests.locomotion.reference.planner_v1 import Planner as ReferencePlanner

BOUNDS = Rect(0, 0, 12, 8)


def _rect(draw: st.DrawFn, small: bool = False) -> Rect:
    x = draw(st.floats(0, 10.5))
    y = draw(st.floats(0, 6.5))
    w = draw(st.floats(0.3, 1.5 if small else 4))
    h = draw(st.floats(0.3, 1.5 if small else 4))
    return Rect(x, y, min(12, x + w), min(8, y + h))


@st.composite
def worlds(draw: st.DrawFn) -> World:
    regions = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["wall", "mud", "grass", "stairs", "ramp", "pond", "poly"]))
        name = f"{kind}{i}"
        if kind == "wall":
            regions.append(TerrainRegion(name, TerrainKind.OBSTACLE, _rect(draw, True),
                                         ObstacleParams()))
        elif kind == "mud":
            regions.append(TerrainRegion(name, TerrainKind.MUD, _rect(draw),
                                         MudParams(softness=draw(st.floats(0, 1)))))
        elif kind == "grass":
            regions.append(TerrainRegion(name, TerrainKind.GRASS, _rect(draw),
                                         GrassParams(height=draw(st.floats(0, 0.6)))))
        elif kind == "stairs":
            regions.append(TerrainRegion(name, TerrainKind.STAIRS, _rect(draw), StairsParams(
                rise=0.1, tread=0.3, count=draw(st.integers(1, 6)),
                heading=draw(st.sampled_from([0.0, 90.0, 180.0, 270.0, 37.0])))))
        elif kind == "ramp":
            regions.append(TerrainRegion(name, TerrainKind.SLOPE, _rect(draw), SlopeParams(
                angle=draw(st.floats(2, 20)), heading=draw(st.floats(0, 359)))))
        elif kind == "pond":
            cx, cy = draw(st.floats(1, 11)), draw(st.floats(1, 7))
            regions.append(TerrainRegion(name, TerrainKind.OBSTACLE,
                                         Circle((cx, cy), draw(st.floats(0.3, 1.5))),
                                         ObstacleParams()))
        else:
            x, y = draw(st.floats(1, 9)), draw(st.floats(1, 5))
            regions.append(TerrainRegion(name, TerrainKind.MUD, Polygon(
                ((x, y), (x + 2, y + 0.3), (x + 1.2, y + 2.2))), MudParams(softness=0.5)))
    return World("random", BOUNDS, tuple(regions))


POINTS = st.tuples(st.floats(0.2, 11.8), st.floats(0.2, 7.8))


def _both(world: World) -> tuple[Planner, ReferencePlanner]:
    terrain = TerrainMap(world, resolution=0.2)
    return (Planner(terrain, 0.25, max_step=0.12, max_stair_rise=0.2),
            ReferencePlanner(terrain, 0.25, max_step=0.12, max_stair_rise=0.2))


def _assert_same_plans(new: Planner, old: ReferencePlanner, legs: list, **kwargs: object) -> None:
    for start, goal in legs:
        a, b = new.plan(start, goal, **kwargs), old.plan(start, goal, **kwargs)
        assert (a.ok, a.path, a.cost, a.reason, a.expanded) == (b.ok, b.path, b.cost, b.reason,
                                                                b.expanded)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.lists(st.tuples(POINTS, POINTS), min_size=1, max_size=4))
def test_plans_equal_the_reference_planner(world: World, legs: list) -> None:
    new, old = _both(world)
    _assert_same_plans(new, old, legs)  # the second leg on a planner reuses the kept moves
    _assert_same_plans(new, old, legs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.lists(st.tuples(POINTS, POINTS), min_size=1, max_size=3), POINTS,
       st.floats(0.5, 2.5))
def test_penalised_and_closed_plans_equal_the_reference(world: World, legs: list,
                                                         spot: tuple[float, float],
                                                         radius: float) -> None:
    new, old = _both(world)
    penalty = np.zeros(new.grid.shape)
    penalty[::3, ::2] += 25.0
    _assert_same_plans(new, old, legs, penalty=penalty)
    closed = (Closure("shut", Circle(spot, radius)),)
    _assert_same_plans(new, old, legs, closed=closed)
    _assert_same_plans(new, old, legs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.lists(st.tuples(st.tuples(st.floats(-1, 13), st.floats(-1, 9)),
                                    st.tuples(st.floats(-1, 13), st.floats(-1, 9))),
                          min_size=1, max_size=20))
def test_segment_costs_equal_the_reference(world: World, segments: list) -> None:
    new, old = _both(world)
    penalty = np.zeros(new.grid.shape)
    penalty[1::4, :] = 3.7
    for p, q in segments:
        for pen in (None, penalty):
            a, b = new.segment_cost(p, q, pen), old.segment_cost(p, q, pen)
            assert a == b or (math.isnan(a) and math.isnan(b)), (p, q)
        assert new.segment_cost(p, p) == old.segment_cost(p, p)


def test_the_example_site_plans_equal_the_reference() -> None:
    from pathlib import Path

    from dsl.api import load_world

    root = Path(__file__).resolve().parents[2]
    world = load_world(root / "missions" / "worlds" / "industrial_park.world")
    terrain = TerrainMap(world)
    new, old = Planner(terrain), ReferencePlanner(terrain)
    stops = [(17.0, 4.0), (24.0, 4.0), (24.0, 10.0), (24.0, 16.0), (33.0, 19.7), (3.0, 19.7),
             (10.5, 16.0), (10.5, 9.0), (17.0, 4.0)]
    legs = list(pairwise(stops)) * 2
    _assert_same_plans(new, old, legs)
