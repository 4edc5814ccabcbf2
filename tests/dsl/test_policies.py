"""Failure policies and temporal requirements in the language: parse, check, compile, export."""

from __future__ import annotations

from pathlib import Path

import py_trees
import pytest

from bt_runtime.behaviours.policies import (
    AbortMission,
    BackoffRetry,
    DeferOnFailure,
    LaterStep,
    SkipOnFailure,
)
from dsl import ast as A
from dsl.export.btcpp import to_btcpp_xml
from dsl.export.text_tree import render_tree
from dsl.parser import parse_text
from tests.dsl.helpers import HEADER, at, check, compile_text, errors, only, where


def _main(text: str) -> A.MainDecl:
    result = parse_text(text, "m.mission")
    assert result.file is not None, result.diagnostics
    return next(d for d in result.file.decls if isinstance(d, A.MainDecl))


# ------------------------------------------------------------------------------------ parsing
def test_every_policy_parses_after_a_statement() -> None:
    main = _main("main { go to a on failure retry 3 every 10 s  go to b on failure skip\n"
                 "  dock on failure retry later  sit on failure abort  stand on failure { sit } }")
    kinds = [(s.policy.kind, type(s.stmt).__name__) for s in main.body.stmts
             if isinstance(s, A.WithPolicy)]
    assert kinds == [("retry", "Action"), ("skip", "Action"), ("later", "Action"),
                     ("abort", "Action"), ("handler", "Action")]
    retry = main.body.stmts[0]
    assert isinstance(retry, A.WithPolicy)
    assert retry.policy.count is not None and retry.policy.count.value == 3
    assert retry.policy.delay is not None and retry.policy.delay.text == "10 s"


def test_a_task_named_on_is_still_callable_after_a_statement() -> None:
    main = _main("task on() { dock }\nmain { dock  on()  dock on failure skip }")
    assert [type(s).__name__ for s in main.body.stmts] == ["Action", "Call", "WithPolicy"]


def test_on_failure_may_span_lines_and_a_task_takes_a_policy() -> None:
    result = parse_text("task t() { dock } on\n  failure retry 2\nmain { t() }", "m.mission")
    assert result.file is not None
    task = result.file.decls[0]
    assert isinstance(task, A.TaskDecl) and task.policy is not None
    assert task.policy.kind == "retry" and task.on_failure is None


def test_temporal_requirements_parse() -> None:
    result = parse_text("require always battery >= 15 %\nrequire victim_found within 10 min\n"
                        "require docked within 5 min of victim_found\nrequire falls == 0",
                        "m.mission")
    assert result.file is not None
    kinds = [type(d).__name__ for d in result.file.decls]
    assert kinds == ["TemporalRequireDecl"] * 3 + ["RequireDecl"]
    within = result.file.decls[2]
    assert isinstance(within, A.TemporalRequireDecl) and within.trigger is not None


# ----------------------------------------------------------------------------- diagnostics
@pytest.mark.parametrize("policy, needle, message", [
    ("retry 0", "0", "value out of range: the number of retries must be >= 1, got 0"),
    ("retry 2.5", "2.5", "the number of retries must be a whole number, got 2.5"),
    ("retry 3 every 10 m", "10 m", "`10 m` is a length, but the retry delay is a time"),
    ("retry 3 every 0 s", "0 s", "value out of range: the retry delay must be > 0 s"),
])
def test_bad_counts_and_delays(tmp_path: Path, policy: str, needle: str, message: str) -> None:
    text = HEADER + f"main {{ go to gate on failure {policy} }}\n"
    report = check(tmp_path, text)
    (d,) = errors(report)
    assert d.message.startswith(message), report.render()
    assert where(d) == at(text, needle, text.count(needle) if needle == "0" else 1)


def test_a_policy_cannot_follow_a_guard(tmp_path: Path) -> None:
    text = HEADER + "main {\n  guard battery < 20 % { dock } on failure skip\n  go to gate\n}\n"
    d = only(check(tmp_path, text), "guard")
    assert d.message == "a failure policy cannot follow a guard: a guard is not a step"
    assert where(d) == at(text, "skip")


