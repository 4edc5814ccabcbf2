"""A small real run log and ways to tamper with its rows, shared by the hostile-log tests."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from bt_runtime.eventlog import EventLogWriter
from tests.bt_runtime import runlog_samples as samples

TABLE_KEYS = {
    "meta": "id",
    "tree": "id",
    "outcome": "id",
    "status_changes": "seq",
    "facts": "seq",
    "telemetry": "seq",
    "alerts": "seq",
    "operator_commands": "seq",
    "detections": "seq",
}


def write_small_run(path: Path, ticks: int = 45) -> Path:
    """A finished run with every kind of row (status, facts at 30, an alert at 40, telemetry)."""
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started())
        writer.append(samples.tree())
        for tick in range(ticks):
            for event in samples.tick_events(tick):
                writer.append(event)
            writer.commit_tick()
        for event in samples.finished(ticks):
            writer.append(event)
    return path


def columns(path: Path) -> dict[str, list[str]]:
    """Every table's columns, and each table's row keys, of the log at ``path``."""
    db = sqlite3.connect(path)
    try:
        return {
            table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            for table in TABLE_KEYS
        }
    finally:
        db.close()


def row_keys(path: Path, table: str) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute(f"SELECT {TABLE_KEYS[table]} FROM {table}")]
    finally:
        db.close()


def tamper(base: Path, out: Path, edits: list[tuple[str, str, int | None, Any, bool]]) -> Path:
    """Copy ``base`` to ``out`` and set (table, column, row key or None for all, value, as_text).

    ``as_text`` stores bytes as TEXT (so a reader meets text that is not UTF-8).
    """
    shutil.copy(base, out)
    db = sqlite3.connect(out)
    try:
        for table, column, key, value, as_text in edits:
            setter = "CAST(? AS TEXT)" if as_text else "?"
            where = "" if key is None else f" WHERE {TABLE_KEYS[table]} = {int(key)}"
            db.execute(f'UPDATE {table} SET "{column}" = {setter}{where}', (value,))
        db.commit()
    finally:
        db.close()
    return out
