"""Judging a mission's ``require`` lines at the end of one run.

A ``require metric op value`` line names a metric of :data:`bt_runtime.vocabulary.METRICS`. Most
are measured by one run (its duration, falls, lowest battery, deliveries...) and are judged here,
met or missed, with the measured value; ``success`` is a rate over many runs, which one run cannot
judge: its verdict says "judged by a campaign". The verdicts go into the final report and the run
log's :class:`~bt_runtime.events.RunFinished` summary, so ``mission replay`` shows them too.

Temporal lines (``require always C``, ``require C within D``) are judged by
:mod:`bt_runtime.temporal` into the same :class:`Verdict` record, with ``kind`` "always" or
"within" (``metric`` is that word too, ``op`` ""), ``label`` the line, ``at`` when the measured
value was seen and ``note`` the measurement in words.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bt_runtime.units import CANONICAL
from bt_runtime.vocabulary import METRICS

__all__ = [
    "CAMPAIGN_METRICS",
    "TEMPORAL_KINDS",
    "Criterion",
    "Verdict",
    "judge",
    "verdict_from_json",
]

#: The kinds of temporal requirement (bt_runtime.temporal).
TEMPORAL_KINDS = ("always", "within")

#: Metrics that only many runs can measure (a rate): never judged by one run.
CAMPAIGN_METRICS: frozenset[str] = frozenset({"success"})

_OPS: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


class Criterion(Protocol):
    """A ``require`` line with its value canonical (the checker's ``Requirement`` fits)."""

    @property
    def metric(self) -> str: ...

    @property
    def op(self) -> str: ...

    @property
    def value(self) -> float: ...


@dataclass(frozen=True)
class Verdict:
    """One ``require`` line judged: ``met`` True or False, or None when a campaign judges it.

    ``measured`` is this run's value of the metric in its canonical unit (None when not judged).
    """

    metric: str
    op: str
    value: float
    measured: float | None
    met: bool | None
    unfinished: bool = False
    """The run did not succeed: a per-run criterion is then missed whatever was measured (an
    aborted run's short duration meets nothing)."""
    kind: str = "metric"
    """"metric" (``require metric op value``), "always" or "within" (temporal lines)."""
    label: str = ""
    """A temporal line as written canonically (``always battery >= 15 %``); "" for metrics."""
    at: float | None = None
    """When (s of simulated time) the measured value was seen, for temporal lines."""
    note: str = ""
    """The measurement in words, for temporal lines (``lowest 12 % at 312 s``)."""

    @property
    def unit(self) -> str:
        """The metric's canonical unit ("s", "%", "m"; "" for counts)."""
        spec = METRICS.get(self.metric)
        return CANONICAL.get(spec.dimension, "") if spec is not None else ""

    def criterion(self) -> str:
        """The line as written canonically: ``falls == 0``, ``duration <= 600 s``."""
        if self.kind != "metric":
            return self.label
        return f"{self.metric} {self.op} {_amount(self.value, self.unit)}"

    def line(self) -> str:
        """``falls == 0: MISSED (measured 1)``, or ``...: judged by a campaign``."""
        if self.met is None:
            return f"{self.criterion()}: judged by a campaign (over many runs)"
        assert self.measured is not None
        word = "met" if self.met else "MISSED"
        why = "; the run did not succeed" if self.unfinished else ""
        if self.kind != "metric":
            return f"{self.criterion()}: {word} ({self.note}{why})"
        return f"{self.criterion()}: {word} (measured {_amount(self.measured, self.unit)}{why})"

    def to_json(self) -> dict[str, Any]:
        """Plain data for the run log."""
        data: dict[str, Any] = {"metric": self.metric, "op": self.op, "value": self.value,
                                "measured": self.measured, "met": self.met,
                                "unfinished": self.unfinished}
        if self.kind != "metric":
            data.update(kind=self.kind, label=self.label, at=self.at, note=self.note)
        return data


def _amount(value: float, unit: str) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)
    return f"{text} {unit}" if unit else text


def judge(
    criteria: Iterable[Criterion], measured: Mapping[str, float], succeeded: bool = True
) -> tuple[Verdict, ...]:
    """Judge each criterion against this run's ``measured`` metrics, in the order written.

    Args:
        criteria: the mission's ``require`` lines (canonical values).
        measured: the run's value of each per-run metric, by metric name.
        succeeded: whether the run succeeded; if not, every per-run criterion is missed (a failed
            or aborted run meets no requirement, however short or clean it was).

    Returns:
        One verdict per criterion; campaign metrics get ``met=None``.

    Raises:
        KeyError: a per-run metric has no measured value, or the operator is unknown (the checker
            accepts neither, so this is a programming error).
    """
    verdicts = []
    for c in criteria:
        if c.metric in CAMPAIGN_METRICS:
            verdicts.append(Verdict(c.metric, c.op, float(c.value), None, None))
            continue
        value = float(measured[c.metric])
        met = bool(_OPS[c.op](value, float(c.value))) and succeeded
        verdicts.append(Verdict(c.metric, c.op, float(c.value), value, met, not succeeded))
    return tuple(verdicts)


def verdict_from_json(data: object) -> Verdict | None:
    """A verdict read back from a run log's summary (None when the row is not one)."""
    if not isinstance(data, dict):
        return None
    metric, op, value = data.get("metric"), data.get("op"), data.get("value")
    measured, met = data.get("measured"), data.get("met")
    kind = data.get("kind", "metric")
    if kind not in ("metric", *TEMPORAL_KINDS):
        return None
    if not (isinstance(metric, str) and isinstance(op, str)
            and (op in _OPS or (kind != "metric" and op == ""))):
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if measured is not None and (not isinstance(measured, (int, float))
                                 or isinstance(measured, bool)):
        return None
    if met is not None and not isinstance(met, bool):
        return None
    if (met is None) != (measured is None):
        return None
    unfinished = data.get("unfinished", False)
    if not isinstance(unfinished, bool):
        return None
    measured_value = None if measured is None else float(measured)
    if kind == "metric":
        return Verdict(metric, op, float(value), measured_value, met, unfinished)
    label, at, note = data.get("label"), data.get("at"), data.get("note")
    if not (isinstance(label, str) and isinstance(note, str)):
        return None
    if at is not None and (not isinstance(at, (int, float)) or isinstance(at, bool)):
        return None
    return Verdict(metric, op, float(value), measured_value, met, unfinished, kind, label,
                   None if at is None else float(at), note)
