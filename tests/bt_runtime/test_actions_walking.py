"""go to, follow and dock runners against the kinematic backend."""

from __future__ import annotations

import pytest
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions import ActionPort
from bt_runtime.behaviours import Place, Route
from bt_runtime.robot import RobotConfig
from locomotion.backend import NavStatus
from locomotion.world import Rect, World
from tests.bt_runtime.runtime_world import INSIDE_BOX, make_context, run_leaf


def test_go_to_reaches_a_place_around_the_wall() -> None:
    ctx = make_context()
    goto = bh.GoTo("go to far", Place("far", 15.0, 3.0))
    assert run_leaf(goto, ctx) == Status.SUCCESS
    assert goto.feedback_message == "reached far"
    assert ctx.distance_to((15.0, 3.0)) < 0.4
    assert ctx.distance > 20  # around the wall's end at y = 14


def test_go_to_already_there_succeeds_at_once() -> None:
    ctx = make_context()
    goto = bh.GoTo("go to base", Place("base", 2.0, 2.1))
    assert run_leaf(goto, ctx) == Status.SUCCESS
    assert goto.feedback_message == "at base"
    assert ctx.time == 0.0


def test_go_to_unreachable_fails_with_the_planner_reason() -> None:
    ctx = make_context()
    goto = bh.GoTo("go to box", INSIDE_BOX)
    assert run_leaf(goto, ctx) == Status.FAILURE
    assert goto.feedback_message.startswith("cannot reach inside_box: ")
    assert ctx.time < 1.0  # fails fast


def test_go_to_times_out_on_sim_time() -> None:
    ctx = make_context(config=RobotConfig(max_speed=0.6))
    goto = bh.GoTo("go to far", Place("far", 25.0, 18.0))
    from bt_runtime.actions import walking  # the limit is 30 s + 3x the path time: shrink it

    original = walking.walk_timeout
    walking.walk_timeout = lambda length, speed: 5.0  # type: ignore[assignment]
    try:
        assert run_leaf(goto, ctx) == Status.FAILURE
    finally:
        walking.walk_timeout = original  # type: ignore[assignment]
    assert goto.feedback_message.startswith("timed out after 5 s")
    assert 5.0 <= ctx.time <= 5.3
    ctx.step(0.5)
    assert ctx.state is not None and ctx.state.nav_status == NavStatus.IDLE  # halted: Stop


def test_go_to_fails_when_fallen_and_not_up_again() -> None:
    ctx = make_context()
    goto = bh.GoTo("go to far", Place("far", 8.0, 2.0))
    from bt_runtime.actions import base

    # a backend that never gets up: patch the state's fallen flag after the walk starts
    real_step = ctx.backend.step

    def fallen_step(dt: float):  # type: ignore[no-untyped-def]
        import dataclasses

        return dataclasses.replace(real_step(dt), fallen=True)

    ctx.backend.step = fallen_step  # type: ignore[method-assign]
    assert run_leaf(goto, ctx, max_time=60) == Status.FAILURE
    assert "did not get up within" in goto.feedback_message
    assert ctx.time == pytest.approx(base.FALL_WAIT, abs=0.5)
    assert ctx.counter("falls") == 1


def test_go_to_fails_when_a_closed_region_cuts_every_route() -> None:
    # the gate closes the only gap in the wall: no detour exists, and the walk says so
    ctx = make_context()
    ctx.close_region("gate", Rect(10.0, 14.0, 11.0, 20.0), 0.0)
    goto = bh.GoTo("go to far", Place("far", 15.0, 3.0))
    assert run_leaf(goto, ctx) == Status.FAILURE
    assert goto.feedback_message.startswith("cannot reach far: no detour")
    assert "gate cut every route" in goto.feedback_message


def test_go_to_walks_around_a_closed_region_when_a_detour_exists() -> None:
    # before closures were a planning layer, a closed region on the straight route failed the walk
    ctx = make_context()
    ctx.close_region("patch", Rect(4.0, 0.0, 6.0, 4.0), 0.0)
    goto = bh.GoTo("go to shop", Place("shop", 7.0, 2.0))
    seen_inside = []
    real_step = ctx.step

    def spy(dt: float):  # type: ignore[no-untyped-def]
        out = real_step(dt)
        x, y = ctx.position()[:2]
        seen_inside.append(4.0 <= x <= 6.0 and y <= 4.0)
        return out

    ctx.step = spy  # type: ignore[method-assign]
    assert run_leaf(goto, ctx) == Status.SUCCESS, goto.feedback_message
    assert not any(seen_inside)


