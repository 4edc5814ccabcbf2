"""Terrain the robot cannot do on the way the mission needs: the planner's reachability, blamed."""

from __future__ import annotations

from pathlib import Path

from dsl.api import check_paths
from tests.dsl.helpers import HEADER, at, check, errors, only, where

# A corridor 4 m wide: the dock at the west end, a feature across it at x = 10..14, the far end
# beyond. Walls above and below leave no way round.
CORRIDOR = """\
world "Corridor"
bounds (0, 0) to (30, 10)
terrain wall_s: obstacle rect (0, 0) to (30, 3) {{ height 2 m }}
terrain wall_n: obstacle rect (0, 7) to (30, 10) {{ height 2 m }}
dock base at (1, 5)
{feature}
"""

MISSION = HEADER + "waypoint far at (20, 5)\nmain {\n  go to far\n}\n"


def corridor(feature: str) -> str:
    return CORRIDOR.format(feature=feature)


def test_stairs_too_steep_for_the_legs_block_the_way(tmp_path: Path) -> None:
    world = corridor(
        "terrain flight: stairs rect (10, 3) to (11.5, 7) { rise 25 cm  tread 30 cm  count 5  "
        "heading 0 deg }\nterrain top: flat rect (11.5, 3) to (30, 7) { elevation 125 cm }")
    d = only(check(tmp_path, MISSION, world=world), "cannot be reached")
    assert d.message == "`far` cannot be reached from the dock `base`"
    assert where(d) == at(MISSION, "far\n}")
    assert d.hint == ("stairs `flight` rise 25 cm a step; the A1 climbs flights of at most 13.8 cm "
                      "a step (kinematic_calibration.json: edges.max_stair_rise)")


def test_a_raised_floor_without_stairs_is_a_step_the_planner_refuses(tmp_path: Path) -> None:
    world = corridor("terrain deck: flat rect (10, 3) to (30, 7) { elevation 25 cm }")
    d = only(check(tmp_path, MISSION, world=world), "cannot be reached")
    assert d.hint is not None and d.hint.startswith(
        "`deck` stands at 25 cm: a path crosses edges of at most 10 cm "
        "(kinematic_calibration.json: edges.planner_step; the A1 climbs single steps up to 27.5 cm")


def test_a_ramp_too_steep_for_the_planner_blocks_the_way(tmp_path: Path) -> None:
    world = corridor("terrain ramp: slope rect (10, 3) to (14, 7) { angle 35 deg  heading 0 deg }\n"
                     "terrain top: flat rect (14, 3) to (30, 7) { elevation 280 cm }")
    d = only(check(tmp_path, MISSION, world=world), "cannot be reached")
    assert d.hint == ("ramp `ramp` is 35 deg; the A1 walks up at most 25 deg "
                      "(limits_calibration.json: limits.max_slope_deg)")


def test_a_ramp_steeper_than_calibrated_on_the_only_way_is_an_error(tmp_path: Path) -> None:
    # 28 deg: the planner walks it (its limit is 30 deg), the physics A1 made no progress at 30
    # and was not swept between 25 and 30: the leg is not one the robot is known to manage.
    world = corridor("terrain ramp: slope rect (10, 3) to (14, 7) { angle 28 deg  heading 0 deg }\n"
                     "terrain top: flat rect (14, 3) to (30, 7) { elevation 212.7 cm }")
    report = check(tmp_path, MISSION, world=world)
    d = only(report, "climbs ramp")
    assert d.message == ("the way to `far` climbs ramp `ramp` (28 deg): the A1 walks up at most "
                         "25 deg (limits_calibration.json: limits.max_slope_deg)")
    assert where(d) == at(MISSION, "far\n}")
    assert len(errors(report)) == 1, report.render()


def test_a_gentle_ramp_and_stairs_the_legs_climb_are_clean(tmp_path: Path) -> None:
    world = corridor("terrain ramp: slope rect (10, 3) to (14, 7) { angle 10 deg  heading 0 deg }\n"
                     "terrain top: flat rect (14, 3) to (30, 7) { elevation 70.5 cm }")
    assert not check(tmp_path, MISSION, world=world).has_errors


