"""The guard node: a handler preempts the guarded rest of a block, which then resumes or restarts.

``GuardSequence[check, rest]`` where ``check`` is ``Selector(memory)[Inverter(C), handler]``:
each tick the check runs first. While C is false it succeeds and ``rest`` runs on. When C turns
true the handler starts and ``rest`` is preempted; the selector's memory keeps the handler running
without re-checking C; when the handler fails the guard fails.

What preemption does to ``rest`` is the guard's ``resume`` option:

* resume (the default of the language): :func:`suspend` halts only the RUNNING leaves under
  ``rest`` (so the robot stops what it was doing) and leaves every composite and decorator RUNNING
  with its memory: a sequence's current child, a fallback's current child, a parallel's finished
  children, a repeat's lap count, a retry's failure count, an if's chosen branch, a nested guard's
  running handler. When the handler succeeds, ``rest`` is ticked again in the same tick and goes
  straight back to the interrupted leaf, which starts again (or, if it is :class:`Suspendable` and
  its runner can, continues: a search keeps the ground it has covered). Interruption is not a
  failure, so no retry counts it. A timeout's clock pauses while the handler runs.
* restart: ``rest`` is stopped outright (py_trees' ``stop(INVALID)`` resets every memory) and
  starts again from its first statement when the handler succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

__all__ = ["SUSPENDED", "GuardSequence", "Suspendable", "suspend"]

SUSPENDED = "suspended: a guard's handler runs"


@runtime_checkable
class Suspendable(Protocol):
    """A node that keeps something across a guard's interruption (a timeout's remaining time, a
    search's coverage). The guard calls :meth:`suspend` before halting the node, :meth:`resume`
    before the guarded part is ticked again, :meth:`discard` if it never will be."""

    def suspend(self) -> None:
        """The node is about to be halted by a guard and will be resumed later."""
        ...

    def resume(self) -> None:
        """The guard's handler succeeded: the node is about to be ticked again."""
        ...

    def discard(self) -> None:
        """The suspension ends without a resume (the guard was stopped or its handler failed)."""
        ...


def suspend(node: Behaviour, held: list[Behaviour]) -> None:
    """Halt what runs under ``node`` but keep the memory of its composites and decorators.

    Args:
        node: the root of the preempted part (only RUNNING nodes are touched).
        held: collects the :class:`Suspendable` nodes suspended, in tree order.
    """
    if node.status != Status.RUNNING:
        return
    if isinstance(node, Suspendable):
        node.suspend()
        held.append(node)
    if node.children:
        for child in node.children:
            suspend(child, held)
        node.feedback_message = SUSPENDED
    else:
        node.stop(Status.INVALID)


def _unmark(node: Behaviour) -> None:
    """Clear the :data:`SUSPENDED` feedback :func:`suspend` left on ``node``'s composites (the
    handler has ended: the part resumes or is dropped, and is no longer suspended)."""
    for child in node.iterate():
        if child.feedback_message == SUSPENDED:
            child.feedback_message = ""


class GuardSequence(py_trees.composites.Sequence):
    """``[check, rest]``: run ``rest`` while ``check`` succeeds; preempt it while ``check`` runs.

    Args:
        name: the node's name (``guard C``).
        check: ``Selector(memory=True)[Inverter(Condition C), handler]``.
        rest: the guarded statements.
        resume: keep ``rest``'s progress across the handler (see the module docstring); False
            restarts ``rest`` from its beginning.
    """

    def __init__(self, name: str, check: Behaviour, rest: Behaviour, resume: bool = True) -> None:
        super().__init__(name=name, memory=False, children=[check, rest])
        self.resume = resume
        self.held: list[Behaviour] = []
        self.suspended = False

    def tick(self) -> Iterator[Behaviour]:
        check, rest = self.children
        if self.status != Status.RUNNING:
            self._forget()
            for child in self.children:
                if child.status != Status.INVALID:
                    child.stop(Status.INVALID)
            self.initialise()
        yield from check.tick()
        if check.status != Status.SUCCESS:
            self.current_child = check
            if rest.status == Status.RUNNING and not self.suspended:
                self._preempt(rest)
            if check.status == Status.RUNNING:
                self.status = Status.RUNNING
                self.feedback_message = "handler running"
            else:
                self.stop(Status.FAILURE)
            yield self
            return
        if self.suspended:
            self._resume()
        self.current_child = rest
        self.feedback_message = ""
        yield from rest.tick()
        if rest.status == Status.RUNNING:
            self.status = Status.RUNNING
        else:
            self.stop(rest.status)
        yield self

    def _resume(self) -> None:
        """The handler succeeded: the suspended part goes on (also :mod:`bt_runtime.fast_tick`)."""
        for node in self.held:
            assert isinstance(node, Suspendable)
            node.resume()
        self.held, self.suspended = [], False
        _unmark(self.children[1])

    def _preempt(self, rest: Behaviour) -> None:
        if self.resume:
            suspend(rest, self.held)
            self.suspended = True
        else:
            rest.stop(Status.INVALID)

    def _forget(self) -> None:
        for node in self.held:
            assert isinstance(node, Suspendable)
            node.discard()
        if self.suspended:
            _unmark(self.children[1])
        self.held, self.suspended = [], False

    def stop(self, new_status: Status = Status.INVALID) -> None:
        if new_status != Status.RUNNING:
            self._forget()
            rest = self.children[1]
            if rest.status == Status.RUNNING:  # suspended: nothing below it runs, reset it
                rest.stop(Status.INVALID)
        super().stop(new_status)
