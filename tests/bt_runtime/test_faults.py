"""Fault injection: the --fault syntax, and what each fault does to a run."""

from __future__ import annotations

import math

import pytest
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.executor import Executor
from bt_runtime.faults import BatteryFault, BlockRegion, FaultSpecError, Push, parse_fault
from locomotion.world import Rect
from tests.bt_runtime.runtime_world import WORLD, make_context


def test_parse_push_battery_and_block() -> None:
    assert parse_fault("push@40s:impulse=30,dir=90") == Push(40.0, 30.0, 90.0, 0.1)
    assert parse_fault("push@1.5min:impulse=12.5,dir=-45,duration=0.2") == Push(
        90.0, 12.5, -45.0, 0.2
    )
    assert parse_fault("battery@60s:drop=50") == BatteryFault(60.0, 50.0, 0.0)
    assert parse_fault("battery@10:drain=300,drop=5") == BatteryFault(10.0, 5.0, 300.0)
    # every time unit of the language, read from the vocabulary (ms too, and min before m...s)
    assert parse_fault("battery@1500ms:drop=5").at == 1.5
    assert parse_fault("battery@0.5h:drop=5").at == 1800.0
    block = parse_fault("block@30s:region=wall", WORLD)
    assert isinstance(block, BlockRegion) and block.name == "wall" and block.at == 30.0
    rect = parse_fault("block@2min:x=1..2,y=15..16")
    assert isinstance(rect, BlockRegion) and rect.shape == Rect(1, 15, 2, 16) and rect.at == 120


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("push", "expected KIND@TIME:KEY=VALUE"),
        ("shove@3s:impulse=3", "unknown fault kind 'shove'"),
        ("push@3s:impulse=3", "a push needs impulse="),
        ("push@3s:impulse=x,dir=3", "impulse='x' is not a number"),
        ("push@3s:impulse=3,dir=3,force=2", "unknown key 'force'"),
        ("push@3s:impulse=-3,dir=3", "must be >= 0"),
        # before: accepted; on pybullet 1e308 N·s made the state NaN and the run "succeeded",
        # and a 1e308 s push overflowed its step count (OverflowError)
        ("push@3s:impulse=1e308,dir=3", "impulse must be at most 200 N·s"),
        ("push@3s:impulse=3,dir=3,duration=1e308", "duration at most 10 s"),
        ("battery@3s:", "needs drop="),
        ("battery@3s:drop=150", "between 0 and 100"),
        ("battery@3s:drain=1e308", "drain between 0 and 10000 W"),
        ("battery@3s:drop", "'drop' is not key=value"),
        ("block@3s:region=nowhere", "no terrain region 'nowhere' (regions: box_e"),
        ("block@3s:x=3..1,y=1..2", "from low to high"),
        ("block@3s:x=3", "a block needs region=NAME"),
    ],
)
def test_bad_specs_name_the_flag_and_show_examples(spec: str, expected: str) -> None:
    with pytest.raises(FaultSpecError) as info:
        parse_fault(spec, WORLD)
    message = str(info.value)
    assert message.startswith(f"--fault {spec!r}: ")
    assert expected in message
    assert "write e.g. push@40s:impulse=30,dir=90" in message


def test_a_soft_push_shoves_the_robot_sideways() -> None:
    ctx = make_context(start=(3.0, 5.0))
    root = Sequence("m", memory=True, children=[bh.GoTo("go", bh.Place("p", 8.0, 5.0))])
    ex = Executor(root, ctx, 10.0, faults=[Push(1.0, 10.0, 90.0)])
    pushed = 0.0
    while ctx.time < 2.0:
        ex.tick_once()
        pushed = max(pushed, ctx.position()[1] - 5.0)
    assert pushed > 0.15  # towards +y (90 deg)
    assert ctx.counter("falls") == 0


def test_a_hard_push_fells_the_robot_which_gets_up_and_arrives() -> None:
    ctx = make_context(start=(3.0, 5.0))
    goal = bh.Place("p", 8.0, 5.0)
    root = Sequence("m", memory=True, children=[bh.GoTo("go", goal)])
    report = Executor(root, ctx, 10.0, faults=[Push(1.0, 60.0, 90.0)]).run()
    assert report.falls == 1
    assert report.outcome == "success"
    assert ctx.distance_to(goal.xy) < 0.4


def test_battery_drain_speeds_up_the_discharge() -> None:
    def battery_after(faults: list[BatteryFault]) -> float:
        ctx = make_context()
        root = Sequence("m", memory=True, children=[bh.Wait("w", 20.0)])
        Executor(root, ctx, 10.0, faults=faults).run()
        return ctx.battery

    plain = battery_after([])
    drained = battery_after([BatteryFault(10.0, drain=360.0)])  # 1 Wh in 10 s = 1 % of 100 Wh
    assert plain - drained == pytest.approx(1.0, abs=0.02)


def test_a_blocked_region_fails_the_walk_that_has_no_detour() -> None:
    # the block closes the wall's only gap mid-walk: the walk replans at once and fails, saying why
    ctx = make_context()
    gate = parse_fault("block@2s:x=10..11,y=14..20", WORLD)
    root = Sequence("m", memory=True, children=[bh.GoTo("go to east", bh.Place("e", 15.0, 3.0))])
    report = Executor(root, ctx, 10.0, faults=[gate]).run()
    assert report.outcome == "failure"
    assert report.failure_reason.startswith("cannot reach e: no detour")
    assert "rect x 10..11 y 14..20 cut every route" in report.failure_reason
    assert math.isclose(report.duration, 2.1, abs_tol=0.15)
