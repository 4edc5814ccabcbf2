"""A world's floors meet their stairs and ramps; places stand on the ground; things stay inside."""

from __future__ import annotations

from pathlib import Path

from tests.dsl.helpers import HEADER, WORLD, at, check, errors, only, where

STEPS = """\
world "Deck site"
bounds (0, 0) to (30, 20)
dock base at (1, 1)
terrain steps: stairs rect (5, 2) to (6.5, 4) { rise 10 cm  tread 30 cm  count 5  heading 0 deg }
terrain deck: flat rect (6.5, 0) to (10, 6) { elevation 60 cm }
terrain ramp: slope rect (12, 8) to (16, 10) { angle 10 deg  heading 0 deg }
terrain bank: flat rect (16, 6) to (20, 12) { elevation 50 cm }
"""


MEETING = STEPS.replace("elevation 60 cm", "elevation 50 cm").replace(
    "(20, 12) { elevation 50 cm }", "(20, 12) { elevation 70.5 cm }")


def test_a_floor_higher_than_its_stairs_is_an_error_at_its_elevation(tmp_path: Path) -> None:
    report = check(tmp_path, "", world=STEPS, name="w.world")
    d = only(report, "the top of stairs")
    assert d.message == ("the top of stairs `steps` is at 50 cm (5 x 10 cm from 0 cm), but `deck` "
                         "there is at 60 cm")
    assert where(d) == at(STEPS, "60 cm")
    assert d.hint == "set `elevation 50 cm` on `deck`, or change the stairs so that they meet it"


def test_a_floor_that_misses_the_top_of_its_ramp(tmp_path: Path) -> None:
    d = only(check(tmp_path, "", world=STEPS, name="w.world"), "ramp")
    # tan(10 deg) x 4 m = 70.5 cm
    assert d.message == ("the top of ramp `ramp` is at 70.5 cm (10 deg over 4 m from 0 cm), but "
                         "`bank` there is at 50 cm")
    assert where(d) == at(STEPS, "50 cm")


def test_floors_that_meet_their_stairs_are_clean(tmp_path: Path) -> None:
    world = MEETING
    report = check(tmp_path, "", world=world, name="w.world")
    assert not report.has_errors, report.render()


def test_the_foot_of_a_flight_must_meet_the_ground_it_rises_from(tmp_path: Path) -> None:
    world = STEPS + "terrain yard: flat rect (3, 0) to (5, 6) { elevation 20 cm }\n"
    d = only(check(tmp_path, "", world=world, name="w.world"), "the foot of")
    assert d.message == "the foot of stairs `steps` is at 0 cm, but `yard` there is at 20 cm"
    assert where(d) == at(world, "terrain steps")
    assert d.hint == "set `elevation 20 cm` on `steps`"


def test_a_waypoint_height_that_misses_the_ground_under_it(tmp_path: Path) -> None:
    world = MEETING
    text = HEADER + "waypoint on_deck at (8, 3, 0)\nmain {\n  go to on_deck\n}\n"
    d = only(check(tmp_path, text, world=world), "is written at")
    assert d.message == ("waypoint `on_deck` is written at z = 0 cm, but the ground there "
                         "(flat `deck`) is at 50 cm")
    assert where(d) == at(text, "0)")
    assert d.hint == "write (8, 3, 0.5), or leave z out: it is then taken from the ground"


def test_a_height_left_out_is_taken_from_the_ground(tmp_path: Path) -> None:
    world = MEETING
    text = (HEADER + "waypoint on_deck at (8, 3)\nwaypoint near at (2, 2, 0.03)\n"
            "main {\n  stand\n}\n")
    report = check(tmp_path, text, world=world)
    assert not errors(report), report.render()  # (two warnings: the places are never used)
    places = report.programs[0].resolved.places
    assert places["on_deck"] == ("waypoint", 8.0, 3.0, 0.5)
    assert places["near"][3] == 0.03  # written within the tolerance: kept as written


def test_an_area_outside_the_bounds(tmp_path: Path) -> None:
    text = HEADER + "area far rect (45, 25) to (55, 28)\nmain {\n  search far for victim\n}\n"
    d = only(check(tmp_path, text), "outside")
    assert d.message == "area `far` reaches outside the world bounds (0, 0) to (50, 30)"
    assert where(d) == at(text, "rect (45")


def test_victims_and_intruders_outside_the_bounds(tmp_path: Path) -> None:
    world = WORLD + "victim lost at (60, 5)\nintruder walker path (5, 5) -> (5, 40)\n"
    report = check(tmp_path, "", world=world, name="w.world")
    lost = only(report, "victim `lost`")
    assert lost.message == "victim `lost` at (60, 5) is outside the world bounds (0, 0) to (50, 30)"
    assert where(lost) == at(world, "(60, 5)")
    walker = only(report, "intruder")
    assert walker.message == ("intruder `walker` walks to (5, 40), outside the world bounds "
                              "(0, 0) to (50, 30)")
    assert where(walker) == at(world, "(5, 40)")
