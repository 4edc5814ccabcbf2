"""What the rows say about where a mission breaks: failure reasons by node, falls by region, the
drawn parameters that separate failures from successes, and the seeds to replay.

Failure reasons are grouped by (node path, reason with its numbers blurred), so "battery empty at
312.4 s" and "battery empty at 298.0 s" are one cluster. A parameter separates failures from
successes when a single threshold on it does: :func:`separators` tries every midpoint between
sorted values and keeps the one with the best balanced accuracy (the mean of the rates of
failures and of successes on their own side) — a one-split decision stump per parameter, enough
to say "failures cluster at friction_scale < 0.62" and honest about how clean the split is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quadmission.campaign.result import RunResult

__all__ = ["Cluster", "Separator", "clusters", "falls_by_region", "separators"]

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Cluster:
    """Failed runs sharing a node path and a reason; ``seeds`` (index, seed) to replay them."""

    path: str
    reason: str
    count: int
    seeds: tuple[tuple[int, int], ...]
    line: int | None = None


@dataclass(frozen=True)
class Separator:
    """The best single threshold on one drawn parameter: failures lie ``side`` of ``threshold``."""

    parameter: str
    threshold: float
    side: str  # "<" or ">="
    failures_on_side: float  # share of failures on that side
    successes_off_side: float  # share of successes on the other side
    score: float  # balanced accuracy, 0.5 = no better than chance


def _reason(r: RunResult) -> str:
    text = r.error if r.status == "crashed" else r.failure_reason
    return _NUMBER.sub("#", text or r.outcome)


def clusters(results: Sequence[RunResult], lines: Mapping[str, int] | None = None) -> list[Cluster]:
    """Failed and crashed runs grouped by node path and reason, largest first.

    Args:
        results: the campaign's rows.
        lines: mission source line per node path (the report's, from the tree description).
    """
    groups: dict[tuple[str, str], list[RunResult]] = defaultdict(list)
    for r in results:
        if not r.success:
            path = "(crashed)" if r.status == "crashed" else (r.failure_path or "(no node)")
            groups[(path, _reason(r))].append(r)
    out = [
        Cluster(path, reason, len(rows), tuple((r.index, r.seed) for r in rows),
                (lines or {}).get(path))
        for (path, reason), rows in groups.items()
    ]
    return sorted(out, key=lambda c: (-c.count, c.path, c.reason))


def falls_by_region(results: Sequence[RunResult]) -> list[tuple[str, int]]:
    """Falls counted per terrain region ("(open ground)" off every region), most first."""
    counts = Counter(p.region or "(open ground)" for r in results for p in r.falls)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _best_split(values: list[tuple[float, bool]]) -> tuple[float, str, float, float, float]:
    values.sort()
    n_fail = sum(1 for _, f in values if f)
    n_ok = len(values) - n_fail
    best = (values[0][0], "<", 0.0, 0.0, 0.5)
    fail_below = ok_below = 0
    for i in range(len(values) - 1):
        fail_below += values[i][1]
        ok_below += not values[i][1]
        if values[i][0] == values[i + 1][0]:
            continue
        threshold = (values[i][0] + values[i + 1][0]) / 2
        below = (fail_below / n_fail, (n_ok - ok_below) / n_ok)
        above = ((n_fail - fail_below) / n_fail, ok_below / n_ok)
        for side, (a, b) in (("<", below), (">=", above)):
            score = (a + b) / 2
            if score > best[4] + 1e-12:
                best = (threshold, side, a, b, score)
    return best


def separators(results: Sequence[RunResult], minimum: float = 0.6) -> list[Separator]:
    """Per drawn parameter, the threshold that best separates failures from successes.

    Args:
        results: the campaign's rows (crashed runs are left out: their failure is not the world's).
        minimum: keep parameters whose balanced accuracy reaches this.

    Returns:
        Separators, best first; empty without both failures and successes.
    """
    rows = [r for r in results if r.status == "done"]
    if not any(r.success for r in rows) or all(r.success for r in rows):
        return []
    keys = sorted({k for r in rows for k in r.draw})
    out = []
    for key in keys:
        values = [(float(r.draw[key]), not r.success) for r in rows if key in r.draw]
        if len({v for v, _ in values}) < 2 or not any(f for _, f in values):
            continue
        if all(f for _, f in values):
            continue
        threshold, side, a, b, score = _best_split(values)
        if score >= minimum:
            out.append(Separator(key, threshold, side, a, b, score))
    return sorted(out, key=lambda s: -s.score)
