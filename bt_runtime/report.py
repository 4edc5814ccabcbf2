"""What a run tells the operator: the live progress line and the final report.

Kept apart from the executor so the CLI, the log and (later) a monitor can format a run's outcome
without importing the tick loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bt_runtime.events import Detection, StatusChanged
from bt_runtime.requirements import Verdict

__all__ = ["Progress", "RunReport", "detection_lines", "failure_origin", "missed_text",
           "requirement_lines"]


def missed_text(count: int) -> str:
    """``1 requirement missed`` / ``2 requirements missed``: how a run's report and the runs
    table say it."""
    return f"{count} requirement{'s' if count > 1 else ''} missed"


@dataclass(frozen=True)
class Progress:
    """What a progress display shows."""

    sim_time: float
    action: str
    feedback: str
    battery: float
    terrain: str
    gait: str
    paused: bool


@dataclass(frozen=True)
class RunReport:
    """The final report of a run (also the summary recorded in :class:`RunFinished`)."""

    outcome: str
    duration: float
    distance: float
    energy: float
    battery: float
    min_battery: float
    victims: tuple[str, ...]
    intruders: tuple[str, ...]
    delivered: tuple[str, ...]
    falls: int
    alerts: int
    ticks: int
    wall_time: float
    failure_path: str | None = None
    failure_reason: str | None = None
    requirements: tuple[Verdict, ...] = ()
    """The mission's ``require`` lines judged on this run (see :mod:`bt_runtime.requirements`)."""
    detections: tuple[Detection, ...] = ()
    """What the sensor found, in order: which entity, where, when, how sure, by which action."""

    @property
    def missed(self) -> tuple[Verdict, ...]:
        """The requirements this run measured and missed."""
        return tuple(v for v in self.requirements if v.met is False)

    def summary(self) -> dict[str, Any]:
        """Plain data for the log (wall time left out: it differs between identical runs)."""
        data = dataclasses.asdict(self)
        for key in ("outcome", "duration", "distance", "energy", "wall_time"):
            data.pop(key)
        data.pop("failure_path")
        data.pop("failure_reason")
        data["requirements"] = [v.to_json() for v in self.requirements]
        data["detections"] = [_detection_json(d) for d in self.detections]
        return data

    def lines(self) -> list[str]:
        """The human report, one fact per line."""
        rtf = self.duration / self.wall_time if self.wall_time > 0 else float("inf")
        missed = len(self.missed)
        but = f", but {missed_text(missed)}" if missed else ""
        out = [
            f"outcome:   {self.outcome.upper()}{but}",
            (
                f"duration:  {self.duration:.1f} s simulated ({self.wall_time:.1f} s wall, "
                f"{rtf:.1f}x real time), {self.ticks} tick{'s' if self.ticks != 1 else ''}"
            ),
            f"distance:  {self.distance:.1f} m",
            (
                f"energy:    {self.energy:.2f} Wh; battery {self.battery:.0f} % at the end, "
                f"{self.min_battery:.0f} % lowest"
            ),
            (
                f"found:     {len(self.victims)} victim(s){_names(self.victims)}, "
                f"{len(self.intruders)} intruder(s){_names(self.intruders)}"
            ),
            *detection_lines(self.detections),
            f"delivered: {len(self.delivered)}{_names(self.delivered)}",
            f"falls:     {self.falls}; alerts: {self.alerts}",
        ]
        if self.failure_reason:
            out.append(f"failed at: {self.failure_path or '?'}")
            out.append(f"reason:    {self.failure_reason}")
        out.extend(requirement_lines(self.requirements))
        return out


def requirement_lines(verdicts: Iterable[Verdict]) -> list[str]:
    """``require:   falls == 0: met (measured 0)``, one line per verdict, aligned."""
    return [f"{'require:' if i == 0 else '':<11}{v.line()}" for i, v in enumerate(verdicts)]


def detection_lines(detections: Iterable[Detection]) -> list[str]:
    """One line per detection, under the report's ``found:`` line::

        victim v2 at (3.2, -1.0) at 41.2 s, confidence 87 %, by search west_wing for victim
    """
    out = []
    for d in detections:
        by = f", by {d.action}" if d.action else ""
        out.append(
            f"{'':<11}{d.kind} {d.name} at {d.position} at {d.sim_time:.1f} s, "
            f"confidence {round(d.confidence * 100)} %{by}"
        )
    return out


def _detection_json(d: Detection) -> dict[str, Any]:
    """One detection in the run summary: what, where, when, how sure, by which action."""
    return {
        "kind": d.kind, "name": d.name, "x": d.x, "y": d.y, "time": d.sim_time,
        "distance": d.distance, "confidence": d.confidence, "action": d.action,
        "node_path": d.node_path,
        "node_id": d.node_id,
    }


def _names(names: Iterable[str]) -> str:
    items = list(names)
    return f" ({', '.join(items)})" if items else ""


def failure_origin(final_changes: Iterable[StatusChanged]) -> StatusChanged | None:
    """The deepest node of the final tick whose failure failed every ancestor up to the root.

    (A condition that failed under an inverter, or a child a fallback recovered from, is not on
    that chain.) Ancestry is read from the position ids, since names may contain "/".

    Args:
        final_changes: the status changes of the tick on which the root failed.

    Returns:
        That node's change to FAILURE, or None if no chain of failures reaches the root.
    """
    failed = {c.node_id: c for c in final_changes if c.new == "FAILURE"}

    def chain(node_id: str) -> bool:
        parts = node_id.split(".")
        return all(".".join(parts[:i]) in failed for i in range(1, len(parts)))

    best = max((i for i in failed if chain(i)), key=lambda i: i.count("."), default=None)
    return failed[best] if best is not None else None
