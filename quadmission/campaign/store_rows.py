"""A campaign database's ``runs`` rows read back, checked: a damaged row is named, never a traceback.

Why a module of its own: ``campaign.sqlite`` is a file people keep, copy, and sometimes edit. A
hand edit, a truncated write or another version's row must not reach the report as text where a
number belongs (a histogram then fails deep in numpy) or as an infinity, nor be counted as a run
that happened. :func:`result_of` decodes one row into a :class:`~.result.RunResult` and raises
:class:`BadRow` naming the column and what is wrong with it; the store adds the file and the run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from bt_runtime.events import OUTCOMES
from quadmission.campaign.result import FallPoint, RunResult

__all__ = ["STATUSES", "BadRow", "result_of"]

STATUSES = ("done", "crashed")
"""A stored run either finished (``done``) or raised on every attempt (``crashed``)."""
_FALL_FIELDS = frozenset({"x", "y", "time", "region"})
_MAX_SEED = 2**63 - 1


class BadRow(ValueError):
    """One column of a stored row cannot be read back; the message says which and why."""

    def __init__(self, column: str, why: str) -> None:
        super().__init__(f"{column}: {why}")
        self.column = column


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json(value: object, column: str) -> Any:
    if not isinstance(value, str):
        raise BadRow(column, f"{_shown(value)} where JSON text belongs")
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise BadRow(column, f"{_shown(value)} is not JSON") from None


def _finite(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _number(value: object, column: str) -> float:
    """A stored measure: a finite number (NULL, from an older row, reads as 0)."""
    if value is None:
        return 0.0
    if not _finite(value):
        raise BadRow(column, f"{_shown(value)} is not a finite number")
    return float(value)  # type: ignore[arg-type]


def _whole(value: object, column: str, low: int, high: int = _MAX_SEED) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRow(column, f"{_shown(value)} is not a whole number from {low} to {high}")
    return value


def _text(value: object, column: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadRow(column, f"{_shown(value)} is not text")
    return value


def _numbers(value: object, column: str) -> dict[str, float]:
    data = _json(value or "{}", column)
    if not isinstance(data, dict) or not all(_finite(v) for v in data.values()):
        raise BadRow(column, "not an object of finite numbers")
    return {str(k): float(v) for k, v in data.items()}


def _flags(value: object, column: str) -> dict[str, bool]:
    data = _json(value or "{}", column)
    if not isinstance(data, dict) or not all(isinstance(v, bool) for v in data.values()):
        raise BadRow(column, "not an object of true/false verdicts")
    return dict(data)


def _fall(item: object) -> FallPoint:
    if not isinstance(item, dict) or set(item) != _FALL_FIELDS:
        raise BadRow("fall_points", f"{_shown(item)} is not {{x, y, time, region}}")
    if not all(_finite(item[k]) for k in ("x", "y", "time")) or not isinstance(
            item["region"], str):
        raise BadRow("fall_points", f"{_shown(item)}: x, y, time numbers and a region name")
    return FallPoint(float(item["x"]), float(item["y"]), float(item["time"]), item["region"])


def _falls(value: object) -> tuple[FallPoint, ...]:
    data = _json(value or "[]", "fall_points")
    if not isinstance(data, list):
        raise BadRow("fall_points", "not a list of falls")
    return tuple(_fall(item) for item in data)


def _found(value: object) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    data = _json(value, "found.entities")
    pairs = isinstance(data, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in data)
    if not pairs:
        raise BadRow("found.entities", "not a list of [kind, name] pairs")
    return tuple((kind, name) for kind, name in data)


def _choice(value: object, column: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise BadRow(column, f"{_shown(value)} is not one of {', '.join(choices)}")
    return str(value)


def result_of(row: Mapping[str, Any], wall: object = 0.0, found: object = None) -> RunResult:
    """The run a ``runs`` row records, with its ``timing`` and ``found`` values.

    Raises:
        BadRow: a column holds what the campaign never writes there.
    """
    return RunResult(
        index=_whole(row["idx"], "idx", 0),
        seed=_whole(row["seed"], "seed", 0),
        status=_choice(row["status"], "status", STATUSES),
        outcome=_choice(row["outcome"], "outcome", (*OUTCOMES, "crashed")),
        draw=_numbers(row["draw"], "draw"),
        duration=_number(row["duration"], "duration"),
        energy=_number(row["energy"], "energy"),
        distance=_number(row["distance"], "distance"),
        falls=_falls(row["fall_points"]),
        failure_path=_text(row["failure_path"], "failure_path"),
        failure_reason=_text(row["failure_reason"], "failure_reason"),
        metrics=_numbers(row["metrics"], "metrics"),
        met=_flags(row["met"], "met"),
        error=_text(row["error"], "error"),
        wall_time=_number(wall, "timing.wall_time"),
        attempts=1 if row["attempts"] is None else _whole(row["attempts"], "attempts", 1, 1000),
        log_path=_text(row["log_path"], "log_path"),
        found=_found(found),
    )
