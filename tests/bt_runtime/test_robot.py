"""RobotContext: state view, battery, facts and counters, detection, payload, overrides."""

from __future__ import annotations

import math
from typing import Any

import pytest

from bt_runtime.assembly import build_context
from bt_runtime.expressions import StateView
from bt_runtime.robot import RobotConfig, RobotContext, SightRaster, start_pose
from bt_runtime.scenario import Scenario, Target
from bt_runtime.seeds import RunSeeds
from bt_runtime.sensors import SensorModel
from bt_runtime.world_sim import WorldSim
from locomotion.backend import Pose, Velocity
from locomotion.backends import make_backend
from locomotion.terrain import TerrainMap
from locomotion.world import Rect, World
from tests.bt_runtime.runtime_world import EXACT, WORLD, make_context


def test_context_is_a_state_view_in_canonical_units() -> None:
    ctx = make_context()
    assert isinstance(ctx, StateView)
    assert ctx.value("battery") == pytest.approx(80.0)
    assert ctx.value("elapsed") == 0.0
    assert ctx.value("payload_mass") == 0.0
    # the seed puts the robot down within the declared start tolerance of its start mark
    assert abs(ctx.position()[0] - 2.0) <= 0.1 and abs(ctx.position()[1] - 2.0) <= 0.1
    assert ctx.terrain() == "flat"
    assert ctx.counter("victims_found") == 0
    assert not ctx.fact("docked")
    with pytest.raises(KeyError, match="unknown robot state variable"):
        ctx.value("altitude")


def test_config_from_mission_properties_uses_registry_defaults() -> None:
    config = RobotConfig.from_properties({"battery": 130.0, "charge": None})
    assert config.battery_wh == 130.0
    assert config.initial_charge == 100.0
    assert config.max_speed == 0.6


def test_battery_drains_by_backend_energy_and_distance_accumulates() -> None:
    ctx = make_context()
    ctx.command(Velocity(0.5))
    for _ in range(100):
        ctx.step(0.1)
    assert ctx.energy_wh > 0
    expected = 80.0 - 100.0 * ctx.energy_wh / 100.0
    assert ctx.battery == pytest.approx(expected)
    assert ctx.distance == pytest.approx(ctx.value("distance_travelled"))
    assert 3.0 < ctx.distance < 6.0
    assert ctx.value("elapsed") == pytest.approx(10.0)


def test_charging_when_docked_raises_the_battery() -> None:
    ctx = make_context()
    ctx.dock("base", (2.0, 2.0))
    ctx.start_charging()
    assert ctx.charging
    before = ctx.battery
    for _ in range(36):  # 3.6 s at 1 kW = 1 Wh = 1 % of 100 Wh
        ctx.step(0.1)
    assert ctx.battery - before == pytest.approx(1.0 - 100 * ctx.energy_wh / 100.0, abs=1e-6)


def test_empty_battery_stops_the_robot_with_a_reason() -> None:
    ctx = make_context(config=RobotConfig(battery_wh=100.0, initial_charge=0.01))
    ctx.command(Velocity(0.5))
    changes = []
    for _ in range(200):
        changes += ctx.step(0.1)
    assert ctx.battery == 0.0
    assert ctx.stop_reason is not None and "battery empty" in ctx.stop_reason
    assert ctx.state is not None and ctx.state.gait == "sit"


def test_detection_finds_a_visible_victim_and_reports_changes() -> None:
    ctx = make_context(start=(6.0, 10.0))
    ctx.command(Velocity(0.0, 0.0, 0.0))
    keys = set()
    for _ in range(50):
        keys |= {c.key for c in ctx.step(0.1)}
    # the victim 4 m north is only seen once facing it: turn
    ctx.command(Velocity(0.0, 0.0, 0.8))
    for _ in range(100):
        keys |= {c.key for c in ctx.step(0.1)}
    assert ctx.fact("victim_found")
    assert ctx.counter("victims_found") == 1
    assert {"victim_found", "victims_found"} <= keys
    assert "v1" in ctx.found


