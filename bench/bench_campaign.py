"""Campaign costs: runs per second on 1 and 2 workers, the machinery's overhead per run, and the
wall time of a 1,000-run campaign of the patrol mission.

* ``runs/s``: the same runs of the patrol mission (campaign seed 0, its default variation) through
  :class:`InProcessExecutor` (one worker, no pool) and :class:`PoolExecutor` with 2 workers, each
  into a fresh campaign database, pool start-up included; scaling = the ratio (goal >= 1.8x on 2
  cores).
* ``overhead``: each run through the campaign machinery (``run_batch``: draw, apply, the fall
  watch, the result row; then the SQLite row) against a bare :func:`quadmission.session.simulate`
  call of the *same* run (same seed, its draw applied beforehand, no sink), interleaved run by run
  — goal <= 5 %. Measured in CPU seconds of this process (``time.process_time``), which other
  work on a shared machine inflates less than wall time; the wall-time ratio is in the note.
* ``1,000 runs``: measured with ``python -m bench.bench_campaign --thousand``; otherwise (``python
  -m bench --only campaign``) extrapolated from the
  2-worker rate (the note says so).
* ``CPU per run``: one bare run's CPU seconds, the figure the per-run optimisations move: a lone
  run (what ``mission run`` pays: planner and ground rasters built from nothing) and a run with a
  warm ground cache (what a campaign worker pays from its second run on,
  :class:`locomotion.ground_cache.GroundCache`).

Every note carries the load average at the time (``os.getloadavg``): on a shared machine the
absolute figures are only as good as the share of the cores the bench got, so quote ratios from
one sitting and re-measure absolute ones on a quiet machine.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.table import Row
from locomotion.backends import make_backend
from locomotion.ground_cache import GroundCache
from quadmission.campaign.apply import apply_draw
from quadmission.campaign.campaign import run_campaign
from quadmission.campaign.executors import Executor, InProcessExecutor, PoolExecutor
from quadmission.campaign.plan import CampaignSpec, Job, draw_for, run_seed
from quadmission.campaign.stats import criteria
from quadmission.campaign.store import CampaignStore
from quadmission.campaign.worker import run_batch
from quadmission.loading import Mission, load_mission
from quadmission.session import simulate

AREA = "campaign"
PATROL = Path(__file__).resolve().parent.parent / "missions" / "patrol.mission"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load avg {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def _campaign(executor: Executor, runs: int, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds (this process) of a fresh campaign of ``runs`` runs."""
    store = CampaignStore(folder / "campaign.sqlite")
    mission = load_mission(str(PATROL))
    spec = CampaignSpec(str(PATROL), "kinematic", str(folder / "logs"))
    started, cpu = time.perf_counter(), time.process_time()
    try:
        run_campaign(spec, store, executor, runs=runs, seed=0,
                     crits=criteria(mission.compiled.requirements))
    finally:
        store.close()
        executor.close()
    return time.perf_counter() - started, time.process_time() - cpu


def _bare_run(mission: Mission, index: int, ground: GroundCache | None = None) -> None:
    """Run ``index`` of campaign seed 0 as a bare ``simulate`` call (its draw applied).

    ``ground``: the per-process ground cache a campaign worker keeps (None: a lone ``mission
    run``, which builds its planner and rasters from nothing).
    """
    seed = run_seed(0, index)
    applied = apply_draw(mission, draw_for(mission.compiled.variation, seed))
    options = dict(applied.backend_options)
    if ground is not None:
        options["ground"] = ground
    backend = make_backend("kinematic", **options)
    simulate(applied.mission, backend, seed, faults=applied.faults, sensor=applied.sensor,
             scenario_config=applied.scenario)
    backend.close()


