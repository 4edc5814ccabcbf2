"""The terminal monitor: watch, steer and replay a mission run in Textual.

Reads only what ``bt_runtime`` publishes (events, the run log, the live stream); never imports the
language, the locomotion backends or the application layer.
"""

from tui.app import MonitorApp, make_monitor
from tui.control import ControlError, Controller, Seekable
from tui.source import LiveSource, ReplaySource, Source

__all__ = [
    "ControlError",
    "Controller",
    "LiveSource",
    "MonitorApp",
    "ReplaySource",
    "Seekable",
    "Source",
    "make_monitor",
]
