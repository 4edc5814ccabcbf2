"""pick up, drop off and charge runners."""

from __future__ import annotations

import pytest
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions.handling import HANDLING_TIME
from bt_runtime.robot import RobotConfig
from tests.bt_runtime.runtime_world import DEPOT, SHOP, make_context, run_leaf


def test_pick_up_at_the_station_loads_the_payload_after_handling_time() -> None:
    ctx = make_context(start=(4.3, 6.0))
    pick = bh.PickUp("pick up kit", "kit", DEPOT)
    assert run_leaf(pick, ctx) == Status.SUCCESS
    assert pick.feedback_message == "picked up kit (2 kg) at depot"
    assert ctx.time == pytest.approx(HANDLING_TIME, abs=0.15)
    assert ctx.fact("carrying", "kit") and ctx.payload_mass == 2.0
    ctx.step(0.1)
    assert ctx.state is not None and ctx.state.payload_mass == 2.0  # told the backend


def test_pick_up_far_from_the_station_fails() -> None:
    ctx = make_context(start=(2.0, 2.0))
    pick = bh.PickUp("pick up kit", "kit", DEPOT)
    assert run_leaf(pick, ctx) == Status.FAILURE
    assert "m from station depot: must be within 1 m (go to depot first)" in pick.feedback_message


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
    ctx.load("kit", 2.0, "depot")
    drop = bh.DropOff("drop off kit at shop", SHOP, "kit")
    assert run_leaf(drop, ctx) == Status.SUCCESS
    assert drop.feedback_message == "delivered kit at shop"
    assert ctx.counter("deliveries") == 1 and ctx.fact("payload_delivered")
    assert ctx.scenario.payloads["kit"] == (7.0, 2.0)
    assert ctx.payload_mass == 0.0


def test_drop_off_without_a_payload_fails() -> None:
    ctx = make_context(start=(7.0, 2.0))
    drop = bh.DropOff("drop off at shop", SHOP)
    assert run_leaf(drop, ctx) == Status.FAILURE
    assert drop.feedback_message == "cannot drop off at shop: not carrying anything"
    named = bh.DropOff("drop off kit at shop", SHOP, "kit")
    assert run_leaf(named, ctx) == Status.FAILURE
    assert named.feedback_message == "cannot drop off at shop: not carrying kit"


def test_drop_off_far_from_the_station_fails() -> None:
    ctx = make_context(start=(2.0, 2.0))
    ctx.load("kit", 2.0, "depot")
    drop = bh.DropOff("drop off at shop", SHOP)
    assert run_leaf(drop, ctx) == Status.FAILURE
    assert "from station shop: must be within 1 m" in drop.feedback_message


def test_charge_needs_a_dock() -> None:
    ctx = make_context()
    charge = bh.Charge("charge until 90 %", 90.0)
    assert run_leaf(charge, ctx) == Status.FAILURE
    assert charge.feedback_message == "cannot charge: not docked (dock first)"


def test_charge_on_the_dock_reaches_the_target() -> None:
    ctx = make_context(config=RobotConfig(battery_wh=100.0, initial_charge=50.0))
    ctx.dock_on("base", (2.0, 2.0))
    charge = bh.Charge("charge until 60 %", 60.0)
    assert run_leaf(charge, ctx) == Status.SUCCESS
    assert ctx.battery >= 60.0
    # 10 Wh at 1 kW is 36 s (plus the idle drain while sitting)
    assert 36.0 <= ctx.time < 40.0
    assert not ctx.charging


def test_charge_already_above_target_succeeds_at_once() -> None:
    ctx = make_context()
    charge = bh.Charge("charge until 50 %", 50.0)
    assert run_leaf(charge, ctx) == Status.SUCCESS
    assert ctx.time == 0.0
