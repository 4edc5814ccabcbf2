"""A run log read back as ticks of the monitor's entries, and folded into full state.

The log holds events, not snapshots; a replay needs the full visible state at any tick. A
:class:`Cursor` reads the log once from the first tick (converting every event through
``tui.messages.entry_of``, so no runtime field is read here), groups the entries by tick, and folds
them into a :class:`Fold`: every node's status, the facts, the last telemetry sample, the active
path. Seeking back restarts the cursor; breakpoints stop it before the tick in which their node
starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from bt_runtime.eventlog import EventLogReader
from tui.messages import (
    CommandEntry,
    Entry,
    FactEntry,
    MapEntry,
    NodeInfo,
    Sample,
    StateChanged,
    StatusEntry,
    entry_of,
)
from tui.model import active_path_of

__all__ = ["Cursor", "Fold", "Tick"]

Tick = tuple[int, list[Entry]]
"""One recorded tick: its number and its history entries, in the order written."""


class Fold:
    """The full state rebuilt from a log's entries: statuses, facts, the last telemetry."""

    def __init__(self, root: NodeInfo | None) -> None:
        self.root = root
        self.statuses = {n.id: "INVALID" for n in root.walk()} if root else {}
        self.facts: dict[str, Any] = {}
        self.sample: Sample | None = None
        self.tick = 0
        self.sim_time = 0.0
        self.found: set[str] = set()
        self.closed: set[str] = set()

    def take(self, entry: Entry) -> None:
        """Fold one entry in."""
        if isinstance(entry, StatusEntry):
            self.statuses[entry.node_id] = entry.new
        elif isinstance(entry, FactEntry):
            self.facts[entry.key] = entry.new
        elif isinstance(entry, Sample):
            self.sample = entry
        elif isinstance(entry, MapEntry):
            (self.found if entry.change == "found" else self.closed).add(entry.name)
        if not isinstance(entry, CommandEntry):
            self.tick = max(self.tick, entry.tick)
        self.sim_time = max(self.sim_time, entry.sim_time)

    def state(self) -> StateChanged:
        """The full-state message for what is folded so far."""
        return StateChanged(
            self.tick, self.sim_time, dict(self.statuses),
            active_path_of(self.root, self.statuses), dict(self.facts), self.sample,
            found=frozenset(self.found), closed=frozenset(self.closed),
        )


class Cursor:
    """Where a replay is in its log: the ticks still to read, the folded state, the position."""

    def __init__(self, reader: EventLogReader, root: NodeInfo | None, ids: Mapping[str, str]):
        self.reader, self.root, self.ids = reader, root, ids
        self.restart()

    def restart(self) -> None:
        """Read from the first tick again, through the adapter, grouped by tick."""
        converted = (entry_of(event, self.ids) for event in self.reader.events())
        entries = (e for e in converted if e is not None and not isinstance(e, CommandEntry))
        grouped = itertools.groupby(entries, key=lambda e: e.tick)  # type: ignore[union-attr]
        self.ticks: Iterator[Tick] = ((tick, list(group)) for tick, group in grouped)
        self.fold = Fold(self.root)
        self.pending: Tick | None = next(self.ticks, None)
        self.position = 0.0
        self.released = -1  # the tick a breakpoint stopped before: going on runs it

    def _fold_next(self, out: list[Entry]) -> None:
        if self.pending is None:
            return
        for entry in self.pending[1]:
            self.fold.take(entry)
        out.extend(self.pending[1])
        self.pending = next(self.ticks, None)

    def step(self, count: int, out: list[Entry], end: float) -> None:
        """Fold exactly ``count`` recorded ticks (breakpoints do not stop a step)."""
        for _ in range(count):
            self._fold_next(out)
        self.position = self.fold.sim_time if self.pending is not None else end

    def advance(
        self, target: float, out: list[Entry], breakpoints: frozenset[str] = frozenset()
    ) -> bool:
        """Fold whole ticks up to ``target``; True if it stopped before a breakpoint's tick."""
        while self.pending is not None and _time_of(self.pending) <= target + 1e-9:
            if self.pending[0] != self.released and _hits(self.pending, breakpoints):
                self.released = self.pending[0]
                self.position = self.fold.sim_time
                return True
            self._fold_next(out)
        self.position = target
        return False


def _time_of(tick: Tick) -> float:
    return max((e.sim_time for e in tick[1]), default=0.0)


def _hits(tick: Tick, breakpoints: frozenset[str]) -> bool:
    """True if a breakpoint node starts running (leaves INVALID) in this tick."""
    return any(
        isinstance(e, StatusEntry) and e.node_id in breakpoints and e.old == "INVALID"
        for e in tick[1]
    )
