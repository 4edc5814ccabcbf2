"""The tree ``mission show`` prints: one node per line, drawn with box characters, no status."""

from __future__ import annotations

from py_trees.behaviour import Behaviour

from dsl.export.describe import NodeInfo, describe, short

__all__ = ["label", "render_tree"]


def label(info: NodeInfo) -> str:
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


def render_tree(root: Behaviour) -> str:
    """Render the tree under ``root`` with ├── └── │ connectors."""
    lines = [label(describe(root))]

    def walk(node: Behaviour, prefix: str) -> None:
        children = describe(node).children
        for index, child in enumerate(children):
            last = index == len(children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + label(describe(child)))
            walk(child, prefix + ("    " if last else "│   "))

    walk(root, "")
    return "\n".join(lines) + "\n"
