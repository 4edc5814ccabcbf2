"""Scenario drawing: seeded, reproducible, intruders walk their paths."""

import math

import pytest

from bt_runtime.scenario import ScenarioConfig, draw_scenario, intruder_position
from locomotion.world import (
    Intruder,
    ObstacleParams,
    PayloadItem,
    Rect,
    Station,
    TerrainKind,
    TerrainRegion,
    Victim,
    World,
)


def _world() -> World:
    return World(
        name="yard",
        bounds=Rect(0, 0, 20, 20),
        regions=(TerrainRegion("shed", TerrainKind.OBSTACLE, Rect(4, 4, 6, 6), ObstacleParams()),),
        victims=(Victim("v1", (5.0, 3.5)), Victim("v2", (15.0, 15.0))),
        intruders=(Intruder("prowler", ((0.0, 10.0), (10.0, 10.0)), speed=1.0),),
        stations=(Station("depot", (2.0, 2.0)),),
        payloads=(PayloadItem("medkit", 2.5, "depot"),),
    )


def test_open_path_is_walked_back_and_forth():
    walker = Intruder("w", ((0.0, 0.0), (10.0, 0.0)), speed=1.0)
    assert intruder_position(walker, 0.0) == pytest.approx((0.0, 0.0))
    assert intruder_position(walker, 4.0) == pytest.approx((4.0, 0.0))
    assert intruder_position(walker, 14.0) == pytest.approx((6.0, 0.0))
    assert intruder_position(walker, 20.0) == pytest.approx((0.0, 0.0))


def test_looped_path_goes_round():
    walker = Intruder("w", ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0)), speed=1.0, loop=True)
    # perimeter 4 + 3 + 5 = 12
    assert intruder_position(walker, 5.0) == pytest.approx((4.0, 1.0))
    assert intruder_position(walker, 12.0) == pytest.approx((0.0, 0.0))
    assert intruder_position(walker, 9.5) == pytest.approx((4.0 - 2.5 * 0.8, 3.0 - 2.5 * 0.6))


def test_same_seed_same_scenario_other_seed_differs():
    world = _world()
    a, b, c = draw_scenario(world, 7), draw_scenario(world, 7), draw_scenario(world, 8)
    assert a == b
    assert a.targets_at(12.0) == b.targets_at(12.0)
    assert a.victims != c.victims


def test_jitter_keeps_victims_out_of_obstacles_and_within_radius():
    world = _world()
    for seed in range(30):
        scenario = draw_scenario(world, seed, ScenarioConfig(victim_jitter=1.0))
        for victim, original in zip(scenario.victims, world.victims):
            assert not world.is_blocked(*victim.position)
            assert math.dist(victim.position, original.position) <= 1.0 + 1e-9


def test_zero_config_reproduces_the_world_as_written():
    config = ScenarioConfig(victim_jitter=0.0, intruder_speed_spread=0.0, randomise_intruder_phase=False)
    scenario = draw_scenario(_world(), 3, config)
    assert [v.position for v in scenario.victims] == [(5.0, 3.5), (15.0, 15.0)]
    assert scenario.intruders[0].speed == 1.0
    assert scenario.payloads == {"medkit": (2.0, 2.0)}


def test_picked_up_payload_is_no_longer_a_target():
    scenario = draw_scenario(_world(), 1)
    carried = scenario.with_payload_at("medkit", None)
    assert "medkit" not in [t.name for t in carried.targets_at(0.0)]
    dropped = carried.with_payload_at("medkit", (9.0, 9.0))
    assert ("payload", "medkit", (9.0, 9.0)) in [(t.kind, t.name, t.position) for t in dropped.targets_at(0.0)]
