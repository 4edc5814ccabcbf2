"""The mission's facts (and the runtime's counters) with the last one to change highlighted."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from tui.model import MonitorModel

__all__ = ["FactsTable"]


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class FactsTable(DataTable[Any]):
    """One row per fact: name, value, sim time of its last change; updates cells in place."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.model = model
        self._shown: dict[str, tuple[str, str, bool]] = {}

    def on_mount(self) -> None:
        # Fixed widths: an auto-sized column is re-measured as rows arrive, and a frame drawn in
        # between showed a name cut short ("intr" for intruder_seen).
        self.add_column("fact", key="fact", width=24)
        self.add_column("value", key="value", width=10)
        self.add_column("changed", key="changed", width=9)

    def update_facts(self) -> None:
        """Bring the table in line with the model, touching only cells that differ."""
        model = self.model
        if not model.facts and self._shown:
            self.clear()
            self._shown = {}
        for key in sorted(model.facts):
            value = _show(model.facts[key])
            at = model.fact_changed_at.get(key)
            when = f"{at:.1f} s" if at is not None else ""
            last = key == model.last_fact
            if self._shown.get(key) == (value, when, last):
                continue
            style = "bold reverse" if last else ""
            cells = (Text(key, style), Text(value, style), Text(when, style))
            if key not in self._shown:
                self.add_row(*cells, key=key)
            else:
                for column, cell in zip(("fact", "value", "changed"), cells):
                    self.update_cell(key, column, cell)
            self._shown[key] = (value, when, last)
