"""Checks of failure policies (``on failure ...``) and of temporal ``require`` lines.

Policies: the retry count is a count (1 .. 1,000,000, a literal or a `count` task parameter), the
back-off delay a positive time; a policy cannot follow a guard (a guard is not a step: it watches
the statements after it) nor another policy; on a step that cannot fail (``succeed``, ``wait``,
``report``, ``alert``) it is a warning; ``retry later`` under ``repeat forever`` is an error
(the rest of such a mission never ends, so "later" never comes).

Temporal requirements: the condition is checked like any condition (known facts and state,
units, and the mission's variables as a guard reads them: a flag alone, a counter compared with a
whole number, a misspelt one with a did-you-mean), the ``within`` duration is a positive time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from bt_runtime import vocabulary as vocab
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import check_values as V

__all__ = ["NEVER_FAIL", "check_policy", "check_temporal", "later_under_forever"]

#: Actions that cannot fail: a failure policy on them is never used.
NEVER_FAIL = frozenset({"succeed", "wait", "report", "alert"})


class _Checker(Protocol):
    """What these checks need from :class:`dsl.check_tasks.StatementChecker`."""

    @property
    def sink(self) -> V.Sink: ...

    def _count(self, value: A.Quantity | A.Ident, what: str, scope: Mapping[str, Any]) -> None:
        ...

    def value(self, value: A.ArgValue, kind: ParamKind, dimension: Dimension | None, what: str,
              scope: Mapping[str, Any], rng: vocab.Range | None = None,
              choices: tuple[str, ...] = ()) -> None: ...

    def block(self, block: A.Block, scope: Mapping[str, Any]) -> None: ...

    def cond(self, cond: A.Cond, scope: Mapping[str, Any]) -> None: ...


def check_policy(checker: _Checker, policy: A.Policy, scope: Mapping[str, Any],
                 step: A.Stmt | None) -> None:
    """Check one policy; ``step`` is the statement it follows (None for a task's policy)."""
    sink = checker.sink
    if isinstance(step, A.Guard):
        sink.error(policy.span, "a failure policy cannot follow a guard: a guard is not a step",
                   "put the policy on a statement inside the guarded part, or wrap the part in "
                   "`sequence { ... }`")
    elif isinstance(step, A.WithPolicy):
        sink.error(policy.span, "this step already has a failure policy: one per step",
                   "wrap it in `sequence { ... }` to add another around it")
    elif isinstance(step, A.Action) and step.action in NEVER_FAIL:
        sink.warning(policy.span, f"`{vocab.ACTIONS[step.action].spelled}` never fails: this "
                     "failure policy is never used", "remove it")
    if policy.count is not None:
        checker._count(policy.count, "the number of retries", scope)
    if policy.delay is not None:
        checker.value(policy.delay, ParamKind.QUANTITY, Dimension.TIME, "the retry delay", scope,
                      vocab.POSITIVE)
    if policy.handler is not None:
        checker.block(policy.handler, scope)


def check_temporal(checker: _Checker, decl: A.TemporalRequireDecl) -> bool:
    """Check a ``require always``/``within`` line; True if it can be judged."""
    before = len(checker.sink.diagnostics)
    checker.cond(decl.cond, {})
    if decl.trigger is not None:
        checker.cond(decl.trigger, {})
    if decl.duration is not None:
        V.quantity(checker.sink, decl.duration, Dimension.TIME, "the `within` duration",
                   vocab.POSITIVE)
    return not any(d.severity == "error" for d in checker.sink.diagnostics[before:])


#: Statements with no block inside (``_inner`` yields nothing for them; most statements are these).
_NO_BLOCKS = frozenset({A.Action, A.Call, A.SetVar})


def _inner(stmt: A.Stmt) -> Iterator[tuple[A.Block, bool]]:
    """The blocks directly inside ``stmt``, each with whether it repeats forever."""
    if isinstance(stmt, A.Repeat):
        yield stmt.body, stmt.count is None
    elif isinstance(stmt, (A.Composite, A.Retry, A.Timeout)):
        yield stmt.body, False
    elif isinstance(stmt, A.If):
        yield from ((b.body, False) for b in stmt.branches)
        if stmt.orelse is not None:
            yield stmt.orelse, False
    elif isinstance(stmt, A.Guard):
        yield stmt.handler, False
    elif isinstance(stmt, A.WithPolicy):
        yield A.Block((stmt.stmt,), stmt.span), False
        if stmt.policy.handler is not None:
            yield stmt.policy.handler, False


def later_under_forever(main: A.MainDecl, tasks: Mapping[str, A.TaskDecl],
                        sink: V.Sink) -> None:
    """Report each ``retry later`` that only runs under ``repeat forever`` (through calls too)."""
    seen: set[tuple[int, bool]] = set()
    pending: list[tuple[A.Block, bool]] = [(main.body, False)]
    while pending:
        block, forever = pending.pop()
        if (id(block), forever) in seen:  # a task called twice, or recursion (reported elsewhere)
            continue
        seen.add((id(block), forever))
        for stmt in block.stmts:
            policy = stmt.policy if isinstance(stmt, A.WithPolicy) else None
            if forever and policy is not None and policy.kind == "later":
                sink.error(policy.span, "`retry later` under `repeat forever` never runs: the "
                           "rest of the mission never ends", "use `on failure retry N every D` "
                           "or `on failure skip` inside a loop without end")
            if isinstance(stmt, A.Call) and stmt.task.name in tasks:
                task = tasks[stmt.task.name]
                pending.append((task.body, forever))
                if forever and task.policy is not None and task.policy.kind == "later":
                    sink.error(stmt.span, f"`retry later` of task `{task.name.name}` never runs "
                               "here: this call is under `repeat forever`",
                               "use `on failure retry N every D` or `on failure skip` instead")
            if type(stmt) not in _NO_BLOCKS:  # an action or a call: no block inside
                pending.extend((inner, forever or loops) for inner, loops in _inner(stmt))
