"""The twin against physics: a stratified sample of a campaign's runs again on pybullet.

:func:`sample` takes up to half of the K runs from the failures and the rest from the successes
(spread evenly over each group by index, so the choice is a pure function of the table); each is
run again with the same seed and the same draw on pybullet through the same executor. The
operator reads the share of runs whose outcome agrees and the median ratio of durations (pybullet
over twin) of the runs that succeeded on both.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quadmission.campaign.executors import Executor, batches
from quadmission.campaign.plan import CampaignSpec, Job
from quadmission.campaign.result import RunResult

__all__ = ["CrossCheck", "crosscheck", "sample"]


@dataclass(frozen=True)
class CrossCheck:
    """Pairs of (twin row, physics row) for the sampled runs."""

    pairs: tuple[tuple[RunResult, RunResult], ...]

    @property
    def agreement(self) -> float:
        if not self.pairs:
            return float("nan")
        return sum(a.outcome == b.outcome for a, b in self.pairs) / len(self.pairs)

    @property
    def duration_ratio(self) -> float | None:
        ratios = [b.duration / a.duration for a, b in self.pairs
                  if a.success and b.success and a.duration > 0]
        return statistics.median(ratios) if ratios else None

    @property
    def fall_agreement(self) -> float:
        """The share of pairs on which both fell at least once or neither fell."""
        if not self.pairs:
            return float("nan")
        return sum(bool(a.falls) == bool(b.falls) for a, b in self.pairs) / len(self.pairs)

    def lines(self) -> list[str]:
        """One line for the agreement, one per pair."""
        ratio = self.duration_ratio
        head = (f"outcome agreement {self.agreement:.0%} over {len(self.pairs)} runs; fell or not "
                f"{self.fall_agreement:.0%}; median duration ratio pybullet/twin "
                + (f"{ratio:.2f}" if ratio else "n/a"))
        return [head, *(f"run {a.index} seed {a.seed}: twin {a.outcome} {a.duration:.0f} s "
                        f"{_falls(a)}, pybullet {b.outcome} {b.duration:.0f} s {_falls(b)}"
                        for a, b in self.pairs)]


def _falls(row: RunResult) -> str:
    return f"{len(row.falls)} fall" + ("" if len(row.falls) == 1 else "s")


def _spread(rows: Sequence[RunResult], k: int) -> list[RunResult]:
    if k <= 0 or not rows:
        return []
    if k >= len(rows):
        return list(rows)
    step = len(rows) / k
    return [rows[int(i * step)] for i in range(k)]


def sample(results: Sequence[RunResult], k: int) -> list[RunResult]:
    """K runs: up to half failures, the rest successes (more of either if the other runs out)."""
    done = sorted((r for r in results if r.status == "done"), key=lambda r: r.index)
    failed = [r for r in done if not r.success]
    ok = [r for r in done if r.success]
    n_fail = min(len(failed), max(k // 2, k - len(ok)))
    return sorted(_spread(failed, n_fail) + _spread(ok, k - n_fail), key=lambda r: r.index)


def crosscheck(spec: CampaignSpec, executor: Executor, results: Sequence[RunResult],
               k: int) -> CrossCheck:
    """Run :func:`sample` of ``results`` again on pybullet and pair the rows.

    Args:
        spec: the campaign's spec (its backend is replaced by pybullet, no logs are kept).
        executor: where to run them.
        results: the twin campaign's rows.
        k: how many runs.
    """
    chosen = sample(results, k)
    physics = replace(spec, backend="pybullet", log_dir="", inject_error=())
    jobs = [Job(r.index, r.seed) for r in chosen]
    rows = {r.index: r for batch in executor.run(physics, batches(jobs, 1)) for r in batch}
    return CrossCheck(tuple((r, rows[r.index]) for r in chosen if r.index in rows))
