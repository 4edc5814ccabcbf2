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

from collections.abc import Mapping
from typing import Any, Protocol

from bt_runtime import vocabulary as vocab
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import check_values as V
from dsl.check_facts import MAIN, BodyFacts

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


def later_under_forever(bodies: Mapping[str | None, BodyFacts],
                        tasks: Mapping[str, A.TaskDecl], sink: V.Sink) -> None:
    """Report each ``retry later`` that only runs under ``repeat forever`` (through calls too).

    Args:
        bodies: what the statement checker found in ``main`` and each task: its ``retry later``
            policies and calls, each with whether a ``repeat forever`` of the body encloses it.
        tasks: the declared tasks.
        sink: where diagnostics go.

    A task's failure handler (``on failure { ... }``) runs where its body runs, so what it
    calls or retries later is judged under the same loops as the body.
    """
    seen: set[tuple[str | None, bool]] = set()  # (body, under a forever of its callers)
    reported: set[int] = set()  # ids: a body reached both ways reports its own loops' once
    pending: list[tuple[str | None, bool]] = [(MAIN, False)]
    while pending:
        key = pending.pop()
        if key in seen:  # a task called twice, or recursion (reported elsewhere)
            continue
        seen.add(key)
        name, forever = key
        parts = bodies[name].with_handler()
        for policy, loops in (later for part in parts for later in part.laters):
            if (forever or loops) and id(policy) not in reported:
                reported.add(id(policy))
                sink.error(policy.span, "`retry later` under `repeat forever` never runs: the "
                           "rest of the mission never ends", "use `on failure retry N every D` "
                           "or `on failure skip` inside a loop without end")
        for call, loops in (call for part in parts for call in part.calls):
            task = tasks.get(call.task.name)
            if task is None:
                continue
            pending.append((call.task.name, forever or loops))
            if (forever or loops) and task.policy is not None and task.policy.kind == "later" \
                    and id(call) not in reported:
                reported.add(id(call))
                sink.error(call.span, f"`retry later` of task `{task.name.name}` never runs "
                           "here: this call is under `repeat forever`",
                           "use `on failure retry N every D` or `on failure skip` instead")
