"""The monitor's own messages, and the one adapter from the runtime's published values to them.

Why one module: every field the monitor reads from a runtime value (``bt_runtime.events``) is read
here, through :func:`from_runtime` and its helpers, so a change of the runtime's events is a change
in this file only and no widget ever sees a runtime class.

A live source and a replay source post the same messages. :class:`StateChanged` carries the full
visible state (every node's status, the active path, the facts, the latest telemetry) and defines
``can_replace``, so Textual's queue merges a burst of them and a dropped one never leaves the screen
wrong. Everything that is history rather than state (status changes, alerts, fact changes,
telemetry samples, operator commands) travels as :class:`Happened` batches, which are never merged.

Size: over 400 lines on purpose: it is the one adapter from runtime events to the monitor's
messages, so a change of the runtime's events touches this file only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from bt_runtime.events import (
    Alert,
    Detection,
    FactChanged,
    OperatorCommand,
    RunFinished,
    RunStarted,
    Snapshot,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    TreeNode,
    WorldChanged,
    WorldDefinition,
)
from tui.world_items import drawable

__all__ = [
    "CONNECTION_STATES",
    "AlertEntry",
    "CommandEntry",
    "ConnectionChanged",
    "DetectionEntry",
    "Entry",
    "FactEntry",
    "Happened",
    "MapEntry",
    "NodeInfo",
    "PlaybackChanged",
    "Rewound",
    "RunEnded",
    "RunOpened",
    "Sample",
    "StateChanged",
    "StatusEntry",
    "WorldInfo",
    "WorldOpened",
    "entry_of",
    "from_runtime",
    "ground_speed",
    "node_info",
    "paths_to_ids",
    "run_ended",
    "run_opened",
    "sample_of",
    "state_of",
    "world_info",
]

CONNECTION_STATES = ("connecting", "connected", "lost", "ended", "replay")
"""What the header shows: live states, ``ended`` once the run finished, ``replay`` for a log."""


# ------------------------------------------------------------------------------ plain values
@dataclass(frozen=True)
class NodeInfo:
    """One node of the tree, as the monitor draws it; ``path`` is the runtime's name path."""

    id: str
    name: str
    kind: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[NodeInfo, ...] = ()

    def walk(self) -> Iterable[NodeInfo]:
        """This node and every descendant, parents first."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


Sample = Telemetry
"""The robot at one tick, as the monitor shows it: the runtime's own frozen :class:`Telemetry`,
carried as it is (pose m/rad, body velocity m/s and rad/s, battery %, terrain estimated and, in
simulation, true)."""


def ground_speed(sample: Sample) -> float:
    """Ground speed of a sample, m/s."""
    return float((sample.vx**2 + sample.vy**2) ** 0.5)


@dataclass(frozen=True)
class StatusEntry:
    """A node's status changed."""

    tick: int
    sim_time: float
    node_id: str
    old: str
    new: str
    reason: str = ""


@dataclass(frozen=True)
class AlertEntry:
    """A mission report/alert line or a runtime fault; ``node_id`` is "" when unknown."""

    tick: int
    sim_time: float
    severity: str
    message: str
    node_id: str = ""


@dataclass(frozen=True)
class FactEntry:
    """A mission fact changed value."""

    tick: int
    sim_time: float
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CommandEntry:
    """An operator command the monitor sent (pause, abort, a fault...) and what became of it."""

    sim_time: float
    command: str
    detail: str = ""


@dataclass(frozen=True)
class MapEntry:
    """Something on the map changed: an entity ``found`` or a region ``closed``."""

    tick: int
    sim_time: float
    change: str
    name: str


@dataclass(frozen=True)
class DetectionEntry:
    """The sensor found an entity: the runtime's :class:`~bt_runtime.events.Detection`, as is."""

    tick: int
    sim_time: float
    detection: Detection


