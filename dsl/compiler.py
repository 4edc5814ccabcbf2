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
:mod:`dsl.compile_actions` the action leaves (and resolves the values they take),
:mod:`dsl.compile_conditions` the conditions' expressions, :mod:`dsl.compile_policies` the failure
policies, and :mod:`dsl.compile_text` spells values, conditions and actions; this module keeps the
statements, task calls, the source of every node and the entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, TypeVar

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime import vocabulary as vocab
from bt_runtime.behaviours import Condition, SetVariable, TaskCall
from bt_runtime.bindings import BEHAVIOURS
from bt_runtime.temporal import TemporalCriterion
from bt_runtime.tree_model import NodeSource
from bt_runtime.variation import Variation
from dsl import ast as A
from dsl import compile_control as C
from dsl.checker import CheckedProgram, Requirement
from dsl.compile_actions import ActionBuilder
from dsl.compile_conditions import ConditionCompiler
from dsl.compile_error import CompileError, where
from dsl.compile_policies import PolicyCompiler
from dsl.compile_temporal import temporal_criteria
from dsl.compile_text import Env, action_text, cond_text, subst, value_text
from locomotion.world import World

__all__ = ["CompileError", "CompiledMission", "action_text", "compile_mission", "cond_text",
           "value_text"]

_B = TypeVar("_B", bound=Behaviour)
_new_tuple = tuple.__new__
_Action, _Guard, _Ident = A.Action, A.Guard, A.Ident
_Sequence = py_trees.composites.Sequence


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


