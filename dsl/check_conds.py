"""Checks of conditions (``if``, ``guard``, ``require always``/``within``): robot state, facts,
counters and the mission's variables, with the units and did-you-means of any other value.

A condition is at most :data:`MAX_COND_DEPTH` levels of ``and``/``or``/``not`` deep: compiling,
naming and evaluating one recurse on its depth. The values inside it (a compared quantity, a place
for ``distance to``, a fact's argument) are checked by the statement checker's own value checks,
so a condition accepts exactly what an action argument of the same kind would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

from bt_runtime import vocabulary as vocab
from bt_runtime.expressions import OPERATORS
from bt_runtime.units import CANONICAL, Dimension, dimension_of, to_canonical
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import check_values as V
from dsl import check_vars
from dsl.compile_text import cond_text
from dsl.diagnostics import did_you_mean
from locomotion.world import TerrainKind

__all__ = ["MAX_COND_DEPTH", "check_cond", "cond_depth"]

#: Deepest condition accepted, in levels of `and`, `or` and `not` (a chain of n `and`s is n deep).
MAX_COND_DEPTH = 32


class ValueChecker(Protocol):
    """What condition checks need from :class:`dsl.check_tasks.StatementChecker`."""

    @property
    def sink(self) -> V.Sink: ...

    @property
    def variables(self) -> Mapping[str, Any]:
        """The mission's variables by name (their start values say flag or counter)."""
        ...

    def value(self, value: A.ArgValue, kind: ParamKind, dimension: Dimension | None, what: str,
              scope: Mapping[str, Any], rng: vocab.Range | None = None,
              choices: tuple[str, ...] = ()) -> None: ...

    def name_value(self, ident: A.Ident, kind: ParamKind, dimension: Dimension | None,
                   what: str, scope: Mapping[str, Any]) -> None: ...


def cond_depth(cond: A.Cond) -> int:
    """Levels of ``and``/``or``/``not`` in ``cond``, counted without recursion."""
    deepest, pending = 0, [(cond, 0)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(node, (A.AndCond, A.OrCond)):
            pending += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, A.NotCond):
            pending.append((node.item, depth + 1))
    return deepest


def check_cond(checker: ValueChecker, cond: A.Cond, scope: Mapping[str, Any]) -> None:
    """Check a condition tree, refusing one deeper than :data:`MAX_COND_DEPTH` first."""
    depth = cond_depth(cond)
    if depth > MAX_COND_DEPTH:
        checker.sink.error(cond.span, f"this condition is nested too deeply: {depth} levels of "
                           f"`and`/`or`/`not` (the limit is {MAX_COND_DEPTH})",
                           "split long `and`/`or`/`not` chains, e.g. into several guards")
        return
    _cond(checker, cond, scope)


def _cond(checker: ValueChecker, cond: A.Cond, scope: Mapping[str, Any]) -> None:
    """Check a condition tree whose depth is checked (so is every part's: each is shallower)."""
    sink = checker.sink
    if isinstance(cond, (A.AndCond, A.OrCond)):
        _cond(checker, cond.left, scope)
        _cond(checker, cond.right, scope)
    elif isinstance(cond, A.NotCond):
        _cond(checker, cond.item, scope)
    elif isinstance(cond, A.Compare):
        _compare(checker, cond, scope)
    elif isinstance(cond, A.DistanceCond):
        checker.value(cond.target, ParamKind.PLACE, None, "`distance to`", scope)
        checker.value(cond.rhs, ParamKind.QUANTITY, Dimension.LENGTH, "the distance", scope)
    elif isinstance(cond, A.TerrainIs):
        kinds = [k.value for k in TerrainKind]
        if cond.kind.name not in kinds:
            sink.error(cond.kind.span, f"unknown terrain kind `{cond.kind.name}`",
                       did_you_mean(cond.kind.name, kinds)
                       or f"terrain kinds: {', '.join(kinds)}")
    elif isinstance(cond, A.GaitIs):
        gaits = [g for g in vocab.GAITS if g != "auto"]
        if cond.gait.name not in gaits:
            sink.error(cond.gait.span, f"unknown gait `{cond.gait.name}`",
                       did_you_mean(cond.gait.name, gaits) or f"gaits: {', '.join(gaits)}")
    elif isinstance(cond, A.FactCond):
        _fact(checker, cond, scope)


