"""The run log's file format: its tables, schema version, and the check a reader makes first.

Kept apart from the writer and the reader so both read one definition of the format. Events are
spread over typed tables (``status_changes``, ``facts``, ``telemetry``, ``alerts``,
``detections``...) that share one
sequence number, so a reader can merge them back by tick, then in the order written.

Schema history (``PRAGMA user_version``):

* 1 — first format: ``facts.blackboard`` flag, ``meta.telemetry_hz``, alerts named by path only.
* 2 — alerts carry ``node_id``; the never-written blackboard flag and the writer's telemetry rate
  are gone (telemetry is decimated once, by the executor, before it reaches the log).
* 3 — ``operator_commands``: every pause, resume, step and abort, with its origin and wall time.
* 4 — the world for a monitor's map (``world``), entities found and regions closed
  (``world_changes``), and the true terrain under the robot (``telemetry.terrain_true``).
* 5 — ``detections``: what the sensor found, where, from how far, how sure and by which action.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = [
    "APPLICATION_ID",
    "RUN_LOG_SUFFIX",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TELEMETRY_COLUMNS",
    "EventLogError",
    "EventLogFull",
    "NotARunLog",
    "check_format",
    "run_log_header",
    "run_log_path",
]

SCHEMA_VERSION = 5
APPLICATION_ID = 0x514D5255  # "QMRU": marks the file as a quadmission run log
RUN_LOG_SUFFIX = ".sqlite"

TELEMETRY_COLUMNS = (
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
    "terrain_true",
)
"""The telemetry table's columns, in :class:`~bt_runtime.events.Telemetry` field order."""

SCHEMA = f"""
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run_id TEXT NOT NULL, mission TEXT NOT NULL, source_path TEXT NOT NULL, seed INTEGER,
    backend TEXT NOT NULL, tick_rate REAL NOT NULL, started_at REAL NOT NULL, event TEXT NOT NULL
);
CREATE TABLE tree (id INTEGER PRIMARY KEY CHECK (id = 1), event TEXT NOT NULL);
CREATE TABLE status_changes (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    node_id TEXT NOT NULL, node_path TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE facts (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    key TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL
);
CREATE TABLE telemetry (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    x REAL, y REAL, z REAL, roll REAL, pitch REAL, yaw REAL, vx REAL, vy REAL, wz REAL,
    battery REAL, terrain TEXT, gait TEXT, energy REAL, fallen INTEGER, stuck INTEGER,
    terrain_true TEXT
);
CREATE TABLE alerts (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    severity TEXT NOT NULL, message TEXT NOT NULL, node_path TEXT NOT NULL, node_id TEXT NOT NULL
);
CREATE TABLE operator_commands (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    command TEXT NOT NULL, origin TEXT NOT NULL, wall_time REAL NOT NULL
);
CREATE TABLE outcome (
    id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, outcome TEXT NOT NULL,
    duration REAL NOT NULL, event TEXT NOT NULL
);
CREATE TABLE world (id INTEGER PRIMARY KEY CHECK (id = 1), event TEXT NOT NULL);
CREATE TABLE world_changes (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    change TEXT NOT NULL, name TEXT NOT NULL
);
CREATE TABLE detections (
    seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, sim_time REAL NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL,
    distance REAL NOT NULL, confidence REAL NOT NULL, action TEXT NOT NULL, node_path TEXT NOT NULL,
    node_id TEXT NOT NULL
);
CREATE INDEX status_changes_tick ON status_changes (tick);
CREATE INDEX facts_tick ON facts (tick);
CREATE INDEX telemetry_tick ON telemetry (tick);
CREATE INDEX alerts_tick ON alerts (tick);
CREATE INDEX operator_commands_tick ON operator_commands (tick);
PRAGMA user_version = {SCHEMA_VERSION};
PRAGMA application_id = {APPLICATION_ID};
"""


class EventLogError(Exception):
    """A run log cannot be written or read; the message names the file and what to do."""


class EventLogFull(EventLogError):
    """The disk refused a write (full, over a size limit, or failing): the run cannot be recorded
    further. What was committed before stays readable; a run that hits this ends as aborted."""


class NotARunLog(EventLogError):
    """A readable SQLite file of some other program (its application id is not ours)."""


def check_format(path: Path, application_id: int, version: int) -> None:
    """Refuse a file that is not a run log of exactly this schema, saying what to do instead.

    Args:
        path: the file, for the message.
        application_id: its ``PRAGMA application_id``.
        version: its ``PRAGMA user_version``.

    Raises:
        NotARunLog: another program's SQLite file.
        EventLogError: written with another schema (older or newer).
    """
    if application_id != APPLICATION_ID:
        raise NotARunLog(f"{path}: an SQLite file, but not a quadmission run log")
    if version > SCHEMA_VERSION:
        raise EventLogError(
            f"{path}: written by a newer quadmission (log schema {version}; this version "
            f"reads schema {SCHEMA_VERSION}): upgrade quadmission to read it"
        )
    if 0 < version < SCHEMA_VERSION:
        raise EventLogError(
            f"{path}: written by an older quadmission (log schema {version}; this version reads "
            f"schema {SCHEMA_VERSION} only): run the mission again to record it in this format"
        )
    if version != SCHEMA_VERSION:
        raise EventLogError(f"{path}: unknown run log schema version {version}")


_SQLITE_MAGIC = b"SQLite format 3\x00"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def run_log_header(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` starts as a run log does, whatever its name (``--log x.txt``).

    It does if its 100-byte SQLite header carries :data:`APPLICATION_ID`, or no application id
    at all beside a ``-wal``: a run still writing (or killed) before its first checkpoint has its
    header in the write-ahead log, which only a reader sees. Only a regular file is read, opened
    without blocking (a FIFO would wait for a writer) and checked after opening.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 100)
    except OSError:
        return False
    finally:
        os.close(fd)
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return False
    application_id = int.from_bytes(head[68:72], "big")
    return application_id == APPLICATION_ID or (
        application_id == 0 and os.path.isfile(f"{os.fspath(path)}-wal"))


def run_log_path(folder: str | os.PathLike[str], run_id: str) -> Path:
    """Where the log of run ``run_id`` goes in ``folder`` by default (any name will do for
    :func:`bt_runtime.runlist.list_runs`, which reads the files' headers)."""
    return Path(folder) / f"{run_id}{RUN_LOG_SUFFIX}"