def test_one_policy_per_step(tmp_path: Path) -> None:
    text = HEADER + "main { go to gate on failure skip on failure abort }\n"
    d = only(check(tmp_path, text), "already")
    assert d.message == "this step already has a failure policy: one per step"
    assert where(d) == at(text, "abort")


def test_a_policy_on_a_step_that_cannot_fail_is_a_warning(tmp_path: Path) -> None:
    text = HEADER + "main { wait 2 s on failure retry 3 }\n"
    report = check(tmp_path, text)
    d = only(report, "never fails")
    assert not d.is_error and errors(report) == []
    assert d.message == "`wait` never fails: this failure policy is never used"
    assert where(d) == at(text, "retry 3")


def test_retry_later_under_repeat_forever_never_runs(tmp_path: Path) -> None:
    text = HEADER + ("task hop() { go to tower } on failure retry later\n"
                     "main { repeat forever {\n  go to gate on failure retry later\n  hop()\n} }\n")
    report = check(tmp_path, text)
    direct = only(report, "`retry later` under")
    assert direct.message == ("`retry later` under `repeat forever` never runs: the rest of the "
                              "mission never ends")
    assert where(direct) == at(text, "retry later", 2)
    via = only(report, "of task `hop`")
    assert where(via) == at(text, "hop()", 2)


def test_retry_later_in_a_failure_handler_under_repeat_forever_never_runs(tmp_path: Path) -> None:
    """A task's `on failure { ... }` runs where its body runs: under the loop around the call."""
    text = HEADER + ("task hop() { go to tower } on failure retry later\n"
                     "task look() { go to gate } on failure { go to tower on failure retry later\n"
                     "  hop() }\n"
                     "main { repeat forever { look() } }\n")
    report = check(tmp_path, text)
    direct = only(report, "`retry later` under")
    assert where(direct) == at(text, "retry later", 2)
    via = only(report, "of task `hop`")
    assert where(via) == at(text, "hop()", 2)  # the call, in the handler (1 is the declaration)


def test_a_count_parameter_is_checked_where_it_is_used(tmp_path: Path) -> None:
    text = HEADER + "task t(d: length) { go to gate } on failure retry 2 every d\nmain { t(3 m) }\n"
    d = only(check(tmp_path, text), "retry delay")
    assert d.message == "`d` is a length parameter, but the retry delay must be a time"
    assert where(d) == at(text, "d\n")


def test_temporal_requirements_are_checked(tmp_path: Path) -> None:
    text = HEADER + ("require always batery >= 15 %\nrequire victim_found within 10 m\n"
                     "require always battery >= 15 m\nmain { dock }\n")
    report = check(tmp_path, text)
    assert only(report, "unknown robot state").span.line == at(text, "batery")[0]
    within = only(report, "`within` duration")
    assert where(within) == at(text, "10 m")
    unit = only(report, "`battery`")
    assert where(unit) == at(text, "15 m")


def test_the_checked_program_keeps_only_clean_temporal_lines(tmp_path: Path) -> None:
    text = HEADER + ("require always battery >= 15 %\nrequire always nonsense\n"
                     "main { dock }\n")
    report = check(tmp_path, text)
    assert len(errors(report)) == 1
    assert [d.kind for d in report.programs[0].temporal] == ["always"]


# ----------------------------------------------------------------------------------- compiling
POLICIES = HEADER + """
task hop(n: int) { go to tower } on failure retry n every 5 s
require always battery >= 15 %
require victim_found within 10 min
require docked within 2 min of victim_found
main {
    go to gate on failure retry 3 every 10 s
    hop(2)
    go to tower on failure skip
    go to gate on failure retry later
    dock on failure abort
    go to tower on failure { sit }
}
"""


