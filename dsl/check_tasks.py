"""Checks of statements, task calls and conditions, against the vocabulary and the symbol table.

Every action's arguments are checked from its :data:`bt_runtime.vocabulary.ACTIONS` entry (kind,
dimension, range, choices), so the checker accepts exactly what the compiler can build. Task calls
are matched to the task's parameters; recursion (direct or mutual) is found on the call graph.

Size: over 400 lines: statements, task calls and conditions are checked against one symbol table
here; the condition checks (depth, expressions) are the next to move out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar

from bt_runtime import vocabulary as vocab
from bt_runtime.units import Dimension
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import check_values as V
from dsl import check_vars
from dsl.check_decls import DeclChecker
from dsl.check_facts import MAIN, FactRecorder
from dsl.check_parallel import MotionIndex, parallel_conflict
from dsl.check_policies import check_policy
from dsl.check_text import check_placeholders
from dsl.diagnostics import a_or_an, did_you_mean
from dsl.symbols import PLACE_KINDS, describe_kind
from locomotion.world import TerrainKind, World

__all__ = ["MAX_COND_DEPTH", "SYMBOL_KINDS", "ParamType", "Scope", "StatementChecker", "cond_depth", "describe_want"]


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


#: Deepest condition accepted, in levels of `and`, `or` and `not` (a chain of n `and`s is n deep).
MAX_COND_DEPTH = 32

#: The dimension a bare-number parameter kind wants (built once, not per value checked).
_BARE_DIMENSIONS = {ParamKind.INT: Dimension.COUNT, ParamKind.NUMBER: Dimension.NUMBER}
_TASK = frozenset({"task"})


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
        if stmt.kind.startswith("parallel"):
            if self._motions is None:  # every task is declared by now: index them once
                self._motions = MotionIndex(self.decls.resolved.tasks)
            conflict = parallel_conflict(stmt, self._motions)
            if conflict is not None:
                self.sink.diagnostics.append(conflict)
        self.block(stmt.body, scope)

    def _count(self, value: A.Quantity | A.Ident, what: str, scope: Scope) -> None:
        self.value(value, ParamKind.INT, Dimension.COUNT, what, scope, vocab.AT_LEAST_ONE)
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
        missing = [n for n in order if n not in bound]
        if missing:
            self.sink.error(stmt.span, f"missing argument{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(f'`{m}`' for m in missing)} of task `{decl.name.name}`",
                            f"call it as {decl.name.name}({', '.join(order)})")

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
            self._name_value(value, kind, dimension, what, scope)
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

    def _name_value(self, ident: A.Ident, kind: ParamKind, dimension: Dimension | None,
                    what: str, scope: Scope) -> None:
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

    # ---------------------------------------------------------------------------- conditions
    def cond(self, cond: A.Cond, scope: Scope) -> None:
        """Check a condition tree (at most :data:`MAX_COND_DEPTH` deep: compiling, naming and
        evaluating a condition recurse on its depth)."""
        depth = cond_depth(cond)
        if depth > MAX_COND_DEPTH:
            self.sink.error(cond.span, f"this condition is nested too deeply: {depth} levels of "
                            f"`and`/`or`/`not` (the limit is {MAX_COND_DEPTH})",
                            "split long `and`/`or`/`not` chains, e.g. into several guards")
            return
        self._cond(cond, scope)

    def _cond(self, cond: A.Cond, scope: Scope) -> None:
        """Check a condition tree whose depth is checked (so is every part's: each is shallower)."""
        if isinstance(cond, (A.AndCond, A.OrCond)):
            self._cond(cond.left, scope)
            self._cond(cond.right, scope)
        elif isinstance(cond, A.NotCond):
            self._cond(cond.item, scope)
        elif isinstance(cond, A.Compare):
            self._compare(cond, scope)
        elif isinstance(cond, A.DistanceCond):
            self.value(cond.target, ParamKind.PLACE, None, "`distance to`", scope)
            self.value(cond.rhs, ParamKind.QUANTITY, Dimension.LENGTH, "the distance", scope)
        elif isinstance(cond, A.TerrainIs):
            kinds = [k.value for k in TerrainKind]
            if cond.kind.name not in kinds:
                self.sink.error(cond.kind.span, f"unknown terrain kind `{cond.kind.name}`",
                                did_you_mean(cond.kind.name, kinds)
                                or f"terrain kinds: {', '.join(kinds)}")
        elif isinstance(cond, A.GaitIs):
            gaits = [g for g in vocab.GAITS if g != "auto"]
            if cond.gait.name not in gaits:
                self.sink.error(cond.gait.span, f"unknown gait `{cond.gait.name}`",
                                did_you_mean(cond.gait.name, gaits)
                                or f"gaits: {', '.join(gaits)}")
        elif isinstance(cond, A.FactCond):
            self._fact(cond, scope)

    def _compare(self, cond: A.Compare, scope: Scope) -> None:
        name = cond.lhs.name
        kind = check_vars.var_kind(self.decls.resolved.variables, name)
        if kind == "flag":
            check_vars.flag_compared(self.sink, cond)
        elif kind == "counter":
            self.value(cond.rhs, ParamKind.INT, Dimension.COUNT, f"counter `{name}`", scope,
                       check_vars.COUNTER_RANGE)
        elif name in vocab.STATE_VARS:
            var = vocab.STATE_VARS[name]
            self.value(cond.rhs, ParamKind.QUANTITY, var.dimension, f"`{name}`", scope)
        elif name in vocab.COUNTERS:
            self.value(cond.rhs, ParamKind.INT, Dimension.COUNT, f"counter `{name}`", scope)
        elif name in vocab.FACTS:
            self.sink.error(cond.lhs.span, f"`{name}` is a fact (true or false): it cannot be "
                            "compared", f"use it alone, e.g. `if {name}` or `if not {name}`")
        else:
            counters = [n for n in self.decls.resolved.variables
                        if check_vars.var_kind(self.decls.resolved.variables, n) == "counter"]
            self.sink.error(cond.lhs.span, f"unknown robot state `{name}`",
                            did_you_mean(name, [*vocab.STATE_VARS, *vocab.COUNTERS, *counters])
                            or f"robot state: {', '.join([*vocab.STATE_VARS, *vocab.COUNTERS])}")

    def _fact(self, cond: A.FactCond, scope: Scope) -> None:
        name = cond.name.name
        fact = vocab.FACTS.get(name)
        kind = check_vars.var_kind(self.decls.resolved.variables, name)
        if kind is not None:
            if kind == "counter":
                check_vars.counter_alone(self.sink, cond)
            elif cond.arg is not None:
                self.sink.error(cond.arg.span, f"flag `{name}` takes no argument")
            return
        if fact is None:
            if name in vocab.STATE_VARS or name in vocab.COUNTERS:
                self.sink.error(cond.name.span, f"`{name}` is a measurement: compare it",
                                f"e.g. `{name} > 0`")
            else:
                self.sink.error(cond.name.span, f"unknown fact `{name}`",
                                did_you_mean(name, [*vocab.condition_names(),
                                                    *self.decls.resolved.variables])
                                or f"facts: {', '.join(vocab.FACTS)}")
            return
        if cond.arg is not None:
            if fact.arg_kind is None:
                self.sink.error(cond.arg.span, f"fact `{name}` takes no argument")
            else:
                self._name_value(cond.arg, fact.arg_kind, None, f"`{name}`", scope)

    # ---------------------------------------------------------------------------- recursion
    def recursion(self) -> bool:
        """Report each cycle of the task call graph once, at the call that starts it.

        Returns:
            True if any cycle was found.
        """
        found = False
        for component in _components(self.calls):
            start = min(component)
            previous: dict[str, tuple[str, A.Span]] = {}
            queue, closing = [start], None
            while queue and closing is None:
                node = queue.pop(0)
                for callee, span in self.calls.get(node, []):
                    if callee == start:
                        closing = (node, span)
                        break
                    if callee in component and callee not in previous:
                        previous[callee] = (node, span)
                        queue.append(callee)
            if closing is None:
                continue
            path, span = [closing[0]], closing[1]
            while path[-1] != start:
                node, span = previous[path[-1]]
                path.append(node)
            path.reverse()
            self.sink.error(span, "recursive task: " + " -> ".join([*path, start]),
                            "a task cannot call itself, directly or through others")
            found = True
        return found


def _components(calls: Mapping[str, list[tuple[str, A.Span]]]) -> list[set[str]]:
    """Strongly connected components of the call graph that contain a cycle (Tarjan's algorithm,
    with an explicit stack: a chain of thousands of tasks calling each other is legal)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def enter(node: str) -> tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter([c for c, _ in calls.get(node, []) if c in calls])

    for root in sorted(calls):
        if root in index:
            continue
        frames = [enter(root)]
        while frames:
            node, callees = frames[-1]
            callee = next(callees, None)
            if callee is not None:
                if callee not in index:
                    frames.append(enter(callee))
                elif callee in on_stack:
                    low[node] = min(low[node], index[callee])
                continue
            frames.pop()
            if frames:
                parent = frames[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or any(c == node for c, _ in calls.get(node, [])):
                    found.append(component)
    return found
