"""What a mission run records and publishes: frozen event values and their JSON form.

Every event is a small frozen dataclass with a ``TYPE`` tag. The same values go to the durable run
log (``eventlog.py``) and to live monitors (``stream.py``), so a replay and a live view can never
disagree about what happened. Values that come from the blackboard or from mission facts are
normalised to plain JSON (lists, dicts, strings, numbers, booleans, ``None``) when the event is
built: an event always survives a JSON round trip unchanged.

This module depends on nothing else in the runtime (no executor, no language): producers hand it
plain values.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import platform
import secrets
import time
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from importlib import metadata
from typing import Any, ClassVar, TypeAlias, Union

from locomotion.backend import RobotState

__all__ = [
    "EVENT_TYPES",
    "OUTCOMES",
    "SEVERITIES",
    "STATUSES",
    "Alert",
    "BlackboardChanged",
    "Event",
    "EventDecodeError",
    "FactChanged",
    "JsonValue",
    "Message",
    "RunFinished",
    "RunStarted",
    "Snapshot",
    "StatusChanged",
    "Telemetry",
    "TreeDefinition",
    "TreeNode",
    "collect_versions",
    "from_dict",
    "from_json",
    "new_run_id",
    "to_dict",
    "to_json",
    "to_json_value",
]

JsonValue: TypeAlias = Any
"""A value made only of ``None``, ``bool``, ``int``, ``float``, ``str``, ``list`` and ``dict``."""

STATUSES = ("INVALID", "RUNNING", "SUCCESS", "FAILURE")
"""Node statuses, spelled as py_trees' ``Status`` values so an executor can pass ``status.value``."""

SEVERITIES = ("info", "warning", "error")
"""Alert severities: ``report`` lines are info, ``alert`` lines warning, runtime faults error."""

OUTCOMES = ("success", "failure", "aborted")


class EventDecodeError(ValueError):
    """A message is not a valid event; the text names the event type and field at fault."""


def to_json_value(value: object) -> JsonValue:
    """Convert ``value`` to plain JSON data, so that an event holding it round-trips exactly.

    Blackboard values are arbitrary Python objects; the log and the monitors need JSON. Tuples become
    lists, enums their value, dataclasses dicts, dict keys strings; anything else is recorded by its
    ``repr`` rather than refused, because losing a fact is worse than recording it as text.
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
    """A mission fact (``victims_found``, ``docked``...) changed value."""

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
class BlackboardChanged(FactChanged):
    """A blackboard entry changed value (same shape as a fact, told apart by its type)."""

    TYPE: ClassVar[str] = "blackboard"


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

    @classmethod
    def from_state(cls, tick: int, state: RobotState, battery: float) -> Telemetry:
        """Flatten a backend's :class:`RobotState`; ``battery`` (percent) is the runtime's model.

        ``state.velocity`` is the body-frame (forward, left, yaw rate) of the backend protocol.
        """
        pose = state.pose
        vx, vy, wz = state.velocity
        terrain = state.terrain.underfoot
        return cls(
            tick=tick,
            sim_time=state.time,
            x=pose.x,
            y=pose.y,
            z=pose.z,
            roll=pose.roll,
            pitch=pose.pitch,
            yaw=pose.yaw,
            vx=vx,
            vy=vy,
            wz=wz,
            battery=battery,
            terrain=terrain.value if isinstance(terrain, Enum) else str(terrain),
            gait=state.gait,
            energy=state.energy_used,
            fallen=state.fallen,
            stuck=state.stuck,
        )


@dataclass(frozen=True)
class Alert:
    """A line the mission reports (``report``/``alert``) or a fault the runtime raises."""

    TYPE: ClassVar[str] = "alert"
    tick: int
    sim_time: float
    severity: str
    message: str
    node_path: str = ""

    def __post_init__(self) -> None:
        _check_choice("Alert", "severity", self.severity, SEVERITIES)


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
    blackboard: dict[str, JsonValue]
    telemetry: Telemetry | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "statuses", dict(self.statuses))
        object.__setattr__(self, "active_path", tuple(self.active_path))
        object.__setattr__(self, "blackboard", to_json_value(self.blackboard))


Event: TypeAlias = (
    RunStarted
    | TreeDefinition
    | StatusChanged
    | FactChanged
    | BlackboardChanged
    | Telemetry
    | Alert
    | RunFinished
)
Message: TypeAlias = Event | Snapshot

EVENT_TYPES: dict[str, type] = {
    cls.TYPE: cls
    for cls in (
        RunStarted,
        TreeDefinition,
        StatusChanged,
        FactChanged,
        BlackboardChanged,
        Telemetry,
        Alert,
        RunFinished,
        Snapshot,
    )
}


# ------------------------------------------------------------------------------- JSON codec
def to_dict(message: Message) -> dict[str, JsonValue]:
    """The message as plain JSON data, tagged with its ``"type"``."""
    data: dict[str, JsonValue] = {"type": message.TYPE}
    data.update(_plain(message))
    return data


def _plain(value: Any) -> dict[str, JsonValue]:
    out: dict[str, JsonValue] = {}
    for f in dataclasses.fields(value):
        item = getattr(value, f.name)
        if isinstance(item, (TreeNode, Telemetry)):
            out[f.name] = _plain(item)
        elif f.name == "children":
            out[f.name] = [_plain(child) for child in item]
        elif isinstance(item, tuple):
            out[f.name] = list(item)
        else:
            out[f.name] = item
    return out


def to_json(message: Message) -> str:
    """One line of JSON (no newlines inside), the form both the log and the stream carry."""
    return json.dumps(to_dict(message), separators=(",", ":"), ensure_ascii=False)


def from_json(text: str | bytes) -> Message:
    """Parse a line written by :func:`to_json`.

    Raises:
        EventDecodeError: not JSON, unknown type, or a missing or mistyped field.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EventDecodeError(f"not valid JSON: {exc}") from None
    return from_dict(data)


