"""The statement checker's one walk records what the checks that only collect read: every call,
action and ``retry later`` of every body, as a walk of the whole syntax tree finds them."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from dsl import ast as A
from dsl.api import check_paths
from dsl.check_facts import MAIN
from dsl.check_tasks import StatementChecker
from tests.dsl.helpers import HEADER, check

MISSIONS = Path(__file__).resolve().parents[2] / "missions"

#: Every statement kind, with calls, points and `retry later` inside each.
NESTED = HEADER + """task t(p: place) { go to p  go to (2, 2) on failure retry later } on failure { u() }
task u() { go to (3, 3) on failure retry later } on failure retry later
main {
  guard battery < 20 % { u()  go to (1, 2) on failure retry later }
  if battery < 30 % { t(gate) } else if docked { go to (1, 4) } else { t((1, 5)) }
  repeat forever {
    repeat 2 { u() }  retry 2 { go to (1, 7) on failure retry later }
    timeout 10 min { t(tower) }  fallback { u()  go to (1, 10) }
    parallel { sequence { u() } on failure { t(gate)  go to (1, 12) on failure retry later } }
  }
  set x = 1
}
"""


def test_every_statement_type_has_a_handler() -> None:
    """A new statement type must be checked (and its facts recorded) by the statement walk."""
    assert set(typing.get_args(A.Stmt)) == set(StatementChecker._HANDLERS)


def _everything(node: object, kinds: tuple[type, ...]) -> list[object]:
    """Every node of ``kinds`` under ``node``, in source order, found by reflection."""
    found: list[object] = []
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, kinds):
            found.append(item)
        if isinstance(item, (list, tuple)):
            pending.extend(reversed(item))
        elif dataclasses.is_dataclass(item) and not isinstance(item, A.Span):
            pending.extend(reversed([getattr(item, f.name) for f in dataclasses.fields(item)]))
    return found


@pytest.mark.parametrize("name", ["patrol", "rescue", "logistics", "nested"])
def test_the_walk_records_every_call_action_point_and_later(tmp_path: Path, name: str) -> None:
    report = (check(tmp_path, NESTED) if name == "nested"
              else check_paths([str(MISSIONS / f"{name}.mission")]))
    program = report.programs[0]
    assert program.main is not None
    walked = [(program.bodies[MAIN], program.main.body)]
    for task_name, task in program.resolved.tasks.items():
        body = program.bodies[task_name]
        walked.append((body, task.body))
        assert (body.handler is None) == (task.on_failure is None)
        if body.handler is not None:
            walked.append((body.handler, task.on_failure))
    for facts, block in walked:
        blocks = [block]
        calls = [n for b in blocks for n in _everything(b, (A.Call,))]
        assert [call for call, _forever in facts.calls] == calls
        points = [a.value for b in blocks for act in _everything(b, (A.Action,))
                  for a in act.args if isinstance(a.value, A.Point)]
        assert facts.needs.points == points
        laters = [p for b in blocks for p in _everything(b, (A.Policy,)) if p.kind == "later"]
        assert [policy for policy, _forever in facts.laters] == laters


def test_what_is_under_a_forever_of_its_own_body_is_marked(tmp_path: Path) -> None:
    program = check(tmp_path, NESTED).programs[0]
    main = program.bodies[MAIN]
    assert [(call.task.name, forever) for call, forever in main.calls] == [
        ("u", False), ("t", False), ("t", False),
        ("u", True), ("t", True), ("u", True), ("u", True), ("t", True)]
    assert [forever for _policy, forever in main.laters] == [False, True, True]
    assert [forever for _policy, forever in program.bodies["t"].laters] == [False]
