"""The checker knows the robot: its calibrated limits, its load and its sensor's reach."""

from __future__ import annotations

from pathlib import Path

from dsl.check_robot import mission_needs
from tests.dsl.helpers import HEADER, WORLD, at, check, errors, only, where


def test_a_payload_over_the_robot_capacity_is_an_error_where_it_is_named(tmp_path: Path) -> None:
    text = (HEADER + "robot a1 { payload 5 kg }\npayload crate 7 kg at depot\n"
            "main {\n  pick up crate at depot\n  drop off at depot\n}\n")
    d = only(check(tmp_path, text), "payload capacity")
    assert d.message == "payload `crate` weighs 7 kg, over the robot's payload capacity of 5 kg"
    assert where(d) == at(text, "crate at depot\n  drop")
    assert d.hint == ("raise the robot's `payload` (if the model can carry it) or carry a lighter "
                      "load")


def test_a_payload_passed_to_a_task_counts_as_carried(tmp_path: Path) -> None:
    text = (HEADER + "payload crate 7 kg at depot\n"
            "task fetch(p: payload) { pick up p at depot }\nmain {\n  fetch(crate)\n}\n")
    d = only(check(tmp_path, text), "payload capacity")  # the default capacity: 5 kg
    assert where(d) == at(text, "crate)")


def test_a_declared_capacity_beyond_the_calibration(tmp_path: Path) -> None:
    text = HEADER + "robot a1 { payload 40 kg  max_speed 1.5 m/s }\nmain {\n  stand\n}\n"
    report = check(tmp_path, text)
    load = only(report, "cannot carry")
    assert load.message == ("the A1 cannot carry 40 kg: the heaviest load carried in its "
                            "calibration is 15 kg")
    assert where(load) == at(text, "40 kg")
    assert load.hint == "at most 15 kg (limits_calibration.json: limits.max_payload_kg)"
    speed = only(report, "cannot walk")
    assert speed.message == ("the A1 cannot walk 1.5 m/s: the fastest walk on flat ground in its "
                             "calibration is 1 m/s")
    assert where(speed) == at(text, "1.5 m/s")


def test_a_scan_radius_beyond_the_sensor_is_a_warning(tmp_path: Path) -> None:
    text = HEADER + "main {\n  scan radius 30 m for victim\n  scan radius 16 m for victim\n}\n"
    report = check(tmp_path, text)
    d = only(report, "beyond the sensor")
    assert not d.is_error
    assert d.message == ("scan radius 30 m is beyond the sensor's reach: a scan looks at most 16 m "
                         "and is capped there")
    assert where(d) == at(text, "30 m")
    assert not errors(report)


def test_charge_without_any_dock(tmp_path: Path) -> None:
    world = WORLD.replace("dock base at (1, 1)\n", "")
    text = HEADER + "main {\n  charge until 90 %\n}\n"
    d = only(check(tmp_path, text, world=world), "needs a dock")
    assert d.message == "`charge` needs a dock, and neither the world nor the mission declares one"
    assert where(d) == at(text, "charge")


def test_the_example_world_mission_is_clean(tmp_path: Path) -> None:
    text = HEADER + "main {\n  go to gate\n  dock\n  charge until 90 %\n}\n"
    assert not check(tmp_path, text).has_errors


def test_needs_follow_calls_through_tasks_once(tmp_path: Path) -> None:
    text = (HEADER + "area lot rect (0, 0) to (10, 6)\n"
            "task a() { b()  go to tower }\ntask b() { a()  search lot for victim }\n"
            "main {\n  a()\n  go to (3, 3)\n}\n")
    report = check(tmp_path, text)
    program = report.programs[0]
    assert program.main is not None
    needs = mission_needs(program.bodies, program.resolved)
    assert set(needs.places) == {"tower"} and set(needs.areas) == {"lot"}
    assert [p.span.line for p in needs.points] == [at(text, "(3, 3)")[0]]


def test_needs_reach_actions_inside_every_statement_kind(tmp_path: Path) -> None:
    text = (HEADER + "main {\n"
            "  guard battery < 20 % { go to (1, 2) }\n"
            "  if battery < 30 % { go to (1, 3) } else if battery < 40 % { go to (1, 4) } "
            "else { go to (1, 5) }\n"
            "  repeat 2 { go to (1, 6) }\n  retry 2 { go to (1, 7) }\n"
            "  timeout 10 min { go to (1, 8) }\n  fallback { go to (1, 9)  go to (1, 10) }\n"
            "  parallel { go to (1, 11) }\n"
            "  sequence { go to (1, 12) } on failure { go to (1, 13) }\n"
            "  go to (1, 14) on failure retry 2 every 5 s\n}\n")
    report = check(tmp_path, text)
    program = report.programs[0]
    assert program.main is not None, report.render()
    needs = mission_needs(program.bodies, program.resolved)
    assert [p.span.line for p in needs.points] == [at(text, f"(1, {y})")[0] for y in range(2, 15)]
    assert [p.coords[1].value for p in needs.points] == [float(y) for y in range(2, 15)]
