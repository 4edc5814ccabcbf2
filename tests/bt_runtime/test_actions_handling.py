"""pick up, drop off and charge runners."""

from __future__ import annotations

import pytest
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions.handling import HANDLING_TIME, REACH, PickUpRunner
from bt_runtime.behaviours import Place
from bt_runtime.robot import RobotConfig
from tests.bt_runtime.runtime_world import (
    DEPOT,
    SHOP,
    handler_takes_over,
    make_context,
    run_leaf,
)


def test_pick_up_at_the_station_loads_the_payload_after_handling_time() -> None:
    ctx = make_context(start=(4.3, 6.0))
    pick = bh.PickUp("pick up kit", "kit", DEPOT)
    assert run_leaf(pick, ctx) == Status.SUCCESS
    assert pick.feedback_message == "picked up kit (2 kg) at depot"
    assert ctx.time == pytest.approx(HANDLING_TIME, abs=0.15)
    assert ctx.fact("carrying", "kit") and ctx.payload_mass == 2.0
    ctx.step(0.1)
    assert ctx.state is not None and ctx.state.payload_mass == 2.0  # told the backend


def test_pick_up_far_from_the_station_walks_there_first() -> None:
    # `pick up kit at depot` reads "go to the depot and pick it up" (the registry says so).
    ctx = make_context(start=(2.0, 2.0))
    pick = bh.PickUp("pick up kit", "kit", DEPOT)
    assert run_leaf(pick, ctx) == Status.SUCCESS
    assert pick.feedback_message == "picked up kit (2 kg) at depot"
    assert ctx.distance_to(DEPOT.xy) <= REACH
    assert ctx.time > HANDLING_TIME + 2.0  # walked ~4.5 m, then loaded
    assert ctx.fact("carrying", "kit")


def test_pick_up_at_an_unreachable_station_fails_with_the_walk_reason() -> None:
    ctx = make_context(start=(2.0, 2.0))
    pick = bh.PickUp("pick up kit", "kit", Place("depot", 23.0, 14.25))
    ctx.world_sim.place_payload("kit", (23.0, 14.25))
    assert run_leaf(pick, ctx) == Status.FAILURE
    assert pick.feedback_message.startswith("cannot pick up kit: cannot reach station depot")
    assert not ctx.fact("carrying")


def test_pick_up_of_a_payload_elsewhere_fails_before_walking() -> None:
    ctx = make_context(start=(20.0, 2.0))
    pick = bh.PickUp("pick up kit", "kit", SHOP)
    assert run_leaf(pick, ctx) == Status.FAILURE
    assert pick.feedback_message == "cannot pick up kit: payload kit is not at station shop"
    assert ctx.time == 0.0 and ctx.distance_to(SHOP.xy) > 10.0


def test_pick_up_timeout_covers_the_walk() -> None:
    near = PickUpRunner(bh.PickUp("p", "kit", DEPOT), make_context(start=(4.3, 6.0)))
    far = PickUpRunner(bh.PickUp("p", "kit", DEPOT), make_context(start=(2.0, 2.0)))
    assert near.timeout == 30.0
    assert far.timeout > near.timeout + 4.0


def test_pick_up_of_a_payload_not_there_fails() -> None:
    ctx = make_context(start=(7.0, 2.3))
    pick = bh.PickUp("pick up kit", "kit", SHOP)
    assert run_leaf(pick, ctx) == Status.FAILURE
    assert pick.feedback_message == "cannot pick up kit: payload kit is not at station shop"


def test_pick_up_over_capacity_fails() -> None:
    ctx = make_context(start=(4.0, 6.0))
    pick = bh.PickUp("pick up anvil", "anvil", DEPOT)
    assert run_leaf(pick, ctx) == Status.FAILURE
    assert "over the robot's payload capacity of 5 kg" in pick.feedback_message
    assert not ctx.fact("carrying")


