"""The ActionPort: runner lookup, fresh runners on restart, halts, stop reasons."""

from __future__ import annotations

import py_trees
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions import RUNNERS, ActionPort
from bt_runtime.behaviours import ActionBehaviour
from bt_runtime.bindings import BEHAVIOURS
from tests.bt_runtime.runtime_world import make_context


def test_every_robot_action_of_the_vocabulary_has_a_runner() -> None:
    robot_actions = {key for key, cls in BEHAVIOURS.items() if issubclass(cls, ActionBehaviour)}
    assert robot_actions == set(RUNNERS)


def test_port_is_a_robot_port() -> None:
    assert isinstance(ActionPort(make_context()), bh.RobotPort)


def test_halt_stops_a_running_go_to_and_a_finished_one_is_not_halted() -> None:
    ctx = make_context()
    port = ActionPort(ctx)
    goto = bh.GoTo("go", bh.Place("p", 8.0, 2.0))
    goto.setup(robot=port)
    goto.tick_once()
    assert goto.status == Status.RUNNING and len(port.active) == 1
    for _ in range(10):
        ctx.step(0.1)
    goto.stop(Status.INVALID)  # what a preempting guard does
    assert port.active == {}
    ctx.step(0.1)
    ctx.step(0.1)
    assert ctx.state is not None and ctx.state.nav_status == "idle"
    # halting a behaviour without a runner does nothing (and does not stop the robot)
    other = bh.GoTo("go 2", bh.Place("q", 9.0, 2.0))
    other.setup(robot=port)
    other.tick_once()
    goto.stop(Status.INVALID)
    ctx.step(0.1)
    ctx.step(0.1)
    assert ctx.state.nav_status == "active"


def test_a_restarted_behaviour_gets_a_fresh_runner() -> None:
    ctx = make_context()
    port = ActionPort(ctx)
    stand = bh.Stand("stand")
    stand.setup(robot=port)
    runners = []
    for _ in range(2):
        while True:
            stand.tick_once()
            if stand.status != Status.RUNNING:
                break
            runners.append(next(iter(port.active.values()))[0])
            ctx.step(0.1)
        assert stand.status == Status.SUCCESS
    assert len({id(r) for r in runners}) == 2


def test_unknown_action_and_stop_reason_fail_with_a_reason() -> None:
    ctx = make_context()
    port = ActionPort(ctx, runners={})
    sit = bh.Sit("sit")
    sit.setup(robot=port)
    sit.tick_once()
    assert sit.status == Status.FAILURE and sit.feedback_message == "no runner for action 'sit'"
    port = ActionPort(ctx)
    ctx.record_stop("battery empty at 3.0 s")
    stand = bh.Stand("stand")
    stand.setup(robot=port)
    tree = py_trees.composites.Sequence("s", memory=True, children=[stand])
    tree.tick_once()
    assert stand.status == Status.FAILURE and stand.feedback_message == "battery empty at 3.0 s"


def test_every_runner_has_a_finite_timeout_and_says_how_it_was_chosen() -> None:
    from locomotion.world import Circle

    ctx = make_context()
    place = bh.Place("p", 4.0, 6.0)
    samples = {
        "go_to": bh.GoTo("g", place),
        "follow": bh.FollowRoute("f", bh.Route("r", (place, bh.Place("q", 6.0, 6.0)))),
        "search": bh.SearchArea("s", Circle((5.0, 5.0), 2.0), "victim"),
        "scan": bh.Scan("sc", "victim", radius=5.0),
        "pick_up": bh.PickUp("pu", "kit", place),
        "drop_off": bh.DropOff("do", place),
        "dock": bh.Dock("d"),
        "charge": bh.Charge("c", 90.0),
        "stand": bh.Stand("st"),
        "sit": bh.Sit("si"),
        "set_speed": bh.SetSpeed("ss", 0.3),
        "set_gait": bh.SetGait("sg", "crawl"),
    }
    assert set(samples) == set(RUNNERS)
    for key, behaviour in samples.items():
        runner = RUNNERS[key](behaviour, ctx)
        assert 0 < runner.timeout < 10_000, key
        assert runner.timeout_rule, key
