"""Terrain the robot cannot do on the way the mission needs: the planner's reachability, blamed."""

from __future__ import annotations

from pathlib import Path

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
