"""The direct tick (bt_runtime.fast_tick) does exactly what py_trees' generator tick does.

Random trees of every composite and decorator py_trees has and every behaviour of ours, over
scripted leaves, are built twice; one copy is ticked by :class:`LeanBehaviourTree` (direct), the
other by py_trees' own :class:`BehaviourTree`, and after every tick the two must agree on the
nodes visited (in order, each with its status at the moment of the visit), every node's status,
feedback message and current child, and the sequence of initialise/update/terminate calls, robot
port calls, log lines and aborts.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import py_trees
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_trees.behaviour import Behaviour
from py_trees.common import OneShotPolicy, ParallelPolicy, Status
from py_trees.visitors import VisitorBase

from bt_runtime import fast_tick
from bt_runtime.behaviours import (
    ActionBehaviour,
    Alert,
    ClockTimeout,
    Condition,
    Fail,
    GuardSequence,
    IfThenElse,
    Report,
    SetVariable,
    Sit,
    Succeed,
    TaskCall,
    Wait,
)
from bt_runtime.behaviours.policies import (
    AbortMission,
    AbortSafely,
    BackoffRetry,
    DeferOnFailure,
    Deferrals,
    LaterStep,
    SkipOnFailure,
)
from bt_runtime.fast_tick import DirectTick
from bt_runtime.lean_tree import LeanBehaviourTree

STATUSES = [Status.SUCCESS, Status.FAILURE, Status.RUNNING]

# ---------------------------------------------------------------------------------- the world
@dataclass
class World:
    """What one copy of a tree runs against: a clock, a port, a state, and the trace of calls."""

    trace: list[tuple[Any, ...]] = field(default_factory=list)
    now: float = 0.0
    variables: dict[str, bool | int] = field(default_factory=lambda: {"n": 0})
    steps: dict[str, int] = field(default_factory=dict)
    scripts: dict[str, list[Status]] = field(default_factory=dict)

    def clock(self) -> float:
        return self.now

    # RobotPort + SuspendablePort
    def step_action(self, behaviour: ActionBehaviour) -> tuple[Status, str]:
        i = self.steps.get(behaviour.name, 0)
        self.steps[behaviour.name] = i + 1
        script = self.scripts[behaviour.name]
        status = script[i % len(script)]
        self.trace.append(("step", behaviour.name, status))
        return status, f"{behaviour.name} step {i}"

    def halt_action(self, behaviour: ActionBehaviour) -> None:
        self.trace.append(("halt", behaviour.name))

    def suspend_action(self, behaviour: ActionBehaviour) -> None:
        self.trace.append(("suspend", behaviour.name))

    def resume_action(self, behaviour: ActionBehaviour) -> None:
        self.trace.append(("resume", behaviour.name))

    def discard_action(self, behaviour: ActionBehaviour) -> None:
        self.trace.append(("discard", behaviour.name))

    # StateView + VariableStore
    def value(self, name: str) -> float:
        return self.now

    def fact(self, name: str, arg: str | None = None) -> bool:
        return False

    def counter(self, name: str) -> int:
        return 0

    def position(self) -> tuple[float, float, float]:
        return (0.0, 0.0, 0.0)

    def terrain(self) -> str:
        return "flat"

    def gait(self) -> str:
        return "trot"

    def variable(self, name: str) -> bool | int:
        return self.variables[name]

    def set_variable(self, name: str, value: bool | int) -> None:
        self.trace.append(("set", name, value))
        self.variables[name] = value

    def abort(self, reason: str) -> None:
        self.trace.append(("abort", reason))


class ScriptedExpr:
    """A condition's expression that reads true/false from a script, one entry per evaluation."""

    def __init__(self, script: list[bool]) -> None:
        self.script, self.calls = script, 0

    def evaluate(self, state: object) -> bool:
        held = self.script[self.calls % len(self.script)]
        self.calls += 1
        return held

    def text(self) -> str:
        return "scripted"


class Traced:
    """Mixin: notes initialise/update/terminate in the world's trace (tick and stop untouched)."""

    world: World

    def initialise(self) -> None:
        self.world.trace.append(("initialise", self.name))  # type: ignore[attr-defined]
        super().initialise()  # type: ignore[misc]

    def update(self) -> Status:
        status = super().update()  # type: ignore[misc]
        self.world.trace.append(("update", self.name, status))  # type: ignore[attr-defined]
        return status

    def terminate(self, new_status: Status) -> None:
        self.world.trace.append(("terminate", self.name, new_status))  # type: ignore[attr-defined]
        super().terminate(new_status)  # type: ignore[misc]


_TRACED: dict[type, type] = {}


def traced(cls: type) -> type:
    if cls not in _TRACED:
        _TRACED[cls] = type(f"Traced{cls.__name__}", (Traced, cls), {})
    return _TRACED[cls]


