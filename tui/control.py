"""The seams between the monitor's controls and whatever obeys them.

For a live run the app sends every control to a :class:`Controller`; the application layer
implements it over the stream's command channel (with the token), so the monitor never holds a
live tree or executor. A replay source is its own controller and also :class:`Seekable`. A
controller refuses an action it cannot do by raising :class:`ControlError`; the app shows the
refusal in the event log and carries on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

__all__ = ["FAULT_KINDS", "ControlError", "Controller", "Seekable", "StreamController"]

FAULT_KINDS = ("push", "battery", "block")
"""Faults the monitor can inject, named as the runtime's ``--fault`` kinds."""


class ControlError(Exception):
    """A control action was refused (read-only monitor, not possible in a replay, lost link)."""


@runtime_checkable
class Controller(Protocol):
    """What the monitor's footer controls drive. Every method returns at once (never blocks)."""

    def pause(self) -> None:
        """Stop ticking (sim time freezes)."""

    def resume(self) -> None:
        """Tick again."""

    def step(self) -> None:
        """While paused, advance exactly one tick."""

    def abort(self) -> None:
        """End the run now, as aborted."""

    def set_speed(self, factor: float) -> None:
        """Pace the run at ``factor`` times real time (a realtime run or a replay)."""

    def set_breakpoint(self, node_id: str, enabled: bool) -> None:
        """Pause before the node ``node_id`` ticks (``enabled``), or clear that breakpoint."""

    def inject_fault(self, kind: str, params: Mapping[str, Any]) -> None:
        """Inject a fault now: ``push`` (impulse N·s, dir deg), ``battery`` (drop %), ``block``
        (region name)."""


@runtime_checkable
class Seekable(Protocol):
    """A source with a timeline (a replay)."""

    def seek(self, sim_time: float) -> None:
        """Jump to ``sim_time`` (clamped to the run), keeping play/pause as it is."""

    def seek_by(self, seconds: float) -> None:
        """Jump ``seconds`` from where the replay is (or is about to be, if a seek is pending)."""


Send = Callable[[str, dict[str, Any]], None]
"""Sends one command with its arguments over a live stream; raises ControlError if it cannot."""


class StreamController:
    """A :class:`Controller` over a live stream's command channel (``bt_runtime.monitorcommands``).

    Args:
        send: sends ``(command, args)``; the run's ack or error comes back among the messages.
    """

    def __init__(self, send: Send) -> None:
        self._send = send

    def pause(self) -> None:
        self._send("pause", {})

    def resume(self) -> None:
        self._send("resume", {})

    def step(self) -> None:
        self._send("step", {})

    def abort(self) -> None:
        self._send("abort", {})

    def set_speed(self, factor: float) -> None:
        self._send("speed", {"factor": min(max(factor, 1 / 64), 1024.0)})

    def set_breakpoint(self, node_id: str, enabled: bool) -> None:
        self._send("breakpoint", {"node": node_id, "enabled": enabled})

    def inject_fault(self, kind: str, params: Mapping[str, Any]) -> None:
        if kind not in FAULT_KINDS:
            raise ControlError(f"unknown fault kind {kind!r} (one of {', '.join(FAULT_KINDS)})")
        self._send("fault", {"kind": kind, "params": dict(params)})
