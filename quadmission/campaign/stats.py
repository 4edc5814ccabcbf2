"""Statistics that decide: intervals on rates, GO / NO-GO / UNDECIDED per ``require`` line, and
the sequential rule behind ``--until-decided``.

Every criterion is a binomial rate against a target share ``q``:

- ``require success >= 95 %`` — the share of runs that succeed (crashed runs count as failures),
  target 0.95;
- a per-run line such as ``require duration <= 10 min`` — the share of runs that met it, against
  the target of the mission's ``require success`` line (0.95 when it declares none): a per-run
  requirement has to hold in the runs the mission is meant to succeed in.

**Fixed number of runs.** The 95% Wilson score interval (``scipy.stats.binomtest(...)
.proportion_ci(method="wilson")``): GO when the whole interval lies on the required side of
``q``, NO-GO when it lies wholly on the other, UNDECIDED otherwise.

**``--until-decided``.** Looking at the interval after every run and stopping when it clears
``q`` inflates the error rate well past 5%. Instead each criterion runs Wald's sequential
probability ratio test of H0: p = q − δ against H1: p = q + δ (δ = :data:`INDIFFERENCE`, capped so
that 0 < p0 < p1 < 1), with α = β = :data:`ALPHA`: it decides GO when the log-likelihood ratio
reaches log((1−β)/α) and NO-GO when it falls to log(β/(1−α)). Wald's bounds keep the chance of a
GO when p ≤ q − δ, and of a NO-GO when p ≥ q + δ, below about 5% per criterion; for p inside the
indifference zone either answer is acceptable by construction. The campaign stops when every
criterion is decided (or the ``--runs`` cap is reached, leaving the rest UNDECIDED).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import binomtest

from bt_runtime.requirements import Verdict as RunVerdict
from dsl.checker import Requirement
from quadmission.campaign.result import AGGREGATE_METRICS, RunResult, requirement_key

__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "INDIFFERENCE",
    "Criterion",
    "Verdict",
    "criteria",
    "sprt",
    "verdicts",
    "wilson",
    "with_recorded",
]

CONFIDENCE = 0.95
ALPHA = 0.05
INDIFFERENCE = 0.04
DEFAULT_TARGET = 0.95


@dataclass(frozen=True)
class Criterion:
    """One ``require`` line as a rate to judge: its text, the target share and the direction."""

    label: str
    target: float
    at_least: bool  # the share must be >= target (False: <=, e.g. `require success <= 10 %`)
    metric: str
    key: str  # the key in RunResult.met for per-run lines ("" for success)


@dataclass(frozen=True)
class Verdict:
    """A criterion judged over the runs so far."""

    criterion: Criterion
    successes: int
    runs: int
    low: float
    high: float
    decision: str  # GO, NO-GO or UNDECIDED
    rule: str  # "wilson 95%" or "SPRT a=b=0.05, p0..p1"

    @property
    def rate(self) -> float:
        return self.successes / self.runs if self.runs else float("nan")


def wilson(successes: int, runs: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of a binomial rate (scipy), (0, 1) with no runs."""
    if runs == 0:
        return 0.0, 1.0
    ci = binomtest(successes, runs).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def _key(r: Requirement) -> str:
    return requirement_key(r) or repr(r)


def criteria(requirements: Sequence[Requirement]) -> list[Criterion]:
    """Each ``require`` line as a :class:`Criterion` (always one for success, as 95 % if none).

    Per-run lines of a kind without ``metric op value`` are left out here: :func:`verdicts` adds
    them from the labels the runs' recorded verdicts carry.
    """
    success = [r for r in requirements if getattr(r, "metric", None) in AGGREGATE_METRICS]
    target = DEFAULT_TARGET
    out: list[Criterion] = []
    for r in success:
        at_least = r.op in (">=", ">", "==")
        out.append(Criterion(f"require {_key(r)} %", r.value / 100.0, at_least, r.metric, ""))
        if at_least:
            target = r.value / 100.0
    if not success:
        out.append(Criterion("success >= 95 % (default)", DEFAULT_TARGET, True, "success", ""))
    keys: dict[str, Requirement] = {}
    for r in requirements:
        key = requirement_key(r)
        if key is not None and r.metric not in AGGREGATE_METRICS:
            keys.setdefault(key, r)
    out.extend(_per_run(key, r.metric, target, _written(r)) for key, r in keys.items())
    return out


