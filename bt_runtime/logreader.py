"""Reading a run log back: the events of a finished or killed run, and the list of runs in a folder.

Read-only and streamed (a long run is never loaded whole); the file's format is checked first
(:func:`bt_runtime.logschema.check_format`), so a log of another schema version is refused with a
message saying what to do rather than misread; its schema is compared with the format and every row
is checked as it is read (:mod:`bt_runtime.eventlogrows`), so a tampered log is reported as damaged,
naming the row, never misread or read forever. Only regular files are opened.
"""

from __future__ import annotations

import heapq
import math
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from bt_runtime.eventlogrows import (
    TABLES,
    build_event,
    check_schema,
    damaged,
    decode_record,
    decode_text,
)
from bt_runtime.events import (
    Event,
    RunFinished,
    RunStarted,
    Telemetry,
    TreeDefinition,
    WorldDefinition,
)
from bt_runtime.logschema import RUN_LOG_SUFFIX, TELEMETRY_COLUMNS, EventLogError, check_format
from bt_runtime.requirements import verdict_from_json

__all__ = ["EventLogReader", "RunSummary", "fold_wal", "list_runs"]

_TELEMETRY_SELECT = ", ".join(TELEMETRY_COLUMNS)
_WALL_TIME_LIMIT = 1e11
"""Seconds since the epoch past which a recorded start time is damage (the year 5138)."""


def fold_wal(path: Path) -> None:
    """Fold a killed run's write-ahead log back into its file, so the ``.sqlite`` alone is whole.

    Done only for a run log of this format, and never under a live writer: changing the journal
    mode needs the only connection, so while a run is writing this gives up at once and the log
    is read through its WAL as it stands. A read-only folder is left as it is, too.
    """
    wal = Path(f"{path}-wal")
    if not wal.exists() or not os.access(path.parent, os.W_OK):
        return
    try:
        db = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        check_format(path, application_id, version)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
    except (sqlite3.Error, EventLogError):
        pass  # a live run (busy), or not ours: read it as it is
    finally:
        db.close()


