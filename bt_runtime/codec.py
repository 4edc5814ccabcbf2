"""The JSON form of run events: one line per message, the same for the run log and the stream.

Decoding is driven by each event dataclass's type hints (resolved once per class and cached), so
adding a field to an event needs no change here; an unknown tag, a missing field or a value of the
wrong type is an :class:`EventDecodeError` naming the event and field, never a bare ``KeyError``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, Union

from bt_runtime.events import EVENT_TYPES, JsonValue, Message, Telemetry, TreeNode

__all__ = ["EventDecodeError", "from_dict", "from_json", "to_dict", "to_json"]


class EventDecodeError(ValueError):
    """A message is not a valid event; the text names the event type and field at fault."""


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
