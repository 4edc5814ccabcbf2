"""A direct tick: py_trees 2.x's tick semantics by plain calls, not a generator per node.

Why: py_trees ticks a tree as nested generators; every node's ``tick`` re-yields each ticked
descendant through every ancestor (cost grows with depth), and every ``tick``/``stop`` formats a
debug message (a Status through ``enum.__format__``) that nobody reads unless py_trees' log level
is DEBUG. On a mission tree that machinery, not the behaviours, is most of a tick.

:class:`DirectTick` runs the same code paths as plain calls: for each node class whose ``tick``
(or ``stop``) is one of the methods listed in :data:`DIRECT_TICKS` (:data:`DIRECT_STOPS`), it runs a
transcription of that method, line for line — the same ``initialise``/``update``/``terminate``
calls in the same order, the same statuses, feedback messages, ``current_child`` and ``iterator``
— and hands each ticked node to ``emit`` at the very moment py_trees would have yielded it (so a
visitor sees the same nodes in the same order, and anything a node does between two visits
happens between the same two visits). Anything else falls back to py_trees itself:

* a class whose ``tick`` (``stop``) is not listed, or that overrides ``visit``: its own generator
  (``stop`` method) runs, and the nodes it yields are shown to every visitor with ``node.visit``;
* a node with an instance ``tick`` (a breakpoint's wrapper, :mod:`bt_runtime.breakpoints`) or
  ``stop``: the same.

What it leaves out is py_trees' ``logger.debug`` calls (:class:`bt_runtime.lean_tree.
LeanBehaviourTree` uses the generators whenever py_trees' log level would print them) and the
fresh generator py_trees' ``stop`` stores in ``node.iterator`` (a quarter of a microsecond, three
times a tick): py_trees 2.6 never reads that attribute (a test checks its source), so a node keeps
the unstarted generator of its ``tick`` that it was built with, which is the same thing to anyone
who would iterate it.
``tests/bt_runtime/test_fast_tick.py`` compares both paths, tick by tick, on random trees of every
composite, decorator and behaviour of ours.
"""

from __future__ import annotations

import importlib.metadata
import itertools
from collections.abc import Callable, Sequence

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import ParallelPolicy, Status
from py_trees.composites import Composite, Parallel, Selector
from py_trees.composites import Sequence as PtSequence
from py_trees.decorators import Decorator, EternalGuard, OneShot

from bt_runtime.behaviours.control import IfThenElse
from bt_runtime.behaviours.guard import GuardSequence
from bt_runtime.behaviours.policies import BackoffRetry, LaterStep

__all__ = ["DIRECT_STOPS", "DIRECT_TICKS", "VERIFIED_SERIES", "DirectTick", "Emit", "verified"]

VERIFIED_SERIES = ("2.6.",)
"""The py_trees releases whose tick and stop methods this module was compared against."""


def verified(version: str | None = None) -> bool:
    """Whether the installed py_trees (or ``version``) is one this module was compared against.

    Another release may change a tick's semantics under the same method names; the tree then
    ticks through py_trees' own generators, which is slower but right by construction.
    """
    if version is None:
        try:
            version = importlib.metadata.version("py_trees")
        except importlib.metadata.PackageNotFoundError:
            return False
    return version.startswith(VERIFIED_SERIES)

Emit = Callable[[Behaviour], object]
"""Called with each ticked node, where py_trees' generator would yield it."""

RUNNING, SUCCESS, FAILURE, INVALID = Status.RUNNING, Status.SUCCESS, Status.FAILURE, Status.INVALID
_STATUSES = tuple(Status)  # py_trees checks ``in list(Status)``: identity, then equality
_DEFAULT_VISIT = Behaviour.visit

#: The upstream ``tick`` methods that have a direct transcription (by method name of DirectTick).
DIRECT_TICKS: dict[Callable[..., object], str] = {
    Behaviour.tick: "_leaf",
    PtSequence.tick: "_sequence",
    Selector.tick: "_selector",
    Parallel.tick: "_parallel",
    Decorator.tick: "_decorator",
    EternalGuard.tick: "_eternal_guard",
    OneShot.tick: "_oneshot",
    IfThenElse.tick: "_if_then_else",
    GuardSequence.tick: "_guard",
    BackoffRetry.tick: "_backoff_retry",
    LaterStep.tick: "_later_step",
}

