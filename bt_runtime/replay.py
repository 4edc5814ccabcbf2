"""Tell a recorded run again as text: ``mission replay LOG`` and ``mission runs FOLDER``.

:func:`replay_lines` is a pure function from a reader to lines, so tests and other front ends can
use it without a terminal; :func:`write_replay` and :func:`run_lines` are what the ``mission
replay`` and ``mission runs`` commands (in :mod:`quadmission.commands`) print. Every
status change, fact change, alert, detection (what was found, where, how sure, by which action)
and operator command (pause, step, resume, abort: who and when) is told in order; telemetry,
which is recorded several times a second, is summarised to one line every ``telemetry_every``
simulated seconds (plus the moments the robot falls or gets stuck, and the last sample).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import TextIO

from bt_runtime.events import (
    Alert,
    Detection,
    FactChanged,
    OperatorCommand,
    RunFinished,
    RunStarted,
    StatusChanged,
    Telemetry,
)
from bt_runtime.logreader import EventLogReader
from bt_runtime.report import missed_text
from bt_runtime.requirements import verdict_from_json
from bt_runtime.runlist import RunSummary

__all__ = [
    "replay_lines",
    "run_lines",
    "write_replay",
]


def _utc(stamp: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))
    except (OverflowError, OSError, ValueError):  # the reader checks; a hand-made value may not be
        return "?"


def _at(sim_time: float) -> str:
    return f"[{sim_time:8.2f}s]"


def _header(started: RunStarted, node_count: int | None) -> Iterator[str]:
    yield f"mission {started.mission}  ({started.source_path})"
    seed = "none" if started.seed is None else str(started.seed)
    yield (
        f"run {started.run_id}  seed {seed}  backend {started.backend}  "
        f"started {_utc(started.started_at)}  tick rate {started.tick_rate:g} Hz"
    )
    versions = ", ".join(f"{name} {version}" for name, version in started.versions.items())
    yield f"versions: {versions}"
    if started.physics:
        drawn = ", ".join(f"{name} {value:g}" for name, value in started.physics.items())
        yield f"physics drawn by the seed: {drawn}"
    yield "tree: not recorded" if node_count is None else f"tree: {node_count} nodes"


def _telemetry_line(sample: Telemetry) -> str:
    flags = "".join(
        label for label, on in (("  FALLEN", sample.fallen), ("  STUCK", sample.stuck)) if on
    )
    return (
        f"{_at(sample.sim_time)} robot    at ({sample.x:.2f}, {sample.y:.2f}) "
        f"heading {math.degrees(sample.yaw):.0f}°  battery {sample.battery:.1f}%  "
        f"terrain {sample.terrain}  gait {sample.gait}  energy {sample.energy:.2f} Wh{flags}"
    )


def _event_line(event: StatusChanged | FactChanged | Alert | OperatorCommand | Detection) -> str:
    if isinstance(event, Detection):
        return f"{_at(event.sim_time)} FOUND    {event.line().removeprefix('found ')}"
    if isinstance(event, StatusChanged):
        reason = f"  ({event.reason})" if event.reason else ""
        return (
            f"{_at(event.sim_time)} status   {event.node_path}: {event.old} -> {event.new}{reason}"
        )
    if isinstance(event, FactChanged):
        return f"{_at(event.sim_time)} fact     {event.key}: {event.old!r} -> {event.new!r}"
    if isinstance(event, OperatorCommand):
        return (
            f"{_at(event.sim_time)} operator {event.command} from {event.origin} "
            f"at {_utc(event.wall_time)}"
        )
    where = f"  (at {event.node_path})" if event.node_path else ""
    return f"{_at(event.sim_time)} {event.severity.upper():<8} {event.message}{where}"


def _outcome_lines(finished: RunFinished | None, last_time: float) -> Iterator[str]:
    if finished is None:
        yield f"outcome: incomplete (the run did not finish; last record at {last_time:.2f} s)"
        return
    yield (
        f"outcome: {finished.outcome} after {finished.duration:.2f} s  "
        f"(distance {finished.distance:.2f} m, energy {finished.energy:.2f} Wh)"
    )
    if finished.failure_path or finished.failure_reason:
        yield f"  failed at {finished.failure_path or '?'}: {finished.failure_reason or 'no reason given'}"
    for key, value in finished.summary.items():
        if key not in ("requirements", "detections"):
            yield f"  {key}: {_summary_value(key, value)}"
    yield from _detection_lines(finished.summary.get("detections"))
    yield from _requirement_lines(finished.summary.get("requirements"))


#: Summary entries read in percent (the others in their own words: counts, names).
_PERCENT_KEYS = frozenset({"battery", "min_battery"})


def _summary_value(key: str, value: object) -> str:
    """One entry of the run's summary as a person reads it: ``62.5 %``, ``medkit, water``,
    ``none``; anything of another shape (a newer or a tampered log) as it was recorded."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.1f} %" if key in _PERCENT_KEYS else f"{value:.2f}"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) if value else "none"
    if isinstance(value, (bool, int, str)):
        return str(value)
    return repr(value)


