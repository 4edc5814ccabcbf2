"""Temporal ``require`` lines over mission variables: checked as a guard's condition would be
(unknown name with did-you-mean, a flag compared, a counter alone, a counter against a unit),
with line and column, and compiled to criteria that read the variable."""

from __future__ import annotations

from pathlib import Path

from bt_runtime import expressions as E
from tests.dsl.helpers import HEADER, at, check, compile_text, errors, only, where

VARS = "var searched_west = false\nvar attempts = 0\n"


def _error(tmp_path: Path, line: str, fragment: str, needle: str) -> str:
    """The one error of ``line`` (after the variables) containing ``fragment``, at ``needle``."""
    text = HEADER + VARS + line + "\nmain { set attempts = attempts + 1 }\n"
    report = check(tmp_path, text)
    diagnostic = only(report, fragment)
    assert diagnostic.is_error and len(errors(report)) == 1, report.render()
    assert where(diagnostic) == at(text, needle)
    return diagnostic.hint or ""


def test_a_misspelt_counter_gets_did_you_mean(tmp_path: Path) -> None:
    hint = _error(tmp_path, "require always attemps <= 2", "unknown robot state `attemps`",
                  "attemps")
    assert hint == "did you mean `attempts`?"


def test_a_misspelt_flag_gets_did_you_mean_in_within_and_its_trigger(tmp_path: Path) -> None:
    hint = _error(tmp_path, "require serched_west within 5 min", "unknown fact `serched_west`",
                  "serched_west")
    assert hint == "did you mean `searched_west`?"
    hint = _error(tmp_path, "require docked within 5 min of serched_west",
                  "unknown fact `serched_west`", "serched_west")
    assert hint == "did you mean `searched_west`?"


def test_a_flag_compared_and_a_counter_alone(tmp_path: Path) -> None:
    hint = _error(tmp_path, "require always searched_west > 0", "`searched_west` is a flag",
                  "searched_west >")
    assert hint == "use it alone, e.g. `if searched_west` or `if not searched_west`"
    hint = _error(tmp_path, "require always not attempts", "`attempts` is a counter: compare it",
                  "attempts\n")
    assert hint == "e.g. `attempts > 0`"


def test_a_counter_compared_with_a_unit_or_a_fraction(tmp_path: Path) -> None:
    _error(tmp_path, "require always attempts <= 2 m", "counter `attempts`", "2 m")
    _error(tmp_path, "require always attempts <= 1.5", "counter `attempts`", "1.5")


def test_the_bad_line_is_dropped_and_the_good_ones_compile_to_variable_reads(
        tmp_path: Path) -> None:
    text = HEADER + VARS + ("require always attempts <= 2\nrequire searched_west within 5 min\n"
                            "require docked within 1 min of searched_west and attempts >= 1\n"
                            "main { set searched_west = true }\n")
    compiled = compile_text(tmp_path, text)
    always, within, trigger = compiled.temporal
    assert always.expr == E.CounterCompare("attempts", "<=", 2)
    assert always.label() == "always attempts <= 2"
    assert within.expr == E.FactIs("searched_west") and within.duration == 300.0
    assert trigger.label() == "docked within 1 min of searched_west and attempts >= 1"
