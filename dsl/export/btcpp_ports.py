"""The values each exported task needs computed by its callers, found once over the whole tree.

A SubTree port given a literal reaches the task as a string, and BehaviorTree.CPP's script will
not do arithmetic on a string. So what a task would have to compute from a parameter is computed
at compile time at each call site instead, and passed as one more port:

- ``<p>_msec`` for a ``timeout p`` (Timeout wants milliseconds, the parameter is in seconds);
- ``<p>_distance`` for a ``distance to p`` (remapped to the root fact ``@distance_to_<place>``);
- ``<r>_sq`` for a ``distance to (x, y) < r`` (the script has no square root: it compares the
  squared distance with the squared bound).

A task that passes its own parameter on to another task that needs a derived value needs it
too (``outer(q) { inner(q) }``), so the needs are closed over the call graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bt_runtime.tree_model import NodeDescription
from bt_runtime.units import to_canonical
from dsl import ast as A
from dsl.export.btcpp_script import (
    ExportError,
    distance_fact,
    script_number,
    walk_condition,
    where,
)

__all__ = ["DERIVED", "Derived", "derived_ports", "task_needs"]


@dataclass(frozen=True)
class Derived:
    """One kind of derived port: its name suffix, C++ type and what it holds."""

    suffix: str
    type: str
    doc: str

    def port(self, param: str) -> str:
        """The port's name for task parameter ``param``."""
        return f"{param}_{self.suffix}"


MSEC = Derived("msec", "unsigned", "in milliseconds, computed at the call")
DISTANCE = Derived("distance", "double", "distance from the robot in m, remapped at the call")
SQUARED = Derived("sq", "double", "squared (m²), computed at the call")
DERIVED = {d.suffix: d for d in (MSEC, DISTANCE, SQUARED)}

#: task name -> parameter -> the derived kinds (suffixes) it needs, in a stable order
Needs = dict[str, dict[str, set[str]]]


def _calls(node: NodeDescription) -> Iterator[NodeDescription]:
    """Every call node under ``node`` (calls inside called tasks included)."""
    for child in node.children:
        if child.source is not None and child.source.role == "call":
            yield child
        yield from _calls(child)


def _body_nodes(node: NodeDescription) -> Iterator[NodeDescription]:
    """The nodes of one task body, not descending into the tasks it calls."""
    for child in node.children:
        yield child
        if child.source is None or child.source.role != "call":
            yield from _body_nodes(child)


def _distances(cond: A.Cond) -> Iterator[A.DistanceCond]:
    return (item for item in walk_condition(cond) if isinstance(item, A.DistanceCond))


def _condition_needs(cond: A.Cond, params: set[str]) -> Iterator[tuple[str, str]]:
    for item in _distances(cond):
        if isinstance(item.target, A.Ident) and item.target.name in params:
            yield item.target.name, DISTANCE.suffix
        elif (isinstance(item.target, A.Point) and isinstance(item.rhs, A.Ident)
              and item.rhs.name in params):
            yield item.rhs.name, SQUARED.suffix


def call_args(call: NodeDescription) -> dict[str, A.ArgValue]:
    """A call's arguments by parameter name (positional ones named from the task)."""
    stmt = call.source.origin if call.source is not None else None
    assert isinstance(stmt, A.Call) and call.task is not None
    order = [name for name, _type in call.task.params]
    return {order[i] if arg.name is None else arg.name.name: arg.value
            for i, arg in enumerate(stmt.args)}


def task_needs(root: NodeDescription) -> Needs:
    """What each task called under ``root`` needs passed beside its parameters.

    Args:
        root: the described main tree.

    Returns:
        task name -> parameter -> derived kinds (``{"limit": {"msec"}}``).
    """
    bodies: dict[str, NodeDescription] = {}
    for call in _calls(root):
        if call.task is not None:
            bodies.setdefault(call.task.name, call)
    needs: Needs = {name: {} for name in bodies}
    edges: list[tuple[str, str, str, str]] = []  # caller, its param, callee, callee's param
    for name, call in bodies.items():
        params = {p for p, _type in call.task.params} if call.task else set()
        for node in _body_nodes(call):
            origin = node.source.origin if node.source is not None else None
            if isinstance(origin, A.Timeout) and isinstance(origin.duration, A.Ident):
                if origin.duration.name in params:
                    needs[name].setdefault(origin.duration.name, set()).add(MSEC.suffix)
            elif node.source is not None and node.source.role == "condition":
                for param, kind in _condition_needs(origin, params):  # type: ignore[arg-type]
                    needs[name].setdefault(param, set()).add(kind)
            elif isinstance(origin, A.Call) and node.task is not None:
                for callee_param, value in call_args(node).items():
                    if isinstance(value, A.Ident) and value.name in params:
                        edges.append((name, value.name, node.task.name, callee_param))
    changed = True
    while changed:  # close over the call graph: a parameter passed on needs what the callee needs
        changed = False
        for caller, param, callee, callee_param in edges:
            wanted = needs[callee].get(callee_param, set())
            have = needs[caller].setdefault(param, set())
            if not wanted <= have:
                have |= wanted
                changed = True
    return needs


def derived_ports(call: NodeDescription, needs: Needs,
                  params: frozenset[str]) -> dict[str, str]:
    """The derived ports a SubTree call passes, by port name, with their values.

    Args:
        call: the described call.
        needs: :func:`task_needs` of the tree.
        params: the caller's task parameters in scope.

    Raises:
        ExportError: a point passed where the task needs a distance (no root fact names it).
    """
    assert call.task is not None
    ports: dict[str, str] = {}
    args: Mapping[str, A.ArgValue] = call_args(call)
    for param, kinds in needs.get(call.task.name, {}).items():
        value = args[param]
        for kind in sorted(kinds):
            derived = DERIVED[kind]
            ports[derived.port(param)] = _derived_value(derived, value, params)
    return ports


def _derived_value(derived: Derived, value: A.ArgValue, params: frozenset[str]) -> str:
    if isinstance(value, A.Ident) and value.name in params:
        return "{" + derived.port(value.name) + "}"
    if derived is MSEC:
        assert isinstance(value, A.Quantity)
        return str(round(to_canonical(value.value, value.unit) * 1000))
    if derived is SQUARED:
        assert isinstance(value, A.Quantity)
        bound = to_canonical(value.value, value.unit)
        return script_number(bound * abs(bound))
    if isinstance(value, A.Ident):
        return "{@" + distance_fact(value.name) + "}"
    raise ExportError(f"{where(value.span)}: a point passed to a task that measures the distance "
                      "to it: BehaviorTree.CPP reads distances from named places "
                      "(@distance_to_NAME); declare the point as a place (`waypoint NAME at "
                      "(x, y)`) and pass its name")

