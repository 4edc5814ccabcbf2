"""The modal questions: confirm an abort, choose a fault to inject."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

__all__ = ["ConfirmAbort", "FaultChoice", "FaultDialog"]

FaultChoice = tuple[str, dict[str, Any]]


class ConfirmAbort(ModalScreen[bool]):
    """Asks before aborting: y aborts, n or escape keeps the run going."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "Abort the run"),
        Binding("n,escape", "answer(False)", "Keep running"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Abort the mission? The robot stops where it is.")
            yield Label("[b]y[/b] abort    [b]n[/b] keep running")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class FaultDialog(ModalScreen["FaultChoice | None"]):
    """Picks a fault: 1 a push, 2 a battery drop, 3 closes the region typed in the box."""

    AUTO_FOCUS = ""  # keys 1 and 2 choose; Tab moves into the region box
    BINDINGS: ClassVar = [
        Binding("1", "choose('push')", "Push 30 N·s"),
        Binding("2", "choose('battery')", "Battery -20 %"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Inject a fault now:")
            yield Label("[b]1[/b] push 30 N·s from the side   [b]2[/b] battery drops 20 %")
            yield Label("or Tab, type a region name, Enter closes it (escape: cancel)")
            yield Input(placeholder="region to close", id="region")

    def action_choose(self, kind: str) -> None:
        if kind == "push":
            self.dismiss(("push", {"impulse": 30.0, "dir": 90.0}))
        else:
            self.dismiss(("battery", {"drop": 20.0}))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        region = event.value.strip()
        self.dismiss(("block", {"region": region}) if region else None)