class _Compiler:
    def __init__(self, checked: CheckedProgram,
                 behaviours: Mapping[str, Callable[..., Behaviour]]) -> None:
        self.checked = checked
        self.behaviours = behaviours
        self.resolved = checked.resolved
        self.actions = ActionBuilder(self.resolved, behaviours)  # dsl/compile_actions.py
        self.conditions = ConditionCompiler(self.resolved.variables, self.actions.place)
        self.sources: dict[int, NodeSource] = {}
        self.policies = PolicyCompiler(self)  # failure policies: dsl/compile_policies.py
        #: (parameter names in order, (name, type) of each) of each task called
        self._task_params: dict[str, tuple[list[str], tuple[tuple[str, str], ...]]] = {}

    def mark(self, node: _B, origin: object, role: str, env: Env,
             task_params: tuple[tuple[str, str], ...] = ()) -> _B:
        """Record what ``node`` was built from (see :class:`bt_runtime.tree_model.NodeSource`)."""
        # tuple.__new__ builds the named tuple without its Python-level __new__ (one per node)
        self.sources[id(node)] = _new_tuple(NodeSource, (origin, role, env, task_params))
        return node

    # ------------------------------------------------------------------------------ values
    def count(self, value: A.Quantity | A.Ident, env: Env) -> int:
        resolved = subst(value, env)
        assert isinstance(resolved, A.Quantity)
        if not vocab.COUNT_RANGE.contains(resolved.value):  # passed in as a task argument
            raise CompileError(f"{where(resolved.span)}: value out of range: a count must be "
                               f"{vocab.COUNT_RANGE.describe()}, got {resolved.text}")
        return int(resolved.value)

    # -------------------------------------------------------------------------- conditions
    def condition(self, cond: A.Cond, env: Env, text: str) -> Condition:
        """The node of ``cond``, named ``text`` (its :func:`cond_text`, which the caller has)."""
        node = Condition(name=text, expr=self.conditions.expr(cond, env))
        self.sources[id(node)] = _new_tuple(NodeSource, (cond, "condition", env, ()))  # mark
        return node

    # -------------------------------------------------------------------------- statements
    def stmts(self, stmts: tuple[A.Stmt, ...], env: Env, stack: tuple[str, ...]) -> list[Behaviour]:
        children: list[Behaviour] = []
        leaf, sources, builders = self.actions.leaf, self.sources, self._BUILDERS
        for index, stmt in enumerate(stmts):
            kind = type(stmt)
            if kind is _Action:  # most statements: straight to the leaf, marked here
                node = leaf(stmt, env)
                sources[id(node)] = _new_tuple(NodeSource, (stmt, "action", env, ()))
            elif kind is _Guard:
                rest = self.mark(_Sequence(
                    name="rest", memory=True, children=self.stmts(stmts[index + 1:], env, stack)),
                    stmt, "rest", env)
                children.append(C.guard(self, stmt, rest, env, stack))
                break
            else:
                build = builders.get(kind)
                if build is None:
                    raise CompileError(f"cannot compile {kind.__name__}")
                node = build(self, stmt, env, stack)
            children.append(node)
        return children

    def block(self, block: A.Block, env: Env, stack: tuple[str, ...], name: str,
              role: str = "block") -> Behaviour:
        node = _Sequence(name=name, memory=True, children=self.stmts(block.stmts, env, stack))
        self.sources[id(node)] = _new_tuple(NodeSource, (block, role, env, ()))  # self.mark
        return node

    def stmt(self, stmt: A.Stmt, env: Env, stack: tuple[str, ...]) -> Behaviour:
        """One statement (not a guard: :meth:`stmts` hands a guard the rest of its block)."""
        build = self._BUILDERS.get(type(stmt))
        if build is None:
            raise CompileError(f"cannot compile {type(stmt).__name__}")
        return build(self, stmt, env, stack)

    def _action_stmt(self, stmt: A.Action, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.mark(self.actions.leaf(stmt, env), stmt, "action", env)

    def _set_stmt(self, stmt: A.SetVar, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.mark(self.set_var(stmt), stmt, "set", env)

    def _if_stmt(self, stmt: A.If, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return C.if_(self, stmt.branches, stmt.orelse, env, stack)

    def _policy_stmt(self, stmt: A.WithPolicy, env: Env, stack: tuple[str, ...]) -> Behaviour:
        return self.policies.statement(stmt, env, stack)

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
        name = task.name.name
        if name in stack:
            raise CompileError(f"recursive task {' -> '.join([*stack, name])}")
        order, params = self._signature(task)
        bound: dict[str, A.ArgValue] = {}
        for position, arg in enumerate(stmt.args):
            value = arg.value
            bound[order[position] if arg.name is None else arg.name.name] = (
                env.get(value.name, value) if type(value) is _Ident else value)
        inner = (*stack, name)
        written = {n: value_text(bound[n]) for n in order}
        body = self.block(task.body, bound, inner, name, "task")
        if task.on_failure is not None:
            handler = self.block(task.on_failure, bound, inner, "on failure", "on_failure")
            body = self.mark(py_trees.composites.Selector(
                name=f"{name} or recover", memory=True, children=[body, handler]),
                task, "recover", bound)
        if task.policy is not None:
            body = self.policies.wrap(body, task.policy, bound, inner, lambda: self.block(
                task.body, bound, inner, name, "task"), task)
        call = TaskCall(name=f"{name}({', '.join(written.values())})", child=body, task=name,
                        args=written)
        return self.mark(call, stmt, "call", env, params)

    def _signature(self, task: A.TaskDecl) -> tuple[list[str], tuple[tuple[str, str], ...]]:
        """The parameter names of ``task`` in order, and (name, type) of each (once per task)."""
        signature = self._task_params.get(task.name.name)
        if signature is None:
            signature = self._task_params[task.name.name] = (
                [p.name.name for p in task.params],
                tuple((p.name.name, p.type.name) for p in task.params))
        return signature

    #: The builder of each statement type (one dictionary lookup, not a chain of isinstance; a
    #: guard is built by :meth:`stmts`, which hands it the rest of its block).
    _BUILDERS: ClassVar[Mapping[type, Callable[..., Behaviour]]] = MappingProxyType({
        A.Action: _action_stmt, A.Call: call, A.SetVar: _set_stmt, A.Composite: C.composite,
        A.Repeat: C.repeat, A.Retry: C.retry, A.Timeout: C.timeout, A.If: _if_stmt,
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
        temporal=temporal_criteria(checked.temporal, lambda c: compiler.conditions.expr(c, {}),
                                   cond_text),
    )