def test_a_region_closed_behind_the_robot_does_not_fail_its_walk() -> None:
    # the walk crossed the patch and left it behind; then the patch closes. Before the fix the
    # path checked began at the walk's old start point, so the walked part clipped the patch.
    ctx = make_context()
    goto = bh.GoTo("go to shop", Place("shop", 8.0, 2.0))
    port_done = []
    real_step = ctx.step

    def spy(dt: float):  # type: ignore[no-untyped-def]
        out = real_step(dt)
        if not port_done and ctx.position()[0] > 5.5:
            ctx.close_region("patch", Rect(3.0, 1.0, 4.0, 3.0), ctx.time)
            port_done.append(ctx.time)
        return out

    ctx.step = spy  # type: ignore[method-assign]
    assert run_leaf(goto, ctx) == Status.SUCCESS, goto.feedback_message
    assert port_done


def test_a_robot_standing_in_a_closed_region_may_walk_out() -> None:
    # before the fix only the path's first metre was excused: from the middle of a 4 m wide
    # closed region the robot could never leave
    ctx = make_context(start=(5.0, 5.0))
    ctx.close_region("yard", Rect(3.0, 3.0, 7.0, 7.0), 0.0)
    goto = bh.GoTo("go to shop", Place("shop", 7.0, 1.0))
    assert run_leaf(goto, ctx) == Status.SUCCESS, goto.feedback_message


def test_follow_walks_each_place_for_each_lap() -> None:
    ctx = make_context()
    a, b, c = Place("a", 2.0, 2.0), Place("b", 6.0, 2.0), Place("c", 6.0, 6.0)
    route = Route("loop", (a, b, c, a), closed=True)
    follow = bh.FollowRoute("follow loop", route, laps=2)
    visited = []
    real_step = ctx.step

    def spy(dt: float):  # type: ignore[no-untyped-def]
        out = real_step(dt)
        for place in (b, c):
            if ctx.distance_to(place.xy) < 0.35 and (not visited or visited[-1] != place.name):
                visited.append(place.name)
        return out

    ctx.step = spy  # type: ignore[method-assign]
    assert run_leaf(follow, ctx) == Status.SUCCESS
    assert visited == ["b", "c", "b", "c"]
    assert follow.feedback_message == "followed loop 2 time(s)"
    assert ctx.distance_to(a.xy) < 0.4


def test_follow_failure_names_the_lap_and_leg() -> None:
    ctx = make_context()
    route = Route("bad", (Place("b", 6.0, 2.0), INSIDE_BOX))
    follow = bh.FollowRoute("follow bad", route)
    assert run_leaf(follow, ctx) == Status.FAILURE
    assert follow.feedback_message.startswith("lap 1/1 of bad: cannot reach inside_box")


def test_dock_walks_to_the_nearest_dock_and_settles() -> None:
    ctx = make_context(start=(24.0, 3.0))
    dock = bh.Dock("dock")
    assert run_leaf(dock, ctx) == Status.SUCCESS
    assert dock.feedback_message == "docked on far_dock"
    assert ctx.fact("docked") and ctx.docked_name == "far_dock"


def test_dock_at_a_named_dock_and_again_when_already_docked() -> None:
    ctx = make_context(start=(4.0, 3.0))
    dock = bh.Dock("dock at base", Place("base", 2.0, 2.0))
    assert run_leaf(dock, ctx) == Status.SUCCESS
    again = bh.Dock("dock at base", Place("base", 2.0, 2.0))
    assert run_leaf(again, ctx) == Status.SUCCESS
    assert again.feedback_message == "already docked on base"


def test_dock_without_docks_fails() -> None:
    world = World("bare", Rect(0, 0, 10, 10))
    ctx = make_context(start=(2.0, 2.0), world=world)
    dock = bh.Dock("dock")
    assert run_leaf(dock, ctx) == Status.FAILURE
    assert dock.feedback_message == "the world has no dock to walk to"


def test_go_to_fails_with_the_navigators_stuck_reason() -> None:
    import dataclasses

    ctx = make_context()
    real_step = ctx.backend.step
    reason = "stuck at (4.0, 2.0) on mud: no progress for 5 s after 4 replans"

    def stuck_step(dt: float):  # type: ignore[no-untyped-def]
        state = real_step(dt)
        if state.time > 2.0:
            return dataclasses.replace(state, nav_status=NavStatus.FAILED, nav_reason=reason)
        return state

    ctx.backend.step = stuck_step  # type: ignore[method-assign]
    goto = bh.GoTo("go to far", Place("far", 8.0, 2.0))
    assert run_leaf(goto, ctx) == Status.FAILURE
    assert goto.feedback_message == f"cannot reach far: {reason}"


