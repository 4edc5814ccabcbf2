"""search and scan runners, and the coverage lanes."""

from __future__ import annotations

import math

from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions import ActionPort
from bt_runtime.actions.looking import MIN_COVERAGE, lanes
from bt_runtime.behaviours import Place
from locomotion.world import Circle, Rect
from tests.bt_runtime.runtime_world import WORLD, handler_takes_over, make_context, run_leaf


def test_lanes_snake_across_the_longer_side_at_the_spacing() -> None:
    pattern = lanes(Rect(0, 0, 12, 6), 2.0, lambda x, y: True)
    assert len(pattern) == 3
    assert [round(lane[0][1], 2) for lane in pattern] == [1.0, 3.0, 5.0]
    assert pattern[0][0][0] < pattern[0][-1][0]  # first lane eastwards
    assert pattern[1][0][0] > pattern[1][-1][0]  # second lane back west


def test_lanes_skip_blocked_stretches() -> None:
    pattern = lanes(Rect(8, 1, 13, 3), 4.0, lambda x, y: not WORLD.is_blocked(x, y))
    (lane,) = pattern
    assert len(lane) == 4  # two free stretches, either side of the wall
    assert all(not 10 <= x <= 11 for x, _ in lane)


def test_search_covers_the_area_and_finds_the_victim() -> None:
    ctx = make_context(start=(4.0, 10.0))
    search = bh.SearchArea("search north", Rect(2, 12, 9, 18), "victim")
    assert run_leaf(search, ctx, max_time=400) == Status.SUCCESS
    assert search.feedback_message.startswith("search done: ")
    assert "unreachable" not in search.feedback_message
    assert ctx.fact("victim_found") and ctx.counter("victims_found") == 1


def test_search_with_an_unreachable_part_still_succeeds_above_the_coverage_floor() -> None:
    ctx = make_context(start=(18.0, 10.0))
    # a wide area whose middle lane point sits inside the closed box: most of it is reachable
    search = bh.SearchArea("search east", Rect(14, 4, 29, 20), "victim")
    status = run_leaf(search, ctx, max_time=800)
    assert status == Status.SUCCESS, search.feedback_message
    assert "search done" in search.feedback_message
    assert "lane point(s) unreachable" in search.feedback_message


def test_search_of_an_unreachable_area_fails_with_the_coverage_and_reason() -> None:
    ctx = make_context(start=(18.0, 10.0))
    search = bh.SearchArea("search box", Rect(20.6, 12.6, 25.4, 15.9), "victim")
    assert run_leaf(search, ctx, max_time=200) == Status.FAILURE
    message = search.feedback_message
    assert message.startswith("covered only ") and f"needs {MIN_COVERAGE:.0%}" in message
    assert "cannot reach" in message


def test_scan_turns_a_full_circle_and_sees_the_intruder() -> None:
    ctx = make_context(start=(16.0, 8.0))
    scan = bh.Scan("scan", "intruder", radius=8.0)
    assert run_leaf(scan, ctx) == Status.SUCCESS
    assert scan.feedback_message == "scan done within 8 m: 1 intruder seen (prowler)"
    assert ctx.fact("intruder_seen")
    assert 2 * math.pi / 0.6 - 1 < ctx.time < 2 * math.pi / 0.6 + 3
    assert ctx.sensor is ctx.config.sensor  # the scan's sensor mode is cleared


def test_scan_of_a_far_area_fails_saying_go_closer() -> None:
    ctx = make_context(start=(2.0, 2.0))
    scan = bh.Scan("scan far", "intruder", area=Circle((28.0, 18.0), 1.0))
    assert run_leaf(scan, ctx) == Status.FAILURE
    assert "beyond the scan range" in scan.feedback_message


def test_scan_of_a_near_area_succeeds() -> None:
    ctx = make_context(start=(16.0, 8.0))
    scan = bh.Scan("scan yard", "victim", area=Circle((16.0, 6.0), 3.0))
    assert run_leaf(scan, ctx) == Status.SUCCESS
    assert scan.feedback_message.endswith("0 victims seen")


def test_scan_waits_for_the_robot_to_get_up_and_finishes_the_turn() -> None:
    import dataclasses

    ctx = make_context(start=(16.0, 8.0))
    real_step = ctx.backend.step

    def falls_for_a_while(dt: float):  # type: ignore[no-untyped-def]
        state = real_step(dt)
        return dataclasses.replace(state, fallen=3.0 < state.time < 8.0)

    ctx.backend.step = falls_for_a_while  # type: ignore[method-assign]
    scan = bh.Scan("scan", "intruder", radius=8.0)
    assert run_leaf(scan, ctx) == Status.SUCCESS
    assert ctx.counter("falls") == 1
    assert ctx.time > 5.0 + 2 * math.pi / 0.6 - 1  # the 5 s on the ground did not count as turning


def test_a_scan_for_payloads_reports_them_without_counting_them() -> None:
    ctx = make_context(start=(4.0, 4.0))
    scan = bh.Scan("scan", "payload", radius=6.0)
    assert run_leaf(scan, ctx) == Status.SUCCESS
    assert scan.feedback_message.startswith("scan done within 6 m: 2 payloads seen (")
    assert sorted(scan.feedback_message[:-1].split("(")[1].split(", ")) == ["anvil", "kit"]
    assert ctx.counter("victims_found") == 0 and ctx.counter("intruders_seen") == 0


def test_a_halted_scan_leaves_the_legs_and_sensor_to_the_action_that_took_them() -> None:
    """A guard fires mid-scan: the handler's walk starts in the same tick, then the scan is
    halted. The halt must not stop that walk ("another action took the legs (stop)"), nor put
    back the robot's own sensor over a scan the handler started."""
    ctx = make_context(start=(4.0, 4.0))
    port = ActionPort(ctx)
    scan = bh.Scan("scan", "intruder", radius=5.0)
    goto = bh.GoTo("go to depot", Place("depot", 4.0, 10.0))
    second = bh.Scan("scan again", "victim", radius=3.0)
    for node in (scan, goto, second):
        node.setup(robot=port, state=ctx, clock=lambda: ctx.time)
    for _ in range(5):
        scan.tick_once()
        ctx.step(0.1)
    assert scan.status == Status.RUNNING
    assert handler_takes_over(scan, goto, ctx) == Status.SUCCESS, goto.feedback_message
    # a scan halted while another scan looks leaves that scan's sensor on
    scan.tick_once()
    second.tick_once()
    scan.stop(Status.INVALID)
    assert ctx.sensor.range == 3.0
