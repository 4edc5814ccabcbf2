"""Where a campaign's batches run, behind one small interface: in-process, a process pool, Ray.

An :class:`Executor` takes batches of jobs and yields each batch's rows as it finishes (in any
order). Every executor calls the same :func:`quadmission.campaign.worker.run_batch`, so the same
seeds give the same rows on every one of them.

The process pool uses the ``forkserver`` start method (``spawn`` where there is none): a fork of a
process that has already imported pybullet or started threads is not safe. The fork server
preloads the run's modules (:data:`PRELOAD`), so each worker is forked with them imported instead of
importing them again (about a second per worker, paid before its first run). A worker that dies
outright (a segfault in a native library) breaks the pool; its batches are then run again one run
at a time in a fresh pool, and a run that kills its worker twice is recorded as crashed.

Ray is optional (``pip install 'quadmission[ray]'``) and imported only when asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from quadmission.campaign.plan import CampaignSpec, Job
from quadmission.campaign.result import RunResult, crashed
from quadmission.campaign.worker import run_batch

__all__ = [
    "Executor",
    "InProcessExecutor",
    "PoolExecutor",
    "RayExecutor",
    "RayUnavailable",
    "available_cores",
    "batches",
]


def available_cores() -> int:
    """The cores this process may use (its CPU affinity where the OS tells, else the CPU count)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return int(counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def batches(jobs: Sequence[Job], size: int) -> list[list[Job]]:
    """``jobs`` cut into consecutive batches of at most ``size``."""
    size = max(1, size)
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


class Executor(Protocol):
    """Runs batches of a campaign; yields each batch's rows as soon as the batch is done."""

    workers: int

    def run(self, spec: CampaignSpec, work: Iterable[list[Job]]) -> Iterator[list[RunResult]]: ...

    def close(self) -> None: ...


class InProcessExecutor:
    """Every batch in the calling process, in order (for one worker, tests and the bench)."""

    workers = 1

    def run(self, spec: CampaignSpec, work: Iterable[list[Job]]) -> Iterator[list[RunResult]]:
        for batch in work:
            yield run_batch(spec, batch)

    def close(self) -> None:
        """Nothing to close."""


PRELOAD = ("quadmission.campaign.worker", "locomotion.kinematic", "bt_runtime.executor")
"""Modules the fork server imports once for every worker (no pybullet: it is not fork-safe)."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))  # ignored once the fork server runs
    return context


class PoolExecutor:
    """A local process pool of ``workers`` processes, at most two batches queued per worker."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_context())
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def run(self, spec: CampaignSpec, work: Iterable[list[Job]]) -> Iterator[list[RunResult]]:
        pending: dict[Future[list[RunResult]], list[Job]] = {}
        source = iter(work)
        broken: list[list[Job]] = []
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                pending[self._get_pool().submit(run_batch, spec, batch)] = batch
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                batch = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken.append(batch)
            if broken:
                broken.extend(pending.values())
                pending.clear()
                self._restart()
                for batch in broken:
                    yield from (self._alone(spec, job) for job in batch)
                broken = []

    def _alone(self, spec: CampaignSpec, job: Job) -> list[RunResult]:
        """One run in a fresh pool, twice if it kills its worker, then a crashed row."""
        for attempt in (1, 2):
            try:
                return self._get_pool().submit(run_batch, spec, [job]).result()
            except BrokenProcessPool:
                self._restart()
        return [crashed(job.index, job.seed, {}, "the worker process died (attempt 2)", attempt)]

    def close(self) -> None:
        """Shut the pool down (waits for its processes)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class RayUnavailable(RuntimeError):
    """Ray is not installed or cannot start/join; the message says what to do."""


class RayExecutor:
    """Batches as Ray tasks: ``address`` None starts a local Ray, else joins that cluster.

    ``RAY_ADDRESS`` in the environment is honoured by ``ray.init`` when ``address`` is None and
    ``local`` is False.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RayUnavailable(
                "--ray needs Ray: run `pip install 'quadmission[ray]'`"
            ) from None
        self._ray = ray
        self._owned = not ray.is_initialized()
        if self._owned:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                kwargs["address"] = address
            elif not os.environ.get("RAY_ADDRESS"):
                kwargs["num_cpus"] = num_cpus or available_cores()
            try:
                ray.init(**kwargs)
            except Exception as exc:  # noqa: BLE001 - Ray raises many kinds; one line for all
                raise RayUnavailable(f"--ray: cannot start or join Ray: {exc}") from None
        self.workers = int(ray.cluster_resources().get("CPU", 1))
        self._task = ray.remote(num_cpus=1)(run_batch)

    def run(self, spec: CampaignSpec, work: Iterable[list[Job]]) -> Iterator[list[RunResult]]:
        ray = self._ray
        source = iter(work)
        pending: list[Any] = []
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                pending.append(self._task.remote(spec, batch))
            if not pending:
                break
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield ray.get(ref)

    def close(self) -> None:
        """Shut down the Ray this executor started (a joined cluster is left running)."""
        if self._owned and self._ray.is_initialized():
            self._ray.shutdown()
