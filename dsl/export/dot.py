"""Graphviz dot text of a compiled tree (no pydot needed), labelled like the text tree: rounded
boxes for composites and decorators, boxes for actions, ellipses for conditions."""

from __future__ import annotations

from py_trees.behaviour import Behaviour

from bt_runtime.tree_model import NodeDescription, TreeDescription, describe
from dsl.export.values import short

__all__ = ["to_dot"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(tree: Behaviour | TreeDescription, title: str = "mission") -> str:
    """The tree (its root behaviour, or its description) as a ``digraph``; composites are rounded
    boxes, leaves plain boxes, conditions ellipses."""
    lines = [f'digraph "{_escape(title)}" {{', "  rankdir=TB;", '  node [fontname="Helvetica"];']
    counter = 0

    def add(info: NodeDescription) -> str:
        nonlocal counter
        node_id = f"n{counter}"
        counter += 1
        parts = [info.kind, info.name]
        parts += [f"{k}={short(v)}" for k, v in info.settings.items() if k != "args"]
        parts += [f"{k}={short(v)}" for k, v in info.params.items() if v is not None]
        if info.kind == "Condition":
            attrs = 'shape=ellipse'
        elif info.children:
            attrs = 'shape=box, style=rounded'
        else:
            attrs = 'shape=box'
        lines.append(f'  {node_id} [{attrs}, label="{_escape(chr(10).join(parts))}"];')
        for child in info.children:
            child_id = add(child)
            lines.append(f"  {node_id} -> {child_id};")
        return node_id

    add((tree if isinstance(tree, TreeDescription) else describe(tree)).root)
    lines.append("}")
    return "\n".join(lines) + "\n"
