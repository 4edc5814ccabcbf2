"""stand, sit, set speed and set gait runners."""

from __future__ import annotations

from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions.posture import SETTLE_TIME
from tests.bt_runtime.runtime_world import make_context, run_leaf


def test_sit_then_stand() -> None:
    ctx = make_context()
    assert run_leaf(bh.Sit("sit"), ctx) == Status.SUCCESS
    assert ctx.gait() == "sit"
    assert abs(ctx.time - SETTLE_TIME) < 0.15
    assert run_leaf(bh.Stand("stand"), ctx) == Status.SUCCESS
    assert ctx.gait() != "sit"


def test_set_speed_caps_the_walk() -> None:
    ctx = make_context()
    setter = bh.SetSpeed("set speed 0.2 m/s", 0.2)
    assert run_leaf(setter, ctx) == Status.SUCCESS
    assert setter.feedback_message == "speed limit 0.2 m/s"
    assert ctx.speed_limit == 0.2
    goto = bh.GoTo("go", bh.Place("p", 6.0, 2.0))
    assert run_leaf(goto, ctx) == Status.SUCCESS
    assert ctx.time > 3.6 / 0.2  # 4 m less the 0.3 m tolerance at no more than 0.2 m/s


def test_set_gait_forces_and_auto_clears() -> None:
    ctx = make_context()
    assert run_leaf(bh.SetGait("set gait crawl", "crawl"), ctx) == Status.SUCCESS
    for _ in range(5):
        ctx.step(0.1)
    assert ctx.gait() == "crawl" and ctx.gait_override == "crawl"
    assert run_leaf(bh.SetGait("set gait auto", "auto"), ctx) == Status.SUCCESS
    assert ctx.gait_override is None
    for _ in range(5):
        ctx.step(0.1)
    assert ctx.gait() == "trot"