@dataclass(frozen=True)
class WorldInfo:
    """The world for the map: bounds ``(x0, y0, x1, y1)`` and plain-data features.

    ``regions`` are dicts with ``name``, ``kind`` and ``shape`` (``{"rect": [x0, y0, x1, y1]}``,
    ``{"circle": [cx, cy, r]}`` or ``{"polygon": [[x, y], ...]}``); ``places`` and ``entities``
    dicts with ``name``, ``kind``, ``x`` and ``y``.
    """

    name: str
    bounds: tuple[float, float, float, float]
    regions: tuple[Mapping[str, Any], ...] = ()
    places: tuple[Mapping[str, Any], ...] = ()
    entities: tuple[Mapping[str, Any], ...] = ()
    left_out: int = 0
    """Items that were not drawable (a damaged log, a hostile stream: :mod:`tui.world_items`)."""


Entry = StatusEntry | AlertEntry | FactEntry | CommandEntry | MapEntry | DetectionEntry | Sample


# ------------------------------------------------------------------------------ messages
@dataclass
class RunOpened(Message):
    """A run's header and tree: sent once, before any state."""

    mission: str
    backend: str
    seed: int | None
    tick_rate: float
    source: str
    root: NodeInfo | None


@dataclass
class StateChanged(Message):
    """The whole visible state after a tick. High-rate: a newer one supersedes a queued one."""

    tick: int
    sim_time: float
    statuses: Mapping[str, str]
    active_path: tuple[str, ...]
    facts: Mapping[str, Any]
    sample: Sample | None = None
    found: frozenset[str] | None = None
    """Entities found so far (None: not published, keep what the history says)."""
    closed: frozenset[str] | None = None
    """Regions closed so far (None: not published)."""
    planned_path: tuple[tuple[float, float], ...] = ()
    paused: bool | None = None
    """The run is paused (None: the source does not say; a replay says it with PlaybackChanged)."""
    shown: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    """Called by the app once it has applied this state: a source waits for it before reading on,
    so a slow screen slows the reading (the stream then drops old snapshots at the run's end)
    instead of piling messages up in the app's queue."""

    def can_replace(self, message: Message) -> bool:
        """A queued state is stale once a newer one is behind it: full state, nothing is lost."""
        return isinstance(message, StateChanged)


@dataclass
class WorldOpened(Message):
    """The world for the map: sent once, after :class:`RunOpened`."""

    world: WorldInfo


@dataclass
class Happened(Message):
    """History since the last batch, oldest first (never merged: each entry is shown once)."""

    entries: tuple[Entry, ...]


@dataclass
class RunEnded(Message):
    """How the run ended; ``failure_node`` is the failing node's id when it is known."""

    outcome: str
    duration: float
    distance: float
    failure_node: str | None
    failure_reason: str | None


@dataclass
class ConnectionChanged(Message):
    """The source's connection state (one of :data:`CONNECTION_STATES`) and a line about it."""

    state: str
    detail: str = ""


@dataclass
class Rewound(Message):
    """A replay jumped back: forget history; the entries up to the new position follow."""

    tick: int


@dataclass
class PlaybackChanged(Message):
    """Replay position and pace, for the header and the timeline."""

    playing: bool
    speed: float
    position: float
    end: float


# ------------------------------------------------------------------------------ the adapter
def node_info(node: TreeNode, parent_path: str = "") -> NodeInfo:
    """Convert the runtime's tree node (and its subtree) into the monitor's."""
    path = f"{parent_path}/{node.name}" if parent_path else node.name
    return NodeInfo(
        id=node.id,
        name=node.name,
        kind=node.kind,
        path=path,
        params=dict(node.params),
        children=tuple(node_info(child, path) for child in node.children),
    )


def sample_of(telemetry: Telemetry) -> Sample:
    """A telemetry value as the monitor's sample: the runtime's frozen value itself."""
    return telemetry


