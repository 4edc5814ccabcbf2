"""Failure policies (``STEP on failure POLICY``, ``task ... on failure POLICY``) → behaviours.

Shapes (the policy's node is named after it, so it shows in ``mission show`` and every export):

* ``retry N [every D]`` → :class:`~bt_runtime.behaviours.policies.BackoffRetry` over the step:
  at most N retries after the first failure (N + 1 attempts), D seconds on the run's clock
  before each retry (none after the last failure); an info line per retry.
* ``skip`` → :class:`~bt_runtime.behaviours.policies.SkipOnFailure`: a failure writes an alert and
  succeeds.
* ``retry later`` → :class:`~bt_runtime.behaviours.policies.DeferOnFailure` in place (a failure
  writes an alert, marks the step deferred, succeeds) and a second copy of the step, compiled with
  the same arguments, in a ``retry later`` section appended to the mission's root sequence: a
  :class:`~bt_runtime.behaviours.policies.LaterStep` per deferred step, in source order, each
  running its copy once if its step was deferred (however many times), else succeeding at once.
  The section runs only after the rest of ``main`` succeeded; a copy that fails again fails the
  mission. A step deferred from inside another copy is added to the end of the same section.
* ``abort`` → ``Selector(memory=True)[step, AbortSafely["abort safely": FailureIsSuccess[sit],
  AbortMission]]`` (AbortSafely: a memory sequence that notes why the step failed as it starts): the robot sits (a failed sit does not stop the abort),
  then the run ends as *aborted*, its reason naming the step, the line and why it failed.
* ``{ H }`` → ``Selector(memory=True)[step, H]``, as a task's ``on failure { H }``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime.behaviours.policies import (
    AbortMission,
    AbortSafely,
    BackoffRetry,
    DeferOnFailure,
    Deferrals,
    LaterStep,
    SkipOnFailure,
)
from bt_runtime.units import to_canonical
from dsl import ast as A

__all__ = ["LATER_SECTION", "PolicyCompiler", "policy_text"]

Env = Mapping[str, A.ArgValue]
_B = TypeVar("_B", bound=Behaviour)

#: The name of the section of deferred steps at the end of the mission's root.
LATER_SECTION = "retry later"


class _Host(Protocol):
    """What the policy compiler needs from the statement compiler (dsl.compiler's ``_Compiler``)."""

    behaviours: Mapping[str, Callable[..., Behaviour]]

    def mark(self, node: _B, origin: object, role: str, env: Env,
              task_params: tuple[tuple[str, str], ...] = ()) -> _B: ...

    def stmt(self, stmt: A.Stmt, env: Env, stack: tuple[str, ...]) -> Behaviour: ...

    def block(self, block: A.Block, env: Env, stack: tuple[str, ...], name: str,
              role: str = "block") -> Behaviour: ...


def _written(value: A.Quantity | A.Ident, env: Env) -> A.Quantity:
    resolved = env.get(value.name, value) if isinstance(value, A.Ident) else value
    assert isinstance(resolved, A.Quantity)  # the checker saw to it
    return resolved


def policy_text(policy: A.Policy, env: Env | None = None) -> str:
    """``on failure retry 3 every 10 s``: the policy as written, task parameters substituted."""
    env = env or {}
    if policy.kind == "retry":
        assert policy.count is not None
        text = f"on failure retry {int(_written(policy.count, env).value)}"
        if policy.delay is not None:
            text += f" every {_written(policy.delay, env).text}"
        return text
    return {"skip": "on failure skip", "later": "on failure retry later",
            "abort": "on failure abort"}.get(policy.kind, "on failure")


class PolicyCompiler:
    """Compiles the policies of one mission; holds its deferred steps and their :class:`Deferrals`.

    Args:
        host: the statement compiler (for the steps, handler blocks and source marks).
    """

    def __init__(self, host: _Host) -> None:
        self.host = host
        self.deferrals = Deferrals()
        #: the ``retry later`` copies in source order (None while a copy is being compiled: a
        #: step deferred inside it comes after it)
        self.later: list[Behaviour | None] = []

    def statement(self, stmt: A.WithPolicy, env: Env, stack: tuple[str, ...]) -> Behaviour:
        """``STEP on failure POLICY``."""
        step = self.host.stmt(stmt.stmt, env, stack)
        again = (lambda: self.host.stmt(stmt.stmt, env, stack))
        return self.wrap(step, stmt.policy, env, stack, again, stmt)

    def wrap(self, step: Behaviour, policy: A.Policy, env: Env, stack: tuple[str, ...],
             again: Callable[[], Behaviour], origin: object) -> Behaviour:
        """``step`` under ``policy``; ``again`` compiles a fresh copy of it (for ``retry later``).

        Args:
            step: the compiled step (a statement, or a task's body).
            policy: the policy.
            env: the task arguments in scope.
            stack: the task calls around it.
            again: builds another copy of the step.
            origin: the construct the policy node is marked with (its span, for the record).

        Returns:
            The policy's node.
        """
        mark = self.host.mark
        name = policy_text(policy, env)
        where = f"line {policy.span.line}"
        if policy.kind == "retry":
            assert policy.count is not None
            delay = policy.delay
            seconds = 0.0 if delay is None else to_canonical(_written(delay, env).value,
                                                              _written(delay, env).unit)
            node: Behaviour = BackoffRetry(name, step, step.name,
                                           int(_written(policy.count, env).value), seconds)
            return mark(node, origin, "policy", env)
        if policy.kind == "skip":
            return mark(SkipOnFailure(name, step, step.name), origin, "policy", env)
        if policy.kind == "later":
            index = len(self.later)
            key = f"deferred_{index + 1}"
            self.later.append(None)  # the place is taken before a step inside the copy takes one
            copy = LaterStep(f"later: {step.name}", again(), step.name, key, self.deferrals)
            self.later[index] = mark(copy, origin, "later_step", env)
            return mark(DeferOnFailure(name, step, step.name, key, self.deferrals), origin,
                        "policy", env)
        if policy.kind == "abort":
            return self._abort(step, policy, env, origin, name, where)
        assert policy.handler is not None
        handler = self.host.block(policy.handler, env, stack, "on failure", "on_failure")
        return mark(py_trees.composites.Selector(
            name=f"{step.name} or recover", memory=True, children=[step, handler]),
            origin, "recover", env)

    def _abort(self, step: Behaviour, policy: A.Policy, env: Env, origin: object, name: str,
               where: str) -> Behaviour:
        mark = self.host.mark
        sit_stmt = A.Action("sit", (), policy.span)
        sit = mark(self.host.behaviours["sit"](name="sit"), sit_stmt, "action", env)
        sit_anyway = mark(py_trees.decorators.FailureIsSuccess(name="sit, even if it fails",
                                                               child=sit),
                          policy, "force_success", env)
        end = mark(AbortMission("end the mission: aborted",
                                f"`{step.name}` failed ({name}, {where})", step),
                   policy, "abort", env)
        safely = mark(AbortSafely("abort safely", [sit_anyway, end]), policy, "abort_safely", env)
        return mark(py_trees.composites.Selector(name=name, memory=True, children=[step, safely]),
                    origin, "policy", env)

    def finish(self, root: Behaviour, main: A.MainDecl) -> Behaviour:
        """Append the ``retry later`` section to the mission's root sequence (if any step has
        ``retry later``).

        Returns:
            ``root`` itself.
        """
        if self.later:
            assert isinstance(root, py_trees.composites.Composite)
            section = py_trees.composites.Sequence(name=LATER_SECTION, memory=True,
                                                   children=[n for n in self.later if n])
            root.add_child(self.host.mark(section, main, "later", {}))
        return root

