"""The tree ``mission show`` prints: one node per line, drawn with box characters, no status."""

from __future__ import annotations

from py_trees.behaviour import Behaviour

from bt_runtime.tree_model import NodeDescription, TreeDescription, describe
from dsl.export.values import short

__all__ = ["label", "render_tree"]


def label(info: NodeDescription) -> str:
    """``name  [Kind setting=value]`` or, for a leaf, ``name  [Kind param=value ...]``."""
    bits = [info.kind]
    for key, value in info.settings.items():
        if key == "args":
            continue
        bits.append(f"{key}={short(value)}")
    for key, value in info.params.items():
        if value is not None:
            bits.append(f"{key}={short(value)}")
    return f"{info.name}  [{' '.join(bits)}]"


def render_tree(tree: Behaviour | TreeDescription) -> str:
    """Render a tree (its root behaviour, or its description) with ├── └── │ connectors."""
    root = (tree if isinstance(tree, TreeDescription) else describe(tree)).root
    lines = [label(root)]

    def walk(node: NodeDescription, prefix: str) -> None:
        for index, child in enumerate(node.children):
            last = index == len(node.children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + label(child))
            walk(child, prefix + ("    " if last else "│   "))

    walk(root, "")
    return "\n".join(lines) + "\n"
