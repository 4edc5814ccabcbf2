"""What the monitor knows about a run: the state it shows now and a bounded window of history.

The app folds every message into one :class:`MonitorModel`; the widgets only read it. Each ``apply``
method returns the ids of the nodes whose label must change, so the tree relabels those alone.
History (log entries, telemetry samples, the robot's trail) lives in bounded deques, so the
monitor's memory stays flat however long the run.

Per-node tick counts are not published by the runtime; :class:`NodeStats` derives them from the
status changes (a node is ticked once per tick while RUNNING and once when it settles without
running), which is exact for the executor's tick-from-the-root loop.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.messages import (
    AlertEntry,
    CommandEntry,
    Entry,
    FactEntry,
    MapEntry,
    NodeInfo,
    Sample,
    StatusEntry,
    WorldInfo,
    paths_to_ids,
)

__all__ = ["HISTORY", "MonitorModel", "NodeStats", "active_path_of"]

HISTORY = 2000
"""Log entries, telemetry samples and trail points kept (older ones are dropped)."""

_TERMINAL = ("SUCCESS", "FAILURE")


@dataclass
class NodeStats:
    """One node's counters, kept from the status changes the monitor has seen."""

    status: str = "INVALID"
    since: float = 0.0
    """Sim time of the last status change."""
    since_tick: int = 0
    changes: int = 0
    ticks_done: int = 0
    """Ticks counted up to the last change (see :meth:`ticks`)."""
    reason: str = ""
    failure_reason: str = ""

    def ticks(self, now_tick: int) -> int:
        """Ticks this node has had, up to ``now_tick``."""
        running = max(0, now_tick - self.since_tick) if self.status == "RUNNING" else 0
        return self.ticks_done + running

    def change(self, entry: StatusEntry) -> None:
        """Record one status change."""
        if self.status == "RUNNING":
            self.ticks_done += max(1, entry.tick - self.since_tick)
        elif entry.new in _TERMINAL:
            self.ticks_done += 1
        self.status = entry.new
        self.since = entry.sim_time
        self.since_tick = entry.tick
        self.changes += 1
        self.reason = entry.reason
        if entry.new == "FAILURE":
            self.failure_reason = entry.reason or "failed"


def active_path_of(root: NodeInfo | None, statuses: Mapping[str, str]) -> tuple[str, ...]:
    """Node ids from the root down the chain of RUNNING nodes (first running child each level)."""
    path: list[str] = []
    node = root
    while node is not None and statuses.get(node.id) == "RUNNING":
        path.append(node.id)
        node = next((c for c in node.children if statuses.get(c.id) == "RUNNING"), None)
    return tuple(path)


