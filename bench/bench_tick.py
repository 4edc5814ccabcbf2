"""The tree tick: py_trees' generator walk against the direct tick, and its share of a patrol run.

Rows:

* per tick, CPU µs of the executor's tree tick (``LeanBehaviourTree.tick`` with the run's
  :class:`~bt_runtime.tickwatch.TickWatch`), mid-run on the no-op backend of
  :mod:`bench.bench_executor` (so locomotion cannot hide the tree), for the patrol and logistics
  trees, through py_trees' generators (``direct=False``) and through
  :class:`~bt_runtime.fast_tick.DirectTick`, interleaved in blocks on the same tree;
* CPU seconds of a bare patrol run (campaign seed 0's first runs, as ``bench_campaign``'s
  ``_bare_run``) and the share of it spent inside the tree tick (leaves' work included: the
  actions' runners and the planner they call).

CPU time (``time.process_time``), because the machine is shared.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.bench_campaign import PATROL, _bare_run
from bench.bench_executor import NoOpBackend
from bench.table import Row
from bt_runtime.assembly import build_context
from bt_runtime.executor import Executor
from bt_runtime.lean_tree import LeanBehaviourTree
from bt_runtime.robot import RobotConfig
from locomotion.backend import Pose
from quadmission.loading import load_mission

AREA = "tick"
ROOT = Path(__file__).resolve().parent.parent / "missions"


def _mid_run(name: str) -> Executor:
    compiled = load_mission(str(ROOT / f"{name}.mission")).compiled
    assert compiled.world is not None  # the example missions all name their world
    ctx = build_context(NoOpBackend(), compiled.world, RobotConfig.from_properties(compiled.robot), 1)
    ctx.start(Pose(2.0, 2.0))
    executor = Executor(compiled.root, ctx, compiled.tick_rate)
    for _ in range(50):  # past the first ticks' status changes
        executor.tick_once()
    return executor


def _tick_cpu(name: str, ticks: int, block: int = 100) -> tuple[float, float]:
    """CPU seconds per tree tick, generators then direct, interleaved in blocks."""
    tree = _mid_run(name).tree
    totals = {False: 0.0, True: 0.0}
    for _ in range(ticks // block):
        for direct in (False, True):
            tree.direct = direct
            started = time.process_time()
            for _ in range(block):
                tree.tick()
            totals[direct] += time.process_time() - started
    return totals[False] / ticks, totals[True] / ticks


def _patrol_share(runs: int) -> tuple[float, float]:
    """CPU seconds per bare patrol run, and of it inside ``LeanBehaviourTree.tick``."""
    mission = load_mission(str(PATROL))
    _bare_run(mission, 0)  # warm: imports and caches
    inside = [0.0]
    upstream = LeanBehaviourTree.tick

    def timed(self: LeanBehaviourTree, *args: object, **kwargs: object) -> None:
        started = time.process_time()
        upstream(self, *args, **kwargs)  # type: ignore[arg-type]
        inside[0] += time.process_time() - started

    LeanBehaviourTree.tick = timed  # type: ignore[method-assign]
    try:
        started = time.process_time()
        for i in range(runs):
            _bare_run(mission, i)
        total = time.process_time() - started
    finally:
        LeanBehaviourTree.tick = upstream  # type: ignore[method-assign]
    return total / runs, inside[0] / runs


def rows(quick: bool) -> list[Row]:
    """The tick rows (see the module docstring)."""
    ticks = 2000 if quick else 20000
    out: list[Row] = []
    for name in ("patrol", "logistics"):
        generators, direct = _tick_cpu(name, ticks)
        note = f"{name} tree mid-run, no-op backend, {ticks} ticks each, interleaved, CPU"
        out += [
            Row(AREA, f"{name}: tree tick, py_trees generators", generators * 1e6, "us", note=note),
            Row(AREA, f"{name}: tree tick, direct", direct * 1e6, "us"),
            Row(AREA, f"{name}: generators / direct", generators / direct, "x"),
        ]
    runs = 2 if quick else 6
    per_run, in_tree = _patrol_share(runs)
    out += [
        Row(AREA, "bare patrol run, CPU", per_run, "s", "<= 0.55 (issue 9: tree, twin, planner)",
            per_run <= 0.55, note=f"{runs} runs of campaign seed 0"),
        Row(AREA, "share of a patrol run inside the tree tick", 100 * in_tree / per_run, "%",
            note=f"{in_tree:.3f} s/run; leaves' work (runners, planner) included"),
    ]
    return out