def test_an_area_and_a_point_beyond_the_blockage(tmp_path: Path) -> None:
    world = corridor("terrain moat: water rect (10, 3) to (12, 7) { depth 1 m }")
    text = HEADER + "area east rect (20, 4) to (25, 6)\nmain {\n  search east for victim\n" \
        "  go to (22, 5)\n}\n"
    report = check(tmp_path, text, world=world)
    area = only(report, "area `east`")
    assert area.message == "area `east` cannot be reached from the dock `base`"
    assert where(area) == at(text, "east for")
    point = only(report, "(22, 5) cannot")
    assert where(point) == at(text, "(22, 5)")


def test_a_named_dock_beyond_the_blockage(tmp_path: Path) -> None:
    world = corridor("terrain moat: water rect (10, 3) to (12, 7) { depth 1 m }")
    text = HEADER + "dock far_dock at (20, 5)\nmain {\n  dock at far_dock\n  charge until 90 %\n}\n"
    d = only(check(tmp_path, text, world=world), "cannot be reached")
    assert d.message == "`far_dock` cannot be reached from the dock `base`"
    assert where(d) == at(text, "far_dock\n")
    assert d.hint is not None and "enclosed by impassable ground" in d.hint  # water: no breach


def test_the_example_missions_need_nothing_the_robot_cannot_do() -> None:
    from dsl.api import check_paths

    root = Path(__file__).resolve().parents[2] / "missions"
    report = check_paths([str(root / m) for m in ("rescue.mission", "patrol.mission",
                                                  "logistics.mission")])
    assert not report.diagnostics, report.render()


def test_a_boxed_in_start_is_one_error_not_one_per_place(tmp_path: Path) -> None:
    world = corridor("terrain cage_n: obstacle rect (0, 5.3) to (2, 7) { height 2 m }\n"
                     "terrain cage_e: obstacle rect (1.3, 3) to (2, 7) { height 2 m }\n"
                     "terrain cage_s: obstacle rect (0, 3) to (2, 4.7) { height 2 m }\n"
                     "terrain moat: water rect (10, 3) to (12, 7) { depth 1 m }")
    text = HEADER + "waypoint far at (20, 5)\nwaypoint near at (5, 5)\nmain {\n  go to near\n" \
        "  go to far\n}\n"
    report = check(tmp_path, text, world=world)
    assert len(errors(report)) == 1, report.render()
    d = errors(report)[0]
    assert d.message == ("the run starts boxed in on the dock `base`: no free ground within 1 m of "
                         "it, so nothing can be reached")
    assert where(d) == at(text, "near\n  go")


def test_walls_on_a_raised_floor_are_not_blamed_as_floors(tmp_path: Path) -> None:
    world = corridor("terrain deck: flat rect (10, 3) to (30, 7) { elevation 50 cm }\n"
                     "terrain rail: obstacle rect (10, 3) to (30, 3.3) "
                     "{ height 1 m  elevation 50 cm }")
    d = only(check(tmp_path, MISSION, world=world), "cannot be reached")
    assert d.hint is not None and "`deck` stands at 50 cm" in d.hint and "rail" not in d.hint


# ------------------------------------------------------------------ each leg from where it starts
# A deck 1 m up: a gentle ramp (10 deg) from the dock's side, a steep one (28 deg: the planner
# walks it, the A1 was calibrated up to 25 deg) on the far side. `low` is on the ground beyond the
# steep ramp: from the dock the way to it goes round the deck, and the way to `top` up the gentle
# ramp; from `low` the planner's way to `top` is up the steep ramp.
DECK = """\
world "Deck"
bounds (0, 0) to (40, 20)
terrain gentle: slope rect (8.33, 6) to (14, 14) { angle 10 deg  heading 0 deg }
terrain deck: flat rect (14, 6) to (26, 14) { elevation 100 cm }
terrain steep: slope rect (26, 6) to (27.88, 14) { angle 28 deg  heading 180 deg }
dock base at (2, 10)
waypoint top at (20, 10)
waypoint low at (32, 10)
"""


