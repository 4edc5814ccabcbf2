"""Checked conditions → :mod:`bt_runtime.expressions` values, task arguments substituted.

One builder per condition type, found by the condition's type (one dictionary lookup per
condition part instead of a chain of isinstance tests). The statement compiler names the
:class:`~bt_runtime.behaviours.Condition` node; the temporal requirements compile their conditions
here too, so a ``require always`` line reads the robot exactly as a guard would.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from types import MappingProxyType
from typing import ClassVar

from bt_runtime import expressions as E
from bt_runtime import vocabulary as vocab
from bt_runtime.behaviours import Place
from bt_runtime.units import CANONICAL, to_canonical
from dsl import ast as A
from dsl.compile_text import Env, subst, value_text

__all__ = ["ConditionCompiler"]


class ConditionCompiler:
    """Compiles the conditions of one compilation.

    Args:
        variables: the mission's variable names (a counter variable compares as a counter).
        place: resolves a place name or a point (the compilation's one :class:`Place` per name).
    """

    def __init__(self, variables: Container[str], place: Callable[[A.ArgValue], Place]) -> None:
        self.variables = variables
        self.place = place

    def expr(self, cond: A.Cond, env: Env) -> E.Expr:
        """The expression of ``cond``, task parameters replaced by their arguments from ``env``."""
        return self._BUILDERS[type(cond)](self, cond, env)

    def _or(self, cond: A.OrCond, env: Env) -> E.Expr:
        return E.Or((self.expr(cond.left, env), self.expr(cond.right, env)))

    def _and(self, cond: A.AndCond, env: Env) -> E.Expr:
        return E.And((self.expr(cond.left, env), self.expr(cond.right, env)))

    def _not(self, cond: A.NotCond, env: Env) -> E.Expr:
        return E.Not(self.expr(cond.item, env))

    def _compare(self, cond: A.Compare, env: Env) -> E.Expr:
        rhs = subst(cond.rhs, env)
        assert isinstance(rhs, A.Quantity)
        name = cond.lhs.name
        if name in vocab.COUNTERS or name in self.variables:
            return E.CounterCompare(name, cond.op, int(rhs.value))
        dim = vocab.STATE_VARS[name].dimension
        return E.Compare(name, cond.op, to_canonical(rhs.value, rhs.unit), CANONICAL[dim])

    def _distance(self, cond: A.DistanceCond, env: Env) -> E.Expr:
        place = self.place(subst(cond.target, env))
        rhs = subst(cond.rhs, env)
        assert isinstance(rhs, A.Quantity)
        return E.DistanceTo(place.name, place.x, place.y, cond.op,
                            to_canonical(rhs.value, rhs.unit))

    def _terrain(self, cond: A.TerrainIs, env: Env) -> E.Expr:
        return E.TerrainIs(cond.kind.name)

    def _gait(self, cond: A.GaitIs, env: Env) -> E.Expr:
        return E.GaitIs(cond.gait.name)

    def _fact(self, cond: A.FactCond, env: Env) -> E.Expr:
        arg = None if cond.arg is None else subst(cond.arg, env)
        return E.FactIs(cond.name.name, None if arg is None else value_text(arg))

    def _bool(self, cond: A.BoolCond, env: Env) -> E.Expr:
        return E.Const(cond.value)

    #: The builder of each condition type.
    _BUILDERS: ClassVar[Mapping[type, Callable[..., E.Expr]]] = MappingProxyType({
        A.OrCond: _or, A.AndCond: _and, A.NotCond: _not, A.Compare: _compare,
        A.DistanceCond: _distance, A.TerrainIs: _terrain, A.GaitIs: _gait, A.FactCond: _fact,
        A.BoolCond: _bool,
    })
