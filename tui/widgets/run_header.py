"""The top line: mission, sim time, real-time factor, outcome, connection, replay position."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from tui.model import MonitorModel

__all__ = ["TIMELINE_WIDTH", "RunHeader", "header_text", "timeline"]

_OUTCOME_STYLE = {"success": "bold green", "failure": "bold red", "aborted": "bold yellow",
                  "waiting": "dim"}
_CONNECTION_STYLE = {"connected": "green", "lost": "bold red", "connecting": "yellow",
                     "ended": "dim", "replay": "cyan"}


TIMELINE_WIDTH = 30


def timeline(position: float, end: float, width: int = TIMELINE_WIDTH) -> Text:
    """A replay's scrub bar: the part played, a marker, the part to come."""
    done = 0 if end <= 0 else min(width - 1, int(position / end * (width - 1) + 1e-9))
    bar = Text("━" * done, "cyan")
    bar.append("●", "bold cyan")
    bar.append("─" * (width - 1 - done), "grey50")
    return bar


_GAP = "default"
"""Spaces between the header's parts get a style of their own (see ``tree_view.GAP``)."""


def _part(text: Text, part: str, style: str = "") -> None:
    text.append("   ", _GAP)
    text.append(part, style)


def header_text(model: MonitorModel) -> Text:
    """The header's two lines.

    One state word: the outcome once the run ended, else PAUSED or RUNNING (never both); the
    real-time factor only once it has been measured.
    """
    text = Text()
    text.append(model.mission or "(no run yet)", "bold")
    _part(text, f"t = {model.sim_time:7.1f} s  tick {model.tick}")
    rtf = model.realtime_factor
    if rtf is not None:
        _part(text, f"×{rtf:.1f} real time")
    if model.outcome:
        _part(text, model.outcome.upper(), _OUTCOME_STYLE.get(model.outcome, "bold yellow"))
        if model.failure_reason:
            text.append(f": {model.failure_reason}", "red")
    elif model.paused:
        _part(text, "PAUSED", "bold reverse yellow")
    elif model.root is not None:
        _part(text, "RUNNING", "bold yellow")
    else:
        _part(text, "WAITING", _OUTCOME_STYLE["waiting"])
    text.append("\n")
    text.append(f"{model.connection}", _CONNECTION_STYLE.get(model.connection, ""))
    if model.connection_detail:
        text.append(" ", _GAP)
        text.append(model.connection_detail, "dim")
    if model.position is not None and model.end is not None:
        _part(text, f"replay {model.position:.1f} / {model.end:.1f} s at ×{model.speed:g}")
        text.append(" ", _GAP)
        text.append_text(timeline(model.position, model.end))
    elif model.speed != 1.0:
        _part(text, f"speed ×{model.speed:g}")
    if model.backend:
        _part(text, f"{model.backend} seed {model.seed}", "dim")
    return text


class RunHeader(Static):
    """Two lines of run state, redrawn from the model."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(header_text(model), **kwargs)
        self.model = model

    def update_header(self) -> None:
        """Redraw from the model."""
        self.update(header_text(self.model))
