"""The control constructs of the language → py_trees composites and decorators.

Split out of :mod:`dsl.compiler` by construct family: this module builds blocks' control flow
(``sequence``, ``fallback``, ``parallel``, ``repeat``, ``retry``, ``timeout``, ``if``, ``guard``);
the compiler keeps values, conditions, actions and task calls, and hands itself in as a
:class:`Builder`.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime.behaviours import ClockTimeout, Condition, GuardSequence, IfThenElse
from bt_runtime.units import to_canonical
from dsl import ast as A
from dsl.compile_text import Env, cond_text, subst

__all__ = ["Builder", "composite", "guard", "if_", "repeat", "retry", "timeout"]

_B = TypeVar("_B", bound=Behaviour)


class Builder(Protocol):
    """What the control constructs need from the compiler."""

    def mark(self, node: _B, origin: object, role: str, env: Env) -> _B:
        """Record what ``node`` was built from."""
        ...

    def block(self, block: A.Block, env: Env, stack: tuple[str, ...], name: str,
              role: str = "block") -> Behaviour:
        """A block as a memory sequence."""
        ...

    def stmts(self, stmts: tuple[A.Stmt, ...], env: Env,
              stack: tuple[str, ...]) -> list[Behaviour]:
        """The behaviours of a statement list (a guard takes the rest of it)."""
        ...

    def condition(self, cond: A.Cond, env: Env, text: str) -> Condition:
        """A condition node named ``text``."""
        ...

    def count(self, value: A.Quantity | A.Ident, env: Env) -> int:
        """A checked repeat/retry count, task arguments substituted."""
        ...


def guard(b: Builder, stmt: A.Guard, rest: Behaviour, env: Env,
          stack: tuple[str, ...]) -> Behaviour:
    """``guard C { H } [then resume|restart]`` over the rest R of its block (see
    :mod:`dsl.compiler` for the shape and :mod:`bt_runtime.behaviours.guard` for what resume and
    restart do to R)."""
    text = cond_text(stmt.cond, env)
    negated = f"not ({text})" if isinstance(stmt.cond, (A.AndCond, A.OrCond)) else f"not {text}"
    watch = b.mark(py_trees.decorators.Inverter(
        name=negated, child=b.condition(stmt.cond, env, text)), stmt, "not", env)
    handler = b.block(stmt.handler, env, stack, "handler", "handler")
    check = b.mark(py_trees.composites.Selector(
        name=f"when {text}", memory=True, children=[watch, handler]), stmt, "when", env)
    name = f"guard {text}" if stmt.resume else f"guard {text} then restart"
    return b.mark(GuardSequence(name=name, check=check, rest=rest, resume=stmt.resume),
                  stmt, "guard", env)


def composite(b: Builder, stmt: A.Composite, env: Env, stack: tuple[str, ...]) -> Behaviour:
    """``sequence``, ``fallback``, ``parallel [all|any]``."""
    children = b.stmts(stmt.body.stmts, env, stack)
    node: Behaviour
    if stmt.kind == "sequence":
        node = py_trees.composites.Sequence(name="sequence", memory=True, children=children)
    elif stmt.kind == "fallback":
        node = py_trees.composites.Selector(name="fallback", memory=True, children=children)
    else:
        policy: py_trees.common.ParallelPolicy.Base
        if stmt.kind == "parallel_all":
            policy = py_trees.common.ParallelPolicy.SuccessOnAll(synchronise=True)
        else:
            policy = py_trees.common.ParallelPolicy.SuccessOnOne()
        node = py_trees.composites.Parallel(name=stmt.kind.replace("_", " "), policy=policy,
                                            children=children)
    return b.mark(node, stmt, "statement", env)


def repeat(b: Builder, stmt: A.Repeat, env: Env, stack: tuple[str, ...]) -> Behaviour:
    """``repeat N { }`` / ``repeat forever { }``."""
    body = b.block(stmt.body, env, stack, "body")
    count = -1 if stmt.count is None else b.count(stmt.count, env)
    label = "repeat forever" if count < 0 else f"repeat {count}"
    return b.mark(py_trees.decorators.Repeat(name=label, child=body, num_success=count),
                  stmt, "repeat", env)


def retry(b: Builder, stmt: A.Retry, env: Env, stack: tuple[str, ...]) -> Behaviour:
    """``retry N { }``."""
    body = b.block(stmt.body, env, stack, "body")
    count = b.count(stmt.count, env)
    return b.mark(py_trees.decorators.Retry(name=f"retry {count}", child=body,
                                            num_failures=count), stmt, "retry", env)


def timeout(b: Builder, stmt: A.Timeout, env: Env, stack: tuple[str, ...]) -> Behaviour:
    """``timeout D { }``."""
    body = b.block(stmt.body, env, stack, "body")
    duration = subst(stmt.duration, env)
    assert isinstance(duration, A.Quantity)
    seconds = to_canonical(duration.value, duration.unit)
    return b.mark(ClockTimeout(name=f"timeout {duration.text}", child=body, duration=seconds),
                  stmt, "timeout", env)


def if_(b: Builder, branches: tuple[A.Branch, ...], orelse: A.Block | None, env: Env,
        stack: tuple[str, ...]) -> Behaviour:
    """``if C { } else if D { } else { }`` → nested :class:`IfThenElse` (each decides once)."""
    first, rest = branches[0], branches[1:]
    then = b.block(first.body, env, stack, "then")
    other: Behaviour | None
    if rest:
        other = if_(b, rest, orelse, env, stack)
    else:
        other = None if orelse is None else b.block(orelse, env, stack, "else")
    text = cond_text(first.cond, env)
    return b.mark(IfThenElse(name=f"if {text}", condition=b.condition(first.cond, env, text),
                             then=then, orelse=other), first, "if", env)
