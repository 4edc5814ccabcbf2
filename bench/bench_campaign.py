"""Campaign costs: runs per second on 1 and 2 workers, the machinery's overhead per run, and the
wall time of a 1,000-run campaign of the patrol mission.

* ``runs/s``: the same runs of the patrol mission (campaign seed 0, its default variation) through
  :class:`InProcessExecutor` (one worker, no pool) and :class:`PoolExecutor` with 2 workers, each
  into a fresh campaign database; scaling = the ratio (goal >= 1.8x on 2 cores; the cores here are
  shared with other work, so the figure is a floor).
* ``overhead``: the in-process campaign (draw, apply, the fall watch, batching, SQLite rows)
  against bare :func:`quadmission.session.simulate` calls of the *same* runs (same seeds, same draws
  applied beforehand, no sink) — goal <= 5 %.
* ``1,000 runs``: measured in full mode; in quick mode extrapolated from the 2-worker rate (the
  note says so).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.table import Row
from locomotion.backends import make_backend
from quadmission.campaign.apply import apply_draw
from quadmission.campaign.campaign import run_campaign
from quadmission.campaign.executors import InProcessExecutor, PoolExecutor
from quadmission.campaign.plan import CampaignSpec, draw_for, run_seed
from quadmission.campaign.stats import criteria
from quadmission.campaign.store import CampaignStore
from quadmission.loading import load_mission
from quadmission.session import simulate

AREA = "campaign"
PATROL = Path(__file__).resolve().parent.parent / "missions" / "patrol.mission"


def _campaign(executor, runs: int, folder: Path) -> float:  # type: ignore[no-untyped-def]
    store = CampaignStore(folder / "campaign.sqlite")
    mission = load_mission(str(PATROL))
    spec = CampaignSpec(str(PATROL), "kinematic", str(folder / "logs"))
    started = time.perf_counter()
    try:
        run_campaign(spec, store, executor, runs=runs, seed=0,
                     crits=criteria(mission.compiled.requirements))
    finally:
        store.close()
        executor.close()
    return time.perf_counter() - started


def _bare(runs: int) -> float:
    mission = load_mission(str(PATROL))
    total = 0.0
    for i in range(runs):
        seed = run_seed(0, i)
        applied = apply_draw(mission, draw_for(mission.compiled.variation, seed))
        started = time.perf_counter()
        backend = make_backend("kinematic", **applied.backend_options)
        simulate(applied.mission, backend, seed, faults=applied.faults, sensor=applied.sensor,
                 scenario_config=applied.scenario)
        backend.close()
        total += time.perf_counter() - started
    return total


def rows(quick: bool) -> list[Row]:
    """The campaign rows (see the module docstring)."""
    runs = 8 if quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        _campaign(InProcessExecutor(), 1, Path(tmp) / "warm")  # imports and compile caches
        bare = _bare(runs)
        one = _campaign(InProcessExecutor(), runs, Path(tmp) / "one")
        two = _campaign(PoolExecutor(2), runs, Path(tmp) / "two")
        big_note = f"extrapolated from {runs} runs on 2 workers (quick mode)"
        if quick:
            thousand = two / runs * 1000
        else:
            thousand = _campaign(PoolExecutor(2), 1000, Path(tmp) / "thousand")
            big_note = "measured, 2 workers"
    overhead = one / bare - 1
    scaling = one / two
    return [
        Row(AREA, "patrol runs/s, 1 worker (in-process)", runs / one, "runs/s"),
        Row(AREA, "patrol runs/s, 2 workers (process pool)", runs / two, "runs/s"),
        Row(AREA, "scaling 2 workers / 1", scaling, "x", ">= 1.8", scaling >= 1.8,
            "2 cores shared with other work"),
        Row(AREA, "campaign machinery overhead per run vs bare simulate", overhead * 100, "%",
            "<= 5", overhead <= 0.05, f"{runs} identical runs"),
        Row(AREA, "1,000-run patrol campaign wall time", thousand / 60, "min", "<= 5",
            thousand <= 300, big_note),
    ]
