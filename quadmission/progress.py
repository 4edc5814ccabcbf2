"""The progress display of ``mission run``: one updating line on a terminal, sparse lines otherwise.

Kept apart from the session so a monitor or a campaign runner can show progress its own way.
"""

from __future__ import annotations

import shutil
from typing import TextIO

from bt_runtime.report import Progress

__all__ = ["ProgressLine"]


class ProgressLine:
    """The progress display: one updating line on a terminal, a line every 30 sim-s otherwise."""

    def __init__(self, out: TextIO, tty: bool | None = None, every: float = 30.0) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.every = every
        self._next = 0.0
        self._shown = False

    @staticmethod
    def text(p: Progress) -> str:
        """One line of text for ``p``."""
        state = " [paused]" if p.paused else ""
        doing = f"{p.action}: {p.feedback}" if p.feedback else p.action or "-"
        return (
            f"t={p.sim_time:7.1f} s  battery {p.battery:5.1f} %  {p.terrain}/{p.gait}{state}  "
            f"{doing}"
        )

    def __call__(self, p: Progress) -> None:
        if self.tty:
            width = max(40, shutil.get_terminal_size((120, 24)).columns - 1)
            self.out.write("\r" + self.text(p)[:width] + "\x1b[K")
            self.out.flush()
            self._shown = True
        elif p.sim_time >= self._next:
            self._next = p.sim_time + self.every
            self.out.write(self.text(p) + "\n")
            self.out.flush()

    def close(self) -> None:
        """End the updating line (a newline on a terminal, if anything was shown)."""
        if self.tty and self._shown:
            self.out.write("\n")
            self.out.flush()