def _compare(checker: ValueChecker, cond: A.Compare, scope: Mapping[str, Any]) -> None:
    name, variables, sink = cond.lhs.name, checker.variables, checker.sink
    kind = check_vars.var_kind(variables, name)
    if kind == "flag":
        check_vars.flag_compared(sink, cond)
    elif kind == "counter":
        checker.value(cond.rhs, ParamKind.INT, Dimension.COUNT, f"counter `{name}`", scope,
                      check_vars.COUNTER_RANGE)
    elif name in vocab.STATE_VARS:
        var = vocab.STATE_VARS[name]
        checker.value(cond.rhs, ParamKind.QUANTITY, var.dimension, f"`{name}`", scope)
        _decided(sink, cond, var)
    elif name in vocab.COUNTERS:
        checker.value(cond.rhs, ParamKind.INT, Dimension.COUNT, f"counter `{name}`", scope)
        _decided(sink, cond, vocab.COUNTERS[name])
    elif name in vocab.FACTS:
        sink.error(cond.lhs.span, f"`{name}` is a fact (true or false): it cannot be compared",
                   f"use it alone, e.g. `if {name}` or `if not {name}`")
    else:
        counters = [n for n in variables if check_vars.var_kind(variables, n) == "counter"]
        sink.error(cond.lhs.span, f"unknown robot state `{name}`",
                   did_you_mean(name, [*vocab.STATE_VARS, *vocab.COUNTERS, *counters])
                   or f"robot state: {', '.join([*vocab.STATE_VARS, *vocab.COUNTERS])}")


def _outcome(op: str, value: float, bounds: vocab.Range) -> bool | None:
    """What ``x op value`` gives for every ``x`` within ``bounds`` (None: it depends on x).

    An ordering comparison is monotone in x: it holds throughout iff it holds at the bound least
    in its favour, and never iff it fails at the bound most in its favour.
    """
    if op in ("==", "!="):
        return None if bounds.contains(value) else op == "!="
    test = OPERATORS[op]
    worst, best = (bounds.high, bounds.low) if op in ("<", "<=") else (bounds.low, bounds.high)
    if test(worst, value):
        return True
    return None if test(best, value) else False


def _decided(sink: V.Sink, cond: A.Compare, var: vocab.StateVar) -> None:
    """Warn of a comparison with a written value that its state's bounds alone decide
    (``battery < 150 %`` always holds): the mission then does not say what was meant."""
    rhs = cond.rhs
    if not isinstance(rhs, A.Quantity):
        return
    if var.dimension is Dimension.COUNT:
        value = rhs.value if rhs.unit is None else math.nan
    elif rhs.unit is not None and dimension_of(rhs.unit) is var.dimension:
        value = to_canonical(rhs.value, rhs.unit)
    else:
        return  # refused, or not a number of its kind: the value check has said so
    if not math.isfinite(value):
        return
    result = _outcome(cond.op, value, var.bounds)
    if result is None:
        return
    unit = CANONICAL.get(var.dimension, "") if var.dimension is not Dimension.COUNT else ""
    sink.warning(cond.span, f"`{cond_text(cond)}` {'always' if result else 'never'} holds: "
                 f"`{var.name}` is {var.bounds.describe(unit)}",
                 "compare with a value within that range")


def _fact(checker: ValueChecker, cond: A.FactCond, scope: Mapping[str, Any]) -> None:
    name, variables, sink = cond.name.name, checker.variables, checker.sink
    fact = vocab.FACTS.get(name)
    kind = check_vars.var_kind(variables, name)
    if kind is not None:
        if kind == "counter":
            check_vars.counter_alone(sink, cond)
        elif cond.arg is not None:
            sink.error(cond.arg.span, f"flag `{name}` takes no argument")
        return
    if fact is None:
        if name in vocab.STATE_VARS or name in vocab.COUNTERS:
            sink.error(cond.name.span, f"`{name}` is a measurement: compare it",
                       f"e.g. `{name} > 0`")
        else:
            sink.error(cond.name.span, f"unknown fact `{name}`",
                       did_you_mean(name, [*vocab.condition_names(), *variables])
                       or f"facts: {', '.join(vocab.FACTS)}")
        return
    if cond.arg is not None:
        if fact.arg_kind is None:
            sink.error(cond.arg.span, f"fact `{name}` takes no argument")
        else:
            checker.name_value(cond.arg, fact.arg_kind, None, f"`{name}`", scope)
