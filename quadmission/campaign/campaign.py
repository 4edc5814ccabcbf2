"""The campaign loop: which runs are left, in batches, onto an executor, into the database.

:func:`run_campaign` is resumable by construction: run ``i`` always has the same seed and draw
(:mod:`.plan`), the database says which indices are stored, and only the others are sent. So an
interrupted campaign run again with the same command ends with the same ``runs`` table as one
that ran in one go.

With ``until_decided`` the verdicts are taken on the *contiguous prefix* of runs 0..n−1 (rows
arrive out of order from a pool; judging whatever happened to finish first would let the order of
completion bias the result), and sending stops at the first n at which every criterion is decided
by the sequential rule of :mod:`.stats`. Runs already in flight are still stored; the verdict is
that of the prefix (:func:`decided_prefix`), so it does not depend on the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from quadmission.campaign.executors import Executor
from quadmission.campaign.plan import CampaignSpec, Job, run_seed
from quadmission.campaign.result import RunResult
from quadmission.campaign.stats import Criterion, verdicts
from quadmission.campaign.store import CampaignStore, StoreError

__all__ = ["CampaignRun", "batch_size", "decided_prefix", "run_campaign"]


@dataclass(frozen=True)
class CampaignRun:
    """What the loop did: rows stored now and before, and where a sequential stop happened."""

    results: tuple[RunResult, ...]
    new_runs: int
    resumed_from: int
    decided_at: int | None


def batch_size(remaining: int, workers: int) -> int:
    """Runs per task: a quarter of a worker's share of what remains, 1..8 runs (small runs
    amortise the per-task cost; a cap keeps the progress bar and an interruption fine-grained).

    Asked again before each batch (guided self-scheduling), so batches shrink towards one run
    as the campaign ends and no worker is left idle while another finishes a long last batch.
    """
    return max(1, min(8, math.ceil(remaining / max(1, 4 * workers))))


def decided_prefix(results: Sequence[RunResult], crits: Sequence[Criterion]) -> int | None:
    """The smallest n such that runs 0..n−1 are all stored and decide every criterion, or None."""
    by_index = {r.index: r for r in results}
    prefix: list[RunResult] = []
    while len(prefix) in by_index:
        prefix.append(by_index[len(prefix)])
        if all(v.decision != "UNDECIDED" for v in verdicts(crits, prefix, sequential=True)):
            return len(prefix)
    return None


def _work(
    jobs: list[Job],
    workers: int,
    stop: Callable[[], bool],
) -> Iterator[list[Job]]:
    start = 0
    while start < len(jobs):
        if stop():
            return
        size = batch_size(len(jobs) - start, workers)
        yield jobs[start : start + size]
        start += size


def _check_seeds(store: CampaignStore, rows: Sequence[RunResult], seed: int) -> None:
    """Refuse stored rows whose seed is not their index's: an edited row would otherwise be
    judged, and its seed printed as the one that replays it.

    Raises:
        StoreError: naming the first such run.
    """
    for row in rows:
        expected = run_seed(seed, row.index)
        if row.seed != expected:
            raise StoreError(
                f"{store.path}: run {row.index} is stored with seed {row.seed}, but run "
                f"{row.index} of campaign seed {seed} has seed {expected}; the database was "
                "edited or damaged: delete that row to run it again, or use another --out folder"
            )


def run_campaign(
    spec: CampaignSpec,
    store: CampaignStore,
    executor: Executor,
    *,
    runs: int,
    seed: int,
    crits: Sequence[Criterion],
    until_decided: bool = False,
    on_results: Callable[[Sequence[RunResult], int], None] | None = None,
) -> CampaignRun:
    """Run what is left of a campaign of ``runs`` runs seeded ``seed``, storing every batch.

    Args:
        spec: what every worker needs.
        store: the campaign database (already bound to this campaign's inputs).
        executor: where batches run.
        runs: the campaign's size (the cap, with ``until_decided``).
        seed: the campaign seed.
        crits: the criteria (for ``until_decided``).
        until_decided: stop sending runs once the sequential rule decides every criterion.
        on_results: called with each stored batch and the number of rows stored so far.

    Returns:
        Every stored row of the first ``runs`` runs and what this call added.

    Raises:
        StoreError: a stored row is damaged or not this campaign's, or the database cannot be
            written (every batch stored before stays).
    """
    done = store.done()
    resumed_from = len(done)
    all_rows = [r for r in store.results() if r.index < runs]
    _check_seeds(store, all_rows, seed)
    decided = decided_prefix(all_rows, crits) if until_decided else None
    todo = [Job(i, run_seed(seed, i)) for i in range(runs) if i not in done]
    state = {"decided": decided}

    def stop() -> bool:
        return until_decided and state["decided"] is not None

    new = 0
    for rows in executor.run(spec, _work(todo, executor.workers, stop)):
        store.add(rows)
        all_rows.extend(rows)
        new += len(rows)
        if until_decided and state["decided"] is None:
            state["decided"] = decided_prefix(all_rows, crits)
        if on_results is not None:
            on_results(rows, len(all_rows))
    all_rows.sort(key=lambda r: r.index)
    return CampaignRun(tuple(all_rows), new, resumed_from, state["decided"])
