"""Diagnostics of statements and task calls: message, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dsl.helpers import HEADER, at, check, errors, only, where


def test_clean_mission_has_no_errors(tmp_path: Path) -> None:
    text = HEADER + """
route loop: gate -> tower -> gate
area lot rect (0, 0) to (10, 6)
task sweep(r: route, laps: int, pause: time) {
    repeat laps { follow r  wait pause }
} on failure { alert "sweep failed" }
main {
    guard battery < 25 % { go to base  charge until 90 % }
    sweep(loop, 2, 3 s)
    sweep(r: loop, pause: 1 min, laps: 1)
    search lot for victim
    if victims_found >= 1 and not carrying medkit { report "found" } else { succeed }
    timeout 30 s { go to (4, 4) }
}
"""
    report = check(tmp_path, text)
    assert errors(report) == [], report.render()


def test_unknown_place_suggests_the_closest_name(tmp_path: Path) -> None:
    text = HEADER + "main { go to gatee }\n"
    d = only(check(tmp_path, text), "unknown")
    assert d.message == "unknown place `gatee`"
    assert d.hint == "did you mean `gate`?"
    assert where(d) == at(text, "gatee")


def test_wrong_kind_of_name(tmp_path: Path) -> None:
    text = HEADER + "main { follow gate }\n"
    d = only(check(tmp_path, text), "is a waypoint")
    assert d.message == "`gate` is a waypoint, but `follow` route must be a route"
    assert where(d) == at(text, "gate }")


def test_dimension_mismatch(tmp_path: Path) -> None:
    text = HEADER + "main { wait 5 kg }\n"
    d = only(check(tmp_path, text), "is a mass")
    assert d.message == "`5 kg` is a mass, but `wait` duration is a time"
    assert d.hint == "use one of: s, ms, min, h"
    assert where(d) == at(text, "5 kg")


def test_bare_number_needs_a_unit(tmp_path: Path) -> None:
    text = HEADER + "main { guard battery < 25 { dock } wait 1 s }\n"
    d = only(check(tmp_path, text), "expected a unit")
    assert d.message == "expected a unit after 25"
    assert d.hint is not None and d.hint.startswith("write it with a unit, e.g. `25 %`")
    assert where(d) == at(text, "25")


def test_bare_zero_is_allowed_for_any_dimension(tmp_path: Path) -> None:
    text = HEADER + "main { wait 0  go to gate }\n"
    assert errors(check(tmp_path, text)) == []


def test_value_out_of_range(tmp_path: Path) -> None:
    text = HEADER + "main { charge until 120 %  wait -5 s }\n"
    report = check(tmp_path, text)
    high = only(report, "until")
    assert high.message == ("value out of range: `charge` until must be > 0 and <= 100 %, "
                            "got 120 %")
    assert where(high) == at(text, "120 %")
    negative = only(report, "duration")
    assert negative.message == "value out of range: `wait` duration must be >= 0 s, got -5 s"
    assert where(negative) == at(text, "-5 s")


def test_unknown_choice_suggests(tmp_path: Path) -> None:
    text = HEADER + "main { set gait trott }\n"
    d = only(check(tmp_path, text), "gait")
    assert d.message == "unknown `set gait` gait `trott`"
    assert d.hint == "did you mean `trot`?"
    assert where(d) == at(text, "trott")


@pytest.mark.parametrize(
    ("call", "fragment", "message"),
    [
        ("t(gate)", "missing argument", "missing argument `n` of task `t`"),
        ("t(gate, 2, 3)", "takes", "task `t` takes 2 arguments, got 3"),
        ("t(gate, nn: 2)", "no parameter", "task `t` has no parameter `nn`"),
        ("t(gate, 2.5)", "whole number", "argument `n` must be a whole number, got 2.5"),
        ("t(tower, 2 s)", "plain number", "argument `n` is a plain number, not a time"),
        ("t(medkit, 2)", "is a payload",
         "`medkit` is a payload, but argument `p` must be a place (waypoint, station or dock)"),
        ("t(p: gate, 2)", "positional", "a positional argument cannot follow a named one"),
    ],
)
def test_wrong_task_arguments(tmp_path: Path, call: str, fragment: str, message: str) -> None:
    text = HEADER + "task t(p: place, n: int) { go to p }\nmain { " + call + " }\n"
    d = only(check(tmp_path, text), fragment)
    assert d.message == message
    assert d.span.line == 4


def test_missing_argument_points_at_the_call(tmp_path: Path) -> None:
    text = HEADER + "task t(p: place, n: int) { go to p }\nmain { t(gate) }\n"
    d = only(check(tmp_path, text), "missing argument")
    assert where(d) == at(text, "t(gate)")
    assert d.hint == "call it as t(p, n)"


def test_unknown_named_argument_suggests(tmp_path: Path) -> None:
    text = HEADER + "task t(laps: int) { wait 1 s }\nmain { t(lap: 2) }\n"
    d = only(check(tmp_path, text), "no parameter")
    assert d.hint == "did you mean `laps`?"
    assert where(d) == at(text, "lap:")


def test_parameter_of_wrong_type_inside_task(tmp_path: Path) -> None:
    text = HEADER + "task t(r: route) { go to r }\nmain { t(x) }\nroute x: gate -> tower\n"
    d = only(check(tmp_path, text), "parameter")
    assert d.message == ("`r` is a route parameter, but `go to` target must be a place "
                         "(waypoint, station or dock) or a point")
    assert where(d) == at(text, "r }")


def test_unknown_parameter_type(tmp_path: Path) -> None:
    text = HEADER + "task t(r: rout) { succeed }\nmain { t(gate) }\n"
    d = only(check(tmp_path, text), "parameter type")
    assert d.message == "unknown parameter type `rout`"
    assert d.hint == "did you mean `route`?"
    assert where(d) == at(text, "rout)")




def test_code_after_forever(tmp_path: Path) -> None:
    text = HEADER + "main {\n  repeat forever { wait 1 s }\n  go to gate\n}\n"
    d = only(check(tmp_path, text), "forever")
    assert d.message == "code after `forever` is never reached"
    assert where(d) == at(text, "go to gate")


def test_repeat_count_must_be_positive_whole(tmp_path: Path) -> None:
    text = HEADER + "main { repeat 0 { wait 1 s } }\n"
    d = only(check(tmp_path, text), "repeat count")
    assert d.message == "value out of range: the repeat count must be >= 1, got 0"
    assert where(d) == at(text, "0 {")


@pytest.mark.parametrize("statement", ["repeat {n} {{ wait 1 s }}", "retry {n} {{ stand }}"])
def test_a_count_past_the_largest_float_is_one_error_saying_too_large(
    tmp_path: Path, statement: str
) -> None:
    text = HEADER + "main { " + statement.format(n="9" * 400) + " }\n"
    report = errors(check(tmp_path, text))
    # before: "must be a whole number" (false: it is one) and "out of range", both with 400 digits
    assert len(report) == 1
    assert report[0].message.endswith(" is too large: 999999999999... (400 characters)")
    assert where(report[0]) == at(text, "999")






def test_guard_at_the_end_warns(tmp_path: Path) -> None:
    text = HEADER + "main { go to gate  guard stuck { dock } }\n"
    d = only(check(tmp_path, text), "protects nothing")
    assert not d.is_error
    assert where(d) == at(text, "guard")


def test_search_kind_is_checked(tmp_path: Path) -> None:
    text = HEADER + "area lot rect (0, 0) to (10, 6)\nmain { search lot for victims }\n"
    d = only(check(tmp_path, text), "kind")
    assert d.message == "unknown `search` kind `victims`"
    assert d.hint == "did you mean `victim`?"



@pytest.mark.parametrize("stmt", ["report n", "alert n", "fail n"])
def test_message_parameter_must_be_text(tmp_path: Path, stmt: str) -> None:
    text = HEADER + f"task t(n: int) {{ {stmt} }}\nmain {{ t(1) }}\n"
    d = only(check(tmp_path, text), "parameter")
    assert d.message.startswith("`n` is an int parameter, but `")
    assert d.message.endswith("must be a string in double quotes")
    assert where(d) == at(text, "n }")


def test_message_name_outside_a_task_is_an_error(tmp_path: Path) -> None:
    text = HEADER + "main { report hello }\n"
    d = only(check(tmp_path, text), "hello")
    assert d.message == "`report` text must be a string in double quotes, not the name `hello`"
    assert where(d) == at(text, "hello")


def test_text_parameter_in_report_checks_clean(tmp_path: Path) -> None:
    text = HEADER + 'task say(msg: text) { report msg  alert msg  fail msg }\nmain { say("x") }\n'
    assert errors(check(tmp_path, text)) == []


def test_dimension_article_reads_as_english(tmp_path: Path) -> None:
    text = HEADER + "robot a1 { battery 50 kg }\nmain { succeed }\n"
    d = only(check(tmp_path, text), "battery")
    assert d.message == "`50 kg` is a mass, but robot battery is an energy"


def test_open_range_end_is_described_as_excluded(tmp_path: Path) -> None:
    text = HEADER + "main { dock  charge until 0 % }\n"
    d = only(check(tmp_path, text), "range")
    assert d.message == "value out of range: `charge` until must be > 0 and <= 100 %, got 0 %"


# ------------------------------------------------------------- two motions at the same time (issue 11)
def test_two_walks_in_one_parallel_are_an_error_with_both_spans(tmp_path: Path) -> None:
    text = HEADER + "main {\n    parallel { go to gate  go to tower }\n}\n"
    d = only(check(tmp_path, text), "can run at the same time")
    assert d.is_error
    assert where(d) == at(text, "go to tower")
    first = at(text, "go to gate")
    assert d.message == (f"`go to` here and `go to` at line {first[0]}, col {first[1]} can run at "
                         "the same time in this `parallel`: the robot has one set of legs")
    assert len(d.notes) == 1
    assert (d.notes[0].span.line, d.notes[0].span.col) == first


def test_a_motion_through_task_calls_counts(tmp_path: Path) -> None:
    text = HEADER + """