@dataclass
class MonitorModel:
    """The monitor's whole view of one run. Not thread-safe: only the app's thread touches it."""

    mission: str = ""
    backend: str = ""
    seed: int | None = None
    tick_rate: float = 0.0
    source: str = ""
    root: NodeInfo | None = None
    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    ids_by_path: dict[str, str] = field(default_factory=dict)
    stats: dict[str, NodeStats] = field(default_factory=dict)
    tick: int = 0
    sim_time: float = 0.0
    active_path: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    fact_changed_at: dict[str, float] = field(default_factory=dict)
    last_fact: str | None = None
    sample: Sample | None = None
    samples: deque[Sample] = field(default_factory=lambda: deque(maxlen=HISTORY))
    entries: deque[Entry] = field(default_factory=lambda: deque(maxlen=HISTORY))
    falls: int = 0
    outcome: str | None = None
    duration: float = 0.0
    failure_node: str | None = None
    failure_reason: str | None = None
    connection: str = "connecting"
    connection_detail: str = ""
    paused: bool = False
    speed: float = 1.0
    position: float | None = None
    end: float | None = None
    breakpoints: set[str] = field(default_factory=set)
    realtime_factor: float | None = None
    world: WorldInfo | None = None
    found: set[str] = field(default_factory=set)
    closed: set[str] = field(default_factory=set)
    planned_path: tuple[tuple[float, float], ...] = ()

    # -- structure
    def open(self, root: NodeInfo | None) -> None:
        """Take the run's tree; every node starts INVALID."""
        self.root = root
        self.nodes = {n.id: n for n in root.walk()} if root else {}
        self.parents = {c.id: n.id for n in self.nodes.values() for c in n.children}
        self.ids_by_path = paths_to_ids(root)
        self.stats = {node_id: NodeStats() for node_id in self.nodes}

    def reset_history(self) -> None:
        """Forget history and outcome (a replay rewound); the tree stays."""
        self.stats = {node_id: NodeStats() for node_id in self.nodes}
        self.facts.clear()
        self.fact_changed_at.clear()
        self.last_fact = None
        self.samples.clear()
        self.entries.clear()
        self.falls = 0
        self.outcome = self.failure_node = self.failure_reason = None
        self.sample = None
        self.active_path = ()
        self.found.clear()
        self.closed.clear()
        self.planned_path = ()

    def ancestors(self, node_id: str) -> list[str]:
        """Ids from the root down to ``node_id``'s parent."""
        chain: list[str] = []
        while node_id in self.parents:
            node_id = self.parents[node_id]
            chain.append(node_id)
        return chain[::-1]

    # -- folding messages
    def apply_state(
        self, tick: int, sim_time: float, statuses: Mapping[str, str],
        active_path: tuple[str, ...], facts: Mapping[str, Any], sample: Sample | None,
    ) -> set[str]:
        """Take a full state; returns the ids whose label changed (status, activity, running time).

        Statuses missing from the state are left as they are; a status that differs from what the
        changes said (a change the monitor missed) is corrected, so a dropped message heals.
        """
        changed = {i for i in set(self.active_path) ^ set(active_path)}
        for node_id, status in statuses.items():
            stats = self.stats.get(node_id)
            if stats is None:
                continue
            if stats.status != status:
                stats.status = status
                stats.since, stats.since_tick = sim_time, tick
                changed.add(node_id)
            elif status == "RUNNING":
                changed.add(node_id)  # its time in status advanced
        self.tick, self.sim_time, self.active_path = tick, sim_time, active_path
        for key, value in facts.items():
            if key not in self.facts or self.facts[key] != value:
                self.fact_changed_at[key] = sim_time
                if not isinstance(value, float):  # a measurement (battery) changes every tick
                    self.last_fact = key
            self.facts[key] = value
        if sample is not None:
            self._take_sample(sample)
        return changed

    def apply_entries(self, entries: Iterable[Entry]) -> set[str]:
        """Take history entries; returns the ids whose label changed."""
        changed: set[str] = set()
        for entry in entries:
            if isinstance(entry, Sample):
                self._take_sample(entry)
                continue
            self.entries.append(entry)
            if isinstance(entry, StatusEntry) and entry.node_id in self.stats:
                self.stats[entry.node_id].change(entry)
                changed.add(entry.node_id)
            elif isinstance(entry, MapEntry):
                (self.found if entry.change == "found" else self.closed).add(entry.name)
            elif isinstance(entry, FactEntry):
                self.facts[entry.key] = entry.new
                self.fact_changed_at[entry.key] = entry.sim_time
                self.last_fact = entry.key
            if not isinstance(entry, CommandEntry):
                self.tick = max(self.tick, entry.tick)
                self.sim_time = max(self.sim_time, entry.sim_time)
        return changed

    def apply_map(
        self, found: frozenset[str] | None, closed: frozenset[str] | None,
        planned_path: tuple[tuple[float, float], ...],
    ) -> None:
        """Take the map's part of a full state (None: not published; keep the history's)."""
        if found is not None:
            self.found = set(found)
        if closed is not None:
            self.closed = set(closed)
        self.planned_path = planned_path

    def _take_sample(self, sample: Sample) -> None:
        last = self.sample
        if last is not None and sample.tick < last.tick:
            return  # the snapshot's sample is older than the history already shown
        if sample.fallen and (last is None or not last.fallen):
            self.falls += 1
        if last is None or sample.tick != last.tick:
            self.samples.append(sample)
        self.sample = sample

    def finish(
        self, outcome: str, duration: float, failure_node: str | None, reason: str | None
    ) -> None:
        """Record the outcome."""
        self.outcome, self.duration = outcome, duration
        self.failure_node, self.failure_reason = failure_node, reason

    def failing_node(self) -> str | None:
        """The node the run failed at, else the deepest node that failed most recently."""
        if self.failure_node in self.nodes:
            return self.failure_node
        failed = [(s.since, len(self.ancestors(i)), i) for i, s in self.stats.items()
                  if s.status == "FAILURE"]
        return max(failed)[2] if failed else None

    def alerts(self) -> list[AlertEntry]:
        """Alerts in the history window, oldest first."""
        return [e for e in self.entries if isinstance(e, AlertEntry)]
