"""Checked AST → py_trees behaviour tree.

Shapes of the compiled constructs (every Sequence/Selector gets an explicit ``memory=``):

* a block ``{ a b c }`` → ``Sequence(memory=True)[a, b, c]``; the mission's ``main`` is the root
  sequence, named after the mission.
* ``fallback`` → ``Selector(memory=True)``; ``parallel [all]`` / ``parallel any`` →
  ``Parallel(SuccessOnAll(synchronise=True))`` / ``Parallel(SuccessOnOne())`` (as in py_trees, a
  failing child fails the parallel).
* ``repeat N``/``forever`` → ``decorators.Repeat(num_success=N | -1)``; ``retry N`` →
  ``decorators.Retry(num_failures=N)``; ``timeout`` → :class:`ClockTimeout` (py_trees' Timeout on the
  runtime's clock).
* ``if/else if/else`` → nested :class:`IfThenElse` (decides once, when reached).
* ``guard C { H }`` followed by statements R →
  ``GuardSequence[Selector(memory=True)[Inverter(Condition C), H], Sequence(memory=True)[R]]``.
  Each tick the guard evaluates the selector first: while C is false the inverter succeeds and R
  runs on; when C turns true, H starts and R is preempted; the selector's memory keeps H running
  without re-checking C; when H succeeds, R goes on in the same tick: by default (``then resume``)
  from the interrupted step, with every completed step kept; with ``then restart`` from its
  beginning. When H fails, the block fails. (:mod:`bt_runtime.behaviours.guard` says what resume
  keeps at each kind of node.)
* ``on failure { H }`` → ``Selector(memory=True)[body, H]``.
* ``set v = value`` → :class:`~bt_runtime.behaviours.SetVariable`; a flag variable in a condition
  reads like a fact, a counter variable like a counter (the runtime keeps them in one registry).
* a task call → :class:`TaskCall` over a fresh copy of the task's body with the arguments
  substituted (tasks are expanded per call; the checker has ruled out recursion).

Split by construct family: :mod:`dsl.compile_control` builds the control constructs,
:mod:`dsl.compile_text` spells values, conditions and actions; this module keeps values, conditions,
actions, task calls and the entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime import expressions as E
from bt_runtime import vocabulary as vocab
from bt_runtime.behaviours import Condition, Place, Route, SetVariable, TaskCall
from bt_runtime.bindings import BEHAVIOURS
from bt_runtime.temporal import TemporalCriterion
from bt_runtime.tree_model import NodeSource
from bt_runtime.units import CANONICAL, to_canonical
from bt_runtime.variation import Variation
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl import compile_control as C
from dsl.checker import CheckedProgram, Requirement
from dsl.compile_policies import PolicyCompiler
from dsl.compile_temporal import temporal_criteria
from dsl.compile_text import Env, action_text, cond_text, value_text
from locomotion.world import World

__all__ = ["CompileError", "CompiledMission", "action_text", "compile_mission", "cond_text",
           "value_text"]

_B = TypeVar("_B", bound=Behaviour)
_new_tuple = tuple.__new__
_PLACE_KINDS = frozenset((ParamKind.PLACE, ParamKind.STATION, ParamKind.DOCK))


class CompileError(ValueError):
    """A checked program that still cannot be built (a bug: the checker should have said so)."""


@dataclass(frozen=True)
class CompiledMission:
    """The behaviour tree and what a runtime needs to run it."""

    name: str
    root: Behaviour
    tick_rate: float
    time_limit: float | None
    robot_model: str
    robot: Mapping[str, float | None]
    requirements: tuple[Requirement, ...]
    world: World | None
    #: What a campaign varies (the checked ``vary`` blocks), None when none is declared.
    variation: Variation | None = None
    #: What each node was built from, by ``id()`` of the behaviour (for
    #: :func:`bt_runtime.tree_model.describe`: spans, roles, the task structure BT.CPP needs).
    sources: Mapping[int, NodeSource] = field(default_factory=lambda: MappingProxyType({}))
    #: The mission's variables and their start values (``var searched_west = false``).
    variables: Mapping[str, bool | int] = field(default_factory=lambda: MappingProxyType({}))
    #: The ``require always`` / ``within`` lines, judged over every tick of a run.
    temporal: tuple[TemporalCriterion, ...] = ()


def _where(span: A.Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


class _Compiler:
    def __init__(self, checked: CheckedProgram,
                 behaviours: Mapping[str, Callable[..., Behaviour]]) -> None:
        self.checked = checked
        self.behaviours = behaviours
        self.resolved = checked.resolved
        # One Place per name for this compilation (a place is immutable, and a mission names the
        # same few places hundreds of times).
        self._places: dict[str, Place] = {}
        self.sources: dict[int, NodeSource] = {}
        self.policies = PolicyCompiler(self)  # failure policies: dsl/compile_policies.py

    def mark(self, node: _B, origin: object, role: str, env: Env,
             task_params: tuple[tuple[str, str], ...] = ()) -> _B:
        """Record what ``node`` was built from (see :class:`bt_runtime.tree_model.NodeSource`)."""
        # tuple.__new__ builds the named tuple without its Python-level __new__ (one per node)
        self.sources[id(node)] = _new_tuple(NodeSource, (origin, role, env, task_params))
        return node

    # ------------------------------------------------------------------------------ values
    def subst(self, value: A.ArgValue, env: Env) -> A.ArgValue:
        if isinstance(value, A.Ident) and value.name in env:
            return env[value.name]
        return value

    def place(self, value: A.ArgValue) -> Place:
        if isinstance(value, A.Point):
            xyz = [to_canonical(c.value, c.unit) for c in value.coords]
            return Place(value_text(value), xyz[0], xyz[1], xyz[2] if len(xyz) > 2 else 0.0)
        assert isinstance(value, A.Ident)
        place = self._places.get(value.name)
        if place is not None:
            return place
        try:
            _kind, x, y, z = self.resolved.places[value.name]
        except KeyError:
            raise CompileError(f"place `{value.name}` has no position") from None
        place = self._places[value.name] = Place(value.name, x, y, z)
        return place

    def resolve(self, value: A.ArgValue, spec: vocab.ParamSpec) -> Any:
        """A written value → the canonical value the behaviour takes for ``spec``."""
        kind = spec.kind
        if kind in (ParamKind.PLACE, ParamKind.STATION, ParamKind.DOCK):
            return self.place(value)
        if kind is ParamKind.ROUTE:
            assert isinstance(value, A.Ident)
            names, closed = self.resolved.routes[value.name]
            return Route(value.name, tuple(self.place(A.Ident(n, value.span)) for n in names),
                         closed)
        if kind is ParamKind.AREA:
            assert isinstance(value, A.Ident)
            return self.resolved.areas[value.name]
        if kind in (ParamKind.PAYLOAD, ParamKind.CHOICE):
            assert isinstance(value, A.Ident)
            return value.name
        if kind is ParamKind.TEXT:
            assert isinstance(value, A.Text)
            return value.value
        assert isinstance(value, A.Quantity)
        canonical = int(value.value) if kind is ParamKind.INT else to_canonical(value.value,
                                                                                value.unit)
        if spec.range is not None and not spec.range.contains(canonical):
            # a task argument the checker could not see at the use site (`follow r laps n`)
            raise CompileError(f"{_where(value.span)}: value out of range: {spec.name} must be "
                               f"{spec.range.describe()}, got {value.text}")
        return canonical

    def count(self, value: A.Quantity | A.Ident, env: Env) -> int:
        resolved = self.subst(value, env)
        assert isinstance(resolved, A.Quantity)
        if not vocab.COUNT_RANGE.contains(resolved.value):  # passed in as a task argument
            raise CompileError(f"{_where(resolved.span)}: value out of range: a count must be "
                               f"{vocab.COUNT_RANGE.describe()}, got {resolved.text}")
        return int(resolved.value)

    # -------------------------------------------------------------------------- conditions
    def expr(self, cond: A.Cond, env: Env) -> E.Expr:
        if isinstance(cond, A.OrCond):
            return E.Or((self.expr(cond.left, env), self.expr(cond.right, env)))
        if isinstance(cond, A.AndCond):
            return E.And((self.expr(cond.left, env), self.expr(cond.right, env)))
        if isinstance(cond, A.NotCond):
            return E.Not(self.expr(cond.item, env))
        if isinstance(cond, A.Compare):
            rhs = self.subst(cond.rhs, env)
            assert isinstance(rhs, A.Quantity)
            name = cond.lhs.name
            if name in vocab.COUNTERS or name in self.resolved.variables:
                return E.CounterCompare(name, cond.op, int(rhs.value))
            dim = vocab.STATE_VARS[name].dimension
            return E.Compare(name, cond.op, to_canonical(rhs.value, rhs.unit), CANONICAL[dim])
        if isinstance(cond, A.DistanceCond):
            place = self.place(self.subst(cond.target, env))
            rhs = self.subst(cond.rhs, env)
            assert isinstance(rhs, A.Quantity)
            return E.DistanceTo(place.name, place.x, place.y, cond.op,
                                to_canonical(rhs.value, rhs.unit))
        if isinstance(cond, A.TerrainIs):
            return E.TerrainIs(cond.kind.name)
        if isinstance(cond, A.GaitIs):
            return E.GaitIs(cond.gait.name)
        if isinstance(cond, A.FactCond):
            arg = None if cond.arg is None else self.subst(cond.arg, env)
            return E.FactIs(cond.name.name, None if arg is None else value_text(arg))
        assert isinstance(cond, A.BoolCond)
        return E.Const(cond.value)

    def condition(self, cond: A.Cond, env: Env) -> Condition:
        node = Condition(name=cond_text(cond, env), expr=self.expr(cond, env))
        self.sources[id(node)] = _new_tuple(NodeSource, (cond, "condition", env, ()))  # mark
        return node

    # -------------------------------------------------------------------------- statements
    def stmts(self, stmts: tuple[A.Stmt, ...], env: Env, stack: tuple[str, ...]) -> list[Behaviour]:
        children: list[Behaviour] = []
        for index, stmt in enumerate(stmts):
            if type(stmt) is A.Action:  # most statements: straight to the action, marked here
                node = self.action(stmt, env)
                self.sources[id(node)] = _new_tuple(NodeSource, (stmt, "action", env, ()))
                children.append(node)
                continue
            if isinstance(stmt, A.Guard):
                rest = self.mark(py_trees.composites.Sequence(
                    name="rest", memory=True, children=self.stmts(stmts[index + 1:], env, stack)),
                    stmt, "rest", env)
                children.append(C.guard(self, stmt, rest, env, stack))
                break
            children.append(self.stmt(stmt, env, stack))
        return children

    def block(self, block: A.Block, env: Env, stack: tuple[str, ...], name: str,
              role: str = "block") -> Behaviour:
        node = py_trees.composites.Sequence(name=name, memory=True,
                                            children=self.stmts(block.stmts, env, stack))
        self.sources[id(node)] = _new_tuple(NodeSource, (block, role, env, ()))  # self.mark
        return node

    def stmt(self, stmt: A.Stmt, env: Env, stack: tuple[str, ...]) -> Behaviour:
        build = self._BUILDERS.get(type(stmt))
        if build is None:
            raise CompileError(f"cannot compile {type(stmt).__name__}")
        return build(self, stmt, env, stack)

    def _action_stmt(self, stmt: A.Action, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.mark(self.action(stmt, env), stmt, "action", env)

    def _set_stmt(self, stmt: A.SetVar, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.mark(self.set_var(stmt), stmt, "set", env)

    def _composite_stmt(self, stmt: A.Composite, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.mark(C.composite(self, stmt, env, stack), stmt, "statement", env)

    def _if_stmt(self, stmt: A.If, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return C.if_(self, stmt.branches, stmt.orelse, env, stack)

    def _policy_stmt(self, stmt: A.WithPolicy, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.policies.statement(stmt, env, stack)

    def action(self, stmt: A.Action, env: Env) -> Behaviour:
        """The leaf of one action: its arguments resolved and its name spelt in one pass.

        Folds :meth:`subst`, :meth:`resolve` (its commonest case, a named place, looked up here)
        and :func:`~dsl.compile_text.spec_action_text` into one loop over the arguments: this runs
        for most nodes of a tree, and each call saved is paid back a thousand times.
        """
        spec = vocab.ACTIONS[stmt.action]
        params = spec.by_name
        kwargs: dict[str, Any] = {}
        words = [spec.spelled]
        for arg in stmt.args:
            value = arg.value
            param = params[arg.name]
            if type(value) is A.Ident:
                if env:
                    value = env.get(value.name, value)
                if type(value) is A.Ident:
                    text = value.name
                    if param.kind in _PLACE_KINDS:
                        place = self._places.get(text)
                        kwargs[arg.name] = place if place is not None else self.place(value)
                    else:
                        kwargs[arg.name] = self.resolve(value, param)
                else:  # a task argument bound to another kind of value
                    text = value_text(value)
                    kwargs[arg.name] = self.resolve(value, param)
            else:
                text = value.text if type(value) is A.Quantity else value_text(value)
                kwargs[arg.name] = self.resolve(value, param)
            if param.word:
                words.append(param.word)
            words.append(text)
        try:
            return self.behaviours[stmt.action](name=" ".join(words), **kwargs)
        except ValueError as exc:
            raise CompileError(f"{stmt.span.file}:{stmt.span.line}:{stmt.span.col}: {exc}") from exc

    def set_var(self, stmt: A.SetVar) -> SetVariable:
        name, value = stmt.name.name, stmt.value
        if isinstance(value, A.VarStep):
            step = int(value.step.value)
            label = f"set {name} = {value.base.name} {value.op} {step}"
            return SetVariable(name=label, variable=name, base=value.base.name,
                               step=-step if value.op == "-" else step)
        literal = value.value if isinstance(value, A.BoolCond) else int(value.value)
        shown = str(literal).lower() if isinstance(literal, bool) else str(literal)
        return SetVariable(name=f"set {name} = {shown}", variable=name, value=literal)

    def call(self, stmt: A.Call, env: Env, stack: tuple[str, ...]) -> Behaviour:
        task = self.resolved.tasks[stmt.task.name]
        if task.name.name in stack:
            raise CompileError(f"recursive task {' -> '.join([*stack, task.name.name])}")
        order = [p.name.name for p in task.params]
        bound: dict[str, A.ArgValue] = {}
        for position, arg in enumerate(stmt.args):
            name = order[position] if arg.name is None else arg.name.name
            bound[name] = self.subst(arg.value, env)
        inner = (*stack, task.name.name)
        written = {n: value_text(bound[n]) for n in order}
        shown = ", ".join(written.values())
        body = self.block(task.body, bound, inner, task.name.name, "task")
        if task.on_failure is not None:
            handler = self.block(task.on_failure, bound, inner, "on failure", "on_failure")
            body = self.mark(py_trees.composites.Selector(
                name=f"{task.name.name} or recover", memory=True, children=[body, handler]),
                task, "recover", bound)
        if task.policy is not None:
            body = self.policies.wrap(body, task.policy, bound, inner, lambda: self.block(
                task.body, bound, inner, task.name.name, "task"), task)
        call = TaskCall(name=f"{task.name.name}({shown})", child=body, task=task.name.name,
                        args=written)
        params = tuple((p.name.name, p.type.name) for p in task.params)
        return self.mark(call, stmt, "call", env, params)

    #: The builder of each statement type (one dictionary lookup, not a chain of isinstance; a
    #: guard is built by :meth:`stmts`, which hands it the rest of its block).
    _BUILDERS: ClassVar[Mapping[type, Callable[..., Behaviour]]] = MappingProxyType({
        A.Action: _action_stmt, A.Call: call, A.SetVar: _set_stmt, A.Composite: _composite_stmt,
        A.Repeat: C.loop, A.Retry: C.loop, A.Timeout: C.loop, A.If: _if_stmt,
        A.WithPolicy: _policy_stmt,
    })


def compile_mission(checked: CheckedProgram,
                    behaviours: Mapping[str, Callable[..., Behaviour]] | None = None
                    ) -> CompiledMission:
    """Build the behaviour tree of a checked mission that has a ``main`` block.

    Args:
        checked: the checked program.
        behaviours: the factory of each action key (default
            :data:`bt_runtime.bindings.BEHAVIOURS`; a test may bind an extra action).

    Raises:
        CompileError: the program has no ``main`` or cannot be built.
    """
    if checked.main is None:
        raise CompileError(f"{checked.path}: no `main` block to compile")
    compiler = _Compiler(checked, BEHAVIOURS if behaviours is None else behaviours)
    root = compiler.block(checked.main.body, {}, (), checked.name, "main")
    root = compiler.policies.finish(root, checked.main)
    props = checked.mission_props
    tick_rate = props.get("tick_rate")
    return CompiledMission(
        name=checked.name,
        root=root,
        tick_rate=float(tick_rate) if tick_rate is not None else vocab.DEFAULT_TICK_RATE,
        time_limit=props.get("time_limit"),
        robot_model=checked.robot_model,
        robot=checked.robot_props,
        requirements=checked.requirements,
        world=checked.sim_world(),
        variation=checked.variation,
        sources=MappingProxyType(compiler.sources),
        variables=MappingProxyType(dict(checked.resolved.variables)),
        temporal=temporal_criteria(checked.temporal, lambda c: compiler.expr(c, {}), cond_text),
    )