def test_parallel_go_tos_do_not_both_report_reached(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``parallel { go to a  go to b }``: the second walk takes the legs; the first must not report
    "reached" from the backend's shared flag while the robot stands 35 m from ``a`` (issue 11).

    The checker refuses this mission; it is compiled regardless to run the runtime's own guard.
    """
    import py_trees as pt

    from dsl.api import check_paths
    from dsl.compiler import compile_mission

    world = 'world "w"\nbounds (0, 0) to (50, 10)\nwaypoint a at (40, 3)\nwaypoint b at (6, 3)\n'
    (tmp_path / "w.world").write_text(world)
    (tmp_path / "m.mission").write_text(
        'mission "P"\nworld "w.world"\nmain {\n    parallel { go to a  go to b }\n}\n')
    compiled = compile_mission(check_paths([str(tmp_path / "m.mission")]).programs[0])
    assert compiled.world is not None
    ctx = make_context(world=compiled.world, start=(5.0, 3.0))
    port = ActionPort(ctx)
    for node in compiled.root.iterate():
        node.setup(robot=port, state=ctx, clock=lambda: ctx.time)
    go_a, _go_b = [n for n in compiled.root.iterate() if isinstance(n, bh.GoTo)]
    while ctx.time < 60.0 and compiled.root.status in (pt.common.Status.INVALID,
                                                       pt.common.Status.RUNNING):
        compiled.root.tick_once()
        ctx.step(0.1)
    assert ctx.distance_to((40.0, 3.0)) > 30.0
    assert go_a.status == Status.FAILURE
    assert go_a.feedback_message.startswith("stopped walking to a: another action took the legs")
    assert compiled.root.status == Status.FAILURE


def test_a_reached_flag_short_of_the_goal_is_not_success() -> None:
    """The backend says "reached" 5 m short (another goal's flag, a drift): the walk walks on."""
    import dataclasses

    ctx = make_context()
    goto = bh.GoTo("go to far", Place("far", 8.0, 2.0))
    real_step = ctx.backend.step
    lies = {"left": 3}

    def lying_step(dt: float):  # type: ignore[no-untyped-def]
        state = real_step(dt)
        if lies["left"] and ctx.distance_to((8.0, 2.0)) > 5.0:
            lies["left"] -= 1
            return dataclasses.replace(state, nav_status=NavStatus.REACHED)
        return state

    ctx.backend.step = lying_step  # type: ignore[method-assign]
    assert run_leaf(goto, ctx) == Status.SUCCESS
    assert lies["left"] == 0  # it was told "reached" far away, and did not believe it
    assert ctx.distance_to((8.0, 2.0)) < 0.4


def test_path_ahead_drops_the_walked_part_of_the_path() -> None:
    from bt_runtime.actions.base import path_ahead

    path = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0))
    assert path_ahead(path, (2.0, 0.1)) == ((2.0, 0.1), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0))
    assert path_ahead(path, (3.9, 3.0)) == ((3.9, 3.0), (4.0, 4.0), (0.0, 4.0))
    assert path_ahead((), (1.0, 1.0)) == ((1.0, 1.0),)


def test_a_walk_measures_each_new_path_and_keeps_the_longest() -> None:
    """The walk measures a path once (the backend keeps the same tuple until it replans) and its
    estimate is the longest path seen: as when it measured every tick."""
    from types import SimpleNamespace

    from bt_runtime.actions.base import Walk, path_length

    walk = Walk((10.0, 0.0), "goal")
    ctx = SimpleNamespace(speed_limit=0.6, steps=0, time=0.0, closed_regions=(), motion=None)
    ctx.distance_to = lambda point: 10.0
    ctx.command = lambda command: setattr(ctx, "motion", command)
    walk.step(ctx)  # type: ignore[arg-type]  # issues the GoTo
    first = ((0.0, 0.0), (6.0, 8.0), (10.0, 0.0))
    longer = ((0.0, 0.0), (0.0, 20.0), (10.0, 0.0))
    shorter = ((0.0, 0.0), (10.0, 0.0))
    seen = []
    for path in (first, first, longer, shorter, tuple(first)):
        ctx.steps += 1
        ctx.state = SimpleNamespace(fallen=False, path=path, nav_status=NavStatus.ACTIVE,
                                    pose=SimpleNamespace(xy=(0.0, 0.0)))
        status, message = walk.step(ctx)  # type: ignore[arg-type]
        assert status == Status.RUNNING and message == "walking to goal: 10.0 m left"
        seen.append(walk.estimate(ctx))  # type: ignore[arg-type]
    assert seen == [path_length(first)] * 2 + [path_length(longer)] * 3


def test_follow_messages_name_the_lap_as_each_lap_starts() -> None:
    ctx = make_context()
    route = Route("r", (Place("a", 2.0, 2.1), Place("b", 4.0, 2.1)), closed=False)
    follow = bh.FollowRoute("follow r", route, laps=2)
    port = ActionPort(ctx)
    follow.setup(robot=port)
    messages = []
    for _ in range(400):
        follow.tick_once()
        messages.append(follow.feedback_message)
        if follow.status != Status.RUNNING:
            break
        ctx.step(0.1)
    assert follow.status == Status.SUCCESS
    laps = [m.split(":")[0] for m in messages if m.startswith("lap ")]
    assert laps[0] == "lap 1/2 of r" and laps[-1] == "lap 2/2 of r"
    assert sorted(set(laps)) == ["lap 1/2 of r", "lap 2/2 of r"]