task inner(p: place) { report "off"  go to p }
task outer() { inner(gate) }
main {
    parallel any { wait 5 s  outer()  report "x"  sit }
}
"""
    d = only(check(tmp_path, text), "can run at the same time")
    assert where(d) == at(text, "sit")
    assert "`go to` (through task `outer` -> `inner`)" in d.message
    assert (d.notes[0].span.line, d.notes[0].span.col) == at(text, "outer()", 2)


def test_one_motion_beside_non_motions_is_fine(tmp_path: Path) -> None:
    text = HEADER + """
task note() { report "n"  wait 1 s }
main {
    parallel { go to gate  report "going"  note()  set speed 0.3 m/s }
    parallel any { charge until 90 %  wait 10 min }
    parallel { sequence { parallel { follow_up() } }  wait 1 s }
}
task follow_up() { if docked { stand } else { go to base } }
"""
    report = check(tmp_path, text)
    assert [d for d in errors(report) if "same time" in d.message] == [], report.render()


def test_motions_nested_in_children_and_a_long_call_chain(tmp_path: Path) -> None:
    chain = "".join(f"task t{i}() {{ t{i + 1}() }}\n" for i in range(300))
    text = HEADER + chain + "task t300() { dock }\n" + """
main {
    parallel { timeout 1 min { if docked { succeed } else { retry 2 { t0() } } }
               guard stuck { stand }  report "x" }
}
"""
    d = only(check(tmp_path, text), "can run at the same time")
    assert where(d) == at(text, "stand")
    assert "`stand` here and `dock` (through task `t0` ->" in d.message


def test_an_empty_fallback_is_an_error_at_the_fallback(tmp_path: Path) -> None:
    """It passed check and failed the run with only "reason: failed"; an empty sequence,
    parallel, repeat or retry succeeds at once and stays allowed."""
    text = HEADER + ("main {\n  sequence { }  parallel all { }  repeat 2 { }\n"
                     "  fallback { }\n}\n")
    report = check(tmp_path, text)
    d = only(report, "empty `fallback`")
    assert d.message == ("an empty `fallback` always fails: it has no alternative to succeed "
                         "with")
    assert where(d) == at(text, "fallback { }")
    assert len(errors(report)) == 1