def _deck(tmp_path: Path, body: str, tasks: str = "") -> tuple[str, list]:  # type: ignore[type-arg]
    text = HEADER + tasks + "main {\n" + body + "}\n"
    return text, errors(check(tmp_path, text, world=DECK))


def test_each_place_alone_is_reached_from_the_start(tmp_path: Path) -> None:
    for body in ("  go to top\n", "  go to low\n", "  go to top\n  go to base\n  go to low\n"):
        _text, found = _deck(tmp_path, body)
        assert found == [], body


def test_a_goal_reached_from_the_start_but_not_from_the_previous_goal(tmp_path: Path) -> None:
    text, found = _deck(tmp_path, "  go to low\n  go to top\n")
    (d,) = found
    assert d.message == ("the way from `low` to `top` climbs ramp `steep` (28 deg): the A1 walks "
                         "up at most 25 deg (limits_calibration.json: limits.max_slope_deg)")
    assert where(d) == at(text, "top\n}")
    assert d.hint == (f"the robot stands at `low` after line {at(text, 'low')[0]}; from the dock "
                      "`base` the way to `top` does not cross it: route back that way with a "
                      "waypoint, or make the ramp gentler")


def test_the_way_down_a_ramp_steeper_than_calibrated_says_descends(tmp_path: Path) -> None:
    text, found = _deck(tmp_path, "  go to top\n  go to low\n")
    (d,) = found
    assert d.message == ("the way from `top` to `low` descends ramp `steep` (28 deg): the A1 "
                         "walks up at most 25 deg (limits_calibration.json: "
                         "limits.max_slope_deg), and no steeper ramp was calibrated down")
    assert where(d) == at(text, "low\n}")


def test_points_stations_docks_and_route_stops_are_legs_too(tmp_path: Path) -> None:
    for body in ("  go to (32, 10)\n  go to top\n", "  go to low\n  dock at top_dock\n",
                 "  follow back\n"):
        text = (HEADER + "dock top_dock at (21, 9)\nroute back: low -> top\nmain {\n" + body
                + "}\n")
        found = errors(check(tmp_path, text, world=DECK))
        assert len(found) == 1 and "climbs ramp `steep`" in found[0].message, (body, found)


def test_no_error_where_the_robot_may_stand_elsewhere(tmp_path: Path) -> None:
    for body in (
        "  if victims_found > 0 { go to low }\n  go to top\n",  # or still at the dock
        "  go to low\n  search yard for victim\n  go to top\n",  # somewhere in the area
        "  go to low\n  parallel { stand  wait 1 s }\n  go to top\n",  # after a parallel
        "  go to low\n  charge until 90 %\n  go to top\n",  # the nearest dock
        "  go to low on failure skip\n  go to top\n",  # low skipped: anywhere on the way
        "  go to low\n  t()\n",  # the top of a task body
        "  guard battery < 20 % { dock at base  charge until 90 % }\n  go to low\n  go to top\n",
        "  go to top\n  repeat 2 { go to low  go to (2, 4) }\n",  # a second round starts at (2, 4)
    ):
        _text, found = _deck(tmp_path, body, 'area yard rect (30, 2) to (36, 18)\n'
                                              'task t() { go to top }\n')
        assert found == [], (body, found)


def test_errors_where_every_position_leads_over_the_ramp(tmp_path: Path) -> None:
    for body in (
        "  if victims_found > 0 { go to low } else { go to (33, 12) }\n  go to top\n",
        "  go to low\n  wait 2 s\n  stand_by()\n  go to top\n",  # a call that does not move
        "  go to low\n  parallel { go to top  wait 1 s }\n",  # inside: from where it stands
        "  repeat 2 { go to low  go to top }\n",
        "  go to low\n  sequence { report \"at low\"  go to top }\n",
    ):
        text, found = _deck(tmp_path, body, "task stand_by() { stand }\n")
        assert len(found) == 1 and "climbs ramp `steep`" in found[0].message, (body, found)
        assert where(found[0]) == at(text, "top", text.count("go to top")), body


