"""The campaign database: one SQLite file with the campaign's inputs and one row per run.

Tables: ``campaign`` (key/value: mission file and its SHA-256, campaign seed, backend, the
variation and the requirements as JSON), ``runs`` (one row per finished run: seed, drawn
parameters, outcome, duration, energy, falls and where, failing node path and reason, each
``require`` value and whether it was met, the error of a crashed run, the path of a failed run's
event log) and ``timing`` (wall seconds per run, kept apart so that ``runs`` is the same table
however the campaign was run). Rows are committed batch by batch, so an interrupted campaign
keeps every finished run and :meth:`CampaignStore.done` tells the next invocation where to go on.

The file is stamped with :data:`APPLICATION_ID` and :data:`SCHEMA_VERSION`, and checked when
opened: another program's SQLite file (a run log, a browser's history) is refused before anything
is written into it, and so is a table whose columns were changed or a schema from a newer
version. Rows are read back through :mod:`.store_rows`, so an edited row is named (file, run,
column) instead of failing deep in the report.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bt_runtime.logschema import APPLICATION_ID as RUN_LOG_ID
from quadmission.campaign.result import RunResult
from quadmission.campaign.store_rows import BadRow, result_of

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "CampaignStore", "StoreError", "mission_digest"]

APPLICATION_ID = 0x51434D50  # "QCMP": marks the file as a quadmission campaign database
SCHEMA_VERSION = 1
"""The layout :data:`_SCHEMA` creates; a file stamped with a higher one is refused."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaign (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    idx INTEGER PRIMARY KEY, seed INTEGER NOT NULL, status TEXT NOT NULL, outcome TEXT NOT NULL,
    duration REAL, energy REAL, distance REAL, falls INTEGER, fall_points TEXT,
    failure_path TEXT, failure_reason TEXT, error TEXT, attempts INTEGER,
    draw TEXT, metrics TEXT, met TEXT, log_path TEXT
);
CREATE TABLE IF NOT EXISTS timing (idx INTEGER PRIMARY KEY, wall_time REAL);
CREATE TABLE IF NOT EXISTS found (idx INTEGER PRIMARY KEY, entities TEXT NOT NULL);
"""
# ``found``: per run, the JSON list of [kind, name] its sensor found (a run without a row there
# was stored before detections were recorded: what it found is unknown, not nothing).

COLUMNS = {
    "campaign": ("key", "value"),
    "runs": ("idx", "seed", "status", "outcome", "duration", "energy", "distance", "falls",
             "fall_points", "failure_path", "failure_reason", "error", "attempts", "draw",
             "metrics", "met", "log_path"),
    "timing": ("idx", "wall_time"),
    "found": ("idx", "entities"),
}
"""Every table's columns, in order (rows are written positionally)."""

#: Inputs that must match for a campaign database to be continued.
IDENTITY = ("mission_sha256", "seed", "backend", "variation")
_EDITED = "the database was edited or damaged: use another --out folder or delete it"


class StoreError(ValueError):
    """The database cannot be used for this campaign; the message names the file and the field."""


def mission_digest(text: str) -> str:
    """SHA-256 of a mission's source (and what it loads), to refuse resuming a changed mission."""
    return hashlib.sha256(text.encode()).hexdigest()


