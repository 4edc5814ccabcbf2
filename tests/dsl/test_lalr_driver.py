"""The one-pass driver builds exactly the AST that lark's parse tree and ToAst.transform build.

The reference is the two-pass path the driver replaced (``GRAMMAR.parse`` then
:meth:`dsl.to_ast.ToAst.transform`): same values, same spans (including the container spans of
parenthesised conditions and inlined ``_rule``s), same refusals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput

from bench.bench_compile import WORLD as BENCH_WORLD
from bench.bench_compile import mission_text
from dsl import ast as A
from dsl.lalr_driver import FAILED, Driver
from dsl.parser import GRAMMAR, driver, parse_text
from dsl.to_ast import ToAst
from tests.dsl.helpers import WORLD
from tests.dsl.test_fuzz import FUZZ, SEED_MISSION, TOKENS, WORLD_TOKENS, mutated

ROOT = Path(__file__).resolve().parents[2]

SNIPPETS = [
    "",
    "# only a comment\n",
    "main { }",
    'mission "m" { tick_rate 10 Hz }\nmain { dock }',
    "main { go to dock  dock at dock  wait 2 s  wait 10s  set speed 0.5 m/s }",
    "main { if (docked) and not (a or b) { sit } else if (x > 3) { stand } else { dock } }",
    "main { if ((docked)) { sit } }",
    "main { if distance to (1, 2) < 3 m or terrain is mud { sit } }",
    "main { guard battery < 25 % { go to base } t(a: 1, b: (1, 2, 3), \"s\", 2 s) }",
    "task t(a: place, n: int) { repeat n { go to a } } on failure { alert \"x\" }\nmain { t(g, 2) }",
    "intruder i path (1, 2) -> (3, 4) -> (5, 6) loop speed 1 m/s",
    ("route r: a -> b -> c\narea z polygon (0, 0) (1, 0) (1, 1)\nterrain t: mud circle (1, 1) "
     "radius 2 m { softness 0.5 }"),
    "vary { friction west_gap 0.2 .. 0.6  charge 40 % .. 90 %  closed west_gap 20 % }",
    "require success >= 95 %\nrequire reached == 1",
    "main { timeout 5 s { parallel any { stand  wait 1 s } } retry 3 { fail \"no\" } }",
    "main { if " + " and ".join(["docked"] * 300) + " { dock } }",
]


def reference(text: str, path: str = "t.mission", grammar: Lark = GRAMMAR) -> Any:
    """The AST of the two-pass path, or FAILED when lark refuses the text."""
    try:
        tree = grammar.parse(text)
    except UnexpectedInput:
        return FAILED
    return ToAst(path).transform(tree)


def one_pass(text: str, path: str = "t.mission", grammar: Lark = GRAMMAR) -> Any:
    return driver(grammar).parse(text, ToAst(path))


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_build_the_same_ast(text: str) -> None:
    assert one_pass(text) == reference(text)


def test_every_shipped_file_and_the_bench_mission_build_the_same_ast() -> None:
    files = sorted((ROOT / "missions").rglob("*.mission")) + sorted(ROOT.rglob("*.world"))
    texts = [(str(f), f.read_text(encoding="utf-8")) for f in files if ".git" not in f.parts]
    texts += [("bench.mission", mission_text(63)), ("bench.world", BENCH_WORLD),
              ("seed.mission", SEED_MISSION), ("w.world", WORLD)]
    for path, text in texts:
        assert one_pass(text, path) == reference(text, path), path


def test_parenthesised_conditions_start_at_their_parenthesis() -> None:
    # lark gives a node the span of its first child's container: `(docked) and x` starts at `(`.
    (main,) = one_pass("main { if (docked) and x { sit } }")
    cond = main.body.stmts[0].branches[0].cond
    assert isinstance(cond, A.AndCond) and (cond.span.col, cond.span.end_col) == (11, 25)
    assert (cond.left.span.col, cond.left.span.end_col) == (12, 18)  # its own span: no parens


@FUZZ
@given(mutated(TOKENS))
def test_mutated_missions_build_the_same_ast_or_fail_alike(text: str) -> None:
    assert one_pass(text, "f.mission") == reference(text, "f.mission")


@FUZZ
@given(mutated(WORLD_TOKENS))
def test_mutated_worlds_build_the_same_ast_or_fail_alike(text: str) -> None:
    assert one_pass(text, "f.world") == reference(text, "f.world")


@FUZZ
@given(st.text(alphabet="main{}()dockgo to,\"1 2s%#\n-><=andornot", max_size=80))
def test_random_text_builds_the_same_ast_or_fails_alike(text: str) -> None:
    assert one_pass(text) == reference(text)


def test_a_syntax_error_keeps_lark_s_message() -> None:
    assert one_pass("main { go dock }") is FAILED
    (d,) = parse_text("main { go dock }", "x.mission").diagnostics
    assert "`go` must be followed by `to`" in d.message and (d.span.line, d.span.col) == (1, 11)


def test_a_grammar_built_with_other_options_is_refused() -> None:
    text = (ROOT / "dsl" / "mission.lark").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="contextual lexer"):
        Driver(Lark(text, parser="lalr", lexer="basic", propagate_positions=True))
    with pytest.raises(ValueError, match="propagate_positions"):
        Driver(Lark(text, parser="lalr", maybe_placeholders=True))


def test_the_driver_is_built_once_per_grammar() -> None:
    assert driver(GRAMMAR) is driver(GRAMMAR)


def test_first_characters_of_the_grammar_s_terminals() -> None:
    from dsl.lalr_driver import _first_chars

    assert _first_chars(r"-?[0-9]+(\.[0-9]+)?") == {ord("-"), *range(ord("0"), ord("9") + 1)}
    assert _first_chars(r"(?:[ \t\f\r\n])+") == {ord(c) for c in " \t\f\r\n"}
    assert _first_chars(r"(m\/s|km\/h)(?![A-Za-z])|%") == {ord("m"), ord("k"), ord("%")}
    assert _first_chars(r"[^x]") is None and _first_chars(r"\s*x") is None
    assert _first_chars(r"(?i:dock)") is None and _first_chars(r"a?") is None


def test_a_terminal_that_may_start_with_a_blank_is_lexed_one_match_at_a_time() -> None:
    # `/ +>/` starts with the character whitespace starts with: folding the skip into one
    # regex could read `  >` differently from lark, so that lexer keeps lark's way.
    grammar = Lark('start: "a" ARROW "b"\nARROW: / *>/\n%import common.WS\n%ignore WS\n',
                   parser="lalr", propagate_positions=True, maybe_placeholders=True)
    built = Driver(grammar)
    folds = [built.lexer(state).skip_then_match for state in range(len(built.lexers))
             if state in built._basic]
    assert None in folds

    class Builder:
        path = "t"

        def method(self, name: str) -> Any:
            return lambda meta, c: (name, [str(x) for x in c], meta.line, meta.column)

    for text in ("a  > b", "a> b", "a\n  >b"):
        tree = grammar.parse(text)
        got = Driver(grammar).parse(text, Builder())
        assert got[1] == [str(x) for x in tree.children], text


def test_a_builder_gets_a_meta_unless_it_takes_raw_spans() -> None:
    grammar = Lark('start: "a" NAME "b"\nNAME: /[xyz]+/\n%import common.WS\n%ignore WS\n',
                   parser="lalr", propagate_positions=True, maybe_placeholders=True)

    class Builder:
        def method(self, name: str) -> Any:
            return lambda meta, c: meta

    class RawBuilder(Builder):
        raw_spans = True

    text = "\n a\n\n  xy   b"
    meta = Driver(grammar).parse(text, Builder())
    raw = Driver(grammar).parse(text, RawBuilder())
    lark_meta = grammar.parse(text).meta
    assert type(raw) is tuple and type(meta) is not tuple
    expected = (lark_meta.line, lark_meta.column, lark_meta.start_pos, lark_meta.end_line,
                lark_meta.end_column, lark_meta.end_pos)
    assert raw == expected == (2, 2, 2, 4, 9, 13)
    assert (meta.line, meta.column, meta.start_pos, meta.end_line, meta.end_column,
            meta.end_pos) == expected
