"""The one adapter from a finished run to a campaign's result row.

Everything a campaign stores about a run is computed here from what the run session returns
today (:class:`bt_runtime.report.RunReport`) plus the fall points a :class:`FallWatch` saw in the
run's telemetry. The ``require`` values are those of :data:`bt_runtime.vocabulary.METRICS`
computed from the report; each per-run requirement is judged here with :func:`judge`. (When the
runtime judges ``require`` lines itself, its per-run verdicts plug into :func:`result_from`.)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bt_runtime.events import Telemetry
from bt_runtime.report import RunReport
from dsl.checker import Requirement
from locomotion.world import World

__all__ = ["FallPoint", "FallWatch", "RunResult", "crashed", "judge", "metrics_of", "result_from"]

_OPS: Mapping[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
    "==": lambda a, b: abs(a - b) < 1e-9, "!=": lambda a, b: abs(a - b) >= 1e-9,
}

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
    """An event sink that keeps only the places where the robot fell (a cheap sink: no I/O)."""

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


def judge(requirement: Requirement, value: float) -> bool:
    """Whether one run's ``value`` meets ``requirement`` (``metric op value``)."""
    return _OPS[requirement.op](value, requirement.value)


def result_from(
    index: int,
    seed: int,
    draw: Mapping[str, float],
    report: RunReport,
    falls: Sequence[FallPoint],
    requirements: Sequence[Requirement],
) -> RunResult:
    """The result row of a finished run.

    Args:
        index: the run's index in the campaign.
        seed: its run seed.
        draw: its drawn parameters.
        report: what :func:`quadmission.session.simulate` returned.
        falls: where it fell (:class:`FallWatch`).
        requirements: the mission's ``require`` lines; per-run ones are judged here.

    Returns:
        The row.
    """
    metrics = metrics_of(report)
    met = {
        f"{r.metric} {r.op} {r.value:g}": judge(r, metrics[r.metric])
        for r in requirements
        if r.metric not in AGGREGATE_METRICS and r.metric in metrics
    }
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