def test_each_policy_compiles_to_its_node(tmp_path: Path) -> None:
    compiled = compile_text(tmp_path, POLICIES)
    root = compiled.root
    kinds = [type(c).__name__ for c in root.children]
    assert kinds == ["BackoffRetry", "TaskCall", "SkipOnFailure", "DeferOnFailure", "Selector",
                     "Selector", "Sequence"]
    retry = root.children[0]
    assert isinstance(retry, BackoffRetry) and (retry.retries, retry.delay) == (3, 10.0)
    task_retry = root.children[1].children[0]
    assert isinstance(task_retry, BackoffRetry) and (task_retry.retries, task_retry.delay) == (2, 5)
    assert isinstance(root.children[2], SkipOnFailure)
    abort = root.children[4]
    assert abort.name == "on failure abort"
    safely = abort.children[1]
    assert [type(c).__name__ for c in safely.children] == ["FailureIsSuccess", "AbortMission"]
    end = safely.children[1]
    assert isinstance(end, AbortMission) and end.reason == (
        f"`dock` failed (on failure abort, line {at(POLICIES, 'dock on')[0]})")
    later = root.children[-1]
    assert later.name == "retry later"
    (step,) = later.children
    assert isinstance(step, LaterStep) and step.name == "later: go to gate"
    defer = root.children[3]
    assert isinstance(defer, DeferOnFailure) and defer.key == step.key == "deferred_1"
    assert defer.deferrals is step.deferrals
    assert step.children[0] is not defer.children[0]  # a copy, not the same node
    assert [c.label() for c in compiled.temporal] == [
        "always battery >= 15 %", "victim_found within 10 min",
        "docked within 2 min of victim_found"]


def test_no_later_section_without_retry_later(tmp_path: Path) -> None:
    compiled = compile_text(tmp_path, HEADER + "main { go to gate on failure skip }\n")
    assert [c.name for c in compiled.root.children] == ["on failure skip"]


def test_the_policy_shows_in_the_text_tree(tmp_path: Path) -> None:
    text = render_tree(compile_text(tmp_path, POLICIES).root)
    assert "on failure retry 3 every 10 s  [BackoffRetry retries=3 delay=10]" in text
    assert "on failure retry later  [DeferOnFailure key=deferred_1]" in text
    assert "later: go to gate  [LaterStep key=deferred_1]" in text


def test_btcpp_xml_uses_built_in_nodes(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    xml = to_btcpp_xml(compile_text(tmp_path, POLICIES))
    root = ET.fromstring(xml)
    main = root.find("BehaviorTree[@ID='MainTree']/Sequence")
    assert main is not None
    assert main[0].tag == "Script" and main[0].get("code") == "@deferred_1 := false"
    retry = main.find("Fallback[@name='on failure retry 3 every 10 s']")
    assert retry is not None and [c.tag for c in retry] == ["GoTo", "RetryUntilSuccessful"]
    assert retry[1].get("num_attempts") == "3"
    assert retry.find("RetryUntilSuccessful/Sequence/Delay").get("delay_msec") == "10000"
    skip = main.find("Fallback[@name='on failure skip']")
    assert skip is not None and [c.tag for c in skip] == ["GoTo", "Alert"]
    later = main.find("Sequence[@name='retry later']/Sequence")
    assert later is not None and later.get("_skipIf") == "@deferred_1 == false"
    abort = main.find("Fallback[@name='on failure abort']/Sequence[@name='abort safely']")
    assert abort is not None and [c.tag for c in abort] == ["ForceSuccess", "AbortMission"]
    assert root.find("TreeNodesModel/Action[@ID='AbortMission']/input_port") is not None
    hop = root.find("BehaviorTree[@ID='hop']//RetryUntilSuccessful")
    assert hop is not None and hop.get("num_attempts") == "{n}"


def test_a_task_policy_wraps_the_task_body_inside_its_call(tmp_path: Path) -> None:
    compiled = compile_text(tmp_path, HEADER + "task t() { go to gate } on failure skip\n"
                            "main { t() }\n")
    call = compiled.root.children[0]
    assert isinstance(call.children[0], SkipOnFailure)
    assert isinstance(call.children[0].children[0], py_trees.composites.Sequence)


def test_the_reference_documents_every_new_diagnostic() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "language.md").read_text("utf-8")
    for message in ("the number of retries must be >= 1", "but the retry delay is a time",
                    "a failure policy cannot follow a guard", "never fails: this failure policy",
                    "this step already has a failure policy", "`retry later` under `repeat forever`",
                    "but the `within` duration is a time", "### Failure policies",
                    "require always", "within 5 min of victim_found"):
        assert message in text, message