def test_every_position_is_named_when_each_way_crosses_the_ramp(tmp_path: Path) -> None:
    text, found = _deck(tmp_path, "  if victims_found > 0 { go to low } else { go to (33, 12) }\n"
                                  "  go to top\n")
    (d,) = found
    assert d.message.startswith("the way from (33, 12) or `low` to `top` climbs ramp `steep`")
    line = at(text, "low")[0]
    assert d.hint is not None and d.hint.startswith(
        f"the robot stands at (33, 12) after line {line}, or at `low` after line {line}; from the "
        "dock `base` the way to `top` does not cross it")


def test_ramps_are_judged_on_a_bounded_number_of_ways_then_a_warning(tmp_path: Path) -> None:
    places = "".join(f"waypoint p{i} at ({30 + i % 8}, {2 + i // 8})\n" for i in range(120))
    body = "".join(f"  go to p{i}\n  go to top\n" for i in range(120))
    text = HEADER + "main {\n" + body + "}\n"
    report = check(tmp_path, text, world=DECK + places)
    found = [d for d in report.diagnostics if d.severity == "warning"]
    (w,) = found
    assert w.message == ("ramps steeper than the A1 walks up are judged on the first 100 ways the "
                         "mission walks; this one and later ones are not")
    climbs = [d for d in errors(report) if "climbs ramp `steep`" in d.message]
    assert 30 <= len(climbs) <= 100  # the ways judged are still judged, the rest are not


def test_an_area_reached_only_over_a_ramp_steeper_than_calibrated_is_an_error(tmp_path: Path) -> None:
    # A search (or scan) of an area whose every way in crosses the 28 deg ramp was not judged at
    # all, while `go to` a point in that area was an error (found writing a harbour mission).
    world = corridor("terrain ramp: slope rect (10, 3) to (14, 7) { angle 28 deg  heading 0 deg }\n"
                     "terrain top: flat rect (14, 3) to (30, 7) { elevation 212.7 cm }")
    for body in ("  search zone for victim\n", "  sweep(zone)\n"):
        text = (HEADER + "area zone rect (18, 4) to (22, 6)\n"
                "task sweep(z: area) { search z for victim }\nmain {\n" + body + "}\n")
        report = check(tmp_path, text, world=world)
        d = only(report, "climbs ramp")
        assert d.message == ("the way to area `zone` climbs ramp `ramp` (28 deg): the A1 walks up "
                             "at most 25 deg (limits_calibration.json: limits.max_slope_deg)")
        assert where(d) == at(text, "zone", 2), body
        assert len(errors(report)) == 1, report.render()


def test_an_area_with_ground_this_side_of_a_steep_ramp_is_clean(tmp_path: Path) -> None:
    world = corridor("terrain ramp: slope rect (10, 3) to (14, 7) { angle 28 deg  heading 0 deg }\n"
                     "terrain top: flat rect (14, 3) to (30, 7) { elevation 212.7 cm }")
    text = HEADER + "area zone rect (6, 4) to (20, 6)\nmain {\n  search zone for victim\n}\n"
    assert errors(check(tmp_path, text, world=world)) == []
    # in the deck world the far side is reached round the deck: no error for an area there
    text = HEADER + "area yard rect (30, 2) to (36, 18)\nmain {\n  search yard for victim\n}\n"
    assert errors(check(tmp_path, text, world=DECK)) == []


def test_the_harbour_loft_search_that_found_it() -> None:
    path = Path(__file__).parent / "regressions" / "loft_search.mission"
    report = check_paths([str(path)])
    (d,) = errors(report)
    assert d.message.startswith("the way to area `loft_area` climbs ramp `loft_ramp` (28 deg)")
    assert where(d) == at(path.read_text(), "loft_area for")
