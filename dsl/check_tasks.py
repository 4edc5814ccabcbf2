"""Checks of statements, task calls and conditions, against the vocabulary and the symbol table.

Every action's arguments are checked from its :data:`bt_runtime.vocabulary.ACTIONS` entry (kind,
dimension, range, choices), so the checker accepts exactly what the compiler can build. Task calls
are matched to the task's parameters; recursion (direct or mutual) is found on the call graph.

Conditions are checked in :mod:`dsl.check_conds` and recursion found in :mod:`dsl.check_recursion`,
both from what this walk gives them (its value checks, the call graph it records).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar

from bt_runtime import vocabulary as vocab
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import check_values as V
from dsl import check_vars
from dsl.check_args import ArgumentRanges
from dsl.check_conds import check_cond
from dsl.check_decls import DeclChecker
from dsl.check_facts import MAIN, FactRecorder
from dsl.check_parallel import MotionIndex, parallel_conflict
from dsl.check_policies import check_policy
from dsl.check_recursion import report_recursion
from dsl.check_text import check_placeholders
from dsl.diagnostics import a_or_an, did_you_mean
from dsl.symbols import PLACE_KINDS, describe_kind
from locomotion.world import World

__all__ = ["SYMBOL_KINDS", "ParamType", "Scope", "StatementChecker", "describe_want"]


@dataclass(frozen=True)
class ParamType:
    """The declared type of a task parameter, as a vocabulary kind (+ dimension)."""

    name: str
    kind: ParamKind
    dimension: Dimension | None


Scope = Mapping[str, ParamType]

#: Symbol kinds that satisfy each name-valued parameter kind.
SYMBOL_KINDS: dict[ParamKind, frozenset[str]] = {
    ParamKind.PLACE: PLACE_KINDS,
    ParamKind.STATION: frozenset({"station"}),
    ParamKind.DOCK: frozenset({"dock"}),
    ParamKind.ROUTE: frozenset({"route"}),
    ParamKind.AREA: frozenset({"area"}),
    ParamKind.PAYLOAD: frozenset({"payload"}),
}



def describe_want(kind: ParamKind, dimension: Dimension | None) -> str:
    """What a parameter wants, in words ("a route", "a time", ...)."""
    if kind is ParamKind.QUANTITY and dimension is not None:
        return a_or_an(dimension.value)
    return vocab.KIND_WANTS.get(kind, kind.value)


def _compatible(have: ParamType, kind: ParamKind, dimension: Dimension | None) -> bool:
    if have.kind is kind:
        return kind is not ParamKind.QUANTITY or have.dimension is dimension
    if kind is ParamKind.PLACE:
        return have.kind in (ParamKind.STATION, ParamKind.DOCK)
    return kind is ParamKind.NUMBER and have.kind is ParamKind.INT


def param_type(param: A.TaskParam) -> ParamType | None:
    """The type of a declared task parameter (None if the type name is unknown)."""
    spec = vocab.TASK_PARAM_TYPES.get(param.type.name)
    return None if spec is None else ParamType(param.type.name, spec.kind, spec.dimension)


#: The dimension a bare-number parameter kind wants (built once, not per value checked).
_BARE_DIMENSIONS = {ParamKind.INT: Dimension.COUNT, ParamKind.NUMBER: Dimension.NUMBER}
_TASK = frozenset({"task"})


@cache
def _action_param(action: str, name: str) -> tuple[vocab.ParamSpec, str]:
    """An action parameter's spec and how messages name it (vocabulary facts: found once)."""
    spec = vocab.ACTIONS[action]
    param = spec.param(name)
    return param, f"`{spec.spelled}` {param.name}"


@dataclass(frozen=True)
class _Signature:
    """A task's parameters as its calls are checked: built once per task, not once per call."""

    #: Each parameter's type (None: an unknown type name, reported at the declaration).
    types: dict[str, ParamType | None]
    order: list[str]

    @classmethod
    def of(cls, decl: A.TaskDecl) -> _Signature:
        return cls({p.name.name: param_type(p) for p in decl.params},
                   [p.name.name for p in decl.params])


