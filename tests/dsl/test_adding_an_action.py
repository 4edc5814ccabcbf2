"""The recipe of docs/adding-an-action.md, proved: a throw-away action added in three places only.

The test adds ``wave for <time>`` with one grammar alternative (a patched copy of mission.lark), one
vocabulary entry and one behaviour binding, then parses, checks, compiles, exports and ticks it with
no other code touched. It also keeps the real grammar's aliases and the vocabulary's forms in step.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import py_trees
import pytest
from lark import Lark
from py_trees.common import Status

import dsl.parser
from bt_runtime import vocabulary as vocab
from bt_runtime.bindings import BEHAVIOURS
from bt_runtime.specs import ActionSpec, ParamKind, ParamSpec
from bt_runtime.units import Dimension
from dsl.compiler import compile_mission
from dsl.export import to_json
from tests.dsl.helpers import HEADER, check

GRAMMAR_FILE = Path(dsl.parser.__file__).with_name("mission.lark")
WAIT_LINE = '    | "wait" amount'

#: Statement aliases of the grammar that are not actions (control flow and task calls).
NOT_ACTIONS = {"sequence", "fallback", "parallel_all", "parallel_any", "repeat", "repeat_forever",
               "retry", "timeout", "if_stmt", "guard", "guard_restart", "call",
               "set_var", "set_var_step", "with_policy", "with_handler"}


class Wave(py_trees.behaviour.Behaviour):
    """The throw-away action's behaviour: succeeds at once, remembering how long it would wave."""

    action = "wave"

    def __init__(self, name: str, duration: float) -> None:
        super().__init__(name=name)
        self.duration = duration

    def params(self) -> dict[str, Any]:
        return {"duration": self.duration}

    def update(self) -> Status:
        return Status.SUCCESS


WAVE = ActionSpec(
    "wave", "wave for <time>",
    (ParamSpec("duration", ParamKind.QUANTITY, "how long", dimension=Dimension.TIME,
               range=vocab.POSITIVE, word="for"),),
    "Wave a front leg.")


def _statement_aliases(grammar: Lark) -> set[str]:
    return {str(rule.alias) for rule in grammar.rules
            if rule.origin.name == "statement" and rule.alias}


def test_grammar_aliases_and_vocabulary_forms_agree() -> None:
    forms = {form.alias for spec in vocab.ACTIONS.values() for form in spec.grammar_forms}
    aliases = _statement_aliases(dsl.parser.GRAMMAR)
    assert aliases - NOT_ACTIONS == forms
    assert not forms & NOT_ACTIONS


@pytest.fixture
def with_wave(monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 1, the grammar: one alternative. Step 2, the vocabulary: one entry."""
    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    assert WAIT_LINE in text
    text = text.replace(WAIT_LINE, '    | "wave" "for" amount -> wave\n' + WAIT_LINE, 1)
    grammar = Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=True)
    monkeypatch.setattr(dsl.parser, "GRAMMAR", grammar)
    monkeypatch.setattr(vocab, "ACTIONS", MappingProxyType({**vocab.ACTIONS, "wave": WAVE}))


def test_a_new_action_parses_checks_compiles_and_runs(with_wave: None, tmp_path: Path) -> None:
    report = check(tmp_path, HEADER + "task greet(t: time) { wave for t }\n"
                   "main { wave for 3 s  greet(2 s) }\n")
    assert not report.has_errors, report.render()
    behaviours = {**BEHAVIOURS, "wave": Wave}  # step 3, the runtime mapping (no runner: no robot)
    compiled = compile_mission(report.programs[0], behaviours)
    leaves = [n for n in compiled.root.iterate() if isinstance(n, Wave)]
    assert [(n.name, n.duration) for n in leaves] == [("wave for 3 s", 3.0), ("wave for 2 s", 2.0)]
    assert '"action": "wave"' in to_json(compiled)
    compiled.root.tick_once()
    assert compiled.root.status == Status.SUCCESS


def test_the_checker_reads_the_new_entry(with_wave: None, tmp_path: Path) -> None:
    report = check(tmp_path, HEADER + "main { wave for 3 m }\n")
    (d,) = report.diagnostics
    assert "`wave` duration" in d.message and "time" in d.message
    assert (d.span.line, d.span.col) == (3, 17)
    report = check(tmp_path, HEADER + "main { wave for 0 s }\n")
    assert any("> 0 s" in d.message for d in report.diagnostics), report.render()


def test_without_the_vocabulary_entry_the_alias_is_a_readable_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = GRAMMAR_FILE.read_text(encoding="utf-8").replace(
        WAIT_LINE, '    | "wave" "for" amount -> wave\n' + WAIT_LINE, 1)
    monkeypatch.setattr(dsl.parser, "GRAMMAR", Lark(text, parser="lalr", propagate_positions=True,
                                                    maybe_placeholders=True))
    report = check(tmp_path, HEADER + "main {\n  wave for 3 s\n}\n")
    (d,) = report.diagnostics
    assert d.message.startswith("cannot read this construct") and d.span.line == 4


def test_a_new_actions_keyword_is_a_keyword_without_a_second_list() -> None:
    from dsl.keywords import keywords

    text = GRAMMAR_FILE.read_text(encoding="utf-8").replace(
        WAIT_LINE, '    | "wave" "for" amount -> wave\n' + WAIT_LINE, 1)
    grammar = Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=True)
    assert "wave" in keywords(grammar) and "wave" not in keywords(dsl.parser.GRAMMAR)
