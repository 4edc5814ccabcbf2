"""Runs of a campaign inside a worker (a pool process, a Ray task or the calling process).

:func:`run_batch` is what every executor calls: a few runs at a time, so the per-task overhead of
a pool or of Ray is paid once per batch. Each run draws its parameters from its seed, applies
them, and runs through :func:`quadmission.session.simulate` — the same assembly as ``mission
run``. A run that raises is tried once more; if it raises again it is recorded as crashed with its
error, and the batch goes on. A failed run is run again with a full event log (runs are
deterministic in their seed, so the log is the run that failed), so only failures cost a log.

The compiled mission is cached per process (:func:`_mission`): compiling is the same for every
run, and a cache keyed by path and modification time is kept. So is one
:class:`~locomotion.ground_cache.GroundCache` per process (:func:`_ground`), which kinematic runs
take their planner and surface rasters from: the shape of the ground is the same in every run of a
campaign (only friction, softness and texture are drawn), and a warm reset builds exactly what a
cold one does. These two are the process state kept.

Each load is checked against the campaign's ``mission_sha256``: a mission edited mid-campaign
(or saved half-written) raises :class:`MissionChanged`, which stops the campaign instead of mixing
runs of two missions in one table or storing every later run as crashed.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

from bt_runtime.report import RunReport
from locomotion.ground_cache import GroundCache
from quadmission.campaign.apply import AppliedDraw, apply_draw
from quadmission.campaign.plan import CampaignSpec, Job, draw_for, mission_sha256
from quadmission.campaign.result import FallWatch, RunResult, crashed, result_from
from quadmission.loading import Mission, MissionError, check_runnable, to_mission
from quadmission.session import simulate

__all__ = ["InjectedError", "MissionChanged", "run_batch", "run_drawn"]


class InjectedError(RuntimeError):
    """Raised on purpose by runs listed in ``CampaignSpec.inject_error`` (crash-handling tests)."""


class MissionChanged(RuntimeError):
    """The mission (its file, a file it imports, its world) is not the one the campaign started
    with: it was edited mid-campaign. Not a crash of one run: it stops the campaign."""


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[Mission, str]:
    checked = check_runnable(path)
    mission = to_mission(checked)
    return mission, mission_sha256(checked, mission)


@functools.lru_cache(maxsize=1)
def _ground() -> GroundCache:
    return GroundCache()


def _backend_options(backend_name: str, applied: AppliedDraw) -> dict[str, object]:
    """``make_backend`` keywords of a drawn run: the draw's, and the process's ground cache for
    the twin (physics builds its own scene)."""
    options: dict[str, object] = dict(applied.backend_options)
    if backend_name == "kinematic":
        options["ground"] = _ground()
    return options


def _mission(spec: CampaignSpec) -> Mission:
    """The campaign's compiled mission (compiled once per process and file version).

    Raises:
        MissionChanged: it is not what ``spec.mission_sha256`` says (edited mid-campaign).
    """
    path = spec.mission_path
    try:
        mission, digest = _load(os.path.abspath(path), os.path.getmtime(path))
    except (MissionError, OSError):
        if not spec.mission_sha256:
            raise
        digest = "it no longer loads"  # saved half-edited, or deleted
    if spec.mission_sha256 and digest != spec.mission_sha256:
        raise MissionChanged(
            f"{path} (or a file it imports, or its world) changed during the campaign; the runs "
            "stored so far are of the mission as it was: put it back and run the same command "
            "to continue, or give the changed mission another --out folder")
    return mission


def run_drawn(
    mission: Mission,
    backend_name: str,
    seed: int,
    draw: Mapping[str, float],
    log: object | None = None,
) -> tuple[RunReport, FallWatch]:
    """One run of ``mission`` with ``draw`` applied, on a fresh backend (closed afterwards).

    Args:
        mission: the compiled mission as written.
        backend_name: ``kinematic`` or ``pybullet``.
        seed: the run seed.
        draw: the drawn parameters.
        log: an event log to record into (None: only the fall points are kept).

    Returns:
        The run's report and the fall watcher.
    """
    from locomotion.backends import make_backend

    applied = apply_draw(mission, draw)
    world = applied.mission.compiled.world
    assert world is not None
    watch = FallWatch(world)
    backend = make_backend(backend_name, **_backend_options(backend_name, applied))
    try:
        report = simulate(
            applied.mission,
            backend,
            seed,
            backend_name=backend_name,
            log=log if log is not None else watch,  # type: ignore[arg-type]
            faults=applied.faults,
            sensor=applied.sensor,
            scenario_config=applied.scenario,
        )
    finally:
        backend.close()
    return report, watch


def _log_failure(spec: CampaignSpec, mission: Mission, job: Job, draw: Mapping[str, float]) -> str:
    from bt_runtime.eventlog import EventLogWriter

    path = Path(spec.log_dir) / f"run-{job.index:05d}-{job.seed}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    # an earlier attempt at this very run (a campaign stopped mid-log, a full disk) may have left
    # its write-ahead log beside it: the writer refuses one (it would be replayed into the new
    # log), so the run was stored as crashed on every resume
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    writer = EventLogWriter(path)
    try:
        run_drawn(mission, spec.backend, job.seed, draw, log=writer)
    finally:
        writer.close()
    return str(path)


def _run_job(spec: CampaignSpec, job: Job) -> RunResult:
    mission = _mission(spec)
    draw = draw_for(mission.compiled.variation, job.seed)
    if job.index in spec.inject_error:
        raise InjectedError(f"run {job.index} raises on purpose (a crash-handling test)")
    report, watch = run_drawn(mission, spec.backend, job.seed, draw)
    result = result_from(job.index, job.seed, draw, report, watch.points)
    if not result.success and spec.log_dir:
        from dataclasses import replace

        result = replace(result, log_path=_log_failure(spec, mission, job, draw))
    return result


def _draw_or_empty(spec: CampaignSpec, seed: int) -> dict[str, float]:
    try:
        return draw_for(_mission(spec).compiled.variation, seed)
    except Exception:  # noqa: BLE001 - the draw itself failed: the crash row says why
        return {}


def run_batch(spec: CampaignSpec, jobs: Sequence[Job]) -> list[RunResult]:
    """Run ``jobs``; a run that raises twice becomes a ``crashed`` row, the others go on.

    Args:
        spec: the campaign's run inputs.
        jobs: the runs of this batch.

    Returns:
        One row per job, in order.
    """
    results = []
    for job in jobs:
        error = ""
        for attempt in (1, 2):
            try:
                result = _run_job(spec, job)
            except MissionChanged:
                raise  # not this run's crash: every run from here on would be of another mission
            except Exception as exc:  # noqa: BLE001 - a crashing run must not stop the campaign
                last = traceback.format_exception_only(type(exc), exc)[-1].strip()
                error = f"{last} (attempt {attempt})"
                continue
            if attempt > 1:
                from dataclasses import replace

                result = replace(result, attempts=attempt)
            results.append(result)
            break
        else:
            results.append(crashed(job.index, job.seed, _draw_or_empty(spec, job.seed), error, 2))
    return results
