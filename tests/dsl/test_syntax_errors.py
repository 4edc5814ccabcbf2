"""Syntax errors read like advice: each known mistake, with its line and column."""

from __future__ import annotations

import pytest

from dsl.diagnostics import Diagnostic
from dsl.parser import GRAMMAR, MAX_NESTING, parse_text
from dsl.syntax_errors import EXAMPLES, end_span, unclosed_brace


def diag(text: str) -> Diagnostic:
    result = parse_text(text, "x.mission")
    assert result.file is None and len(result.diagnostics) == 1
    return result.diagnostics[0]


def pos(d: Diagnostic) -> tuple[int, int]:
    return d.span.line, d.span.col


def test_missing_brace_at_end_of_file_names_the_open_brace() -> None:
    d = diag("main {\n  go to dock\n  repeat 2 {\n    wait 1 s\n  }\n")
    assert d.message == "missing '}' to close the block opened at 1:6"
    assert pos(d) == (5, 4)  # just after the last character of the text


def test_missing_brace_before_the_next_declaration() -> None:
    d = diag("task t() {\n  dock\nmain { dock }\n")
    assert d.message == "missing '}' to close the block opened at 1:10"
    assert pos(d) == (3, 1)


def test_missing_brace_when_a_declaration_reads_like_a_call() -> None:
    d = diag("main { dock\nwaypoint a at (0, 0)\n")
    assert d.message == "missing '}' to close the block opened at 1:6"
    assert pos(d) == (2, 1)


def test_unknown_unit() -> None:
    d = diag("main {\n  wait 10 sec\n}\n")
    assert d.message == "unknown unit `sec` after 10"
    assert pos(d) == (2, 11)


def test_unknown_unit_suggests_a_close_one() -> None:
    d = diag("main { set speed 2 m/sec }")
    assert d.message == "unknown unit `m/sec` after 2"
    assert d.hint == "did you mean `m/s`?"
    assert pos(d) == (1, 20)


def test_unexpected_character() -> None:
    d = diag("waypoint a at (0, 0)\nwaypoint b@ at (1, 1)\n")
    assert d.message == "unexpected character '@'"
    assert pos(d) == (2, 11)


def test_unterminated_string() -> None:
    d = diag('main { report "hello }\n')
    assert d.message == "unterminated string"
    assert pos(d) == (1, 15)


def test_unmatched_closing_brace() -> None:
    d = diag("main { dock } }")
    assert d.message == "unmatched '}': no block is open here"
    assert pos(d) == (1, 15)


def test_unexpected_end_of_file_outside_a_block() -> None:
    d = diag("require success >=")
    assert d.message == "unexpected end of file"
    assert d.hint == "expected a number"
    assert pos(d) == (1, 19)


@pytest.mark.parametrize(("text", "message", "column"), [
    ("main { go dock }", "`go` must be followed by `to`, as in `go to gate`", 11),
    ("main { patrol }", "a task call needs parentheses, as in `patrol()`", 15),
    ("route r a -> b", "missing ':' after the route name, as in `route r: a -> b`", 9),
    ("waypoint a at 3", "expected a point such as `(3, 4)`", 15),
    ("station s (1, 2)", "missing `at` before the position, as in `waypoint gate at (0, 0)`", 11),
    ("main { if { dock } }", "a condition is missing", 11),
    ("task t { dock }", "a task needs a parameter list, as in `task name() { ... }`", 8),
    ("mission Patrol", "expected a string in double quotes", 9),
    ("main { t(a b) }", "missing ',' between arguments", 12),
    ("main { repeat 3 dock }", "missing '{' to open the block", 17),
])
def test_known_mistakes(text: str, message: str, column: int) -> None:
    d = diag(text)
    assert d.message == message
    assert pos(d) == (1, column)


def test_every_example_fails_to_parse() -> None:
    for label, snippets in EXAMPLES.items():
        for snippet in snippets:
            assert parse_text(snippet, "x").file is None, (label, snippet)


def test_too_deep_nesting_is_refused() -> None:
    text = "main { " + "sequence { " * (MAX_NESTING + 5) + "}" * (MAX_NESTING + 6)
    d = diag(text)
    assert d.message.startswith("nested too deeply")


def test_long_condition_chain_does_not_crash() -> None:
    text = "main { if " + " and ".join(["docked"] * 3000) + " { dock } }"
    assert "nested too deeply" in diag(text).message


def test_helpers() -> None:
    assert unclosed_brace('main { report "{" # {\n') == (1, 6)
    assert unclosed_brace("main { }") is None
    assert end_span("ab\ncd\n\n", "f") == end_span("ab\ncd", "f")
    assert GRAMMAR.options.parser == "lalr"
