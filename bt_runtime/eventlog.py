"""The durable record of a run: one SQLite file per run, committed once per tick.

Why SQLite: a run log must survive the process being killed mid-tick and still open afterwards.
SQLite in WAL mode gives exactly that: :meth:`EventLogWriter.commit_tick` commits one transaction
per tick, so a ``kill -9`` loses at most the tick in flight (``synchronous=NORMAL`` is safe against
a process crash; only a power cut can lose the last commits). A clean :meth:`~EventLogWriter.close`
folds the write-ahead log back in and leaves a single self-contained file; after a kill, the next
reader folds it back (:func:`bt_runtime.logreader.fold_wal`), so copying the ``.sqlite`` alone
loses nothing.

The file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` before SQLite opens it, so a symbolic
link at the log's path (even a dangling one) can never make a run write outside its folder. A disk
that refuses a write raises :class:`EventLogFull` with everything committed before still readable;
the executor then ends the run as aborted (``mission run`` exits 4).

Checkpoints (copying the write-ahead log into the database, the only step that waits on ``fsync``)
run on a background thread with its own connection, never inside ``commit_tick``: SQLite's
automatic checkpoint would otherwise stall one tick in a few hundred for the disk's fsync latency
(tens of milliseconds on a busy disk). A commit is durable against a process crash as soon as
``commit_tick`` returns, whether or not it has been checkpointed yet.

The writer records every event it is given: deciding which telemetry samples are worth keeping is
the executor's job (:mod:`bt_runtime.telemetry`), done once, so what the log holds is what the
producer meant to record. The format is :mod:`bt_runtime.logschema`; reading is
:mod:`bt_runtime.logreader` and listing :mod:`bt_runtime.runlist`, re-exported here so one import
serves both ends of a run log.
"""

from __future__ import annotations

import json
import operator
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Self

from bt_runtime.codec import to_json
from bt_runtime.events import (
    Alert,
    Detection,
    Event,
    FactChanged,
    OperatorCommand,
    RunFinished,
    RunStarted,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    WorldChanged,
    WorldDefinition,
)
from bt_runtime.logreader import EventLogReader
from bt_runtime.logschema import (
    APPLICATION_ID,
    RUN_LOG_SUFFIX,
    SCHEMA,
    SCHEMA_VERSION,
    TELEMETRY_COLUMNS,
    EventLogError,
    EventLogFull,
    run_log_path,
)
from bt_runtime.runlist import RunSummary, list_runs

__all__ = [
    "APPLICATION_ID",
    "RUN_LOG_SUFFIX",
    "SCHEMA_VERSION",
    "EventLogError",
    "EventLogFull",
    "EventLogReader",
    "EventLogWriter",
    "RunSummary",
    "list_runs",
    "run_log_path",
]


_telemetry_row = operator.attrgetter(*TELEMETRY_COLUMNS)  # one C call per sample, not 17 getattr

CHECKPOINT_PERIOD = 1.0
"""Wall seconds between two background checkpoints of the write-ahead log."""


class _Checkpointer:
    """Folds the write-ahead log into the database every ``period`` seconds, off the tick thread.

    PASSIVE checkpoints never block the writer; sqlite3 releases the GIL while it waits on the disk.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._period = CHECKPOINT_PERIOD
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="runlog-checkpoint", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self._period):
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # the final checkpoint at close still folds everything in
        finally:
            self._db.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)


def _write_error(path: Path, what: str, exc: sqlite3.Error) -> EventLogError:
    """A write SQLite refused: :class:`EventLogFull` when the disk (or the size cap) is full or
    failing, a plain :class:`EventLogError` otherwise."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return EventLogFull(f"{path}: disk full: {what} ({exc})")
    if code == sqlite3.SQLITE_IOERR:
        return EventLogFull(f"{path}: the disk refused the write: {what} ({exc})")
    return EventLogError(f"{path}: {what}: {exc}")


def _create_new(path: Path) -> None:
    """Create ``path`` empty, atomically, never through a symbolic link; SQLite then opens it.

    ``O_CREAT | O_EXCL`` fails on any existing name, a dangling link included, so a link planted
    at the log's path can never make the run write outside its folder; neither can a stale
    ``-wal`` or ``-shm`` beside it (SQLite would adopt those).

    Raises:
        EventLogError: something is already at ``path`` (or its -wal/-shm), or it cannot be made.
    """
    if path.is_symlink():
        raise EventLogError(
            f"{path}: a symbolic link; a run log is never written through one: give a plain path"
        )
    if path.is_dir():
        raise EventLogError(f"{path}: a folder; a run log is a file: give its name, e.g. "
                            f"{path / 'run.sqlite'}")
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if os.path.lexists(companion):
            raise EventLogError(f"{path}: {companion.name} is already there: remove it first")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    except FileExistsError:
        raise EventLogError(f"{path}: a file is already there; a run log is never reused") from None
    except OSError as exc:
        raise EventLogError(f"{path}: cannot create the run log: {exc.strerror}") from None
    os.close(fd)