def _overhead(runs: int, folder: Path) -> tuple[float, float, float, float]:
    """CPU and wall seconds of ``runs`` runs bare and through the campaign machinery.

    The two are interleaved run by run (bare run i, then run i through ``run_batch`` and a stored
    row), so a change in the machine's load during the measurement weighs on both alike. The
    draw and its application are outside the bare figure, inside the campaign's. Both sides keep
    a warm ground cache (the bare side its own), so the figure is the machinery alone.

    Returns:
        ``(bare_cpu, bare_wall, campaign_cpu, campaign_wall)``.
    """
    mission = load_mission(str(PATROL))
    spec = CampaignSpec(str(PATROL), "kinematic", str(folder / "logs"))
    store = CampaignStore(folder / "campaign.sqlite")
    totals = [0.0, 0.0, 0.0, 0.0]
    ground = GroundCache()
    _bare_run(mission, 0, ground)  # warm, as the worker's cache is by then
    try:
        for i in range(runs):
            cpu, wall = time.process_time(), time.perf_counter()
            _bare_run(mission, i, ground)
            totals[0] += time.process_time() - cpu
            totals[1] += time.perf_counter() - wall
            cpu, wall = time.process_time(), time.perf_counter()
            store.add(run_batch(spec, [Job(i, run_seed(0, i))]))
            totals[2] += time.process_time() - cpu
            totals[3] += time.perf_counter() - wall
    finally:
        store.close()
    return totals[0], totals[1], totals[2], totals[3]


def rows(quick: bool, thousand: bool = False) -> list[Row]:
    """The campaign rows (see the module docstring)."""
    runs = 8 if quick else 40
    pool_runs = 8 if quick else 120  # the pool's start-up (about a second) amortised as in a campaign
    mission = load_mission(str(PATROL))
    with tempfile.TemporaryDirectory() as tmp:
        _campaign(InProcessExecutor(), 1, Path(tmp) / "warm")  # imports and compile caches
        load_before = _load()
        cold_cpu = time.process_time()
        for i in range(runs // 4):
            _bare_run(mission, i)
        cold_cpu = (time.process_time() - cold_cpu) / (runs // 4)
        bare_cpu, bare_wall, camp_cpu, camp_wall = _overhead(runs, Path(tmp) / "overhead")
        one_wall, _ = _campaign(InProcessExecutor(), pool_runs, Path(tmp) / "one")
        two_wall, _ = _campaign(PoolExecutor(2), pool_runs, Path(tmp) / "two")
        load_after = _load()
        big_note = f"extrapolated from {pool_runs} runs on 2 workers"
        big = two_wall / pool_runs * 1000
        if thousand:
            big, _ = _campaign(PoolExecutor(2), 1000, Path(tmp) / "thousand")
            big_note = f"measured, 2 workers; {_load()}"
    overhead = camp_cpu / bare_cpu - 1
    scaling = one_wall / two_wall
    sitting = f"{load_before} before, {load_after} after"
    return [
        Row(AREA, "patrol lone run (mission run), CPU per run", cold_cpu, "s", "", None,
            f"{runs // 4} runs, nothing cached; {sitting}"),
        Row(AREA, "patrol bare run, warm ground cache, CPU per run", bare_cpu / runs, "s", "",
            None, f"{runs} runs, as in a campaign worker; wall {bare_wall / runs:.2f} s/run"),
        Row(AREA, "patrol runs/s, 1 worker (in-process)", pool_runs / one_wall, "runs/s", "",
            None, f"{pool_runs} runs; {sitting}"),
        Row(AREA, "patrol runs/s, 2 workers (process pool)", pool_runs / two_wall, "runs/s", "",
            None, f"{pool_runs} runs, pool start-up included; {sitting}"),
        Row(AREA, "scaling 2 workers / 1", scaling, "x", ">= 1.8", scaling >= 1.8,
            f"wall time; {sitting}"),
        Row(AREA, "campaign machinery overhead per run vs bare simulate", overhead * 100, "%",
            "<= 5", overhead <= 0.05,
            f"CPU time, {runs} runs interleaved; wall-time ratio {camp_wall / bare_wall - 1:+.1%}"),
        Row(AREA, "1,000-run patrol campaign wall time", big / 60, "min", "<= 5", big <= 300,
            big_note),
    ]


if __name__ == "__main__":  # python -m bench.bench_campaign [--quick] [--thousand]
    import sys

    from bench.table import format_table

    print(format_table(rows("--quick" in sys.argv, "--thousand" in sys.argv)))
