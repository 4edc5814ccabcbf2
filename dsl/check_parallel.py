"""The check that no two motions can run at the same time: one set of legs, one motion.

The backend follows one motion command at a time (a walk's goal, a turn, a stand...), and the last
one given wins; two walks in a ``parallel`` would otherwise take the legs from each other, and the
one that lost them could not reach its goal. So a ``parallel`` may hold at most one child that can
move the robot, whether it moves directly or through the tasks it calls. The vocabulary says which
actions move (:attr:`bt_runtime.specs.ActionSpec.moves`).

Everything here is iterative (explicit stacks, a breadth-first pass over the call graph), so a deep
mission cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bt_runtime import vocabulary as vocab
from dsl import ast as A
from dsl.diagnostics import Diagnostic, Note, error

__all__ = ["Motion", "MotionIndex", "parallel_conflict"]


@dataclass(frozen=True)
class Motion:
    """A statement that can move the robot: an action that moves, or a call that leads to one."""

    span: A.Span  # the statement as written where it was found
    action: str  # the moving action's spelling ("go to")
    via: tuple[str, ...] = ()  # the tasks called on the way to it, outermost first

    def describe(self) -> str:
        """``go to`` or ``go to`` (through task `fetch`)."""
        if not self.via:
            return f"`{self.action}`"
        return f"`{self.action}` (through task {' -> '.join(f'`{t}`' for t in self.via)})"


def _children(stmt: A.Stmt) -> Iterator[A.Stmt]:
    """The statements directly inside ``stmt`` (the bodies of blocks, branches, guards)."""
    if isinstance(stmt, (A.Composite, A.Repeat, A.Retry, A.Timeout)):
        yield from stmt.body.stmts
    elif isinstance(stmt, A.If):
        for branch in stmt.branches:
            yield from branch.body.stmts
        if stmt.orelse is not None:
            yield from stmt.orelse.stmts
    elif isinstance(stmt, A.Guard):
        yield from stmt.handler.stmts
    elif isinstance(stmt, A.WithPolicy):
        yield stmt.stmt
        if stmt.policy.handler is not None:
            yield from stmt.policy.handler.stmts


def _walk(stmts: tuple[A.Stmt, ...]) -> Iterator[A.Stmt]:
    """Every statement of ``stmts`` and inside them, in source order, without recursion."""
    stack = list(reversed(stmts))
    while stack:
        stmt = stack.pop()
        yield stmt
        stack.extend(reversed(list(_children(stmt))))


class MotionIndex:
    """Which tasks can move the robot, found once over the whole call graph.

    Args:
        tasks: every task declaration by name (the mission's and its imports').
    """

    def __init__(self, tasks: Mapping[str, A.TaskDecl]) -> None:
        self._tasks = tasks
        self._moves: dict[str, Motion] | None = None

    def _bodies(self, task: A.TaskDecl) -> tuple[A.Stmt, ...]:
        failure = task.on_failure.stmts if task.on_failure is not None else ()
        return (*task.body.stmts, *failure)

    def _build(self) -> dict[str, Motion]:
        moves: dict[str, Motion] = {}
        callers: dict[str, list[tuple[str, A.Span]]] = {}
        for name, task in self._tasks.items():
            for stmt in _walk(self._bodies(task)):
                if isinstance(stmt, A.Action) and vocab.ACTIONS[stmt.action].moves:
                    moves.setdefault(name, Motion(stmt.span, vocab.ACTIONS[stmt.action].spelled))
                elif isinstance(stmt, A.Call) and stmt.task.name in self._tasks:
                    callers.setdefault(stmt.task.name, []).append((name, stmt.span))
        queue = list(moves)
        while queue:  # a caller of a moving task moves: breadth-first, each task once
            callee = queue.pop(0)
            for caller, _span in callers.get(callee, []):
                if caller not in moves:
                    inner = moves[callee]
                    moves[caller] = Motion(inner.span, inner.action, (callee, *inner.via))
                    queue.append(caller)
        return moves

    def task_motion(self, name: str) -> Motion | None:
        """How task ``name`` can move the robot (None: it never does)."""
        if self._moves is None:
            self._moves = self._build()
        return self._moves.get(name)

    def first_motion(self, stmt: A.Stmt) -> Motion | None:
        """The first statement in ``stmt`` (itself included) that can move the robot, or None."""
        for inner in _walk((stmt,)):
            if isinstance(inner, A.Action):
                spec = vocab.ACTIONS[inner.action]
                if spec.moves:
                    return Motion(inner.span, spec.spelled)
            elif isinstance(inner, A.Call):
                found = self.task_motion(inner.task.name)
                if found is not None:
                    return Motion(inner.span, found.action, (inner.task.name, *found.via))
        return None


def parallel_conflict(stmt: A.Composite, index: MotionIndex) -> Diagnostic | None:
    """The error for a ``parallel`` two of whose children can move the robot, else None.

    The error points at the second moving child and carries a note at the first; a third is not
    reported separately (fixing the first pair shows it).
    """
    if not stmt.kind.startswith("parallel"):
        return None
    found: list[Motion] = []
    for child in stmt.body.stmts:
        motion = index.first_motion(child)
        if motion is not None:
            found.append(motion)
        if len(found) == 2:
            break
    if len(found) < 2:
        return None
    first, second = found
    return error(
        second.span,
        f"{second.describe()} here and {first.describe()} at line {first.span.line}, col "
        f"{first.span.col} can run at the same time in this `parallel`: the robot has one set "
        "of legs",
        "run the motions one after the other; beside a motion, a `parallel` may only hold "
        "actions that do not move the robot (wait, report, alert, set speed, set gait)",
        notes=(Note(first.span, f"the other motion, {first.describe()}, is here"),),
    )