# ------------------------------------------------------------------------------------ writer
class EventLogWriter:
    """Appends a run's events to a new SQLite file, one transaction per tick.

    Use: ``append`` every event as it happens, ``commit_tick()`` at the end of each tick, ``close()``
    at the end. :class:`RunStarted`, :class:`TreeDefinition` and :class:`RunFinished` commit at once.
    """

    def __init__(self, path: str | os.PathLike[str], *, max_bytes: int | None = None) -> None:
        """Create the log file at ``path``.

        Args:
            path: the new file; its folder must exist and be writable.
            max_bytes: never let the database grow past about this size (a full disk, on
                purpose: past it, commits fail with :class:`EventLogFull`); None for no cap.

        Raises:
            EventLogError: the folder is missing or not writable, the file already exists, or
                the path is a symbolic link (even a dangling one: it would be followed out of the
                folder).
        """
        self.path = Path(path)
        folder = self.path.parent
        if not folder.is_dir():
            raise EventLogError(f"{self.path}: folder {folder} does not exist: create it first")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise EventLogError(f"{self.path}: folder {folder} is not writable")
        _create_new(self.path)
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA wal_autocheckpoint = 0")  # the checkpointer's job
            self._db.executescript(SCHEMA)
            if max_bytes is not None:
                page = self._db.execute("PRAGMA page_size").fetchone()[0]
                self._db.execute(f"PRAGMA max_page_count = {max(1, int(max_bytes) // page)}")
            self._checkpointer: _Checkpointer | None = _Checkpointer(self.path)
        except sqlite3.Error as exc:
            self.path.unlink(missing_ok=True)  # the empty file made above must not block the path
            raise EventLogError(f"{self.path}: cannot create the run log: {exc}") from None
        self._seq = 0
        self._pending: dict[str, list[tuple[Any, ...]]] = {}
        self._finished = False

    # -- appending
    def append(self, event: Event) -> None:
        """Record ``event`` in the tick in flight (it is durable after the next commit).

        Raises:
            EventLogError: the log is closed, or the event is not one a run log holds.
        """
        if self._db is None:
            raise EventLogError(f"{self.path}: the run log is closed")
        if isinstance(event, Telemetry):
            self._add("telemetry", _telemetry_row(event))
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
                    event.key,
                    json.dumps(event.old),
                    json.dumps(event.new),
                ),
            )
        elif isinstance(event, Alert):
            self._add(
                "alerts",
                (
                    event.tick,
                    event.sim_time,
                    event.severity,
                    event.message,
                    event.node_path,
                    event.node_id,
                ),
            )
        elif isinstance(event, OperatorCommand):
            self._add(
                "operator_commands",
                (event.tick, event.sim_time, event.command, event.origin, event.wall_time),
            )
        elif isinstance(event, Detection):
            self._add("detections", (
                event.tick, event.sim_time, event.kind, event.name, event.x, event.y,
                event.distance, event.confidence, event.action, event.node_path, event.node_id,
            ))
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
                to_json(event),
            )
            self._write_now("INSERT INTO meta VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)", row, "run start")
        elif isinstance(event, TreeDefinition):
            self._write_now("INSERT INTO tree VALUES (1, ?)", (to_json(event),), "tree")
        elif isinstance(event, WorldDefinition):
            self._write_now("INSERT INTO world VALUES (1, ?)", (to_json(event),), "world")
        elif isinstance(event, WorldChanged):
            self._add("world_changes", (event.tick, event.sim_time, event.change, event.name))
        elif isinstance(event, RunFinished):
            if self._finished:
                raise EventLogError(f"{self.path}: the outcome is already recorded")
            self._finished = True
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
            raise _write_error(self.path, f"cannot write the {what}", exc) from None

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
            try:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")  # the log keeps every tick committed before
            except sqlite3.Error:
                pass
            raise _write_error(self.path, "cannot commit the tick", exc) from None

    def close(self) -> None:
        """Commit what is pending and close; leaves one self-contained file. Safe to call twice."""
        if self._db is None:
            return
        db = self._db
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
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