def state_of(snapshot: Snapshot) -> StateChanged:
    """Convert a runtime snapshot into the monitor's full-state message."""
    return StateChanged(
        tick=snapshot.tick,
        sim_time=snapshot.sim_time,
        statuses=dict(snapshot.statuses),
        active_path=tuple(snapshot.active_path),
        facts=dict(snapshot.facts),
        sample=sample_of(snapshot.telemetry) if snapshot.telemetry is not None else None,
        found=frozenset(snapshot.found),
        closed=frozenset(snapshot.closed),
        planned_path=tuple(snapshot.planned_path),
        paused=snapshot.paused,
    )


def world_info(world: WorldDefinition) -> WorldInfo:
    """Convert the runtime's world definition for the map."""
    x0, y0, x1, y1 = (tuple(world.bounds) + (0.0, 0.0, 0.0, 0.0))[:4]
    regions, places, entities, left_out = drawable(world.regions, world.places, world.entities)
    return WorldInfo(world.name, (x0, y0, x1, y1), regions, places, entities, left_out)


def entry_of(event: object, ids_by_path: Mapping[str, str]) -> Entry | None:
    """Convert one runtime history event, or None for one the monitor does not show.

    Args:
        event: a StatusChanged, FactChanged, Alert or Telemetry.
        ids_by_path: node id by name path, for entries that name their node by path only.
    """
    if isinstance(event, StatusChanged):
        return StatusEntry(
            event.tick, event.sim_time, event.node_id, event.old, event.new, event.reason
        )
    if isinstance(event, Alert):
        node_id = event.node_id or ids_by_path.get(event.node_path, "")
        return AlertEntry(event.tick, event.sim_time, event.severity, event.message, node_id)
    if isinstance(event, FactChanged):
        return FactEntry(event.tick, event.sim_time, event.key, event.old, event.new)
    if isinstance(event, Telemetry):
        return sample_of(event)
    if isinstance(event, WorldChanged):
        return MapEntry(event.tick, event.sim_time, event.change, event.name)
    if isinstance(event, Detection):
        return DetectionEntry(event.tick, event.sim_time, event)
    if isinstance(event, OperatorCommand):  # from any operator: this monitor, another, the API
        return CommandEntry(event.sim_time, event.command, f"from {event.origin}")
    return None


def run_opened(started: RunStarted | None, tree: TreeDefinition | None) -> RunOpened:
    """The header message from a run's start record and tree (either may be missing)."""
    return RunOpened(
        mission=started.mission if started else "(unknown mission)",
        backend=started.backend if started else "",
        seed=started.seed if started else None,
        tick_rate=started.tick_rate if started else 0.0,
        source=started.source if started else "",
        root=node_info(tree.root) if tree is not None else None,
    )


def run_ended(finished: RunFinished, ids_by_path: Mapping[str, str]) -> RunEnded:
    """The outcome message; the failing node is found by id if published, else by its path."""
    failure = getattr(finished, "failure_node_id", None)
    if failure is None and finished.failure_path:
        failure = ids_by_path.get(finished.failure_path)
    return RunEnded(
        finished.outcome, finished.duration, finished.distance, failure, finished.failure_reason
    )


def from_runtime(
    message: object, ids_by_path: Mapping[str, str]
) -> StateChanged | Entry | RunEnded | None:
    """Convert one message of the run's stream (other than its header) for the monitor.

    Returns:
        A :class:`StateChanged` for a snapshot, a :class:`RunEnded` for the finish, an entry for a
        history event, or None for anything the monitor ignores.
    """
    if isinstance(message, Snapshot):
        return state_of(message)
    if isinstance(message, RunFinished):
        return run_ended(message, ids_by_path)
    return entry_of(message, ids_by_path)


def paths_to_ids(root: NodeInfo | None) -> dict[str, str]:
    """Node id by name path (the first node wins if two siblings share a name)."""
    if root is None:
        return {}
    ids: dict[str, str] = {}
    for node in root.walk():
        ids.setdefault(node.path, node.id)
    return ids
