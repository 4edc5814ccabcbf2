"""One description of a compiled behaviour tree, as plain data: what every view of the tree reads.

The exporters (json, dot, the text tree, BehaviorTree.CPP XML) and the runtime's
:class:`~bt_runtime.events.TreeDefinition` all render from :func:`describe`'s
:class:`TreeDescription`, so they cannot disagree about a node's id, kind, name or parameters.

Node ids are positions ("0", "0.2", "0.2.1") and paths are the names from the root joined by "/",
exactly as the executor has always numbered them, so two runs of one mission agree on them. What a
node was compiled from (its :class:`NodeSource`: the language construct, its role in the compiled
shape, the task parameters in scope) is only known when the compiler says so; this module treats
the construct as opaque (bt_runtime never imports dsl) and passes it on to the exporters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import py_trees
from py_trees.behaviour import Behaviour

from bt_runtime.behaviours import ClockTimeout, GuardSequence, TaskCall
from bt_runtime.events import TreeDefinition, TreeNode

__all__ = [
    "NodeDescription",
    "NodeSource",
    "SourceSpan",
    "TaskInfo",
    "TreeDescription",
    "describe",
    "node_index",
    "tree_definition",
]


@dataclass(frozen=True)
class SourceSpan:
    """Where in a mission file a node was written (1-based lines and columns, end exclusive)."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int


class NodeSource(NamedTuple):
    """What the compiler built a node from (a named tuple: the compiler makes one per node, and a
    frozen dataclass cost a measurable share of compile time).

    ``origin`` is the language construct (a ``dsl.ast`` node, opaque here; its ``span`` gives the
    node's :class:`SourceSpan`); ``role`` is the node's place in the compiled shape ("main",
    "block", "statement", "guard", "when", "not", "handler", "rest", "condition", "action",
    "call", "task", "recover", "on_failure", "repeat", "retry", "timeout", "if", "set");
    ``scope`` maps the task parameters in scope to their values; ``task_params`` are a call's task parameters as
    (name, type).
    """

    origin: object
    role: str
    scope: Mapping[str, Any] = MappingProxyType({})
    task_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TaskInfo:
    """A task call: the task, its parameters (name, declared type) and the arguments as written."""

    name: str
    params: tuple[tuple[str, str], ...]
    args: Mapping[str, str]


@dataclass(frozen=True)
class NodeDescription:
    """One node: id, path, name, ``kind`` (behaviour class), ``action`` (vocabulary key of a leaf
    or ""), ``settings`` (composite/decorator options), ``params`` (a leaf's canonical parameters),
    its children, and where it came from when the compiler said so."""

    id: str
    path: str
    name: str
    kind: str
    action: str
    settings: Mapping[str, Any]
    params: Mapping[str, Any]
    children: tuple[NodeDescription, ...]
    source: NodeSource | None = None
    span: SourceSpan | None = None
    task: TaskInfo | None = None

    @property
    def role(self) -> str:
        """The node's role in the compiled shape ("" when the source is unknown)."""
        return "" if self.source is None else self.source.role


@dataclass(frozen=True)
class TreeDescription:
    """The described tree, and each described node by the ``id()`` of its py_trees behaviour."""

    root: NodeDescription
    by_object: Mapping[int, NodeDescription]

    def nodes(self) -> Iterator[NodeDescription]:
        """Every node, depth first, parents before children."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def node_of(self, behaviour: Behaviour) -> NodeDescription:
        """The description of ``behaviour`` (a node of the described tree).

        Raises:
            KeyError: ``behaviour`` is not in the tree.
        """
        return self.by_object[id(behaviour)]


def _policy(node: py_trees.composites.Parallel) -> str:
    policy = node.policy
    if isinstance(policy, py_trees.common.ParallelPolicy.SuccessOnAll):
        return f"SuccessOnAll(synchronise={policy.synchronise})"
    return type(policy).__name__


def _settings(node: Behaviour) -> dict[str, Any]:
    if isinstance(node, GuardSequence):
        return {"resume": node.resume}
    if isinstance(node, (py_trees.composites.Sequence, py_trees.composites.Selector)):
        return {"memory": node.memory}
    if isinstance(node, py_trees.composites.Parallel):
        return {"policy": _policy(node)}
    if isinstance(node, py_trees.decorators.Repeat):
        return {"num_success": node.num_success}
    if isinstance(node, py_trees.decorators.Retry):
        return {"num_failures": node.num_failures}
    if isinstance(node, ClockTimeout):
        return {"duration": node.duration}
    if isinstance(node, TaskCall):
        return {"task": node.task, "args": dict(node.args)}
    policy_settings = getattr(node, "policy_settings", None)  # bt_runtime.behaviours.policies
    if callable(policy_settings):
        return dict(policy_settings())
    return {}


def _leaf(node: Behaviour) -> tuple[str, dict[str, Any]]:
    """A leaf's vocabulary key and canonical parameters ("" and {} for anything else)."""
    params_of = getattr(node, "params", None)
    if not callable(params_of) or isinstance(
            node, (py_trees.composites.Composite, py_trees.decorators.Decorator)):
        return "", {}
    action = getattr(node, "action", "")
    return (action if isinstance(action, str) else ""), dict(params_of())


def _span(source: NodeSource | None) -> SourceSpan | None:
    span = getattr(source.origin, "span", None) if source is not None else None
    if span is None:
        return None
    return SourceSpan(span.file, span.line, span.col, span.end_line, span.end_col)


def describe(root: Behaviour, sources: Mapping[int, NodeSource] | None = None) -> TreeDescription:
    """Describe the tree under ``root``.

    Args:
        root: the compiled tree's root.
        sources: what the compiler built each node from, by ``id()`` of the behaviour
            (``CompiledMission.sources``); without it spans, roles and task parameters are unknown.

    Returns:
        The description; ids are positions from "0", paths the names joined by "/".
    """
    known = sources or {}
    index: dict[int, NodeDescription] = {}

    def build(node: Behaviour, node_id: str, parent_path: str) -> NodeDescription:
        path = f"{parent_path}/{node.name}" if parent_path else node.name
        children = tuple(
            build(child, f"{node_id}.{i}", path) for i, child in enumerate(node.children)
        )
        action, params = _leaf(node)
        source = known.get(id(node))
        task = None
        if isinstance(node, TaskCall):
            params_of_task = source.task_params if source is not None else ()
            task = TaskInfo(node.task, params_of_task, MappingProxyType(dict(node.args)))
        described = NodeDescription(
            node_id, path, node.name, type(node).__name__, action, _settings(node), params,
            children, source, _span(source), task)
        index[id(node)] = described
        return described

    return TreeDescription(build(root, "0", ""), MappingProxyType(index))


def tree_definition(description: TreeDescription) -> TreeDefinition:
    """The runtime's :class:`~bt_runtime.events.TreeDefinition` of a described tree."""

    def node(d: NodeDescription) -> TreeNode:
        return TreeNode(d.id, d.name, d.kind, dict(d.params), tuple(node(c) for c in d.children))

    return TreeDefinition(node(description.root))


def node_index(description: TreeDescription) -> dict[int, tuple[str, str]]:
    """For each behaviour (by ``id()``) its node id and path, as the executor matches events."""
    return {key: (d.id, d.path) for key, d in description.by_object.items()}
