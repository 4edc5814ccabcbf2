"""The behaviour tree with live statuses: built once, then only changed nodes are relabelled.

Textual's ``Tree`` rebuilds its line list on expand/collapse and repaints only the visible lines of
a node on ``set_label``, so the tree is built once when the run opens and every later state touches
just the labels of the nodes the model reports as changed. Task calls start collapsed, so a large
mission opens readable; expanding one never rebuilds the node objects.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.messages import NodeInfo
from tui.model import MonitorModel

__all__ = ["COLLAPSED_KINDS", "STATUS_STYLE", "BehaviourTreeView", "node_label"]

STATUS_STYLE = {
    "RUNNING": ("●", "bold yellow"),
    "SUCCESS": ("✔", "green"),
    "FAILURE": ("✘", "bold red"),
    "INVALID": ("○", "grey50"),
}
COLLAPSED_KINDS = frozenset({"TaskCall"})
"""Node kinds shown collapsed when the tree opens (a task's body is detail)."""


GAP = "default"
"""The style of the spaces between a label's parts: a style of their own, so exporters that start
a new text run at each style change keep them (a run that starts with spaces loses them in some
SVG renderers, and the name then ran into its type)."""


def node_label(model: MonitorModel, node: NodeInfo) -> Text:
    """The one-line label of ``node``: status, name, kind and its counters."""
    stats = model.stats.get(node.id)
    status = stats.status if stats else "INVALID"
    icon, style = STATUS_STYLE.get(status, ("?", ""))
    active = node.id in model.active_path
    text = Text()
    if node.id in model.breakpoints:
        text.append("◆", "bold magenta")
        text.append(" ", GAP)
    text.append(icon, style)
    text.append(" ", GAP)
    text.append(node.name, f"{style} {'bold underline' if active else ''}".strip())
    text.append("  ", GAP)
    text.append(node.kind, "dim")
    if stats is not None and stats.changes:
        ticks = stats.ticks(model.tick)
        detail = f"×{stats.changes} · {ticks} tick{'s' if ticks != 1 else ''}"
        if status == "RUNNING":
            detail += f" · {max(0.0, model.sim_time - stats.since):.1f} s"
        text.append("  ", GAP)
        text.append(detail, "dim")
    elif stats is not None and status == "RUNNING":  # joined late: running since before we saw
        text.append("  ", GAP)
        text.append(f"≥ {max(0.0, model.sim_time - stats.since):.1f} s", "dim")
    if status == "FAILURE" and stats is not None and stats.failure_reason:
        text.append("  ", GAP)
        text.append(f"— {stats.failure_reason}", "red")
    return text


class BehaviourTreeView(Tree[str]):
    """The run's tree; each node's data is its id."""

    BINDINGS: ClassVar = []

    def __init__(self, model: MonitorModel, **kwargs: object) -> None:
        super().__init__("(waiting for the run)", **kwargs)  # type: ignore[arg-type]
        self.model = model
        self.handles: dict[str, TreeNode[str]] = {}
        self.show_root = True
        self.guide_depth = 2

    def load(self) -> None:
        """Build the tree from the model's root (once per run)."""
        root = self.model.root
        self.clear()
        self.handles = {}
        if root is None:
            return
        self.root.data = root.id
        self.root.set_label(node_label(self.model, root))
        self.handles[root.id] = self.root
        stack: list[tuple[NodeInfo, TreeNode[str]]] = [(root, self.root)]
        while stack:
            info, handle = stack.pop()
            for child in info.children:
                if child.children:
                    sub = handle.add(node_label(self.model, child), data=child.id,
                                     expand=child.kind not in COLLAPSED_KINDS)
                    stack.append((child, sub))
                else:
                    sub = handle.add_leaf(node_label(self.model, child), data=child.id)
                self.handles[child.id] = sub
        self.root.expand()

    def relabel(self, node_ids: set[str]) -> None:
        """Relabel exactly these nodes (the ones whose state changed)."""
        nodes = self.model.nodes
        for node_id in node_ids:
            handle = self.handles.get(node_id)
            if handle is not None and node_id in nodes:
                handle.set_label(node_label(self.model, nodes[node_id]))

    def reveal(self, node_id: str) -> bool:
        """Expand the ancestors of ``node_id`` (only those collapsed) and move the cursor to it."""
        handle = self.handles.get(node_id)
        if handle is None:
            return False
        for ancestor in self.model.ancestors(node_id):
            parent = self.handles.get(ancestor)
            if parent is not None and not parent.is_expanded:
                parent.expand()
        self.call_after_refresh(self._cursor_to, handle)
        return True

    def _cursor_to(self, handle: TreeNode[str]) -> None:
        if handle.line >= 0:
            self.cursor_line = handle.line
            self.scroll_to_node(handle, animate=False)

    def selected_id(self) -> str | None:
        """The id of the node under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def find(self, text: str, after: str | None = None) -> str | None:
        """The next node (depth first, after ``after``) whose name contains ``text``."""
        if self.model.root is None or not text:
            return None
        needle = text.casefold()
        order = [n.id for n in self.model.root.walk()]
        start = order.index(after) + 1 if after in order else 0
        for node_id in order[start:] + order[:start]:
            if needle in self.model.nodes[node_id].name.casefold():
                return node_id
        return None