class CampaignStore:
    """One campaign database (created if missing, unless ``read_only``).

    Args:
        path: the ``campaign.sqlite`` file.
        read_only: open an existing file for reading only (``mission run --vary-from``): nothing
            is created or written, so a wrong file given there is left as it was.

    Raises:
        StoreError: not a campaign database, or one this version cannot use.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if read_only:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                self._db = sqlite3.connect(path)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open it ({exc})") from None
        try:
            self._check(read_only)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{path}: not a campaign database ({exc})") from None
        except StoreError:
            self._db.close()
            raise

    def _check(self, read_only: bool) -> None:
        """Refuse a file that is not (or not any more) a campaign database; create a new one."""
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {name: tuple(c[1] for c in self._db.execute(f'PRAGMA table_info("{name}")'))
                  for (name,) in self._db.execute(
                      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if app_id == RUN_LOG_ID:
            raise StoreError(f"{self.path}: a run log, not a campaign database; give the "
                             "campaign folder's campaign.sqlite")
        foreign = sorted(set(tables) - set(COLUMNS))
        if app_id not in (0, APPLICATION_ID) or foreign:
            what = ", ".join(foreign[:4]) or f"application id {app_id:#x}"
            raise StoreError(f"{self.path}: another program's SQLite file, not a campaign "
                             f"database ({what}); give a campaign's campaign.sqlite or a new "
                             "--out folder")
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer quadmission (campaign schema "
                             f"{version}; this one reads {SCHEMA_VERSION}): upgrade, or use "
                             "another --out folder")
        for name, columns in tables.items():
            if columns != COLUMNS[name]:
                raise StoreError(f"{self.path}: table {name} has columns ({', '.join(columns)}), "
                                 f"not a campaign's ({', '.join(COLUMNS[name])}); {_EDITED}")
        if "runs" in tables and "campaign" not in tables and self._count("runs"):
            raise StoreError(f"{self.path}: its runs have no campaign table (which mission and "
                             f"seed they belong to is lost); {_EDITED}")
        self._tables = set(tables) | (set() if read_only else set(COLUMNS))
        if read_only:
            if "runs" not in tables or "campaign" not in tables:
                raise StoreError(f"{self.path}: not a campaign database (no runs or campaign "
                                 "table)")
            return
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for table in ("timing", "found"):  # left by a deleted run row: its rerun writes anew
                self._db.execute(f"DELETE FROM {table} WHERE idx NOT IN (SELECT idx FROM runs)")

    def _count(self, table: str) -> int:
        return int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def close(self) -> None:
        """Close the connection (safe twice)."""
        self._db.close()

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """SQLite's errors as :class:`StoreError` naming the file (a page damaged deep in the
        file, a full disk, a folder turned read-only mid-campaign)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot {doing} ({exc})") from None

    # ---------------------------------------------------------------------------- the inputs
    def meta(self) -> dict[str, str]:
        """The campaign's inputs as stored."""
        with self._guard("read the campaign's inputs"):
            return {str(k): str(v) for k, v in self._db.execute("SELECT key, value FROM campaign")}

    def bind(self, meta: Mapping[str, str]) -> None:
        """Store the inputs of a new campaign, or check they match those of the one stored.

        Raises:
            StoreError: the stored campaign differs in one of :data:`IDENTITY`, or holds runs
                without them (its inputs were deleted: whose runs they are is unknown).
        """
        stored = self.meta()
        missing = [key for key in IDENTITY if key not in stored]
        with self._guard("read the runs"):
            runs = self._count("runs")
        if missing and runs:
            raise StoreError(f"{self.path}: holds {runs} runs but no record of their "
                             f"{', '.join(missing)} (they may be another campaign's); {_EDITED}")
        for key in IDENTITY:
            if key in stored and key in meta and stored[key] != meta[key]:
                raise StoreError(
                    f"{self.path}: this database holds a campaign with another {key} "
                    f"({stored[key][:60]!r}, asked {meta[key][:60]!r}); use another --out "
                    "folder or delete it to start again"
                )
        with self._guard("store the campaign's inputs"), self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO campaign VALUES (?, ?)",
                [(k, v) for k, v in meta.items() if k not in stored or k not in IDENTITY],
            )

    # ------------------------------------------------------------------------------ the runs
    def done(self) -> set[int]:
        """Indices of the runs already stored."""
        with self._guard("read the runs"):
            return {row[0] for row in self._db.execute("SELECT idx FROM runs")}

    def add(self, results: Iterable[RunResult]) -> None:
        """Store finished runs in one transaction (a run stored twice keeps its first row).

        Raises:
            StoreError: the file cannot be written (full disk...); the runs stored before stay.
        """
        rows = list(results)
        with self._guard("store runs"), self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_row(r) for r in rows],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO timing VALUES (?, ?)", [(r.index, r.wall_time) for r in rows]
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO found VALUES (?, ?)",
                [(r.index, json.dumps([list(f) for f in r.found])) for r in rows
                 if r.found is not None],
            )

    def results(self) -> list[RunResult]:
        """Every stored run, by index.

        Raises:
            StoreError: a row cannot be read back (it names the run and the column).
        """
        with self._guard("read the runs"):
            cur = self._db.execute("SELECT * FROM runs ORDER BY idx")
            names = [d[0] for d in cur.description]
            walls, found = (  # an older file may not have these (read-only: not created)
                dict(self._db.execute(f"SELECT * FROM {t}")) if t in self._tables else {}
                for t in ("timing", "found"))
            rows = [dict(zip(names, row)) for row in cur]
        results = []
        for row in rows:
            try:
                results.append(result_of(row, walls.get(row["idx"]), found.get(row["idx"])))
            except BadRow as exc:
                raise StoreError(f"{self.path}: run {row['idx']!r}: {exc}; {_EDITED}, or delete "
                                 "that row to run it again") from None
        return results

    def table(self) -> list[tuple[Any, ...]]:
        """The ``runs`` table as plain rows (what "the same final table" compares)."""
        with self._guard("read the runs"):
            return list(self._db.execute("SELECT * FROM runs ORDER BY idx"))

    def result_for_seed(self, seed: int, index: int | None = None) -> RunResult | None:
        """The stored run with this seed (and index, if given), or None."""
        return next(
            (r for r in self.results() if r.seed == seed and (index is None or r.index == index)),
            None,
        )


def _row(r: RunResult) -> tuple[Any, ...]:
    return (
        r.index, r.seed, r.status, r.outcome, r.duration, r.energy, r.distance, len(r.falls),
        json.dumps([asdict(p) for p in r.falls]), r.failure_path, r.failure_reason, r.error,
        r.attempts, json.dumps(dict(r.draw), sort_keys=True),
        json.dumps(dict(r.metrics), sort_keys=True), json.dumps(dict(r.met), sort_keys=True),
        r.log_path,
    )
