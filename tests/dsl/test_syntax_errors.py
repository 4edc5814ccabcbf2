"""Syntax errors read like advice: each known mistake, with its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.diagnostics import Diagnostic
from dsl.parser import GRAMMAR, MAX_NESTING, parse_text
from dsl.syntax_errors import EXAMPLES, end_span, unclosed_brace
from tests.dsl.helpers import at, check, only


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
    # a name too since `require COND within D`: its comparison may compare with a name
    assert d.hint == "expected a name, a number"
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
    # It parses now (the AST is built without recursion); the checker bounds it, see
    # tests/dsl/test_tree_limits.py::test_a_long_condition_chain_is_refused_at_its_span.
    text = "main { if " + " and ".join(["docked"] * 3000) + " { dock } }"
    assert parse_text(text, "m.mission").diagnostics == ()


def test_helpers() -> None:
    assert unclosed_brace('main { report "{" # {\n') == (1, 6)
    assert unclosed_brace("main { }") is None
    assert end_span("ab\ncd\n\n", "f") == end_span("ab\ncd", "f")
    assert GRAMMAR.options.parser == "lalr"


_PRELUDE = 'mission "x" { tick_rate 10 Hz }\nwaypoint w at (0, 0)\ntask other() { dock }\n'
_CASES = [(label, snippet) for label, snippets in EXAMPLES.items() for snippet in snippets]


@pytest.mark.parametrize(("label", "snippet"), _CASES)
def test_every_example_is_recognised_after_other_declarations(label: str, snippet: str) -> None:
    # lark's match_examples compares the whole parser stack: a mistake only matched in the first
    # declaration of a file, and real files start with `mission`.
    assert diag(snippet).message == label
    d = diag(_PRELUDE + snippet)
    assert d.message == label
    assert d.span.line == 4


@pytest.mark.parametrize(("label", "snippet"),
                         [(lab, s) for lab, s in _CASES if s.startswith("main { ")])
def test_statement_examples_are_recognised_in_nested_blocks(label: str, snippet: str) -> None:
    body = snippet.removeprefix("main { ")
    nested = f"{_PRELUDE}main {{\n  dock\n  if docked {{\n    repeat 2 {{ sit {body} }}\n}}"
    d = diag(nested)
    assert d.message == label
    assert d.span.line == 7
    in_task = f"{_PRELUDE}task t() {{ fallback {{ stand {body} }}"
    assert diag(in_task).message == label


@pytest.mark.parametrize("prefix", ["", _PRELUDE])
def test_missing_closing_brace_at_end_of_file_in_any_position(prefix: str) -> None:
    d = diag(prefix + "main {\n  if docked {\n    dock\n  }\n")
    line = prefix.count("\n") + 1
    assert d.message == f"missing '}}' to close the block opened at {line}:6"


@pytest.mark.parametrize("prefix", ["", 'mission "x"\nrobot a1\n'])
def test_wait_without_a_unit_in_any_position(prefix: str, tmp_path: Path) -> None:
    # `wait 10` parses (a bare number); the checker names the missing unit wherever it is.
    text = prefix + "main {\n  sequence { wait 10 }\n}\n"
    report = check(tmp_path, text, world=None)
    d = only(report, "unit")
    assert d.message == "expected a unit after 10"
    assert (d.span.line, d.span.col) == at(text, "10")


def _reference_scan(text: str) -> tuple[int, int] | None:
    """The character-by-character scan the regex version replaced (innermost open `{`)."""
    stack: list[tuple[int, int]] = []
    line, col, i = 1, 1, 0
    in_string = in_comment = False
    while i < len(text):
        ch = text[i]
        if in_comment:
            in_comment = ch != "\n"
        elif in_string:
            if ch == "\\" and i + 1 < len(text) and text[i + 1] != "\n":
                i, col = i + 1, col + 1
            elif ch in '"\n':
                in_string = False
        elif ch == "#":
            in_comment = True
        elif ch == '"':
            in_string = True
        elif ch == "{":
            stack.append((line, col))
        elif ch == "}" and stack:
            stack.pop()
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
        i += 1
    return stack[-1] if stack else None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}()"#\\\n ax', max_size=60))
def test_unclosed_brace_matches_a_plain_character_scan(text: str) -> None:
    assert unclosed_brace(text) == _reference_scan(text)


@pytest.mark.parametrize("word", ["elif", "elsif", "elseif"])
def test_elif_is_a_did_you_mean_for_else_if(word: str) -> None:
    # Before: "a task call needs parentheses, as in `patrol()`" at the condition.
    text = f"main {{\n  if victim_found {{ stand }} {word} docked {{\n    sit\n  }}\n}}\n"
    d = diag(text)
    assert d.message == f"`{word}` is not a word of the language: did you mean `else if`?"
    assert pos(d) == at(text, word)
    assert d.hint == f"write `}} else if <condition> {{` instead of `}} {word} <condition> {{`"


def test_elif_with_a_parenthesised_condition_on_the_next_line() -> None:
    text = "main {\n  if docked { stand }\n  elif (battery < 20 %) { sit }\n}\n"
    d = diag(text)
    assert d.message == "`elif` is not a word of the language: did you mean `else if`?"
    assert pos(d) == (3, 3)


@pytest.mark.parametrize("where", ["main", "task", "on_failure", "guard", "nested", "chain"])
def test_else_if_parses_wherever_a_statement_may_stand(where: str, tmp_path: Path) -> None:
    chain = "if docked { sit } else if victim_found { stand } else { wait 1 s }"
    body = {
        "main": chain,
        "task": "t()",
        "on_failure": "t()",
        "guard": f"guard battery < 30 % {{ {chain} }}\n  wait 1 s",
        "nested": f"repeat 2 {{ sequence {{ {chain} }} }}",
        "chain": "if docked { sit } else if victim_found { stand } else if carrying { stand }",
    }[where]
    task = {"task": f"task t() {{ {chain} }}\n",
            "on_failure": f"task t() {{ stand }} on failure {{ {chain} }}\n"}.get(where, "")
    text = f'mission "M"\n{task}main {{\n  {body}\n}}\n'
    report = check(tmp_path, text, world=None)
    assert not report.has_errors, report.render()


@pytest.mark.parametrize(("statement", "word", "unit"), [
    ("wait nan s", "nan", "s"), ("wait inf s", "inf", "s"),
    ("scan radius Infinity m for victim", "Infinity", "m"), ("set speed nan m/s", "nan", "m/s"),
])
def test_nan_or_inf_written_as_a_number_is_named(statement: str, word: str, unit: str) -> None:
    # Before: `wait nan s` read as `wait nan` and a call of a task `s`: "a task call needs
    # parentheses", pointing at the `}` after it.
    text = f"main {{\n  {statement}\n}}\n"
    d = diag(text)
    assert d.message == f"`{word}` is not a number: a quantity is a finite number and a unit"
    assert pos(d) == at(text, word)
    assert d.hint == f"write a number, e.g. `5 {unit}`"