class EventLogReader:
    """Reads a run log, read-only, whether the run finished or was killed mid-way.

    Every row is checked as it is read (:mod:`bt_runtime.eventlogrows`): a tampered log is
    reported as damaged, naming the row, never misread.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open ``path`` read-only and check it is a run log this version understands.

        A killed run's write-ahead log is folded back first (:func:`fold_wal`).

        Raises:
            EventLogError: missing file, not SQLite, not a run log, another schema version, or a
                schema that was changed.
        """
        self.path = Path(path)
        if not self.path.is_file():
            if os.path.lexists(self.path):
                raise EventLogError(
                    f"{self.path}: not a regular file (a folder, FIFO, device or broken link): "
                    "not read"
                )
            raise EventLogError(f"{self.path}: no such run log")
        if self.path.stat().st_size == 0:  # SQLite reads an empty file as an empty database
            raise EventLogError(f"{self.path}: an empty file, not a run log")
        fold_wal(self.path)
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            self._db.text_factory = decode_text
            application_id = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise EventLogError(f"{self.path}: not a readable run log ({exc})") from None
        try:
            check_format(self.path, application_id, version)
            check_schema(self.path, self._db)
        except EventLogError:
            self.close()
            raise

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        if self._db is None:
            raise EventLogError(f"{self.path}: the reader is closed")
        try:
            return self._db.execute(sql, args).fetchmany(2)
        except sqlite3.Error as exc:
            raise EventLogError(f"damaged log: {self.path}: {exc}") from None

    def run_started(self) -> RunStarted:
        """The run's metadata. Raises EventLogError if the writer died before recording it."""
        rows = self._query("SELECT event FROM meta")
        if not rows:
            raise EventLogError(f"{self.path}: the run log holds no run metadata")
        event = decode_record(self.path, "meta", rows[0][0], RunStarted)
        assert isinstance(event, RunStarted)
        if not (0 <= event.started_at < _WALL_TIME_LIMIT) or not (
            math.isfinite(event.tick_rate) and event.tick_rate > 0
        ):
            raise damaged(self.path, "row 1 (meta)", "start time or tick rate out of range")
        return event

    def tree(self) -> TreeDefinition | None:
        """The behaviour tree, or None if the run died before recording it."""
        rows = self._query("SELECT event FROM tree")
        if not rows:
            return None
        event = decode_record(self.path, "tree", rows[0][0], TreeDefinition)
        assert isinstance(event, TreeDefinition)
        return event

    def world(self) -> WorldDefinition | None:
        """The world for a monitor's map, or None if the run died before recording it."""
        rows = self._query("SELECT event FROM world")
        if not rows:
            return None
        event = decode_record(self.path, "world", rows[0][0], WorldDefinition)
        assert isinstance(event, WorldDefinition)
        return event

    def outcome(self) -> RunFinished | None:
        """How the run ended, or None if it did not finish (killed, crashed, still running)."""
        rows = self._query("SELECT event FROM outcome")
        if not rows:
            return None
        event = decode_record(self.path, "outcome", rows[0][0], RunFinished)
        assert isinstance(event, RunFinished)
        if not all(math.isfinite(v) for v in (event.duration, event.distance, event.energy)):
            raise damaged(self.path, "row 1 (outcome)", "a duration, distance or energy not finite")
        return event

    def last_sim_time(self) -> float:
        """The latest simulated time any committed event carries (0 for an empty run)."""
        latest = 0.0
        for table in TABLES:
            rows = self._query(f"SELECT * FROM {table} ORDER BY sim_time DESC LIMIT 1")
            if rows:
                event = build_event(self.path, table, rows[0])
                latest = max(latest, event.sim_time)  # type: ignore[union-attr]
        return latest

    def last_telemetry(self) -> Telemetry | None:
        """The latest telemetry sample recorded (None if there is none)."""
        rows = self._query(
            f"SELECT seq, {_TELEMETRY_SELECT} FROM telemetry ORDER BY tick DESC, seq DESC LIMIT 1"
        )
        if not rows:
            return None
        event = build_event(self.path, "telemetry", rows[0])
        assert isinstance(event, Telemetry)
        return event

    def events(self, from_tick: int | None = None, to_tick: int | None = None) -> Iterator[Event]:
        """Tick events (status, facts, telemetry, alerts, operator commands, map changes) by
        tick, then in write order.

        Ordering by tick first puts a telemetry sample kept late (the last one before the finish)
        back in its own tick. Every row is checked as it is read.

        Args:
            from_tick: first tick included (None: from the start).
            to_tick: last tick included (None: to the end).

        Raises:
            EventLogError: a damaged row (named), or a file SQLite cannot read.
        """
        finished = self.outcome()
        streams = [self._rows(table, from_tick, to_tick) for table in TABLES]
        for *_, event in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            if finished is not None:
                _within_the_run(self.path, event, finished)
            yield event

    def _rows(
        self, table: str, from_tick: int | None, to_tick: int | None
    ) -> Iterator[tuple[int, int, Event]]:
        if self._db is None:
            raise EventLogError(f"{self.path}: the reader is closed")
        columns = ", ".join(name for name, _ in TABLES[table][0])
        select = f"SELECT seq, {columns} FROM {table}"
        args: tuple[int, ...] = ()
        if from_tick is not None or to_tick is not None:  # else every row, damaged ones too
            select += " WHERE tick BETWEEN ? AND ?"
            args = (-1 if from_tick is None else from_tick, 2**62 if to_tick is None else to_tick)
        try:
            cursor = self._db.execute(f"{select} ORDER BY tick, seq", args)
            for row in cursor:  # streamed: a long run is never loaded whole
                event = build_event(self.path, table, row)
                yield event.tick, row[0], event  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise EventLogError(f"damaged log: {self.path}: {table}: {exc}") from None

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
    damaged (then ``error`` says why: a file that is not a readable run log, or a damaged row)."""

    path: Path
    run_id: str
    mission: str
    started_at: float
    backend: str
    seed: int | None
    outcome: str
    duration: float
    error: str = ""
    #: ``require`` lines the run measured and missed (a success with one is exit status 3).
    missed: int = 0


def _within_the_run(path: Path, event: Event, finished: RunFinished) -> None:
    """Refuse an event a finished run cannot hold: after its last tick or its end time (a row
    edited by hand, or from another run), which a replay would show as if it had happened."""
    tick, sim_time = getattr(event, "tick", 0), getattr(event, "sim_time", 0.0)
    where = f"{type(event).__name__} at tick {tick}"
    if tick > finished.tick:
        raise damaged(path, where, f"after the run's last tick ({finished.tick})")
    if sim_time > finished.duration + 1e-6 * max(1.0, finished.duration):
        raise damaged(path, where, f"sim_time {sim_time:.6g} s is after the run ended, at "
                      f"{finished.duration:.6g} s")


def _missed(finished: RunFinished | None) -> int:
    """How many requirement verdicts of the run's summary say missed (0 if it has none; a
    damaged verdict, which a replay shows as such, counts for nothing)."""
    verdicts = finished.summary.get("requirements") if finished is not None else None
    if not isinstance(verdicts, list):
        return 0
    return sum(1 for item in verdicts
               if (verdict := verdict_from_json(item)) is not None and verdict.met is False)


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
                missed=_missed(finished),
            )
    except EventLogError as exc:
        return RunSummary(path, path.stem, "", 0.0, "", None, "damaged", 0.0, error=str(exc))


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_file(path: Path) -> bool:
    """A regular file that starts as an SQLite database (a FIFO is never opened)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as f:
            return f.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def list_runs(folder: str | os.PathLike[str]) -> list[RunSummary]:
    """Summaries of every run log in ``folder``, oldest first.

    A run log is a ``*.sqlite`` file, or any SQLite file that reads as a run log (``mission run
    --log run.db`` writes one under the name it is given). Damaged or unreadable ``*.sqlite``
    files (not SQLite, tampered rows in the header, a FIFO or a folder by that name...) are
    listed with outcome ``"damaged"`` and the reason, never hidden or fatal; a file by another
    name is listed only when it is a readable run log (other programs' databases may sit there).

    Raises:
        EventLogError: ``folder`` is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EventLogError(f"{root}: no such folder of runs")
    summaries = [_summarise(p) for p in sorted(root.glob(f"*{RUN_LOG_SUFFIX}"))]
    for path in sorted(root.iterdir()):
        if path.suffix != RUN_LOG_SUFFIX and _sqlite_file(path):
            summary = _summarise(path)
            if summary.outcome != "damaged":
                summaries.append(summary)
    return sorted(summaries, key=lambda s: (s.started_at, s.run_id))