def _written(r: Requirement) -> str:
    """The line with its unit, as the run report writes it (``duration <= 600 s``): the key a
    campaign files it under (``duration <= 600``) drops the unit."""
    return RunVerdict(r.metric, r.op, r.value, None, None).criterion()


def _per_run(key: str, metric: str, target: float, written: str = "") -> Criterion:
    return Criterion(
        f"require {written or key} in >= {target:.0%} of runs", target, True, metric, key
    )


def with_recorded(crits: Sequence[Criterion], results: Sequence[RunResult]) -> list[Criterion]:
    """``crits`` plus one per-run criterion for each verdict label the runs recorded that no
    criterion covers yet (in the order first seen): any kind of per-run requirement the runtime
    judges is judged over the campaign, whether or not the campaign knows the kind."""
    known = {c.key for c in crits}
    target = next((c.target for c in crits if not c.key and c.at_least), DEFAULT_TARGET)
    out = list(crits)
    for result in results:
        for key in result.met:
            if key not in known:
                known.add(key)
                out.append(_per_run(key, key.split(" ", 1)[0], target))
    return out


def _count(criterion: Criterion, results: Sequence[RunResult]) -> int:
    if not criterion.key:
        return sum(r.success for r in results)
    return sum(bool(r.met.get(criterion.key, False)) for r in results)


def _fixed(c: Criterion, k: int, n: int) -> Verdict:
    low, high = wilson(k, n)
    good, bad = (low >= c.target, high < c.target) if c.at_least else (high <= c.target,
                                                                         low > c.target)
    decision = "GO" if good and n else "NO-GO" if bad and n else "UNDECIDED"
    return Verdict(c, k, n, low, high, decision, "Wilson 95% interval")


def _hypotheses(target: float) -> tuple[float, float]:
    delta = min(INDIFFERENCE, target / 2, (1 - target) / 2 + INDIFFERENCE / 4)
    p0 = max(1e-3, target - delta)
    p1 = min(0.999, target + delta)
    return p0, p1


def sprt(successes: int, runs: int, target: float, at_least: bool = True) -> str:
    """Wald's SPRT (α = β = :data:`ALPHA`) on the runs so far: GO, NO-GO or UNDECIDED.

    Args:
        successes: runs that met the criterion.
        runs: runs judged.
        target: the required share q.
        at_least: the share must be at least q (else at most q).
    """
    p0, p1 = _hypotheses(target)
    failures = runs - successes
    llr = successes * math.log(p1 / p0) + failures * math.log((1 - p1) / (1 - p0))
    upper, lower = math.log((1 - ALPHA) / ALPHA), math.log(ALPHA / (1 - ALPHA))
    if llr >= upper:
        return "GO" if at_least else "NO-GO"
    if llr <= lower:
        return "NO-GO" if at_least else "GO"
    return "UNDECIDED"


def verdicts(
    crits: Sequence[Criterion], results: Sequence[RunResult], sequential: bool = False
) -> list[Verdict]:
    """Judge every criterion over ``results``.

    Args:
        crits: from :func:`criteria` (completed by :func:`with_recorded` from ``results``).
        results: the runs so far.
        sequential: decide with :func:`sprt` (``--until-decided``) instead of the interval alone.

    Returns:
        One verdict per criterion, in order; the interval is always the Wilson interval.
    """
    out = []
    n = len(results)
    for c in with_recorded(crits, results):
        k = _count(c, results)
        v = _fixed(c, k, n)
        if sequential:
            p0, p1 = _hypotheses(c.target)
            rule = f"SPRT a=b={ALPHA:g}, H0 p={p0:.3f} vs H1 p={p1:.3f}"
            v = Verdict(c, k, n, v.low, v.high, sprt(k, n, c.target, c.at_least), rule)
        out.append(v)
    return out
