"""Alerts, detections, status changes, fact changes and operator commands, newest last, filtered.

A detection (what the sensor found, where, how sure, by which action) is listed with the alerts;
the map's own ``found`` change of the same tick is then not listed again (the map still marks it).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import RichLog

from tui.messages import (
    AlertEntry,
    CommandEntry,
    DetectionEntry,
    Entry,
    FactEntry,
    MapEntry,
    StatusEntry,
)
from tui.model import MonitorModel

__all__ = ["KINDS", "EventLogView", "entry_kind", "entry_line"]

KINDS = ("alerts", "status", "facts", "commands")
"""The filter's kinds, in the order of the keys that toggle them (1-4)."""

_SEVERITY_STYLE = {"info": "cyan", "warning": "bold yellow", "error": "bold red"}


def entry_kind(entry: Entry) -> str | None:
    """Which filter kind ``entry`` belongs to (None: telemetry, never listed)."""
    if isinstance(entry, (AlertEntry, DetectionEntry)):
        return "alerts"
    if isinstance(entry, StatusEntry):
        return "status"
    if isinstance(entry, FactEntry):
        return "facts"
    if isinstance(entry, CommandEntry):
        return "commands"
    if isinstance(entry, MapEntry):
        return "alerts" if entry.change != "found" else None  # the DetectionEntry says more
    return None


def entry_line(model: MonitorModel, entry: Entry) -> Text:
    """One log line for ``entry``."""
    text = Text(f"{entry.sim_time:8.1f} s  ", "dim")
    if isinstance(entry, AlertEntry):
        text.append(f"{entry.severity:<7} ", _SEVERITY_STYLE.get(entry.severity, ""))
        text.append(entry.message)
    elif isinstance(entry, StatusEntry):
        node = model.nodes.get(entry.node_id)
        text.append("status  ", "magenta")
        text.append(f"{node.name if node else entry.node_id}: {entry.old} → {entry.new}")
        if entry.reason:
            text.append(f" ({entry.reason})", "dim")
    elif isinstance(entry, FactEntry):
        text.append("fact    ", "blue")
        text.append(f"{entry.key}: {entry.old!r} → {entry.new!r}")
    elif isinstance(entry, DetectionEntry):
        found = entry.detection
        text.append("found   ", "bold cyan")
        text.append(f"{found.kind} {found.name} at {found.position}", "bold")
        by = f", by {found.action}" if found.action else ""
        text.append(
            f", {found.distance:.1f} m away, confidence {round(found.confidence * 100)} %{by}"
        )
    elif isinstance(entry, MapEntry):
        text.append("map     ", "bold cyan")
        text.append(f"{entry.name} {'found' if entry.change == 'found' else 'closed'}")
    elif isinstance(entry, CommandEntry):
        text.append("command ", "bold green")
        text.append(f"{entry.command} {entry.detail}".rstrip())
    return text


class EventLogView(RichLog):
    """The history window of the model, filtered by kind."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(max_lines=1000, wrap=False, markup=False, **kwargs)
        self.model = model
        self.shown_kinds: set[str] = set(KINDS)
        self.border_title = self._title()

    def _title(self) -> str:
        marks = " ".join(
            f"{i}:{kind}" if kind in self.shown_kinds else f"{i}:-" for i, kind in
            enumerate(KINDS, 1)
        )
        return f"events [{marks}]"

    def add_entries(self, entries: tuple[Entry, ...] | list[Entry]) -> None:
        """Append the lines of the entries the filter shows, and follow the newest line.

        Lines written before the widget knows its size are deferred by ``RichLog`` and did not
        scroll, so the pane showed the oldest lines: the end is scrolled to explicitly.
        """
        wrote = False
        for entry in entries:
            if entry_kind(entry) in self.shown_kinds:
                self.write(entry_line(self.model, entry), scroll_end=True)
                wrote = True
        if wrote:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def toggle(self, kind: str) -> None:
        """Show or hide one kind, and redraw the window from the model's history."""
        self.shown_kinds ^= {kind}
        self.border_title = self._title()
        self.redraw()

    def redraw(self) -> None:
        """Rewrite every line from the model (after a filter change or a rewind)."""
        self.clear()
        self.add_entries(list(self.model.entries))