def test_wall_hides_a_victim_behind_it() -> None:
    # a victim just behind the wall, 3 m away
    seeds = RunSeeds.derive(1)
    scenario = Scenario(
        victims=(Target("victim", "hidden", (9.0, 5.0), 0.3),), intruders=(), intruder_phase=()
    )
    sim = WorldSim(TerrainMap(WORLD, seed=seeds.terrain_seed), scenario, seeds.rng("detection"))
    ctx = RobotContext(make_backend("kinematic"), sim, RobotConfig(), seeds)
    ctx.start(Pose(12.0, 5.0))
    ctx.command(Velocity(0.0, 0.0, 0.8))
    for _ in range(200):
        ctx.step(0.1)
    assert not ctx.fact("victim_found")


def test_same_seed_same_detections_and_states() -> None:
    def trace(seed: int) -> list[tuple[float, float, int]]:
        ctx = make_context(seed=seed, start=(13.0, 3.0))
        ctx.command(Velocity(0.3, 0.0, 0.4))
        out = []
        for _ in range(150):
            ctx.step(0.1)
            assert ctx.state is not None
            out.append((ctx.state.pose.x, ctx.state.pose.y, ctx.counter("intruders_seen")))
        return out

    assert trace(5) == trace(5)


def test_pick_up_and_drop_off_change_mass_facts_and_deliveries() -> None:
    ctx = make_context()
    assert ctx.pick_up("kit", "depot") == 2.0  # the scenario's mass of the kit
    assert ctx.fact("carrying") and ctx.fact("carrying", "kit") and not ctx.fact("carrying", "x")
    assert ctx.value("payload_mass") == 2.0 and dict(ctx.carried) == {"kit": 2.0}
    assert ctx.world_sim.payload_at("kit") is None
    assert ctx.drop_off("kit", "shop", (7.0, 2.0))
    assert ctx.world_sim.payload_at("kit") == (7.0, 2.0)
    assert ctx.counter("deliveries") == 1 and ctx.fact("payload_delivered")
    assert ctx.delivered == ("kit",)
    ctx.pick_up("kit", "shop")
    assert not ctx.drop_off("kit", "shop", (7.0, 2.0))  # put back where it came from
    assert ctx.counter("deliveries") == 1
    changes = {c.key: (c.old, c.new) for c in ctx.changes()}
    assert changes["deliveries"] == (0, 1)


def test_speed_override_never_exceeds_max_speed() -> None:
    ctx = make_context()
    ctx.override_speed(2.0)
    assert ctx.speed_limit == 0.6 and ctx.speed_override == 2.0
    ctx.override_speed(0.3)
    assert ctx.speed_limit == 0.3
    ctx.override_speed(None)
    assert ctx.speed_limit == 0.6


def test_leaving_the_dock_clears_docked() -> None:
    ctx = make_context()
    ctx.dock("base", (2.0, 2.0))
    ctx.start_charging()
    assert ctx.fact("docked") and ctx.docked_name == "base"
    ctx.command(Velocity(0.5))
    for _ in range(30):
        ctx.step(0.1)
    assert not ctx.fact("docked") and ctx.docked_name is None and not ctx.charging


def test_sight_raster_adds_obstacle_height() -> None:
    raster = SightRaster(TerrainMap(WORLD))
    assert raster.sight_height(10.5, 5.0) == pytest.approx(2.0)
    assert raster.sight_height(5.0, 5.0) == pytest.approx(0.0)
    assert raster.ground_height(-50, -50) == pytest.approx(0.0)  # clamped to the grid


def test_start_pose_prefers_the_dock_then_a_waypoint() -> None:
    pose, where = start_pose(WORLD)
    assert (pose.x, pose.y) == (2.0, 2.0) and where == "dock base"
    bare = World("w", Rect(0, 0, 10, 10), waypoints=(("gate", (3.0, 4.0)),))
    pose, where = start_pose(bare)
    assert (pose.x, pose.y) == (3.0, 4.0) and where == "waypoint gate"


