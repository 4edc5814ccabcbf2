"""The runs recorded in a folder, one summary each: what ``mission runs`` lists and where
``mission replay`` looks a run id up (one scan, so the two can never disagree on what is a run).

A run log is found by what it holds, not by its name (``mission run --log x.txt`` is a run log
too): a file whose SQLite header carries the run log's application id
(:func:`bt_runtime.logschema.run_log_header`). A file named like a run log (``*.sqlite``) is listed
even when it cannot be read, as damaged with the reason, since its name says it should be one; any
other file (notes, plots, another program's database) is not a run and is only counted. A log's
``-wal``, ``-shm`` or ``-journal`` companion and the folder's subfolders are passed over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bt_runtime.events import RunFinished
from bt_runtime.logreader import EventLogReader
from bt_runtime.logschema import RUN_LOG_SUFFIX, EventLogError, NotARunLog, run_log_header
from bt_runtime.requirements import verdict_from_json

__all__ = ["RunListing", "RunSummary", "list_runs", "scan_runs", "summarise"]

_COMPANIONS = ("-wal", "-shm", "-journal")


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


@dataclass(frozen=True)
class RunListing:
    """The runs found (oldest first) and the other files passed over (by name)."""

    runs: tuple[RunSummary, ...]
    others: tuple[Path, ...]


def _missed(finished: RunFinished | None) -> int:
    """How many requirement verdicts of the run's summary say missed (0 if it has none; a
    damaged verdict, which a replay shows as such, counts for nothing)."""
    verdicts = finished.summary.get("requirements") if finished is not None else None
    if not isinstance(verdicts, list):
        return 0
    return sum(1 for item in verdicts
               if (verdict := verdict_from_json(item)) is not None and verdict.met is False)


def _read_summary(path: Path) -> RunSummary:
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


def summarise(path: str | os.PathLike[str]) -> RunSummary:
    """The summary of the run log at ``path``; one that cannot be read is ``"damaged"``, with the
    reason in ``error`` (never an exception)."""
    path = Path(path)
    try:
        return _read_summary(path)
    except EventLogError as exc:
        return RunSummary(path, path.stem, "", 0.0, "", None, "damaged", 0.0, error=str(exc))


def _is_companion(path: Path) -> bool:
    """A log's -wal, -shm or -journal file (SQLite's, beside the log it belongs to)."""
    name = path.name
    return any(name.endswith(tail) and os.path.lexists(path.with_name(name[: -len(tail)]))
               for tail in _COMPANIONS)


def _entry(path: Path) -> RunSummary | Path | None:
    """A run's summary, ``path`` itself for a file that is not a run log, None to pass over."""
    if path.name.endswith(RUN_LOG_SUFFIX):
        return summarise(path)  # named as a run log: listed, damaged if need be
    if _is_companion(path) or path.is_dir():
        return None
    if not run_log_header(path):
        return path
    try:
        return _read_summary(path)
    except NotARunLog:  # no application id and a -wal: another program's database after all
        return path
    except EventLogError:
        return summarise(path)


def scan_runs(folder: str | os.PathLike[str]) -> RunListing:
    """Every run log in ``folder`` (not its subfolders), by content, and the other files.

    Damaged or unreadable logs (tampered rows, a FIFO or a folder by a log's name...) are runs
    with outcome ``"damaged"`` and the reason, never hidden or fatal.

    Raises:
        EventLogError: ``folder`` is not a folder, or cannot be listed.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EventLogError(f"{root}: no such folder of runs, or run log")
    try:
        paths = sorted(root.iterdir())
    except OSError as exc:
        raise EventLogError(f"{root}: cannot list the folder: {exc.strerror or exc}") from None
    runs: list[RunSummary] = []
    others: list[Path] = []
    for path in paths:
        entry = _entry(path)
        if isinstance(entry, RunSummary):
            runs.append(entry)
        elif entry is not None:
            others.append(entry)
    runs.sort(key=lambda s: (s.started_at, s.run_id))
    return RunListing(tuple(runs), tuple(others))


def list_runs(folder: str | os.PathLike[str]) -> list[RunSummary]:
    """The runs of :func:`scan_runs`, oldest first.

    Raises:
        EventLogError: ``folder`` is not a folder, or cannot be listed.
    """
    return list(scan_runs(folder).runs)
