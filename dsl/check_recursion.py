"""Recursion among tasks, found on the call graph the statement checker records.

Tasks are copied at every call, so a task that reaches itself again would compile forever. Each
cycle of the call graph (direct or mutual) is reported once, at the call that closes it, with the
path; the search uses explicit stacks, as a chain of thousands of tasks calling each other is legal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dsl import ast as A
from dsl import check_values as V

__all__ = ["CallGraph", "report_recursion"]

#: Each task's calls, in order: (the task called, the span of its name at the call).
CallGraph = Mapping[str, list[tuple[str, A.Span]]]


def report_recursion(calls: CallGraph, sink: V.Sink) -> bool:
    """Report each cycle of ``calls`` once, at the call that starts it (the shortest path back).

    Returns:
        True if any cycle was found.
    """
    found = False
    for component in _components(calls):
        start = min(component)
        previous: dict[str, tuple[str, A.Span]] = {}
        queue, closing = [start], None
        while queue and closing is None:
            node = queue.pop(0)
            for callee, span in calls.get(node, []):
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
        sink.error(span, "recursive task: " + " -> ".join([*path, start]),
                        "a task cannot call itself, directly or through others")
        found = True
    return found


def _components(calls: CallGraph) -> list[set[str]]:
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
