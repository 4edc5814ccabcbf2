"""The robot's vital signs: battery and speed sparklines, terrain, gait, pose and falls."""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from tui.messages import ground_speed
from tui.model import MonitorModel

__all__ = ["SPARK_POINTS", "TelemetryPanel", "telemetry_text"]

SPARK_POINTS = 120
"""Samples each sparkline spans (the latest ones)."""


def telemetry_text(model: MonitorModel) -> Text:
    """The text lines under the sparklines."""
    s = model.sample
    if s is None:
        return Text("no telemetry yet", "dim")
    text = Text()
    text.append(f"battery {s.battery:5.1f} %   speed {ground_speed(s):4.2f} m/s   gait {s.gait}\n")
    true = s.terrain_true if s.terrain_true is not None else "not published"
    style = "bold red" if s.terrain_true is not None and s.terrain_true != s.terrain else ""
    text.append(f"terrain {s.terrain} (estimated) · {true} (true)\n", style)
    text.append(
        f"pose x {s.x:6.2f} y {s.y:6.2f} z {s.z:4.2f} m · heading {math.degrees(s.yaw):4.0f}°\n"
    )
    state = "FALLEN" if s.fallen else ("stuck" if s.stuck else "upright")
    text.append(f"{state} · falls {model.falls}", "bold red" if s.fallen or s.stuck else "")
    return text


class TelemetryPanel(Vertical):
    """Two sparklines and a few lines of state, all read from the model."""

    def __init__(self, model: MonitorModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model

    def compose(self) -> ComposeResult:
        yield Static("battery %", classes="spark-label")
        yield Sparkline([], id="battery-spark")
        yield Static("speed m/s", classes="spark-label")
        yield Sparkline([], id="speed-spark")
        yield Static(telemetry_text(self.model), id="telemetry-text")

    def update_telemetry(self) -> None:
        """Redraw from the model's latest samples."""
        samples = list(self.model.samples)[-SPARK_POINTS:]
        self.query_one("#battery-spark", Sparkline).data = [s.battery for s in samples]
        self.query_one("#speed-spark", Sparkline).data = [ground_speed(s) for s in samples]
        self.query_one("#telemetry-text", Static).update(telemetry_text(self.model))
