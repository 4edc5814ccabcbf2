"""What a mission run records and publishes: frozen event values (their JSON form: ``codec.py``).

Every event is a small frozen dataclass with a ``TYPE`` tag. The same values go to the durable run
log (``eventlog.py``) and to live monitors (``stream.py``), so a replay and a live view can never
disagree about what happened. Values that come from mission facts or node parameters are
normalised to plain JSON (lists, dicts, strings, numbers, booleans, ``None``) when the event is
built: an event always survives a JSON round trip unchanged.

Every entry that concerns a node names it by id (its position, "0.2.1"), with the path beside it
for people: names are not unique in a tree. Facts and counters (the robot context's mission state)
change through :class:`FactChanged`; the runtime keeps no py_trees blackboard, so there is no
blackboard event.

This module depends on nothing else in the runtime (no executor, no language): producers hand it
plain values.

Size: over 400 lines on purpose: every published event type in one place is the record's schema,
read by the log, the stream and the monitor alike.
"""

from __future__ import annotations

import dataclasses
import platform
import secrets
import time
import typing
from dataclasses import dataclass, field
from enum import Enum
from importlib import metadata
from typing import Any, ClassVar, TypeAlias

from locomotion.backend import RobotState

__all__ = [
    "DETECTION_KINDS",
    "EVENT_TYPES",
    "OUTCOMES",
    "SEVERITIES",
    "STATUSES",
    "WORLD_CHANGES",
    "Alert",
    "Detection",
    "Event",
    "FactChanged",
    "JsonValue",
    "Message",
    "OperatorCommand",
    "RunFinished",
    "RunStarted",
    "Snapshot",
    "StatusChanged",
    "Telemetry",
    "TreeDefinition",
    "TreeNode",
    "WorldChanged",
    "WorldDefinition",
    "collect_versions",
    "new_run_id",
    "to_json_value",
]

JsonValue: TypeAlias = Any
"""A value made only of ``None``, ``bool``, ``int``, ``float``, ``str``, ``list`` and ``dict``."""

STATUSES = ("INVALID", "RUNNING", "SUCCESS", "FAILURE")
"""Node statuses, spelled as py_trees' ``Status`` values so an executor can pass ``status.value``."""

SEVERITIES = ("info", "warning", "error")
"""Alert severities: ``report`` lines are info, ``alert`` lines warning, runtime faults error."""

OUTCOMES = ("success", "failure", "aborted")


def to_json_value(value: object) -> JsonValue:
    """Convert ``value`` to plain JSON data, so that an event holding it round-trips exactly.

    Fact values and node parameters are arbitrary Python objects; the log and monitors need JSON.
    Tuples become lists, enums their value, dataclasses dicts, dict keys strings; anything else is
    recorded by its ``repr`` rather than refused, because losing a fact is worse than recording it
    as text.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "item") and callable(value.item):  # numpy scalars, without importing numpy
        try:
            return to_json_value(value.item())
        except (TypeError, ValueError):
            pass
    return repr(value)


def collect_versions() -> dict[str, str]:
    """Versions of the packages a run depends on, read from installed metadata.

    Read from metadata rather than by importing, so recording them never loads pybullet.
    """
    versions = {"python": platform.python_version()}
    for package in ("quadmission", "py_trees", "pybullet", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def new_run_id(now: float | None = None) -> str:
    """A sortable, unique run id such as ``20261129T015000Z-3fa2c1``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(3)}"