#: The upstream ``stop`` methods that have a direct transcription.
DIRECT_STOPS: dict[Callable[..., object], str] = {
    Behaviour.stop: "_stop_leaf",
    Composite.stop: "_stop_composite",
    PtSequence.stop: "_stop_composite",  # logs, then Composite.stop
    Selector.stop: "_stop_composite",  # logs, then Composite.stop
    Parallel.stop: "_stop_parallel",
    Decorator.stop: "_stop_decorator",
    IfThenElse.stop: "_stop_if_then_else",
    GuardSequence.stop: "_stop_guard",
}


def _invalid(node: Behaviour, new_status: object) -> Status:
    node.logger.error(
        f"A behaviour returned an invalid status, setting to INVALID [{new_status}][{node.name}]"
    )
    return INVALID


class DirectTick:
    """Ticks a py_trees tree by direct calls; one instance per tree (it caches per node class).

    Call :meth:`begin` before each tick with the visitors of that tick, then :meth:`tick` on the root.
    """

    def __init__(self) -> None:
        self._ticks: dict[type, Callable[[Behaviour], None]] = {}
        self._stops: dict[type, Callable[[Behaviour, Status], None]] = {}
        self._visitors: Sequence[py_trees.visitors.VisitorBase] = ()
        self.emit: Emit = self._discard

    def begin(self, visitors: Sequence[py_trees.visitors.VisitorBase]) -> None:
        """Set the visitors this tick shows ticked nodes to (after their ``initialise``).

        One visitor is called directly (its ``run``, read now: a visitor may rebind it in
        ``initialise``); several through a loop; none: nothing is called but a no-op.
        """
        self._visitors = visitors
        if len(visitors) == 1:
            self.emit = visitors[0].run
        elif visitors:
            self.emit = self._visit_all
        else:
            self.emit = self._discard

    @staticmethod
    def _discard(node: Behaviour) -> None:
        """No visitor: nothing to show."""

    def _visit_all(self, node: Behaviour) -> None:
        for visitor in self._visitors:
            node.visit(visitor)

    # ------------------------------------------------------------------ dispatch
    def tick(self, node: Behaviour) -> None:
        """Tick ``node`` (and what it ticks) once, showing each ticked node to the visitors."""
        if "tick" in node.__dict__:
            self._generator(node)
            return
        cls = type(node)
        run = self._ticks.get(cls)
        if run is None:
            run = self._resolve_tick(cls)
        run(node)

    def stop(self, node: Behaviour, new_status: Status) -> None:
        """``node.stop(new_status)``, directly when its class's ``stop`` is a listed one."""
        if "stop" in node.__dict__:
            node.stop(new_status)
            return
        cls = type(node)
        run = self._stops.get(cls)
        if run is None:
            name = DIRECT_STOPS.get(cls.stop)  # type: ignore[attr-defined]
            run = getattr(self, name) if name is not None else self._method_stop
            self._stops[cls] = run
        run(node, new_status)

    def _resolve_tick(self, cls: type) -> Callable[[Behaviour], None]:
        name = DIRECT_TICKS.get(cls.tick)  # type: ignore[attr-defined]
        if name is None or cls.visit is not _DEFAULT_VISIT:  # type: ignore[attr-defined]
            run = self._generator
        else:
            run = getattr(self, name)
        self._ticks[cls] = run
        return run

    def _generator(self, node: Behaviour) -> None:
        visitors = self._visitors
        for ticked in node.tick():
            for visitor in visitors:
                ticked.visit(visitor)

    @staticmethod
    def _method_stop(node: Behaviour, new_status: Status) -> None:
        node.stop(new_status)

    # ------------------------------------------------------------------ py_trees.behaviour
    def _leaf(self, node: Behaviour) -> None:
        if node.status is not RUNNING:
            node.initialise()
        new_status = node.update()
        if new_status not in _STATUSES:
            new_status = _invalid(node, new_status)
        if new_status is not RUNNING:
            self.stop(node, new_status)
        node.status = new_status
        self.emit(node)

    def _stop_leaf(self, node: Behaviour, new_status: Status) -> None:
        node.terminate(new_status)
        node.status = new_status
        # py_trees' stop also sets ``node.iterator = node.tick()``: left out (see the module
        # docstring); the node keeps the unstarted generator it was built with

    # ------------------------------------------------------------------ py_trees.composites
    def _stop_composite(self, node: Behaviour, new_status: Status) -> None:
        if new_status is INVALID:
            node.current_child = None  # type: ignore[attr-defined]
            for child in node.children:
                if child.status is not INVALID:
                    self.stop(child, new_status)
        node.terminate(new_status)
        node.status = new_status  # and no fresh ``iterator``, as in _stop_leaf

    def _stop_parallel(self, node: Behaviour, new_status: Status) -> None:
        for child in node.children:
            if child.status is RUNNING:
                self.stop(child, INVALID)
        self._stop_composite(node, new_status)

    def _sequence(self, node: PtSequence) -> None:
        children = node.children
        index = 0
        if node.status is not RUNNING:
            node.current_child = children[0] if children else None
            for child in children:
                if child.status is not INVALID:
                    self.stop(child, INVALID)
            node.initialise()
        elif node.memory and node.current_child is not None:
            index = children.index(node.current_child)
        else:
            node.current_child = children[0] if children else None
        if not children:
            node.current_child = None
            self.stop(node, SUCCESS)
            self.emit(node)
            return
        for child in itertools.islice(children, index, None):
            self.tick(child)
            status = child.status
            if status is not SUCCESS:
                if not node.memory:
                    for later in itertools.islice(children, index + 1, None):
                        if later.status is not INVALID:
                            self.stop(later, INVALID)
                if status is not RUNNING:
                    self.stop(node, status)
                else:
                    node.status = status
                self.emit(node)
                return
            if index + 1 < len(children):
                node.current_child = children[index + 1]
                index += 1
        self.stop(node, SUCCESS)
        self.emit(node)

    def _selector(self, node: Selector) -> None:
        children = node.children
        if node.status is not RUNNING:
            node.current_child = children[0] if children else None
            node.initialise()
        if not children:
            node.current_child = None
            self.stop(node, FAILURE)
            self.emit(node)
            return
        if node.memory:
            assert node.current_child is not None
            index = children.index(node.current_child)
            for child in itertools.islice(children, None, index):
                if child.status is not INVALID:
                    self.stop(child, INVALID)
        else:
            index = 0
        previous = node.current_child
        for child in itertools.islice(children, index, None):
            self.tick(child)
            if child.status is RUNNING or child.status is SUCCESS:
                node.current_child = child
                if previous is None or previous != child:
                    passed = False
                    for other in children:
                        if passed and other.status is not INVALID:
                            self.stop(other, INVALID)
                        passed = True if other == node.current_child else passed
                if child.status is SUCCESS:
                    self.stop(node, child.status)
                else:
                    node.status = child.status
                self.emit(node)
                return
        self.stop(node, FAILURE)
        node.current_child = children[-1]
        self.emit(node)

    def _parallel(self, node: Parallel) -> None:
        node.validate_policy_configuration()
        children = node.children
        if node.status is not RUNNING:
            for child in children:
                if child.status is not INVALID:
                    self.stop(child, INVALID)
            node.current_child = None
            node.initialise()
        if not children:
            node.current_child = None
            self.stop(node, SUCCESS)
            self.emit(node)
            return
        for child in children:
            if node.policy.synchronise and child.status is SUCCESS:
                continue
            self.tick(child)
        new_status = self._parallel_status(node)
        if new_status is not RUNNING:
            self.stop(node, new_status)
        node.status = new_status
        self.emit(node)

    @staticmethod
    def _parallel_status(node: Parallel) -> Status:
        children, policy = node.children, node.policy
        node.current_child = children[-1]
        failed = next((child for child in children if child.status is FAILURE), None)
        if failed is not None:
            node.current_child = failed
            return FAILURE
        if isinstance(policy, ParallelPolicy.SuccessOnAll):
            if all(c.status is SUCCESS for c in children):
                node.current_child = children[-1]
                return SUCCESS
        elif isinstance(policy, ParallelPolicy.SuccessOnOne):
            for child in reversed(children):
                if child.status is SUCCESS:
                    node.current_child = child
                    return SUCCESS
        elif isinstance(policy, ParallelPolicy.SuccessOnSelected):
            if all(c.status is SUCCESS for c in policy.children):
                node.current_child = policy.children[-1]
                return SUCCESS
        else:
            raise RuntimeError(  # noqa: TRY004 - py_trees raises this one
                f"this parallel has been configured with an unrecognised policy [{type(policy)}]"
            )
        return RUNNING

    # ------------------------------------------------------------------ py_trees.decorators
    def _decorator(self, node: Decorator) -> None:
        if node.status is not RUNNING:
            node.initialise()
        self.tick(node.decorated)
        new_status = node.update()
        if new_status not in _STATUSES:
            new_status = _invalid(node, new_status)
        if new_status is not RUNNING:
            self.stop(node, new_status)
        node.status = new_status
        self.emit(node)

    def _stop_decorator(self, node: Decorator, new_status: Status) -> None:
        node.terminate(new_status)
        if new_status is INVALID:
            self.stop(node.decorated, new_status)
        if node.decorated.status is RUNNING:
            self.stop(node.decorated, INVALID)
        node.status = new_status

    def _eternal_guard(self, node: EternalGuard) -> None:
        result = node.condition()
        if isinstance(result, Status):
            result = result != FAILURE
        elif not isinstance(result, bool):
            error_message = f"conditional check must return 'bool' or 'common.Status' [{type(result)}]"
            node.logger.error(f"The {error_message}")
            raise RuntimeError(error_message)  # noqa: TRY004 - py_trees raises this one
        if not result:
            self.stop(node, FAILURE)
            self.emit(node)
        else:
            self._decorator(node)

    def _oneshot(self, node: OneShot) -> None:
        if node.final_status:
            self._leaf(node)
        else:
            self._decorator(node)

    # ------------------------------------------------------------------ bt_runtime.behaviours
    def _if_then_else(self, node: IfThenElse) -> None:
        children = node.children
        if node.status is not RUNNING:
            for child in children:
                if child.status is not INVALID:
                    self.stop(child, INVALID)
            node.chosen = None
            node.initialise()
        if node.chosen is None:
            condition = children[0]
            self.tick(condition)
            if condition.status is RUNNING:
                node.status = RUNNING
                self.emit(node)
                return
            if condition.status is SUCCESS:
                node.chosen = children[1]
            elif len(children) > 2:
                node.chosen = children[2]
            else:
                node.feedback_message = "condition false, no else: skipped"
                self.stop(node, SUCCESS)
                self.emit(node)
                return
        chosen = node.current_child = node.chosen
        self.tick(chosen)
        if chosen.status is RUNNING:
            node.status = RUNNING
        else:
            self.stop(node, chosen.status)
        self.emit(node)

    def _stop_if_then_else(self, node: IfThenElse, new_status: Status) -> None:
        if new_status is not RUNNING:
            node.chosen = None
        self._stop_composite(node, new_status)

    def _guard(self, node: GuardSequence) -> None:
        check, rest = node.children
        if node.status is not RUNNING:
            node._forget()
            for child in node.children:
                if child.status is not INVALID:
                    self.stop(child, INVALID)
            node.initialise()
        self.tick(check)
        if check.status is not SUCCESS:
            node.current_child = check
            if rest.status is RUNNING and not node.suspended:
                node._preempt(rest)
            if check.status is RUNNING:
                node.status = RUNNING
                node.feedback_message = "handler running"
            else:
                self.stop(node, FAILURE)
            self.emit(node)
            return
        if node.suspended:
            node._resume()
        node.current_child = rest
        node.feedback_message = ""
        self.tick(rest)
        if rest.status is RUNNING:
            node.status = RUNNING
        else:
            self.stop(node, rest.status)
        self.emit(node)

    def _stop_guard(self, node: GuardSequence, new_status: Status) -> None:
        if new_status is not RUNNING:
            node._forget()
            rest = node.children[1]
            if rest.status is RUNNING:
                self.stop(rest, INVALID)
        self._stop_composite(node, new_status)

    def _backoff_retry(self, node: BackoffRetry) -> None:
        if node.status is not RUNNING:
            node.initialise()
        if node._wait_until is not None:
            left = node._wait_until - node.clock()
            if left > 1e-9:
                node.feedback_message = f"retry {node.failures}/{node.retries} in {left:.1f} s"
                node.status = RUNNING
                self.emit(node)
                return
            node._wait_until = None
        self._decorator(node)

    def _later_step(self, node: LaterStep) -> None:
        if node.status is not RUNNING and node.key not in node.deferrals.keys:
            node.feedback_message = "not deferred"
            node.status = SUCCESS
            self.emit(node)
            return
        self._decorator(node)