class Scripted(py_trees.behaviour.Behaviour):
    """A leaf returning its script's statuses in turn (with, rarely, a value that is no status)."""

    def __init__(self, name: str, script: list[Any]) -> None:
        super().__init__(name)
        self.script, self.calls = script, 0

    def update(self) -> Status:
        status = self.script[self.calls % len(self.script)]
        self.calls += 1
        self.feedback_message = f"call {self.calls}"
        return status  # type: ignore[no-any-return]


class OwnTick(py_trees.composites.Sequence):
    """A composite with a tick of its own (no direct transcription: its generator runs)."""

    def tick(self) -> Iterator[Behaviour]:
        self.world.trace.append(("own tick", self.name))  # type: ignore[attr-defined]
        yield from super().tick()


class OwnVisit(py_trees.behaviour.Behaviour):
    """A leaf that overrides ``visit`` (so the generator path runs for it)."""

    def update(self) -> Status:
        return Status.SUCCESS

    def visit(self, visitor: Any) -> None:
        visitor.run(self)
        visitor.run(self)


# ---------------------------------------------------------------------------------- tree specs
LEAVES = ["scripted", "action", "condition", "wait", "succeed", "fail", "report", "alert", "set",
          "abort", "own_visit"]
DECORATORS = ["inverter", "failure_is_success", "running_is_failure", "success_is_running",
              "pass_through", "count", "repeat", "retry", "timeout", "task", "backoff", "skip",
              "defer", "later", "oneshot", "eternal_guard", "breakpoint"]
COMPOSITES = ["sequence", "selector", "parallel", "if", "guard", "abort_safely", "own_tick"]

statuses = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=6)
leaf = st.tuples(st.sampled_from(LEAVES), statuses, st.lists(st.booleans(), min_size=1,
                                                              max_size=5), st.integers(0, 4))


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.tuples(st.sampled_from(DECORATORS), children, st.integers(0, 4)),
        st.tuples(st.sampled_from(COMPOSITES), st.lists(children, min_size=0, max_size=4),
                  st.integers(0, 4)),
    )


trees = st.recursive(leaf, _extend, max_leaves=24)


class Builder:
    """Builds one copy of a tree spec against ``world``; names are unique and copy-independent."""

    def __init__(self, world: World, deferrals: Deferrals) -> None:
        self.world, self.deferrals, self.names = world, deferrals, itertools.count()
        self.nodes: list[Behaviour] = []

    def build(self, spec: Any) -> Behaviour:
        name = f"n{next(self.names)}"
        kind = spec[0]
        if kind in LEAVES:
            node = self._leaf(name, spec)
        elif kind in DECORATORS:
            node = self._decorator(name, kind, self.build(spec[1]), spec[2])
        else:
            node = self._composite(name, kind, [self.build(c) for c in spec[1]], spec[2])
        node.world = self.world  # type: ignore[attr-defined]
        self.nodes.append(node)
        return node

    def _leaf(self, name: str, spec: Any) -> Behaviour:
        kind, script, flags, knob = spec
        if kind == "scripted":
            odd = [None] if knob == 4 else []  # py_trees turns a non-status into INVALID
            return traced(Scripted)(name, script + odd)
        if kind == "action":
            self.world.scripts[name] = script
            return traced(Sit)(name)
        if kind == "condition":
            return traced(Condition)(name, ScriptedExpr(flags))
        if kind == "wait":
            return traced(Wait)(name, float(knob))
        if kind == "succeed":
            return traced(Succeed)(name)
        if kind == "fail":
            return traced(Fail)(name, f"{name} failed")
        if kind in ("report", "alert"):
            return traced(Report if kind == "report" else Alert)(name, f"line of {name}")
        if kind == "set":
            return traced(SetVariable)(name, "n", base="n", step=knob + 1)
        if kind == "abort":
            return traced(AbortMission)(name, f"abort {name}")
        return traced(OwnVisit)(name)

    def _decorator(self, name: str, kind: str, child: Behaviour, knob: int) -> Behaviour:
        d = py_trees.decorators
        simple = {"inverter": d.Inverter, "failure_is_success": d.FailureIsSuccess,
                  "running_is_failure": d.RunningIsFailure, "success_is_running": d.SuccessIsRunning,
                  "pass_through": d.PassThrough, "count": d.Count}
        if kind in simple:
            return traced(simple[kind])(name=name, child=child)
        if kind == "repeat":
            return traced(d.Repeat)(name=name, child=child, num_success=knob + 1)
        if kind == "retry":
            return traced(d.Retry)(name=name, child=child, num_failures=knob + 1)
        if kind == "timeout":
            return traced(ClockTimeout)(name, child, 0.5 + knob)
        if kind == "task":
            return traced(TaskCall)(name, child, "task", {"a": "1"})
        if kind == "backoff":
            return traced(BackoffRetry)(name, child, "step", retries=knob % 3 + 1, delay=knob / 2)
        if kind == "skip":
            return traced(SkipOnFailure)(name, child, "step")
        if kind in ("defer", "later"):
            cls = DeferOnFailure if kind == "defer" else LaterStep
            return traced(cls)(name, child, "step", f"k{knob % 2}", self.deferrals)
        if kind == "oneshot":
            policy = [OneShotPolicy.ON_COMPLETION, OneShotPolicy.ON_SUCCESSFUL_COMPLETION][knob % 2]
            return traced(d.OneShot)(name=name, child=child, policy=policy)
        if kind == "eternal_guard":
            flags = ScriptedExpr([True, True, False, True] if knob % 2 else [True])
            results = [Status.SUCCESS, Status.FAILURE] if knob == 4 else None
            counter = itertools.count()

            def condition() -> bool | Status:
                held = flags.evaluate(None)
                return results[next(counter) % 2] if results else held

            return traced(d.EternalGuard)(name=name, child=child, condition=condition)
        node = traced(d.PassThrough)(name=name, child=child)
        _breakpoint(node, self.world)
        return node

    def _composite(self, name: str, kind: str, children: list[Behaviour], knob: int) -> Behaviour:
        c = py_trees.composites
        memory = knob % 2 == 1
        if kind == "sequence":
            return traced(c.Sequence)(name=name, memory=memory, children=children)
        if kind == "selector":
            return traced(c.Selector)(name=name, memory=memory, children=children)
        if kind == "parallel":
            return traced(c.Parallel)(name=name, policy=_policy(knob, children), children=children)
        if kind == "own_tick":
            return traced(OwnTick)(name=name, memory=memory, children=children)
        while len(children) < 2:
            children.append(self.build(("scripted", [Status.SUCCESS, Status.RUNNING], [True], 0)))
        if kind == "if":
            orelse = children[2] if len(children) > 2 else None
            return traced(IfThenElse)(name, children[0], children[1], orelse)
        if kind == "guard":
            return traced(GuardSequence)(name, children[0], children[1], resume=memory)
        return traced(AbortSafely)(name, children)


