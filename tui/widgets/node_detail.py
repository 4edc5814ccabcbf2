"""The selected node in full: kind, id, path, parameters with units, source line, facts it reads.

Units are not in the published tree (``TreeNode.params`` holds bare numbers), so the pane labels a
parameter by its name from :data:`UNITS`; the source line is the first line of the mission's text
that spells the node's name, since the tree carries no source span yet.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text
from textual.widgets import Static

from tui.model import MonitorModel

__all__ = ["UNITS", "NodeDetail", "detail_text"]

UNITS = {
    "speed": "m/s",
    "duration": "s",
    "radius": "m",
    "until": "%",
    "threshold": "%",
    "distance": "m",
    "heading": "deg",
    "timeout": "s",
}
"""Unit of a parameter, by its name (what the language's vocabulary uses for these words)."""


def _value(name: str, value: Any) -> str:
    unit = UNITS.get(name)
    if isinstance(value, dict) and "name" in value:
        return str(value["name"])
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} {unit}" if unit and isinstance(value, (int, float)) else text


def _source_line(source: str, name: str) -> str | None:
    for number, line in enumerate(source.splitlines(), 1):
        if name and name in line:
            return f"{number}: {line.strip()}"
    return None


def detail_text(model: MonitorModel, node_id: str | None) -> Text:
    """What the pane shows for ``node_id`` (a hint when nothing is selected)."""
    node = model.nodes.get(node_id or "")
    if node is None:
        return Text("select a node to see its detail", "dim")
    stats = model.stats[node.id]
    text = Text()
    text.append(f"{node.name}\n", "bold")
    text.append(f"{node.kind}  id {node.id}\n", "cyan")
    text.append(f"{node.path}\n", "dim")
    text.append(
        f"status {stats.status} since {stats.since:.1f} s · {_count(stats.changes, 'change')} · "
        f"{_count(stats.ticks(model.tick), 'tick')}\n"
    )
    if stats.failure_reason:
        text.append(f"failed: {stats.failure_reason}\n", "red")
    elif stats.reason:
        text.append(f"reason: {stats.reason}\n")
    for name, value in node.params.items():
        text.append(f"  {name} = {_value(name, value)}\n")
    line = _source_line(model.source, node.name)
    text.append(f"source {line}\n" if line else "source line: not published\n", "dim")
    expression = str(node.params.get("expression", ""))
    words = set(re.findall(r"[A-Za-z_]\w*", expression))
    reads = sorted(words & set(model.facts)) + sorted(words & {"battery", "elapsed", "speed"})
    if reads:
        text.append(f"reads {', '.join(dict.fromkeys(reads))}\n")
    if node.id in model.breakpoints:
        text.append("breakpoint set\n", "magenta")
    return text


class NodeDetail(Static):
    """Detail of the node under the tree's cursor."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(detail_text(model, None), **kwargs)
        self.model = model
        self.node_id: str | None = None

    def show(self, node_id: str | None) -> None:
        """Show ``node_id`` (and keep showing it as the run goes on)."""
        self.node_id = node_id
        self.update(detail_text(self.model, node_id))

    def refresh_if(self, changed: set[str]) -> None:
        """Redraw if the shown node is among ``changed``."""
        if self.node_id in changed:
            self.update(detail_text(self.model, self.node_id))


def _count(n: int, word: str) -> str:
    """``1 tick``, ``2 ticks``."""
    return f"{n} {word}{'' if n == 1 else 's'}"

