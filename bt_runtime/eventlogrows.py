"""Every row a run-log reader reads is checked before it becomes an event: a hostile log is damaged.

SQLite columns take any type whatever the schema says, so a tampered log can hold text where a tick
belongs, bytes that are not UTF-8, JSON nested a thousand deep, or a schema replaced by a view that
never ends. The reader (:mod:`bt_runtime.logreader`) checks the schema once
(:func:`check_schema`) and every row through the column specs here (:func:`build_event`), so that
the only thing a bad row can cause is an :class:`EventLogError` saying
``damaged log: <path>: row N (table): what`` — never a traceback, a loop or a wrong replay.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bt_runtime.codec import from_json
from bt_runtime.events import (
    Alert,
    Detection,
    Event,
    FactChanged,
    Message,
    OperatorCommand,
    StatusChanged,
    Telemetry,
    WorldChanged,
)
from bt_runtime.logschema import SCHEMA, TELEMETRY_COLUMNS, EventLogError

__all__ = [
    "TABLES",
    "build_event",
    "check_schema",
    "damaged",
    "decode_record",
    "decode_text",
]

# Column kinds: how a stored value is checked and what it becomes.
INT, TIME, REAL, NUMBER, TEXT, JSON, FLAG = "int", "time", "real", "number", "text", "json", "flag"
MAYBE_TEXT = "maybe text"  # text, or NULL where the value was not published (true terrain)


def decode_text(data: bytes) -> str:
    """The reader's text factory: keeps bytes that are not UTF-8 (as surrogates) for the check."""
    return data.decode("utf-8", "surrogateescape")


def damaged(path: Path, where: str, what: str) -> EventLogError:
    """The one form of every damaged-log message."""
    return EventLogError(f"damaged log: {path}: {where}: {what}")


def _check(kind: str, value: Any, column: str) -> Any:
    """``value`` as ``kind``; raises ValueError with what is wrong."""
    if kind == MAYBE_TEXT:
        return None if value is None else _check(TEXT, value, column)
    if kind == TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{column} is {_shown(value)}, not text")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{column} holds bytes that are not valid UTF-8") from None
        return value
    if kind == INT or kind == FLAG:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{column} is {_shown(value)}, not an integer")
        if kind == FLAG:
            if value not in (0, 1):
                raise ValueError(f"{column} is {value}, not 0 or 1")
            return bool(value)
        if value < 0:
            raise ValueError(f"{column} is {value}, a negative count")
        return value
    if kind == REAL and value is None:
        return math.nan  # SQLite stores a NaN as NULL: give it back as NaN
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{column} is {_shown(value)}, not a number")
    if kind in (TIME, NUMBER) and not math.isfinite(value):
        raise ValueError(f"{column} is {value}, not a finite number")
    if kind == TIME and value < 0:  # simulated time starts at 0 and only goes on
        raise ValueError(f"{column} is {value:g}, a negative time")
    return float(value)


def _shown(value: Any) -> str:
    if value is None:
        return "empty (NULL)"
    if isinstance(value, bytes):
        return f"binary data ({len(value)} bytes)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json(text: str, column: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError(f"{column} is not valid JSON (or nested too deeply)") from None


Builder = Callable[[list[Any]], Event]


def _fact(values: list[Any]) -> Event:
    tick, sim_time, key, old, new = values
    return FactChanged(tick, sim_time, key, _json(old, "old"), _json(new, "new"))


def _telemetry(values: list[Any]) -> Event:
    return Telemetry(*values)