def from_dict(data: object) -> Message:
    """Build a message from JSON data tagged with ``"type"``.

    Raises:
        EventDecodeError: unknown type, or a missing or mistyped field.
    """
    if not isinstance(data, dict):
        raise EventDecodeError(f"an event is a JSON object, not {type(data).__name__}")
    tag = data.get("type")
    if not isinstance(tag, str) or tag not in EVENT_TYPES:
        known = ", ".join(sorted(EVENT_TYPES))
        raise EventDecodeError(f"unknown event type {tag!r} (known: {known})")
    return typing.cast(Message, _build(EVENT_TYPES[tag], data, tag))


@functools.cache
def _field_specs(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type hint, optional) per field; cached because resolving hints is slow."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    kwargs: dict[str, Any] = {}
    for name, hint, optional in _field_specs(cls):
        if name not in data:
            if optional:
                continue
            raise EventDecodeError(f"{where}: missing field {name!r}")
        kwargs[name] = _convert(data[name], hint, f"{where}.{name}")
    try:
        return cls(**kwargs)
    except ValueError as exc:
        raise EventDecodeError(f"{where}: {exc}") from None


def _convert(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(value, inner, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise EventDecodeError(f"{where}: expected a list, got {type(value).__name__}")
        if args[0] is str and all(isinstance(item, str) for item in value):
            return tuple(value)
        return tuple(_convert(item, args[0], f"{where}[{i}]") for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise EventDecodeError(f"{where}: expected an object, got {type(value).__name__}")
        inner = args[1]
        if inner is Any or (inner is str and all(isinstance(v, str) for v in value.values())):
            return dict(value)  # fast path: JSON object keys are already strings
        return {str(k): _convert(v, inner, f"{where}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise EventDecodeError(f"{where}: expected an object, got {type(value).__name__}")
        return _build(typing.cast(type, hint), value, where)
    return _convert_scalar(value, hint, where)


def _convert_scalar(value: Any, hint: Any, where: str) -> Any:
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is bool or hint is str:
        if isinstance(value, hint):
            return value
    else:  # pragma: no cover - guards against a field type this codec does not know
        raise EventDecodeError(f"{where}: cannot decode a field of type {hint!r}")
    raise EventDecodeError(f"{where}: expected {hint.__name__}, got {value!r}")
