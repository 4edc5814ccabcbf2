"""The campaign's progress bar (rich): runs done of the total, ETA and the running success rate.

Written to stderr; on a terminal it redraws in place, elsewhere rich prints it once at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from quadmission.campaign.result import RunResult

__all__ = ["CampaignProgress"]


class CampaignProgress:
    """A context manager; call it with each stored batch (``on_results`` of the loop)."""

    def __init__(self, total: int, done: int, quiet: bool = False, file: Any = None) -> None:
        self._ok = 0
        self._seen = 0
        self._bar = Progress(
            TextColumn("campaign"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[rate]}"),
            console=Console(file=file, stderr=file is None),
            disable=quiet,
        )
        self._task = self._bar.add_task("runs", total=total, completed=done, rate="")

    def __enter__(self) -> Self:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def __call__(self, rows: Sequence[RunResult], stored: int) -> None:
        self._ok += sum(r.success for r in rows)
        self._seen += len(rows)
        rate = f"success {self._ok / self._seen:.1%} of {self._seen} new" if self._seen else ""
        self._bar.update(self._task, completed=stored, rate=rate)