@dataclass
class StatementChecker:
    """Checks bodies of tasks and ``main``; records the task call graph and, in ``facts``, what
    each body calls and needs (:mod:`dsl.check_facts`)."""

    decls: DeclChecker
    world: World | None = None
    calls: dict[str, list[tuple[str, A.Span]]] = field(default_factory=dict)
    facts: FactRecorder = field(init=False)
    _task: str | None = None
    _motions: MotionIndex | None = None
    _signatures: dict[str, _Signature] = field(default_factory=dict)  # per task called
    #: the parameters' uses and the values written at calls (:mod:`dsl.check_args`)
    arguments: ArgumentRanges = field(default_factory=ArgumentRanges)

    def __post_init__(self) -> None:
        self.facts = FactRecorder(self.decls.resolved)

    @property
    def sink(self) -> V.Sink:
        return self.decls.sink

    # -------------------------------------------------------------------------------- entry
    def task(self, decl: A.TaskDecl) -> None:
        scope = {p.name.name: t for p in decl.params if (t := param_type(p)) is not None}
        self._task = decl.name.name
        self.calls.setdefault(decl.name.name, [])
        self.facts.start(decl.name.name)
        self.block(decl.body, scope)
        if decl.on_failure is not None:
            self.facts.start_handler()
            self.block(decl.on_failure, scope)
        if decl.policy is not None:
            check_policy(self, decl.policy, scope, None)
        self._task = None

    def main(self, decl: A.MainDecl) -> None:
        self._task = None
        self.facts.start(MAIN)
        self.block(decl.body, {})

    # ---------------------------------------------------------------------------- statements
    def block(self, block: A.Block, scope: Scope) -> None:
        handlers = self._HANDLERS
        after_forever = False
        for stmt in block.stmts:
            if after_forever:
                self.sink.error(stmt.span, "code after `forever` is never reached",
                                "move it before the `repeat forever` or remove it")
                after_forever = False
            kind = type(stmt)  # exactly a statement class: the handlers are looked up by it
            handlers[kind](self, stmt, scope)
            if isinstance(stmt, A.Repeat) and stmt.count is None:
                after_forever = True
        if block.stmts and type(block.stmts[-1]) is A.Guard:
            self.sink.warning(block.stmts[-1].span, "this guard protects nothing: it is the last "
                              "statement of its block",
                              "a guard watches the statements that follow it")

    def _composite(self, stmt: A.Composite, scope: Scope) -> None:
        if stmt.kind == "fallback" and not stmt.body.stmts:
            self.sink.error(stmt.span, "an empty `fallback` always fails: it has no alternative "
                            "to succeed with", "give it the alternatives to try, in order, or "
                            "write `fail \"why\"` to fail on purpose")
        if stmt.kind.startswith("parallel"):
            if self._motions is None:  # every task is declared by now: index them once
                self._motions = MotionIndex(self.decls.resolved.tasks)
            conflict = parallel_conflict(stmt, self._motions)
            if conflict is not None:
                self.sink.diagnostics.append(conflict)
        self.block(stmt.body, scope)

    def _count(self, value: A.Quantity | A.Ident, what: str, scope: Scope) -> None:
        # a parameter takes the whole range (a literal's upper bound has a message of its own)
        rng = vocab.COUNT_RANGE if isinstance(value, A.Ident) else vocab.AT_LEAST_ONE
        self.value(value, ParamKind.INT, Dimension.COUNT, what, scope, rng)
        high = vocab.COUNT_RANGE.high
        if (isinstance(value, A.Quantity) and value.unit is None and value.value > high
                and math.isfinite(value.value)):  # an infinite one was "too large" already
            self.sink.error(value.span, f"value out of range: {what} must be <= {high:,.0f}, got "
                            f"{V.written(value)}", "a count is run, not built, but a billion rounds "
                            "never ends: bound the mission with `time_limit` instead")

    def _repeat(self, stmt: A.Repeat, scope: Scope) -> None:
        if stmt.count is not None:
            self._count(stmt.count, "the repeat count", scope)
            self.block(stmt.body, scope)
            return
        self.facts.enter_forever()
        self.block(stmt.body, scope)
        self.facts.leave_forever()

    def _retry(self, stmt: A.Retry, scope: Scope) -> None:
        self._count(stmt.count, "the number of attempts", scope)
        self.block(stmt.body, scope)

    def _timeout(self, stmt: A.Timeout, scope: Scope) -> None:
        self.value(stmt.duration, ParamKind.QUANTITY, Dimension.TIME, "the timeout", scope,
                   vocab.POSITIVE)
        self.block(stmt.body, scope)

    def _if(self, stmt: A.If, scope: Scope) -> None:
        for branch in stmt.branches:
            self.cond(branch.cond, scope)
            self.block(branch.body, scope)
        if stmt.orelse is not None:
            self.block(stmt.orelse, scope)

    def _guard(self, stmt: A.Guard, scope: Scope) -> None:
        self.cond(stmt.cond, scope)
        self.block(stmt.handler, scope)

    def _action(self, stmt: A.Action, scope: Scope) -> None:
        self.facts.action(stmt)
        for arg in stmt.args:
            p, what = _action_param(stmt.action, arg.name)
            self.value(arg.value, p.kind, p.dimension, what, scope, p.range, p.choices)

    def _call(self, stmt: A.Call, scope: Scope) -> None:
        self.facts.call(stmt)
        symbol = self.decls.ref(stmt.task, _TASK, "a call")
        if symbol is None:
            return
        if self._task is not None:
            self.calls[self._task].append((stmt.task.name, stmt.task.span))
        decl = symbol.decl
        assert isinstance(decl, A.TaskDecl)
        signature = self._signatures.get(decl.name.name)
        if signature is None:
            signature = self._signatures[decl.name.name] = _Signature.of(decl)
        params, order = signature.types, signature.order
        bound: dict[str, A.CallArg] = {}
        named_seen = False
        for position, arg in enumerate(stmt.args):
            if arg.name is None:
                if named_seen:
                    self.sink.error(arg.span, "a positional argument cannot follow a named one")
                    continue
                if position >= len(order):
                    self.sink.error(arg.span, f"task `{decl.name.name}` takes {len(order)} "
                                    f"argument{'s' if len(order) != 1 else ''}, got "
                                    f"{len(stmt.args)}")
                    break
                name = order[position]
            else:
                named_seen = True
                name = arg.name.name
                if name not in params:
                    self.sink.error(arg.name.span, f"task `{decl.name.name}` has no parameter "
                                    f"`{name}`", did_you_mean(name, order)
                                    or f"its parameters: {', '.join(order) or 'none'}")
                    continue
            if name in bound:
                self.sink.error(arg.span, f"argument `{name}` is given twice")
                continue
            bound[name] = arg
            ptype = params[name]
            if ptype is not None:
                self.value(arg.value, ptype.kind, ptype.dimension, f"argument `{name}`", scope)
                self._argument(decl.name.name, name, arg.value, ptype, scope)
        missing = [n for n in order if n not in bound]
        if missing:
            self.sink.error(stmt.span, f"missing argument{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(f'`{m}`' for m in missing)} of task `{decl.name.name}`",
                            f"call it as {decl.name.name}({', '.join(order)})")

    def _argument(self, task: str, name: str, value: A.ArgValue, ptype: ParamType,
                  scope: Scope) -> None:
        """Note a written quantity, or a parameter handed on, for :mod:`dsl.check_args`."""
        dim = _BARE_DIMENSIONS.get(ptype.kind, ptype.dimension)
        if isinstance(value, A.Quantity) and dim is not None:
            self.arguments.argument(task, name, value, dim)
        elif isinstance(value, A.Ident) and self._task is not None and value.name in scope:
            self.arguments.passed(self._task, value.name, task, name)

    def _set_var(self, stmt: A.SetVar, scope: Scope) -> None:
        check_vars.check_set(self.sink, stmt, self.decls.resolved.variables)

    def _with_policy(self, stmt: A.WithPolicy, scope: Scope) -> None:
        self._HANDLERS[type(stmt.stmt)](self, stmt.stmt, scope)
        self.facts.policy(stmt.policy)
        check_policy(self, stmt.policy, scope, stmt.stmt)

    _HANDLERS: ClassVar[dict[type, Callable[..., None]]] = {
        A.Composite: _composite, A.Repeat: _repeat, A.Retry: _retry, A.Timeout: _timeout,
        A.If: _if, A.Guard: _guard, A.Action: _action, A.Call: _call, A.SetVar: _set_var,
        A.WithPolicy: _with_policy,
    }

    @property
    def variables(self) -> Mapping[str, bool | int]:
        """The mission's variables and their start values (what a condition may read)."""
        return self.decls.resolved.variables

    def cond(self, cond: A.Cond, scope: Scope) -> None:
        """Check a condition (:func:`dsl.check_conds.check_cond`)."""
        check_cond(self, cond, scope)

    def recursion(self) -> bool:
        """Report each cycle of the call graph walked so far; True if there is one."""
        return report_recursion(self.calls, self.sink)

    # -------------------------------------------------------------------------------- values
    def value(
        self, value: A.ArgValue, kind: ParamKind, dimension: Dimension | None, what: str,
        scope: Scope, rng: vocab.Range | None = None, choices: tuple[str, ...] = (),
    ) -> None:
        """Check one written value against what a parameter wants."""
        if kind is ParamKind.CHOICE:
            if not isinstance(value, A.Ident):
                self.sink.error(value.span, f"{what} must be one of {', '.join(choices)}")
            elif value.name not in choices:
                self.sink.error(value.span, f"unknown {what} `{value.name}`",
                                did_you_mean(value.name, choices)
                                or f"choose one of {', '.join(choices)}")
            return
        if isinstance(value, A.Ident):
            self.name_value(value, kind, dimension, what, scope)
            if rng is not None and self._task is not None and value.name in scope:
                self.arguments.use(self._task, value.name, rng, what, value.span)
        elif isinstance(value, A.Quantity) and kind in (ParamKind.QUANTITY, ParamKind.INT,
                                                          ParamKind.NUMBER):
            dim = _BARE_DIMENSIONS.get(kind, dimension)
            assert dim is not None
            V.quantity(self.sink, value, dim, what, rng)
        elif isinstance(value, A.Point) and kind is ParamKind.PLACE:
            xyz = V.point(self.sink, value, what, allow_z=True)
            if xyz is not None and self.world is not None:
                self.decls.check_position(self.world, value.span, "the point", xyz[0], xyz[1])
        elif isinstance(value, A.Text) and kind is ParamKind.TEXT:
            check_placeholders(self.sink, value)
        else:
            shown = {A.Quantity: "a number", A.Point: "a point", A.Text: "a string"}
            self.sink.error(value.span, f"{what} must be {describe_want(kind, dimension)}, not "
                            f"{shown[type(value)]}")

    def name_value(self, ident: A.Ident, kind: ParamKind, dimension: Dimension | None,
                   what: str, scope: Scope) -> None:
        """Check a name written where a parameter of ``kind`` is wanted (a task parameter in
        ``scope``, else a declared symbol of a kind that fits)."""
        have = scope.get(ident.name)
        if have is not None:
            if not _compatible(have, kind, dimension):
                self.sink.error(ident.span, f"`{ident.name}` is {a_or_an(have.name)} parameter, but "
                                f"{what} must be {describe_want(kind, dimension)}")
            return
        kinds = SYMBOL_KINDS.get(kind)
        if kinds is None:
            symbol = self.decls.table.get(ident.name)
            found = f"{describe_kind(symbol.kind)} `{ident.name}`" if symbol else \
                f"the name `{ident.name}`"
            self.sink.error(ident.span, f"{what} must be {describe_want(kind, dimension)}, not "
                            f"{found}", did_you_mean(ident.name, scope))
            return
        self.decls.ref(ident, kinds, what)