def test_drop_off_at_another_station_is_a_delivery() -> None:
    ctx = make_context(start=(7.0, 2.0))
    ctx.pick_up("kit", "depot")
    drop = bh.DropOff("drop off kit at shop", SHOP, "kit")
    assert run_leaf(drop, ctx) == Status.SUCCESS
    assert drop.feedback_message == "delivered kit at shop"
    assert ctx.counter("deliveries") == 1 and ctx.fact("payload_delivered")
    assert ctx.world_sim.payload_at("kit") == (7.0, 2.0)
    assert ctx.payload_mass == 0.0


def test_drop_off_without_a_payload_fails() -> None:
    ctx = make_context(start=(7.0, 2.0))
    drop = bh.DropOff("drop off at shop", SHOP)
    assert run_leaf(drop, ctx) == Status.FAILURE
    assert drop.feedback_message == "cannot drop off at shop: not carrying anything"
    named = bh.DropOff("drop off kit at shop", SHOP, "kit")
    assert run_leaf(named, ctx) == Status.FAILURE
    assert named.feedback_message == "cannot drop off at shop: not carrying kit"


def test_drop_off_far_from_the_station_walks_there_first() -> None:
    ctx = make_context(start=(2.0, 2.0))
    ctx.pick_up("kit", "depot")
    drop = bh.DropOff("drop off at shop", SHOP)
    assert run_leaf(drop, ctx) == Status.SUCCESS
    assert drop.feedback_message == "delivered kit at shop"
    assert ctx.distance_to(SHOP.xy) <= REACH and ctx.counter("deliveries") == 1


def test_drop_off_with_nothing_carried_fails_before_walking() -> None:
    ctx = make_context(start=(20.0, 2.0))
    drop = bh.DropOff("drop off at shop", SHOP)
    assert run_leaf(drop, ctx) == Status.FAILURE
    assert drop.feedback_message == "cannot drop off at shop: not carrying anything"
    assert ctx.time == 0.0


def test_charge_needs_a_dock() -> None:
    ctx = make_context()
    charge = bh.Charge("charge until 90 %", 90.0)
    assert run_leaf(charge, ctx) == Status.FAILURE
    assert charge.feedback_message == "cannot charge: not docked (dock first)"


def test_charge_on_the_dock_reaches_the_target() -> None:
    ctx = make_context(config=RobotConfig(battery_wh=100.0, initial_charge=50.0))
    ctx.dock("base", (2.0, 2.0))
    charge = bh.Charge("charge until 60 %", 60.0)
    assert run_leaf(charge, ctx) == Status.SUCCESS
    assert ctx.battery >= 60.0
    # 10 Wh at 1 kW is 36 s (plus the idle drain while sitting)
    assert 36.0 <= ctx.time < 40.0
    assert not ctx.charging


def test_a_charge_halted_under_a_handlers_charge_does_not_leave_it_uncharged() -> None:
    """``guard C { charge until 60 % }`` fires while the rest charges: the handler's charge starts,
    then the guard halts the rest's charge, which switches the one charger off. The handler's
    charge must still charge (it sat at 51 % of 60 % until its timeout)."""
    from bt_runtime.actions import ActionPort

    ctx = make_context(config=RobotConfig(battery_wh=100.0, initial_charge=50.0))
    ctx.dock("base", (2.0, 2.0))
    port = ActionPort(ctx)
    rest = bh.Charge("charge until 70 %", 70.0)
    handler = bh.Charge("charge until 60 %", 60.0)
    for node in (rest, handler):
        node.setup(robot=port, state=ctx, clock=lambda: ctx.time)
    for _ in range(3):
        rest.tick_once()
        ctx.step(0.1)
    assert handler_takes_over(rest, handler, ctx) == Status.SUCCESS, handler.feedback_message
    assert ctx.battery >= 60.0 and ctx.time < 45.0


def test_charge_already_above_target_succeeds_at_once() -> None:
    ctx = make_context()
    charge = bh.Charge("charge until 50 %", 50.0)
    assert run_leaf(charge, ctx) == Status.SUCCESS
    assert ctx.time == 0.0