TABLES: dict[str, tuple[tuple[tuple[str, str], ...], Builder]] = {
    "status_changes": (
        (
            ("tick", INT),
            ("sim_time", TIME),
            ("node_id", TEXT),
            ("node_path", TEXT),
            ("old", TEXT),
            ("new", TEXT),
            ("reason", TEXT),
        ),
        lambda v: StatusChanged(*v),
    ),
    "facts": (
        (("tick", INT), ("sim_time", TIME), ("key", TEXT), ("old", TEXT), ("new", TEXT)),
        _fact,
    ),
    "telemetry": (
        tuple(
            (name, INT if name == "tick" else TIME if name == "sim_time" else kind)
            for name, kind in zip(
                TELEMETRY_COLUMNS,
                [INT, TIME, *[REAL] * 9, REAL, TEXT, TEXT, REAL, FLAG, FLAG, MAYBE_TEXT],
                strict=True,
            )
        ),
        _telemetry,
    ),
    "alerts": (
        (
            ("tick", INT),
            ("sim_time", TIME),
            ("severity", TEXT),
            ("message", TEXT),
            ("node_path", TEXT),
            ("node_id", TEXT),
        ),
        lambda v: Alert(*v),
    ),
    "operator_commands": (
        (
            ("tick", INT),
            ("sim_time", TIME),
            ("command", TEXT),
            ("origin", TEXT),
            ("wall_time", NUMBER),
        ),
        lambda v: OperatorCommand(*v),
    ),
    "world_changes": (
        (("tick", INT), ("sim_time", TIME), ("change", TEXT), ("name", TEXT)),
        lambda v: WorldChanged(*v),
    ),
    "detections": (
        (
            ("tick", INT),
            ("sim_time", TIME),
            ("kind", TEXT),
            ("name", TEXT),
            ("x", NUMBER),
            ("y", NUMBER),
            ("distance", NUMBER),
            ("confidence", NUMBER),
            ("action", TEXT),
            ("node_path", TEXT),
            ("node_id", TEXT),
        ),
        lambda v: Detection(*v),
    ),
}
"""Per tick-event table: its columns after ``seq`` with their kinds, and how to build the event."""


def build_event(path: Path, table: str, row: tuple[Any, ...]) -> Event:
    """The event a row of ``table`` (``seq`` first) holds.

    Raises:
        EventLogError: the row is damaged (a value of the wrong type, bad text or JSON...).
    """
    columns, build = TABLES[table]
    seq = row[0]
    where = f"row {seq} ({table})" if isinstance(seq, int) else f"a row of {table}"
    try:
        values = [_check(kind, value, name) for (name, kind), value in zip(columns, row[1:])]
        return build(values)
    except (ValueError, TypeError, RecursionError) as exc:
        raise damaged(path, where, str(exc) or type(exc).__name__) from None


def decode_record(path: Path, table: str, text: Any, expected: type) -> Message:
    """The single event a header table (``meta``, ``tree``, ``outcome``) holds, of ``expected`` type.

    Raises:
        EventLogError: not text, not a valid event, or an event of another kind.
    """
    where = f"row 1 ({table})"
    try:
        event = from_json(_check(TEXT, text, "event"))
    except (ValueError, TypeError, RecursionError, OverflowError) as exc:
        raise damaged(path, where, f"not a valid record: {exc}") from None
    if not isinstance(event, expected):
        wanted = getattr(expected, "TYPE", expected.__name__)
        raise damaged(path, where, f"holds a {event.TYPE!r} event where the {wanted!r} belongs")
    return event


def _expected_schema() -> frozenset[tuple[str, str, str | None]]:
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    finally:
        db.close()
    return frozenset(rows)


_SCHEMA_ROWS = _expected_schema()


def check_schema(path: Path, db: sqlite3.Connection) -> None:
    """Refuse a log whose tables were changed: a view in a table's place can return rows forever.

    Raises:
        EventLogError: a table, index, view or trigger that the format does not have, or differs.
    """
    try:
        rows = frozenset(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    except sqlite3.Error as exc:
        raise damaged(path, "schema", str(exc)) from None
    except UnicodeDecodeError:  # sqlite3 decodes SQLite's message, which quotes the bad schema
        raise damaged(path, "schema", "malformed database schema (its text is not UTF-8)") from None
    extra = sorted(f"{kind} {name}" for kind, name, _ in rows - _SCHEMA_ROWS)
    missing = sorted(f"{kind} {name}" for kind, name, _ in _SCHEMA_ROWS - rows)
    if extra or missing:
        what = "; ".join(
            part
            for part in (
                f"not in the format: {', '.join(extra)}" if extra else "",
                f"missing or changed: {', '.join(missing)}" if missing else "",
            )
            if part
        )
        raise damaged(path, "schema", what)
