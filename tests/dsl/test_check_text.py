"""Diagnostics of the ``{placeholders}`` in report, alert and fail texts: message, line, column."""

from __future__ import annotations

from pathlib import Path

from tests.dsl.helpers import HEADER, at, check, errors, only, where


def test_known_placeholders_and_doubled_braces_are_accepted(tmp_path: Path) -> None:
    text = HEADER + """
task tell(what: text) { report what }
main {
    report "found {victim} at {position} ({confidence} sure)"
    alert "{intruder} at {position}"
    tell("carried {payload}, literal {{braces}}")
    fail "gave up after {victim}"
}
"""
    assert errors(check(tmp_path, text)) == []


def test_an_unknown_placeholder_is_refused_at_its_column_with_a_did_you_mean(
    tmp_path: Path,
) -> None:
    text = HEADER + 'main {\n    report "found {victim} at {postion}"\n}\n'
    d = only(check(tmp_path, text), "unknown placeholder")
    assert d.message == "unknown placeholder {postion}"
    assert d.hint == "did you mean {position}?"
    assert where(d) == at(text, "{postion}")
    assert (d.span.end_line, d.span.end_col) == (d.span.line, d.span.col + len("{postion}"))


def test_the_column_counts_the_escapes_written_before_the_placeholder(tmp_path: Path) -> None:
    text = HEADER + 'main { alert "the \\"west\\" wing: {vicitm}" }\n'
    d = only(check(tmp_path, text), "unknown placeholder")
    assert where(d) == at(text, "{vicitm}")


def test_a_string_passed_to_a_task_is_checked_where_it_is_written(tmp_path: Path) -> None:
    text = HEADER + 'task tell(what: text) { report what }\nmain { tell("at {place}") }\n'
    d = only(check(tmp_path, text), "unknown placeholder")
    assert d.message == "unknown placeholder {place}"
    assert d.hint is not None and d.hint.startswith("placeholders: {victim}, {intruder}, {payload}")
    assert where(d) == at(text, "{place}")


def test_a_stray_brace_is_refused_with_how_to_write_a_literal_one(tmp_path: Path) -> None:
    text = HEADER + 'main { report "set {a" }\n'
    d = only(check(tmp_path, text), "opens no placeholder")
    assert d.message == "a `{` that opens no placeholder"
    assert d.hint == "write a placeholder such as {victim}, or `{{` for a literal brace"
    assert where(d) == at(text, "{a")


def test_a_position_beside_two_kinds_is_ambiguous(tmp_path: Path) -> None:
    text = HEADER + 'main { report "{victim} and {intruder} at {position}" }\n'
    d = only(check(tmp_path, text), "ambiguous")
    assert d.message == "{position} is ambiguous: the text names intruder and victim"
    assert d.hint == "write one report per kind, each with its own position"
    assert where(d) == at(text, "{position}")