def _policy(knob: int, children: list[Behaviour]) -> ParallelPolicy.Base:
    if knob == 0 or not children:
        return ParallelPolicy.SuccessOnAll(synchronise=False)
    if knob == 1:
        return ParallelPolicy.SuccessOnAll(synchronise=True)
    if knob == 2:
        return ParallelPolicy.SuccessOnOne()
    return ParallelPolicy.SuccessOnSelected(children[:1], synchronise=knob == 3)


def _breakpoint(node: Behaviour, world: World) -> None:
    """Wrap ``node.tick`` on the instance, as bt_runtime.breakpoints does."""
    original = type(node).tick.__get__(node)

    def guarded() -> Iterator[Behaviour]:
        world.trace.append(("breakpoint", node.name, node.status))
        yield from original()

    node.tick = guarded  # type: ignore[method-assign]


class Visits(VisitorBase):
    """Notes each visited node with its status at the moment of the visit."""

    def __init__(self) -> None:
        super().__init__(full=False)
        self.seen: list[tuple[str, str]] = []

    def run(self, behaviour: Behaviour) -> None:
        self.seen.append((behaviour.name, behaviour.status.name))


# ---------------------------------------------------------------------------------- the comparison
def _state(nodes: list[Behaviour], iterators: dict[str, object]) -> list[tuple[Any, ...]]:
    """Each node's status, feedback, current child, and whether its ``iterator`` is still an
    unstarted generator (py_trees' stop renews it, the direct tick leaves the one the node was
    built with: py_trees itself never reads it, see test_py_trees_never_reads_a_nodes_iterator)."""
    out = []
    for node in nodes:
        current = getattr(node, "current_child", None)
        iterator = node.iterator
        unstarted = (inspect.isgenerator(iterator)
                     and inspect.getgeneratorstate(iterator) == inspect.GEN_CREATED)
        iterators[node.name] = iterator
        out.append((node.name, node.status, node.feedback_message,
                    current.name if current is not None else None, unstarted))
    return out