def test_detection_uses_its_own_generator_not_the_global_rng() -> None:
    import numpy as np

    np.random.seed(0)
    state_before = np.random.get_state()[1].copy()
    ctx = build_context(make_backend("kinematic"), WORLD, RobotConfig(), 3, scenario_config=EXACT)
    ctx.start(Pose(6.0, 10.0, yaw=math.pi / 2))
    for _ in range(20):
        ctx.step(0.1)
    assert (np.random.get_state()[1] == state_before).all()
    assert SensorModel().range == 8.0


def test_the_first_stop_reason_is_kept() -> None:
    ctx = make_context()
    assert ctx.stop_reason is None
    ctx.record_stop("battery empty at 3.0 s")
    ctx.record_stop("something later")
    assert ctx.stop_reason == "battery empty at 3.0 s"


def test_charging_needs_a_dock_and_stops_on_request() -> None:
    ctx = make_context()
    with pytest.raises(RuntimeError, match="not docked"):
        ctx.start_charging()
    ctx.dock("base", (2.0, 2.0))
    ctx.start_charging()
    ctx.stop_charging()
    assert not ctx.charging and ctx.fact("docked")


def test_injected_drain_empties_the_battery_faster() -> None:
    ctx = make_context()
    ctx.add_drain(360.0)  # 360 W for 1 s = 0.1 Wh = 0.1 % of 100 Wh
    assert ctx.extra_drain_w == 360.0
    for _ in range(10):
        ctx.step(0.1)
    assert ctx.energy_wh > 0.1 - 1e-9
    assert ctx.min_battery == pytest.approx(ctx.battery)


def test_closed_regions_are_frozen_values_and_gate_paths() -> None:
    ctx = make_context()
    ctx.close_region("gate", Rect(5.0, 0.0, 6.0, 4.0), 12.0)
    [region] = ctx.closed_regions
    assert (region.name, region.since) == ("gate", 12.0)
    with pytest.raises(AttributeError):
        region.name = "other"  # type: ignore[misc]
    assert ctx.blocked_region_on(((2.0, 2.0), (8.0, 2.0))) == "gate"
    assert ctx.blocked_region_on(((2.0, 2.0), (2.0, 8.0))) is None


def test_reads_are_read_only() -> None:
    ctx = make_context()
    for name in ("stop_reason", "charging", "speed_override", "closed_regions", "found", "state"):
        with pytest.raises(AttributeError):
            setattr(ctx, name, None)
    with pytest.raises(TypeError):
        ctx.carried["x"] = 1.0  # type: ignore[index]


def test_robot_config_defaults_are_the_robot_properties() -> None:
    from bt_runtime.robot_config import PROPERTY_OF_FIELD
    from bt_runtime.vocabulary import ROBOT_PROPERTIES

    config = RobotConfig()
    for field_name, prop in PROPERTY_OF_FIELD.items():
        assert getattr(config, field_name) == ROBOT_PROPERTIES[prop].default, field_name
    assert set(PROPERTY_OF_FIELD.values()) == set(ROBOT_PROPERTIES)


def test_a_non_finite_backend_state_ends_the_run_at_the_last_finite_one() -> None:
    """A blown-up physics step (NaN position) was taken as the state: a run could end in SUCCESS
    with "distance: nan m". It is a stop, and the context keeps the last finite state."""
    import dataclasses
    import math

    ctx = make_context()
    backend = ctx._backend  # type: ignore[attr-defined]
    step = backend.step
    ctx.step(0.1)
    good = ctx.state
    distance = ctx.distance

    def blown(dt: float) -> Any:
        state = step(dt)
        return dataclasses.replace(state, pose=dataclasses.replace(state.pose, x=math.nan))

    backend.step = blown
    ctx.step(0.1)
    assert ctx.stop_reason is not None and ctx.stop_reason.startswith(
        "the simulation diverged at 0.1 s: the backend reported a non-finite x")
    assert ctx.state is good and ctx.distance == distance and math.isfinite(ctx.distance)
