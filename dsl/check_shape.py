"""Bound the compiled tree before it is built: how many behaviours, how many levels deep.

Tasks are copied at every call, so a task that calls the next one twice, 40 deep, would compile to
2^40 behaviours; and py_trees ticks, stops and visits a tree by recursion, one Python frame per
level, so a tree nested deeper than Python's stack fails in the middle of a run. This module counts
both from the checked AST, mirroring the shapes :mod:`dsl.compiler` builds, in time linear in the
source (each task is measured once, in callee-first order, with an explicit stack: a chain of
thousands of tasks calling each other is legal). The limits are errors at the construct that
crosses them, so ``check`` refuses what ``compile`` could not build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from dsl import ast as A
from dsl import check_values as V
from dsl.check_facts import MAIN, BodyFacts

__all__ = ["MAX_TREE_DEPTH", "MAX_TREE_NODES", "Shape", "ShapeChecker"]

#: Most behaviours one compiled mission may have (tasks count once per call).
MAX_TREE_NODES = 20_000
#: Most levels of behaviours from the root to a leaf (py_trees recurses once per level).
MAX_TREE_DEPTH = 100


class Shape(NamedTuple):
    """The size of a compiled subtree: behaviours, levels, and whether a limit was reported in it.

    A named tuple, not a dataclass: one is built per statement of every block and task, and a
    tuple costs a fraction of a frozen dataclass to build.
    """

    nodes: int
    depth: int
    reported: bool = False


_LEAF = Shape(1, 1)
_EMPTY = Shape(0, 0)


def _over_all(children: Iterable[Shape]) -> Shape:
    """A behaviour over ``children`` (one pass: no generator per total)."""
    nodes, depth, reported = 1, 0, False
    for c in children:
        nodes += c.nodes
        depth = max(depth, c.depth)
        if c.reported:
            reported = True
    return Shape(nodes, depth + 1, reported)


@dataclass
class ShapeChecker:
    """Measures ``main`` and the tasks it reaches; reports trees over the limits to ``sink``."""

    tasks: Mapping[str, A.TaskDecl]
    #: What the statement checker found in each body: here, the tasks each one calls.
    bodies: Mapping[str | None, BodyFacts]
    sink: V.Sink
    max_nodes: int = MAX_TREE_NODES
    max_depth: int = MAX_TREE_DEPTH
    _calls: dict[str, Shape] = field(default_factory=dict)

    def main(self, decl: A.MainDecl) -> Shape:
        """Measure the tree of ``main``, reporting what is too deep and, at ``main``, too big.

        The call graph must be free of cycles (the checker reports recursion first).
        """
        self._measure_tasks()
        shape = self._over(self.block(decl.body), decl.span, "`main`")
        if shape.nodes > self.max_nodes:
            self.sink.error(
                decl.span, f"this mission compiles to {shape.nodes:,} behaviours (the limit is "
                f"{self.max_nodes:,})", "each call copies its task: call big tasks fewer times, or "
                "loop with `repeat`")
        return shape

    # ------------------------------------------------------------------------------- tasks
    def _measure_tasks(self) -> None:
        """Measure every task ``main`` reaches, callees before callers, without recursion."""
        order: list[str] = []
        seen: set[str] = set()
        stack = [(name, False) for name in self.bodies[MAIN].callees()]
        while stack:
            name, done = stack.pop()
            if done:
                order.append(name)
                continue
            if name in seen or name not in self.tasks:
                continue
            seen.add(name)
            stack.append((name, True))
            stack.extend((callee, False) for callee in self.bodies[name].callees() if callee not in seen)
        for name in order:
            task = self.tasks[name]
            body = self.block(task.body)
            if task.on_failure is None:
                inner = body
            else:  # Selector[body, handler]
                inner = self._node(body, self.block(task.on_failure))
            if task.policy is not None:  # the policy's node (abort: four more under it)
                inner = self._node(inner, *([_LEAF] * (4 if task.policy.kind == "abort" else 0)))
            self._calls[name] = self._node(inner)  # the TaskCall over it

    # --------------------------------------------------------------------------- statements
    @staticmethod
    def _node(*children: Shape) -> Shape:
        """A behaviour over ``children``."""
        return _over_all(children)

    def _over(self, shape: Shape, span: A.Span, what: str) -> Shape:
        """Report ``shape`` if it is the first construct (from the leaves) over the depth limit."""
        if shape.depth <= self.max_depth or shape.reported:
            return shape
        self.sink.error(span, f"{what} compiles {shape.depth} levels deep (the limit is "
                        f"{self.max_depth} levels)", "move deep parts into a flatter shape: fewer "
                        "nested calls, guards or `else if`s")
        return Shape(shape.nodes, shape.depth, True)

    def block(self, block: A.Block) -> Shape:
        """A block: a Sequence over its statements."""
        return _over_all(self.stmts(block.stmts))

    def stmts(self, stmts: tuple[A.Stmt, ...]) -> list[Shape]:
        """The shapes of a block's children (a guard wraps everything after it)."""
        shapes: list[Shape] = []
        rest: Shape | None = None
        for stmt in reversed(stmts):  # from the end: each guard holds the shapes after it
            if type(stmt) is A.Action:  # most statements: skip the type tests of stmt()
                shapes.append(_LEAF)
            elif isinstance(stmt, A.Guard):
                after = self._node(*shapes, *([rest] if rest is not None else []))
                check = self._node(Shape(2, 2), self.block(stmt.handler))  # when[not[cond], H]
                rest = self._over(self._node(check, after), stmt.span, "this guard")
                shapes = []
            else:
                shapes.append(self.stmt(stmt))
        shapes.reverse()
        return [*shapes, rest] if rest is not None else shapes

    def stmt(self, stmt: A.Stmt) -> Shape:
        """One statement that is not a guard.

        The "this ..." words are only built for a shape over the depth limit (a statement's
        shape is measured for every statement of every mission).
        """
        if isinstance(stmt, A.Action):
            return _LEAF
        if isinstance(stmt, A.Call):
            shape = self._calls.get(stmt.task.name, _LEAF)
            if shape.depth <= self.max_depth:
                return shape
            return self._over(shape, stmt.span, f"this call of `{stmt.task.name}`")
        if isinstance(stmt, A.Composite):
            shape = _over_all(self.stmts(stmt.body.stmts))
            if shape.depth <= self.max_depth:
                return shape
            return self._over(shape, stmt.span, f"this `{stmt.kind.split('_')[0]}`")
        if isinstance(stmt, (A.Repeat, A.Retry, A.Timeout)):
            shape = _over_all((self.block(stmt.body),))
            if shape.depth <= self.max_depth:
                return shape
            return self._over(shape, stmt.span, f"this `{type(stmt).__name__.lower()}`")
        if isinstance(stmt, A.If):
            return self._if(stmt)
        if isinstance(stmt, A.WithPolicy):  # the policy's nodes over the step (abort: 5 more)
            inner = self.stmt(stmt.stmt)
            handler = [self.block(stmt.policy.handler)] if stmt.policy.handler else []
            extra = {"abort": 4, "later": 1}.get(stmt.policy.kind, 0)
            shape = self._node(inner, *handler, *([_LEAF] * extra))
            return Shape(shape.nodes + (inner.nodes + 1 if stmt.policy.kind == "later" else 0),
                         shape.depth, shape.reported)
        return _LEAF

    def _if(self, stmt: A.If) -> Shape:
        """Nested IfThenElse[condition, then, else-if...], measured from the last branch."""
        other = self.block(stmt.orelse) if stmt.orelse is not None else _EMPTY
        for branch in reversed(stmt.branches):
            children = [_LEAF, self.block(branch.body), *([other] if other.nodes else [])]
            word = "this `if`" if branch is stmt.branches[0] else "this `else if`"
            other = self._over(self._node(*children), branch.span, word)
        return other
