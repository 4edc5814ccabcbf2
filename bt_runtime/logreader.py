"""Reading a run log back: the events of a finished or killed run, and the list of runs in a folder.

Read-only and streamed (a long run is never loaded whole); the file's format is checked first
(:func:`bt_runtime.logschema.check_format`), so a log of another schema version is refused with a
message saying what to do rather than misread.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from bt_runtime.codec import EventDecodeError, from_json
from bt_runtime.events import (
    Alert,
    Event,
    FactChanged,
    RunFinished,
    RunStarted,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    WorldChanged,
    WorldDefinition,
)
from bt_runtime.logschema import RUN_LOG_SUFFIX, TELEMETRY_COLUMNS, EventLogError, check_format

__all__ = ["EventLogReader", "RunSummary", "list_runs"]

_TELEMETRY_SELECT = ", ".join(TELEMETRY_COLUMNS)
_FALLEN, _STUCK = TELEMETRY_COLUMNS.index("fallen"), TELEMETRY_COLUMNS.index("stuck")
_TRUE = TELEMETRY_COLUMNS.index("terrain_true")


class EventLogReader:
    """Reads a run log, read-only, whether the run finished or was killed mid-way."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open ``path`` read-only and check it is a run log this version understands.

        Raises:
            EventLogError: missing file, not SQLite, not a run log, or another schema version.
        """
        self.path = Path(path)
        if not self.path.is_file():
            raise EventLogError(f"{self.path}: no such run log")
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            application_id = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: not a readable run log ({exc})") from None
        try:
            check_format(self.path, application_id, version)
        except EventLogError:
            self.close()
            raise

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        if self._db is None:
            raise EventLogError(f"{self.path}: the reader is closed")
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: damaged run log ({exc})") from None

    def _decode(self, text: str, what: str) -> Any:
        try:
            return from_json(text)
        except EventDecodeError as exc:
            raise EventLogError(f"{self.path}: damaged {what} record: {exc}") from None

    def run_started(self) -> RunStarted:
        """The run's metadata. Raises EventLogError if the writer died before recording it."""
        rows = self._query("SELECT event FROM meta")
        if not rows:
            raise EventLogError(f"{self.path}: the run log holds no run metadata")
        event = self._decode(rows[0][0], "metadata")
        assert isinstance(event, RunStarted)
        return event

    def tree(self) -> TreeDefinition | None:
        """The behaviour tree, or None if the run died before recording it."""
        rows = self._query("SELECT event FROM tree")
        return self._decode(rows[0][0], "tree") if rows else None

    def world(self) -> WorldDefinition | None:
        """The world for a monitor's map, or None if the run died before recording it."""
        rows = self._query("SELECT event FROM world")
        return self._decode(rows[0][0], "world") if rows else None

    def outcome(self) -> RunFinished | None:
        """How the run ended, or None if it did not finish (killed, crashed, still running)."""
        rows = self._query("SELECT event FROM outcome")
        return self._decode(rows[0][0], "outcome") if rows else None

    def last_sim_time(self) -> float:
        """The latest simulated time any committed event carries (0 for an empty run)."""
        tables = ("status_changes", "facts", "telemetry", "alerts")
        union = " UNION ALL ".join(f"SELECT MAX(sim_time) AS m FROM {t}" for t in tables)
        rows = self._query(f"SELECT MAX(m) FROM ({union})")
        return float(rows[0][0]) if rows and rows[0][0] is not None else 0.0

    def last_telemetry(self) -> Telemetry | None:
        """The latest telemetry sample recorded (None if there is none)."""
        rows = self._query(
            f"SELECT {_TELEMETRY_SELECT} FROM telemetry ORDER BY tick DESC, seq DESC LIMIT 1"
        )
        return self._telemetry(rows[0]) if rows else None

    def events(self, from_tick: int | None = None, to_tick: int | None = None) -> Iterator[Event]:
        """Tick events (status, facts, telemetry, alerts, map changes) by tick, then in write order.

        Ordering by tick first puts a telemetry sample kept late (the last one before the finish)
        back in its own tick.

        Args:
            from_tick: first tick included (None: from the start).
            to_tick: last tick included (None: to the end).
        """
        low = -1 if from_tick is None else from_tick
        high = 2**62 if to_tick is None else to_tick
        streams = [
            self._rows(
                "SELECT seq, tick, sim_time, node_id, node_path, old, new, reason FROM status_changes",
                low,
                high,
                lambda r: StatusChanged(*r),
            ),
            self._rows(
                "SELECT seq, tick, sim_time, key, old, new FROM facts",
                low,
                high,
                self._fact,
            ),
            self._rows(
                f"SELECT seq, {_TELEMETRY_SELECT} FROM telemetry",
                low,
                high,
                self._telemetry,
            ),
            self._rows(
                "SELECT seq, tick, sim_time, severity, message, node_path, node_id FROM alerts",
                low,
                high,
                lambda r: Alert(*r),
            ),
            self._rows(
                "SELECT seq, tick, sim_time, change, name FROM world_changes",
                low,
                high,
                lambda r: WorldChanged(*r),
            ),
        ]
        for *_, event in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            yield event

    @staticmethod
    def _fact(row: tuple[Any, ...]) -> FactChanged:
        tick, sim_time, key, old, new = row
        return FactChanged(tick, sim_time, key, json.loads(old), json.loads(new))

    @staticmethod
    def _telemetry(row: tuple[Any, ...]) -> Telemetry:
        # SQLite stores a NaN as NULL: give it back as NaN
        values: list[Any] = [math.nan if value is None else value for value in row]
        values[_TRUE] = row[_TRUE]  # text, None when not published (not a NaN)
        values[_FALLEN] = bool(values[_FALLEN])
        values[_STUCK] = bool(values[_STUCK])
        return Telemetry(*values)

    def _rows(
        self, select: str, low: int, high: int, build: Any
    ) -> Iterator[tuple[int, int, Event]]:
        if self._db is None:
            raise EventLogError(f"{self.path}: the reader is closed")
        try:
            cursor = self._db.execute(
                f"{select} WHERE tick BETWEEN ? AND ? ORDER BY tick, seq", (low, high)
            )
            for row in cursor:  # streamed: a long run is never loaded whole
                try:
                    event = build(row[1:])
                    yield event.tick, row[0], event
                except (ValueError, TypeError) as exc:
                    raise EventLogError(
                        f"{self.path}: damaged event record {row[0]}: {exc}"
                    ) from None
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: damaged run log ({exc})") from None

    def close(self) -> None:
        """Close the file. Safe to call twice."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ------------------------------------------------------------------------------- run listing
@dataclass(frozen=True)
class RunSummary:
    """One line of ``mission runs``. ``outcome`` is success, failure, aborted, incomplete or
    unreadable (then ``error`` says why)."""

    path: Path
    run_id: str
    mission: str
    started_at: float
    backend: str
    seed: int | None
    outcome: str
    duration: float
    error: str = ""


def _summarise(path: Path) -> RunSummary:
    try:
        with EventLogReader(path) as reader:
            started = reader.run_started()
            finished = reader.outcome()
            duration = finished.duration if finished else reader.last_sim_time()
            return RunSummary(
                path=path,
                run_id=started.run_id,
                mission=started.mission,
                started_at=started.started_at,
                backend=started.backend,
                seed=started.seed,
                outcome=finished.outcome if finished else "incomplete",
                duration=duration,
            )
    except EventLogError as exc:
        return RunSummary(path, path.stem, "", 0.0, "", None, "unreadable", 0.0, error=str(exc))


def list_runs(folder: str | os.PathLike[str]) -> list[RunSummary]:
    """Summaries of every run log (``*.sqlite``) in ``folder``, oldest first.

    Unreadable files are listed with outcome ``"unreadable"`` rather than hidden or fatal.

    Raises:
        EventLogError: ``folder`` is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EventLogError(f"{root}: no such folder of runs")
    summaries = [_summarise(p) for p in sorted(root.glob(f"*{RUN_LOG_SUFFIX}")) if p.is_file()]
    return sorted(summaries, key=lambda s: (s.started_at, s.run_id))
