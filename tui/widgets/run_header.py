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


def header_text(model: MonitorModel) -> Text:
    """The header's two lines."""
    text = Text()
    text.append(model.mission or "(no run yet)", "bold")
    text.append(f"   t = {model.sim_time:7.1f} s  tick {model.tick}")
    rtf = model.realtime_factor
    text.append(f"   ×{rtf:.1f} real time" if rtf is not None else "   ×– real time")
    if model.paused:
        text.append("   PAUSED", "bold reverse yellow")
    text.append("   ")
    outcome = model.outcome or ("running" if model.root is not None else "waiting")
    text.append(outcome.upper(), _OUTCOME_STYLE.get(outcome, "bold yellow"))
    if model.failure_reason:
        text.append(f": {model.failure_reason}", "red")
    text.append("\n")
    text.append(f"{model.connection}", _CONNECTION_STYLE.get(model.connection, ""))
    if model.connection_detail:
        text.append(f" {model.connection_detail}", "dim")
    if model.position is not None and model.end is not None:
        text.append(f"   replay {model.position:.1f} / {model.end:.1f} s at ×{model.speed:g} ")
        text.append_text(timeline(model.position, model.end))
    elif model.speed != 1.0:
        text.append(f"   speed ×{model.speed:g}")
    if model.backend:
        text.append(f"   {model.backend} seed {model.seed}", "dim")
    return text


class RunHeader(Static):
    """Two lines of run state, redrawn from the model."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(header_text(model), **kwargs)
        self.model = model

    def update_header(self) -> None:
        """Redraw from the model."""
        self.update(header_text(self.model))