def run_copy(spec: Any, make_tree: Callable[[Behaviour], py_trees.trees.BehaviourTree],
             ticks: int) -> list[Any]:
    """Tick one copy of ``spec``; returns, per tick, everything the comparison looks at."""
    world, log = World(), []  # type: ignore[var-annotated]
    builder = Builder(world, Deferrals())
    root = builder.build(spec)
    tree = make_tree(root)
    visits = Visits()
    tree.visitors.append(visits)
    tree.setup(robot=world, state=world, clock=world.clock, log=log, abort=world.abort)
    record: list[Any] = []
    iterators: dict[str, object] = {}
    _state(builder.nodes, iterators)
    for _ in range(ticks):
        visits.seen = []
        try:
            tree.tick()
        except Exception as error:  # noqa: BLE001 - both copies must raise the same
            record.append(("raised", type(error).__name__, str(error)))
            break
        record.append((list(visits.seen), _state(builder.nodes, iterators), list(world.trace),
                       [(e.level, e.text, e.node) for e in log]))
        world.trace.clear()
        log.clear()
        world.now += 0.5
    return record


def _compare(spec: Any, ticks: int = 25) -> None:
    direct = run_copy(spec, functools.partial(LeanBehaviourTree, direct=True), ticks)
    upstream = run_copy(spec, py_trees.trees.BehaviourTree, ticks)
    for tick, (mine, theirs) in enumerate(zip(direct, upstream, strict=True)):
        assert mine == theirs, f"tick {tick} differs"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_the_direct_tick_matches_py_trees_on_random_trees(spec: Any) -> None:
    _compare(spec)


R, S, F = Status.RUNNING, Status.SUCCESS, Status.FAILURE
SCRIPTS = [[R, F], [R, R, S], [S], [F], [R, S, F], [F, F, S]]


def action(script: list[Status]) -> tuple[Any, ...]:
    return ("action", script, [True], 0)


@pytest.mark.parametrize("kind", COMPOSITES)
def test_each_composite_over_every_pair_of_scripted_actions(kind: str) -> None:
    for knob in range(5):
        for first, second in itertools.product(SCRIPTS, repeat=2):
            _compare((kind, [action(first), action(second)], knob), ticks=12)
        for scripts in (SCRIPTS[:3], SCRIPTS[3:]):
            _compare((kind, [action(script) for script in scripts], knob), ticks=12)


@pytest.mark.parametrize("kind", DECORATORS)
def test_each_decorator_over_scripted_actions_and_sequences(kind: str) -> None:
    for knob in range(5):
        for first, second in itertools.product(SCRIPTS, repeat=2):
            _compare((kind, action(first), knob), ticks=12)
            _compare((kind, ("sequence", [action(first), action(second)], knob % 2), knob),
                     ticks=12)


@pytest.mark.parametrize("resume", [0, 1])
def test_a_guard_preempts_and_resumes_as_py_trees_does(resume: int) -> None:
    flags = [[False, False, True, False], [False, True, True, False, False], [True, False]]
    for held, handler, first, second in itertools.product(flags, SCRIPTS, SCRIPTS, SCRIPTS[:3]):
        check = ("selector", [("inverter", ("condition", [S], held, 0), 0), action(handler)], 1)
        rest = ("sequence", [("timeout", action(first), 2), ("backoff", action(second), 3)], 1)
        _compare(("guard", [check, rest], resume), ticks=12)


def test_the_direct_path_is_used_and_py_trees_debug_level_falls_back() -> None:
    calls: list[str] = []

    class Spy(DirectTick):
        def tick(self, node: Behaviour) -> None:
            calls.append(node.name)
            super().tick(node)

    tree = LeanBehaviourTree(py_trees.composites.Sequence("root", memory=False,
                                                          children=[Succeed("a")]))
    tree._direct_tick = Spy()
    tree.tick()
    assert calls == ["root", "a"]
    calls.clear()
    level = py_trees.logging.level
    py_trees.logging.level = py_trees.logging.Level.DEBUG
    try:
        tree.tick()
    finally:
        py_trees.logging.level = level
    assert calls == []  # the generators ran (they print py_trees' debug lines)
    assert tree.root.status == Status.SUCCESS


def test_only_a_compared_py_trees_release_ticks_directly() -> None:
    assert fast_tick.verified("2.6.0") and fast_tick.verified("2.6.3")
    assert not fast_tick.verified("2.7.0") and not fast_tick.verified("3.0.0")
    assert not fast_tick.verified("2.2.3")
    installed = importlib.metadata.version("py_trees")
    assert LeanBehaviourTree(py_trees.behaviours.Success()).direct == fast_tick.verified(installed)


def test_py_trees_never_reads_a_nodes_iterator() -> None:
    """Why the direct tick may leave ``node.iterator`` as built: py_trees only assigns it."""
    import pathlib
    import re

    uses = []
    for source in pathlib.Path(py_trees.__file__).parent.rglob("*.py"):
        for line in source.read_text().splitlines():
            if re.search(r"\.iterator\b", line) and not re.search(r"\.iterator\s*=[^=]", line):
                uses.append(f"{source.name}: {line.strip()}")
    assert uses == []
