"""The campaign database: one SQLite file with the campaign's inputs and one row per run.

Tables: ``campaign`` (key/value: mission file and its SHA-256, campaign seed, backend, the
variation and the requirements as JSON), ``runs`` (one row per finished run: seed, drawn
parameters, outcome, duration, energy, falls and where, failing node path and reason, each
``require`` value and whether it was met, the error of a crashed run, the path of a failed run's
event log) and ``timing`` (wall seconds per run, kept apart so that ``runs`` is the same table
however the campaign was run). Rows are committed batch by batch, so an interrupted campaign
keeps every finished run and :meth:`CampaignStore.done` tells the next invocation where to go on.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from quadmission.campaign.result import FallPoint, RunResult

__all__ = ["CampaignStore", "StoreError", "mission_digest"]

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

#: Inputs that must match for a campaign database to be continued.
IDENTITY = ("mission_sha256", "seed", "backend", "variation")


class StoreError(ValueError):
    """The database cannot be used for this campaign; the message names the file and the field."""


def mission_digest(text: str) -> str:
    """SHA-256 of a mission's source (and what it loads), to refuse resuming a changed mission."""
    return hashlib.sha256(text.encode()).hexdigest()


class CampaignStore:
    """One campaign database (created if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a campaign database ({exc})") from None

    def close(self) -> None:
        """Close the connection (safe twice)."""
        self._db.close()

    # ---------------------------------------------------------------------------- the inputs
    def meta(self) -> dict[str, str]:
        """The campaign's inputs as stored."""
        return dict(self._db.execute("SELECT key, value FROM campaign"))

    def bind(self, meta: Mapping[str, str]) -> None:
        """Store the inputs of a new campaign, or check they match those of the one stored.

        Raises:
            StoreError: the stored campaign differs in one of :data:`IDENTITY`.
        """
        stored = self.meta()
        for key in IDENTITY:
            if key in stored and key in meta and stored[key] != meta[key]:
                raise StoreError(
                    f"{self.path}: this database holds a campaign with another {key} "
                    f"({stored[key][:60]!r}, asked {meta[key][:60]!r}); use another --out "
                    "folder or delete it to start again"
                )
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO campaign VALUES (?, ?)",
                [(k, v) for k, v in meta.items() if k not in stored or k not in IDENTITY],
            )

    # ------------------------------------------------------------------------------ the runs
    def done(self) -> set[int]:
        """Indices of the runs already stored."""
        return {row[0] for row in self._db.execute("SELECT idx FROM runs")}

    def add(self, results: Iterable[RunResult]) -> None:
        """Store finished runs in one transaction (a run stored twice keeps its first row)."""
        rows = list(results)
        with self._db:
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
        """Every stored run, by index."""
        cur = self._db.execute("SELECT * FROM runs ORDER BY idx")
        names = [d[0] for d in cur.description]
        walls = dict(self._db.execute("SELECT idx, wall_time FROM timing"))
        found = dict(self._db.execute("SELECT idx, entities FROM found"))
        return [
            _result(dict(zip(names, row)), walls.get(row[0], 0.0), found.get(row[0]))
            for row in cur
        ]

    def table(self) -> list[tuple[Any, ...]]:
        """The ``runs`` table as plain rows (what "the same final table" compares)."""
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


def _found(text: str | None) -> tuple[tuple[str, str], ...] | None:
    if text is None:
        return None
    return tuple((str(kind), str(name)) for kind, name in json.loads(text))


def _result(row: dict[str, Any], wall: float, found: str | None = None) -> RunResult:
    return RunResult(
        index=row["idx"], seed=row["seed"], status=row["status"], outcome=row["outcome"],
        draw=json.loads(row["draw"] or "{}"), duration=row["duration"] or 0.0,
        energy=row["energy"] or 0.0, distance=row["distance"] or 0.0,
        falls=tuple(FallPoint(**p) for p in json.loads(row["fall_points"] or "[]")),
        failure_path=row["failure_path"], failure_reason=row["failure_reason"],
        metrics=json.loads(row["metrics"] or "{}"), met=json.loads(row["met"] or "{}"),
        error=row["error"], wall_time=wall, attempts=row["attempts"] or 1,
        log_path=row["log_path"], found=_found(found),
    )
