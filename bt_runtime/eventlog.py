"""The durable record of a run: one SQLite file per run, committed once per tick.

Why SQLite: a run log must survive the process being killed mid-tick and still open afterwards.
SQLite in WAL mode gives exactly that: :meth:`EventLogWriter.commit_tick` commits one transaction
per tick, so a ``kill -9`` loses at most the tick in flight (``synchronous=NORMAL`` is safe against
a process crash; only a power cut can lose the last commits). A clean :meth:`~EventLogWriter.close`
folds the write-ahead log back in and leaves a single self-contained file.

Events are spread over typed tables (``status_changes``, ``facts``, ``telemetry``, ``alerts``) that
share one sequence number, so the reader can merge them back by tick, then in the order written.
Telemetry is decimated on simulated time (5 Hz by default), plus every change of terrain, gait,
fallen or stuck, plus the last sample before the run finishes.
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

from bt_runtime.events import (
    Alert,
    BlackboardChanged,
    Event,
    EventDecodeError,
    FactChanged,
    RunFinished,
    RunStarted,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    from_json,
    to_json,
)

__all__ = [
    "APPLICATION_ID",
    "RUN_LOG_SUFFIX",
    "SCHEMA_VERSION",
    "EventLogError",
    "EventLogReader",
    "EventLogWriter",
    "RunSummary",
    "list_runs",
    "run_log_path",
]

SCHEMA_VERSION = 1
APPLICATION_ID = 0x514D5255  # "QMRU": marks the file as a quadmission run log
RUN_LOG_SUFFIX = ".sqlite"

_TELEMETRY_COLUMNS = [
    "tick",
    "sim_time",
    "x",
    "y",
    "z",
    "roll",
    "pitch",
    "yaw",
    "vx",
    "vy",
    "wz",
    "battery",
    "terrain",
    "gait",
    "energy",
    "fallen",
    "stuck",
]

_SCHEMA = f"""
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run_id TEXT NOT NULL, mission TEXT NOT NULL, source_path TEXT NOT NULL, seed INTEGER,
    backend TEXT NOT NULL, tick_rate REAL NOT NULL, started_at REAL NOT NULL,
    telemetry_hz REAL NOT NULL, event TEXT NOT NULL
);
CREATE TABLE tree (id INTEGER PRIMARY KEY CHECK (id = 1), event TEXT NOT NULL);
CREATE TABLE status_changes (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    node_id TEXT NOT NULL, node_path TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE facts (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    blackboard INTEGER NOT NULL, key TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL
);
CREATE TABLE telemetry (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    x REAL, y REAL, z REAL, roll REAL, pitch REAL, yaw REAL, vx REAL, vy REAL, wz REAL,
    battery REAL, terrain TEXT, gait TEXT, energy REAL, fallen INTEGER, stuck INTEGER
);
CREATE TABLE alerts (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    severity TEXT NOT NULL, message TEXT NOT NULL, node_path TEXT NOT NULL
);
CREATE TABLE outcome (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, outcome TEXT NOT NULL,
    duration REAL NOT NULL, event TEXT NOT NULL
);
CREATE INDEX status_changes_tick ON status_changes (tick);
CREATE INDEX facts_tick ON facts (tick);
CREATE INDEX telemetry_tick ON telemetry (tick);
CREATE INDEX alerts_tick ON alerts (tick);
PRAGMA user_version = {SCHEMA_VERSION};
PRAGMA application_id = {APPLICATION_ID};
"""


class EventLogError(Exception):
    """A run log cannot be written or read; the message names the file and what to do."""


# ------------------------------------------------------------------------------------ writer
class EventLogWriter:
    """Appends a run's events to a new SQLite file, one transaction per tick.

    Use: ``append`` every event as it happens, ``commit_tick()`` at the end of each tick, ``close()``
    at the end. :class:`RunStarted`, :class:`TreeDefinition` and :class:`RunFinished` commit at once.
    """

    def __init__(self, path: str | os.PathLike[str], *, telemetry_hz: float = 5.0) -> None:
        """Create the log file at ``path``.

        Args:
            path: the new file; its folder must exist and be writable.
            telemetry_hz: telemetry samples kept per simulated second (0 keeps every sample).

        Raises:
            EventLogError: the folder is missing or not writable, or the file already exists.
        """
        if telemetry_hz < 0:
            raise EventLogError(f"telemetry_hz must be >= 0, not {telemetry_hz}")
        self.path = Path(path)
        self._period = 1.0 / telemetry_hz if telemetry_hz > 0 else 0.0
        self._telemetry_hz = telemetry_hz
        folder = self.path.parent
        if not folder.is_dir():
            raise EventLogError(f"{self.path}: folder {folder} does not exist: create it first")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise EventLogError(f"{self.path}: folder {folder} is not writable")
        if self.path.exists():
            raise EventLogError(f"{self.path}: a file is already there; a run log is never reused")
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: cannot create the run log: {exc}") from None
        self._seq = 0
        self._pending: dict[str, list[tuple[Any, ...]]] = {}
        self._last_kept: Telemetry | None = None
        self._finished = False
        self._last_skipped: Telemetry | None = None

    # -- appending
    def append(self, event: Event) -> None:
        """Record ``event`` in the tick in flight (it is durable after the next commit).

        Raises:
            EventLogError: the log is closed, or the event is not one a run log holds.
        """
        if self._db is None:
            raise EventLogError(f"{self.path}: the run log is closed")
        if isinstance(event, Telemetry):
            self._append_telemetry(event)
        elif isinstance(event, StatusChanged):
            self._add(
                "status_changes",
                (
                    event.tick,
                    event.sim_time,
                    event.node_id,
                    event.node_path,
                    event.old,
                    event.new,
                    event.reason,
                ),
            )
        elif isinstance(event, FactChanged):
            self._add(
                "facts",
                (
                    event.tick,
                    event.sim_time,
                    int(isinstance(event, BlackboardChanged)),
                    event.key,
                    json.dumps(event.old),
                    json.dumps(event.new),
                ),
            )
        elif isinstance(event, Alert):
            self._add(
                "alerts",
                (event.tick, event.sim_time, event.severity, event.message, event.node_path),
            )
        else:
            self._append_once(event)

    def _append_once(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            row: tuple[Any, ...] = (
                event.run_id,
                event.mission,
                event.source_path,
                event.seed,
                event.backend,
                event.tick_rate,
                event.started_at,
                self._telemetry_hz,
                to_json(event),
            )
            self._write_now(
                "INSERT INTO meta VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row, "run start"
            )
        elif isinstance(event, TreeDefinition):
            self._write_now("INSERT INTO tree VALUES (1, ?)", (to_json(event),), "tree")
        elif isinstance(event, RunFinished):
            if self._finished:
                raise EventLogError(f"{self.path}: the outcome is already recorded")
            self._finished = True
            if self._last_skipped is not None:
                self._keep_telemetry(self._last_skipped)
            self._seq += 1
            self._add_row("outcome", (1, self._seq, event.outcome, event.duration, to_json(event)))
            self.commit_tick()
        else:
            raise EventLogError(f"{self.path}: a run log does not hold {type(event).__name__}")

    def _write_now(self, sql: str, row: tuple[Any, ...], what: str) -> None:
        assert self._db is not None
        self.commit_tick()
        try:
            self._db.execute(sql, row)
        except sqlite3.IntegrityError:
            raise EventLogError(f"{self.path}: the {what} is already recorded") from None
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: cannot write the {what}: {exc}") from None

    def _append_telemetry(self, sample: Telemetry) -> None:
        last = self._last_kept
        due = (
            last is None
            or sample.sim_time >= last.sim_time + self._period - 1e-9
            or (sample.terrain, sample.gait, sample.fallen, sample.stuck)
            != (last.terrain, last.gait, last.fallen, last.stuck)
        )
        if due:
            self._keep_telemetry(sample)
        else:
            self._last_skipped = sample

    def _keep_telemetry(self, sample: Telemetry) -> None:
        self._last_kept = sample
        self._last_skipped = None
        self._add("telemetry", tuple(getattr(sample, name) for name in _TELEMETRY_COLUMNS))

    def _add(self, table: str, row: tuple[Any, ...]) -> None:
        self._seq += 1
        self._add_row(table, (self._seq, *row))

    def _add_row(self, table: str, row: tuple[Any, ...]) -> None:
        self._pending.setdefault(table, []).append(row)

    # -- committing
    def commit_tick(self) -> None:
        """Make everything appended since the last commit durable, in one transaction.

        Raises:
            EventLogError: the disk refused the write (full, removed...).
        """
        if self._db is None:
            raise EventLogError(f"{self.path}: the run log is closed")
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        try:
            self._db.execute("BEGIN")
            for table, rows in pending.items():
                marks = ", ".join("?" * len(rows[0]))
                self._db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise EventLogError(f"{self.path}: cannot commit the tick: {exc}") from None

    def close(self) -> None:
        """Commit what is pending and close; leaves one self-contained file. Safe to call twice."""
        if self._db is None:
            return
        db = self._db
        if self._last_skipped is not None:  # the run's last known state, even if not due
            self._keep_telemetry(self._last_skipped)
        try:
            self.commit_tick()
            # Fold the WAL back so the run is one file; a live reader may hold it: then stay WAL.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError:
            pass
        finally:
            self._db = None
            db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ------------------------------------------------------------------------------------ reader
class EventLogReader:
    """Reads a run log, read-only, whether the run finished or was killed mid-way."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open ``path`` read-only and check it is a run log this version understands.

        Raises:
            EventLogError: missing file, not SQLite, not a run log, or a newer schema.
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
        if application_id != APPLICATION_ID:
            self.close()
            raise EventLogError(f"{self.path}: an SQLite file, but not a quadmission run log")
        if version > SCHEMA_VERSION:
            self.close()
            raise EventLogError(
                f"{self.path}: written by a newer quadmission (log schema {version}; this version "
                f"reads up to {SCHEMA_VERSION}): upgrade quadmission to read it"
            )
        if version != SCHEMA_VERSION:
            self.close()
            raise EventLogError(f"{self.path}: unknown run log schema version {version}")

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

    def telemetry_hz(self) -> float:
        """The telemetry rate the writer kept (samples per simulated second, 0 = all)."""
        rows = self._query("SELECT telemetry_hz FROM meta")
        return float(rows[0][0]) if rows else 0.0

    def tree(self) -> TreeDefinition | None:
        """The behaviour tree, or None if the run died before recording it."""
        rows = self._query("SELECT event FROM tree")
        return self._decode(rows[0][0], "tree") if rows else None

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
            f"SELECT {', '.join(_TELEMETRY_COLUMNS)} FROM telemetry ORDER BY tick DESC, seq DESC LIMIT 1"
        )
        return self._telemetry(rows[0]) if rows else None

    def events(self, from_tick: int | None = None, to_tick: int | None = None) -> Iterator[Event]:
        """Tick events (status, facts, blackboard, telemetry, alerts) by tick, then in write order.

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
                "SELECT seq, blackboard, tick, sim_time, key, old, new FROM facts",
                low,
                high,
                self._fact,
            ),
            self._rows(
                f"SELECT seq, {', '.join(_TELEMETRY_COLUMNS)} FROM telemetry",
                low,
                high,
                self._telemetry,
            ),
            self._rows(
                "SELECT seq, tick, sim_time, severity, message, node_path FROM alerts",
                low,
                high,
                lambda r: Alert(*r),
            ),
        ]
        for *_, event in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            yield event

    @staticmethod
    def _fact(row: tuple[Any, ...]) -> FactChanged:
        blackboard, tick, sim_time, key, old, new = row
        cls = BlackboardChanged if blackboard else FactChanged
        return cls(tick, sim_time, key, json.loads(old), json.loads(new))

    @staticmethod
    def _telemetry(row: tuple[Any, ...]) -> Telemetry:
        # SQLite stores a NaN as NULL: give it back as NaN
        values: list[Any] = [math.nan if value is None else value for value in row]
        values[-2:] = [bool(values[-2]), bool(values[-1])]
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


def run_log_path(folder: str | os.PathLike[str], run_id: str) -> Path:
    """Where the log of run ``run_id`` goes in ``folder`` (the name :func:`list_runs` looks for)."""
    return Path(folder) / f"{run_id}{RUN_LOG_SUFFIX}"


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
