"""The one adapter from a finished run to a campaign's result row.

Everything a campaign stores about a run is computed here from what the run session returns
today (:class:`bt_runtime.report.RunReport`) plus the fall points a :class:`FallWatch` saw in the
run's telemetry. The metric values are those of :data:`bt_runtime.vocabulary.METRICS` computed
from the report (for distributions and the separation analysis).

There is one judge of a per-run ``require`` line: the runtime, which records a verdict per line in
:class:`~bt_runtime.events.RunFinished`'s ``summary["requirements"]``
(:mod:`bt_runtime.requirements`). A campaign reads those records as they are, generically — a
label, ``met`` (True, False, or None for "judged by a campaign") and an optional numeric
``measured`` — so a new kind of requirement (a temporal ``require always ...``) needs no change
here. Aggregate criteria (``success >= 95 %``) are judged over the runs in :mod:`.stats`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

from bt_runtime.events import Telemetry
from bt_runtime.report import RunReport
from locomotion.world import World

__all__ = [
    "FallPoint",
    "FallWatch",
    "RunResult",
    "crashed",
    "metrics_of",
    "requirement_key",
    "result_from",
    "verdicts_of",
]

#: What a verdict observed in its run (never part of the criterion's label): whether it was met,
#: the measured value, and when and how (``at``, ``note`` of a temporal line).
_VERDICT_STATE = frozenset({"met", "measured", "unfinished", "at", "note"})
_KEY_FIELDS = ("metric", "op", "value")
_PLAIN_FIELDS = _VERDICT_STATE | set(_KEY_FIELDS) | {"criterion"}

#: Metrics judged over the campaign (a rate with an interval), not per run.
AGGREGATE_METRICS = frozenset({"success"})


@dataclass(frozen=True)
class FallPoint:
    """Where the robot fell: position, simulated time and the terrain region ("" off regions)."""

    x: float
    y: float
    time: float
    region: str


class FallWatch:
    """An event sink that keeps only the places where the robot fell (a cheap sink: no I/O).

    It reads a sample's fall flag, position and time only, so it tells the executor
    (``reads_terrain_true``) to leave out the world's terrain label, a polygon search per sample.
    """

    reads_terrain_true: ClassVar[bool] = False

    def __init__(self, world: World) -> None:
        self._world = world
        self._fallen = False
        self.points: list[FallPoint] = []

    def append(self, event: Any) -> None:
        if isinstance(event, Telemetry):
            if event.fallen and not self._fallen:
                region = self._world.region_at(event.x, event.y)
                self.points.append(
                    FallPoint(event.x, event.y, event.sim_time, region.name if region else "")
                )
            self._fallen = event.fallen

    def commit_tick(self) -> None:
        """Nothing to commit: the points are kept in memory."""


@dataclass(frozen=True)
class RunResult:
    """One row of the campaign table.

    ``status`` is ``done`` or ``crashed`` (the run raised; ``error`` says what); ``outcome`` the
    run's own (``success``, ``failure``, ``aborted``) or ``crashed``.
    """

    index: int
    seed: int
    status: str
    outcome: str
    draw: Mapping[str, float] = field(default_factory=dict)
    duration: float = 0.0
    energy: float = 0.0
    distance: float = 0.0
    falls: tuple[FallPoint, ...] = ()
    failure_path: str | None = None
    failure_reason: str | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    met: Mapping[str, bool] = field(default_factory=dict)
    error: str | None = None
    wall_time: float = 0.0
    attempts: int = 1
    log_path: str | None = None
    found: tuple[tuple[str, str], ...] | None = None
    """What the run's sensor found, as (kind, name) in the order found; None: not recorded (a
    crashed run, or a row stored before campaigns recorded detections)."""

    @property
    def success(self) -> bool:
        return self.outcome == "success"


def metrics_of(report: RunReport) -> dict[str, float]:
    """The value of every metric of :data:`~bt_runtime.vocabulary.METRICS` for one run.

    ``success`` is 100 (%) for a successful run and 0 otherwise, so the campaign's mean is the
    success rate in the unit ``require success >= 95 %`` is written in.
    """
    return {
        "success": 100.0 if report.outcome == "success" else 0.0,
        "duration": report.duration,
        "min_battery": report.min_battery,
        "falls": float(report.falls),
        "distance": report.distance,
        "victims_found": float(len(report.victims)),
        "deliveries": float(len(report.delivered)),
    }


def requirement_key(requirement: object) -> str | None:
    """The label a campaign files a ``require`` line under (``duration <= 600``).

    The same text :func:`verdicts_of` derives from the line's recorded verdict, so a criterion
    built from the mission's lines finds each run's verdict. Lines of a kind that has no
    ``metric op value`` (a temporal requirement) give None: their label comes from the verdicts.
    """
    metric, op, value = (getattr(requirement, k, None) for k in ("metric", "op", "value"))
    if isinstance(metric, str) and isinstance(op, str) and isinstance(value, (int, float)):
        return f"{metric} {op} {value:g}"
    return None


def _label(record: Mapping[str, Any]) -> str:
    """A verdict's label: ``metric op value`` for a plain line; for a record with fields of its
    own (a new kind), its ``criterion`` or ``label`` text if it has one, else its fields as sorted
    JSON without what the run observed (so every run of one line files under one label)."""
    extra = set(record) - _PLAIN_FIELDS
    if not extra:
        key = requirement_key(SimpleNamespace(**{k: record.get(k) for k in _KEY_FIELDS}))
        if key is not None:
            return key
    for name in ("criterion", "label"):  # a kind that names itself (temporal lines: `label`)
        text = record.get(name)
        if isinstance(text, str) and text:
            return text
    rest = {k: v for k, v in record.items() if k not in _VERDICT_STATE}
    return json.dumps(rest, sort_keys=True, default=str)


def verdicts_of(records: Iterable[object]) -> tuple[dict[str, bool], dict[str, float]]:
    """The per-run verdicts a run recorded, by label: whether each was met, and its measure.

    Records with ``met`` None (judged by a campaign) are left to the campaign; records that are
    not mappings are ignored. Nothing about the kind of requirement is assumed.

    Args:
        records: ``RunFinished.summary["requirements"]``.

    Returns:
        ``(met, measured)``: ``{label: bool}`` and ``{label: value}`` for finite numeric measures.
    """
    met: dict[str, bool] = {}
    measured: dict[str, float] = {}
    for record in records:
        if not isinstance(record, Mapping) or not isinstance(record.get("met"), bool):
            continue
        label = _label(record)
        met[label] = bool(record["met"])
        value = record.get("measured")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
                value):
            measured[label] = float(value)
    return met, measured


def result_from(
    index: int,
    seed: int,
    draw: Mapping[str, float],
    report: RunReport,
    falls: Sequence[FallPoint],
) -> RunResult:
    """The result row of a finished run.

    Args:
        index: the run's index in the campaign.
        seed: its run seed.
        draw: its drawn parameters.
        report: what :func:`quadmission.session.simulate` returned; its per-run verdicts are
            read from the summary it records in ``RunFinished`` (:func:`verdicts_of`).
        falls: where it fell (:class:`FallWatch`).

    Returns:
        The row.
    """
    metrics = metrics_of(report)
    met, measured = verdicts_of(report.summary().get("requirements", ()))
    for label, value in measured.items():  # a new kind's measure is stored under its label
        if label.split(" ", 1)[0] not in metrics:
            metrics[label] = value
    return RunResult(
        index=index,
        seed=seed,
        status="done",
        outcome=report.outcome,
        draw=dict(draw),
        duration=report.duration,
        energy=report.energy,
        distance=report.distance,
        falls=tuple(falls),
        failure_path=report.failure_path,
        failure_reason=report.failure_reason,
        metrics=metrics,
        met=met,
        wall_time=report.wall_time,
        found=tuple((d.kind, d.name) for d in report.detections),
    )


def crashed(index: int, seed: int, draw: Mapping[str, float], error: str, attempts: int) -> RunResult:
    """The row of a run that raised (on every attempt)."""
    return RunResult(index, seed, "crashed", "crashed", dict(draw), error=error, attempts=attempts)