def _check_choice(kind: str, name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{kind}.{name} must be one of {', '.join(choices)}, not {value!r}")


# ------------------------------------------------------------------------------------ events
@dataclass(frozen=True)
class RunStarted:
    """The run's identity and everything needed to reproduce it."""

    TYPE: ClassVar[str] = "run_started"
    run_id: str
    mission: str
    source: str
    source_path: str
    seed: int | None
    backend: str
    versions: dict[str, str]
    tick_rate: float
    started_at: float
    """Wall-clock start, seconds since the Unix epoch (UTC)."""
    physics: dict[str, float] = field(default_factory=dict)
    """What the seed drew in the backend's physics (start offset, friction and softness factors,
    added mass...: :mod:`locomotion.variation`); empty for a backend that draws nothing."""


@dataclass(frozen=True)
class TreeNode:
    """One node of the compiled behaviour tree, as plain data a monitor can draw without py_trees."""

    id: str
    name: str
    kind: str
    params: dict[str, JsonValue] = field(default_factory=dict)
    children: tuple[TreeNode, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", to_json_value(self.params))
        object.__setattr__(self, "children", tuple(self.children))


@dataclass(frozen=True)
class TreeDefinition:
    """The whole tree, sent once before the first tick."""

    TYPE: ClassVar[str] = "tree"
    root: TreeNode

    def nodes(self) -> typing.Iterator[TreeNode]:
        """Every node, depth first, parents before children."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(frozen=True)
class StatusChanged:
    """A node's status changed during a tick; ``reason`` is its feedback message."""

    TYPE: ClassVar[str] = "status"
    tick: int
    sim_time: float
    node_id: str
    node_path: str
    old: str
    new: str
    reason: str = ""

    def __post_init__(self) -> None:
        _check_choice("StatusChanged", "old", self.old, STATUSES)
        _check_choice("StatusChanged", "new", self.new, STATUSES)


@dataclass(frozen=True)
class FactChanged:
    """A mission fact (``docked``...) or counter (``victims_found``...) changed value."""

    TYPE: ClassVar[str] = "fact"
    tick: int
    sim_time: float
    key: str
    old: JsonValue
    new: JsonValue

    def __post_init__(self) -> None:
        object.__setattr__(self, "old", to_json_value(self.old))
        object.__setattr__(self, "new", to_json_value(self.new))


@dataclass(frozen=True)
class Telemetry:
    """The robot's state at a tick, flattened; SI units, angles in radians, battery in percent."""

    TYPE: ClassVar[str] = "telemetry"
    tick: int
    sim_time: float
    x: float
    y: float
    z: float
    roll: float
    pitch: float
    yaw: float
    vx: float
    vy: float
    wz: float
    battery: float
    terrain: str
    gait: str
    energy: float
    fallen: bool
    stuck: bool
    terrain_true: str | None = None
    """The world's terrain kind under the robot (simulation only: what ``terrain`` estimates)."""

    @classmethod
    def from_state(
        cls,
        tick: int,
        state: RobotState,
        battery: float,
        sim_time: float | None = None,
        terrain_true: str | None = None,
    ) -> Telemetry:
        """Flatten a backend's :class:`RobotState`; ``battery`` (percent) is the runtime's model.

        ``state.velocity`` is the body-frame (forward, left, yaw rate) of the backend protocol.
        ``sim_time`` is the run's clock when it differs from the backend's (default ``state.time``).
        ``terrain_true`` is the world's label under the robot, when the simulation knows it.
        """
        pose = state.pose
        vx, vy, wz = state.velocity
        terrain = state.terrain.underfoot
        return cls(  # positional, in field order (a sample every other tick; keywords cost more)
            tick,
            state.time if sim_time is None else sim_time,  # sim_time
            pose.x, pose.y, pose.z, pose.roll, pose.pitch, pose.yaw,
            vx, vy, wz,
            battery,
            terrain.value if isinstance(terrain, Enum) else str(terrain),  # terrain
            state.gait,
            state.energy_used,  # energy
            state.fallen,
            state.stuck,
            terrain_true,
        )


@dataclass(frozen=True)
class Alert:
    """A line the mission reports (``report``/``alert``) or a fault the runtime raises.

    ``node_id`` and ``node_path`` name the node that wrote the line ("" for the runtime's own).
    """

    TYPE: ClassVar[str] = "alert"
    tick: int
    sim_time: float
    severity: str
    message: str
    node_path: str = ""
    node_id: str = ""

    def __post_init__(self) -> None:
        _check_choice("Alert", "severity", self.severity, SEVERITIES)


@dataclass(frozen=True)
class OperatorCommand:
    """An operator's command as the executor acted on it: pause, resume, step, abort, or a monitor's
    speed, breakpoint, fault or release, with its arguments in ``command`` (``breakpoint node=0.2
    enabled=True``).

    ``origin`` says who: ``"api"`` for a call on the executor, ``"stream HOST:PORT"`` for a monitor.
    ``wall_time`` is when it was acted on (seconds since the Unix epoch), because an operator's
    action happens in wall time, whatever the simulated clock says.
    """

    TYPE: ClassVar[str] = "operator"
    tick: int
    sim_time: float
    command: str
    origin: str
    wall_time: float


@dataclass(frozen=True)
class RunFinished:
    """How the run ended. ``duration`` is simulated seconds, ``distance`` metres walked."""

    TYPE: ClassVar[str] = "run_finished"
    tick: int
    outcome: str
    duration: float
    distance: float
    energy: float
    summary: dict[str, JsonValue] = field(default_factory=dict)
    failure_path: str | None = None
    failure_reason: str | None = None

    def __post_init__(self) -> None:
        _check_choice("RunFinished", "outcome", self.outcome, OUTCOMES)
        object.__setattr__(self, "summary", to_json_value(self.summary))


@dataclass(frozen=True)
class Snapshot:
    """The whole visible state after a tick, for live monitors (never logged: events are)."""

    TYPE: ClassVar[str] = "snapshot"
    tick: int
    sim_time: float
    statuses: dict[str, str]
    """Status of every node, by node id."""
    active_path: tuple[str, ...]
    """Node ids from the root down to the deepest running node."""
    facts: dict[str, JsonValue]
    """Every mission fact and counter, by registry name (what :class:`FactChanged` reports)."""
    telemetry: Telemetry | None = None
    found: tuple[str, ...] = ()
    """Names of the world's entities found so far (victims, intruders, payloads)."""
    closed: tuple[str, ...] = ()
    """Names of the regions closed so far (faults)."""
    planned_path: tuple[tuple[float, float], ...] = ()
    """The current walk's planned waypoints (x, y), from where the robot stands; () when idle."""
    paused: bool = False
    """The run is paused (by the operator, or before a breakpoint's node)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "statuses", dict(self.statuses))
        object.__setattr__(self, "active_path", tuple(self.active_path))
        object.__setattr__(self, "facts", to_json_value(self.facts))
        object.__setattr__(self, "found", tuple(self.found))
        object.__setattr__(self, "closed", tuple(self.closed))
        object.__setattr__(
            self, "planned_path", tuple((float(x), float(y)) for x, y in self.planned_path)
        )


@dataclass(frozen=True)
class WorldDefinition:
    """The world as plain data for a monitor's map, sent once before the first tick.

    ``bounds`` is ``[x_min, y_min, x_max, y_max]`` (m). Each shape is a dict: ``{"rect": [x0, y0,
    x1, y1]}``, ``{"circle": [cx, cy, r]}`` or ``{"polygon": [[x, y], ...]}``. ``regions`` are
    ``{"name", "kind", "shape"}``; ``places`` are ``{"name", "kind", "x", "y"}`` with kind one of
    ``dock``, ``station``, ``waypoint``; ``entities`` are ``{"name", "kind", "x", "y"}`` with kind
    ``victim``, ``intruder`` (its first position; ``path`` beside it) or ``payload``.
    """

    TYPE: ClassVar[str] = "world"
    name: str
    bounds: tuple[float, ...]
    regions: tuple[dict[str, JsonValue], ...] = ()
    places: tuple[dict[str, JsonValue], ...] = ()
    entities: tuple[dict[str, JsonValue], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", tuple(float(v) for v in self.bounds))
        for name in ("regions", "places", "entities"):
            items = tuple(to_json_value(item) for item in getattr(self, name))
            object.__setattr__(self, name, items)


WORLD_CHANGES = ("found", "closed")


@dataclass(frozen=True)
class WorldChanged:
    """Something on the map changed: an entity was ``found`` or a region ``closed`` (by name)."""

    TYPE: ClassVar[str] = "world_changed"
    tick: int
    sim_time: float
    change: str
    name: str

    def __post_init__(self) -> None:
        _check_choice("WorldChanged", "change", self.change, WORLD_CHANGES)


DETECTION_KINDS = ("victim", "intruder", "payload")


@dataclass(frozen=True)
class Detection:
    """The sensor found an entity of the world or mission: which, where, how sure, by which action.

    ``kind`` and ``name`` name the entity (``victim``/``intruder``/``payload``, as the world file
    or the mission declares it); ``x``, ``y`` (m) are where it was when seen (an intruder's
    position at that moment), ``distance`` (m) how far from the sensor, ``confidence`` the
    detector's confidence in [0.5, 1] (:func:`bt_runtime.sensors.sighting_confidence`).
    ``action`` is the running action's name (``search west_wing for victim``) and
    ``node_id``/``node_path`` its node ("" between actions): detection is always on, so that is
    the action that had the robot looking there.
    Each entity is detected once per run; the :class:`WorldChanged` ``found`` of the same tick
    is this detection as the map sees it.
    """

    TYPE: ClassVar[str] = "detection"
    tick: int
    sim_time: float
    kind: str
    name: str
    x: float
    y: float
    distance: float
    confidence: float
    action: str = ""
    node_path: str = ""
    node_id: str = ""

    def __post_init__(self) -> None:
        _check_choice("Detection", "kind", self.kind, DETECTION_KINDS)

    @property
    def position(self) -> str:
        """``(3.2, -1.0)``: where it was, as reports and monitors show it."""
        return f"({self.x:.1f}, {self.y:.1f})"

    def line(self) -> str:
        """``found victim v2 at (3.2, -1.0), 4.1 m away, confidence 87 %, by search ...``."""
        by = f", by {self.action}" if self.action else ""
        return (
            f"found {self.kind} {self.name} at {self.position}, {self.distance:.1f} m away, "
            f"confidence {round(self.confidence * 100)} %{by}"
        )


Event: TypeAlias = (
    RunStarted
    | TreeDefinition
    | StatusChanged
    | FactChanged
    | Telemetry
    | Alert
    | OperatorCommand
    | RunFinished
    | WorldDefinition
    | WorldChanged
    | Detection
)
Message: TypeAlias = Event | Snapshot

EVENT_TYPES: dict[str, type] = {  # the tag table the codec decodes by
    cls.TYPE: cls
    for cls in (
        RunStarted,
        TreeDefinition,
        StatusChanged,
        FactChanged,
        Telemetry,
        Alert,
        OperatorCommand,
        RunFinished,
        Snapshot,
        WorldDefinition,
        WorldChanged,
        Detection,
    )
}