def _detection_lines(recorded: object) -> Iterator[str]:
    """What was found, from the summary (logs from before detections were recorded have none)."""
    if recorded is None:
        return
    if not isinstance(recorded, list):
        yield "  found: (damaged record)"
        return
    for item in recorded:
        try:
            by = f", by {item['action']}" if item.get("action") else ""
            yield (
                f"  found {item['kind']} {item['name']} at ({float(item['x']):.1f}, "
                f"{float(item['y']):.1f}) at {float(item['time']):.1f} s, confidence "
                f"{round(float(item['confidence']) * 100)} %{by}"
            )
        except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
            yield "  found: (damaged record)"


def _requirement_lines(recorded: object) -> Iterator[str]:
    """The ``require`` verdicts of the summary (logs from before they were judged have none)."""
    if recorded is None:
        return
    if not isinstance(recorded, list):
        yield "  require: (damaged record)"
        return
    for item in recorded:
        verdict = verdict_from_json(item)
        yield f"  require {verdict.line()}" if verdict else "  require: (damaged record)"


def replay_lines(reader: EventLogReader, *, telemetry_every: float = 5.0) -> Iterator[str]:
    """The run in ``reader`` as lines of text, header first, outcome last.

    Args:
        reader: an open run log.
        telemetry_every: simulated seconds between two telemetry summary lines.

    Raises:
        EventLogError: the log is damaged or holds no run metadata.
    """
    tree = reader.tree()
    yield from _header(reader.run_started(), None if tree is None else sum(1 for _ in tree.nodes()))
    final = reader.last_telemetry()
    printed_at: float | None = None
    last: Telemetry | None = None
    last_time = 0.0
    for event in reader.events():
        last_time = max(last_time, event.sim_time)  # type: ignore[union-attr]
        if isinstance(event, Telemetry):
            trouble = (event.fallen and not (last and last.fallen)) or (
                event.stuck and not (last and last.stuck)
            )
            last = event
            due = printed_at is None or event.sim_time >= printed_at + telemetry_every
            if due or trouble or event == final:
                printed_at = event.sim_time
                yield _telemetry_line(event)
        elif isinstance(event, (StatusChanged, FactChanged, Alert, OperatorCommand, Detection)):
            yield _event_line(event)
    yield from _outcome_lines(reader.outcome(), last_time)


def write_replay(reader: EventLogReader, out: TextIO, *, telemetry_every: float = 5.0) -> None:
    """Write :func:`replay_lines` to ``out``, one per line."""
    out.writelines(line + "\n" for line in replay_lines(reader, telemetry_every=telemetry_every))


def run_lines(summaries: list[RunSummary]) -> list[str]:
    """A fixed-width table of runs, one line each, with a header; the last column is the log's
    path (what ``mission replay`` takes, as well as the run id)."""
    header = ("run", "mission", "started", "backend", "seed", "outcome", "duration", "log")
    rows = [
        (
            s.run_id,
            s.mission or "?",
            _utc(s.started_at) if s.started_at else "?",
            s.backend or "?",
            "-" if s.seed is None else str(s.seed),
            f"{s.outcome}, {missed_text(s.missed)}" if s.missed else s.outcome,
            f"{s.duration:.1f} s",
            str(s.path),
        )
        for s in summaries
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in (header, *rows)
    ]
    lines += [f"{s.path}: {s.error}" for s in summaries if s.error]
    return lines
