"""Executor costs: the tree-side overhead per tick, and the wall time of each example mission.

Tick overhead: the logistics mission's compiled tree, mid-run (its reactive guard re-checked every
tick, a go-to running), on a *no-op backend* that answers every step at once with the same state,
so locomotion cost cannot hide the executor's own. Measured side by side in one run:

* ``bare``: ``py_trees.trees.BehaviourTree.tick()`` of the same tree with the same robot port and
  state (the leaves do their usual work; nothing is logged, streamed or stepped);
* ``executor``: :meth:`Executor.tick_once` with the SQLite run log (commit per tick) and a live
  stream with one monitor connected from another process, plus the robot context's step (battery,
  facts, detection) over the no-op backend; also without the stream, and without either.

The executor ticks through ``BehaviourTree.tick`` itself (its watch is a py_trees visitor), so
both sides pay py_trees' per-tick walk of the whole tree (its loop for "full" visitors; ~3/4 of a
bare tick on this 139-node tree). The ratio is therefore 1 + (the executor's own work: watch,
robot step, telemetry, log commit, stream) / (a bare tick). A second row compares with a plain
``root.tick()`` generator loop, the cheapest possible tick, for honesty.

Mission rows: wall time and real-time factor of each example mission, seed 1, run as
``mission run`` does (with the log), on the kinematic backend, and on pybullet unless ``--quick``.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import py_trees

from bench.table import Row
from bt_runtime.assembly import build_context
from bt_runtime.eventlog import EventLogWriter
from bt_runtime.executor import Executor
from bt_runtime.robot import RobotConfig
from bt_runtime.stream import StreamServer
from locomotion.backend import (
    Command,
    ContactInfo,
    NavStatus,
    Pose,
    RobotState,
    TerrainEstimate,
)
from locomotion.backends import make_backend
from locomotion.terrain import TerrainMap
from locomotion.world import TerrainKind, World
from quadmission.loading import load_mission
from quadmission.session import simulate

AREA = "executor"
MISSIONS = ("logistics", "rescue", "patrol")
ROOT = Path(__file__).resolve().parent.parent / "missions"


class NoOpBackend:
    """A backend that never moves: every step returns the same state one ``dt`` later."""

    terrain_map: TerrainMap | None = None

    def reset(
        self, world: World, start: Pose, seed: int | None = None, terrain: TerrainMap | None = None
    ) -> RobotState:
        self.terrain_map = terrain
        self.state = RobotState(
            time=0.0,
            pose=start,
            velocity=(0.0, 0.0, 0.0),
            terrain=TerrainEstimate(TerrainKind.FLAT, TerrainKind.FLAT, 1.0),
            gait="trot",
            energy_used=0.0,
            fallen=False,
            stuck=False,
            contacts=ContactInfo((True, True, True, True)),
            nav_status=NavStatus.ACTIVE,
        )
        return self.state

    def command(self, command: Command) -> None:
        pass

    def step(self, dt: float) -> RobotState:
        state = copy.copy(self.state)  # cheaper than dataclasses.replace: keep the backend ~free
        object.__setattr__(state, "time", state.time + dt)
        self.state = state
        return state

    def apply_push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        pass

    def set_payload(self, mass: float) -> None:
        pass

    def close(self) -> None:
        pass


_MONITOR = """
import socket, sys
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
while sock.recv(65536):
    pass
"""


class _Setup:
    """An executor over the no-op backend, with or without the log and a monitor process."""

    def __init__(self, compiled: Any, folder: Path, log_on: bool, stream_on: bool) -> None:
        config = RobotConfig.from_properties(compiled.robot)
        ctx = build_context(NoOpBackend(), compiled.world, config, 1)
        ctx.start(Pose(2.0, 2.0))
        self.log = EventLogWriter(folder / f"b-{log_on}-{stream_on}.sqlite") if log_on else None
        self.server = StreamServer() if stream_on else None
        self.monitor = None
        if self.server is not None:
            host, port = self.server.start()
            self.monitor = subprocess.Popen([sys.executable, "-c", _MONITOR, host, str(port)])
            deadline = time.monotonic() + 10
            while self.server.client_count() == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
        compiled.root.stop(py_trees.common.Status.INVALID)
        self.executor = Executor(
            compiled.root, ctx, compiled.tick_rate, log=self.log, stream=self.server
        )
        for _ in range(50):  # warm up: past the first ticks' status changes
            self.executor.tick_once()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        if self.monitor is not None:
            self.monitor.wait(timeout=10)
        if self.log is not None:
            self.log.close()


def _timed(block: int, tick: Any) -> float:
    start = time.perf_counter()
    for _ in range(block):
        tick()
    return time.perf_counter() - start


def _plain_loop(root: Any) -> Any:
    def tick() -> None:
        for _node in root.tick():
            pass

    return tick


def _tick_rows(quick: bool) -> list[Row]:
    compiled = load_mission(str(ROOT / "logistics.mission")).compiled
    n = 2000 if quick else 20000
    block = 200
    with tempfile.TemporaryDirectory() as tmp:
        setups = {
            "plain": _Setup(compiled, Path(tmp), log_on=False, stream_on=False),
            "logged": _Setup(compiled, Path(tmp), log_on=True, stream_on=False),
        }
        solo = {}
        for key, setup in setups.items():
            solo[key] = _timed(n, setup.executor.tick_once) / n
            setup.close()
        # side by side, interleaved in blocks so load changes hit all three alike: the executor
        # with log and stream, and bare ticks of the same tree (same port, same state)
        full = _Setup(compiled, Path(tmp), log_on=True, stream_on=True)
        tree = py_trees.trees.BehaviourTree(compiled.root)
        totals = {"executor": 0.0, "bare": 0.0, "loop": 0.0}
        ticks = {"executor": full.executor.tick_once, "bare": tree.tick}
        ticks["loop"] = _plain_loop(compiled.root)
        for _ in range(n // block):
            for key, tick in ticks.items():
                totals[key] += _timed(block, tick)
        full.close()
    executor_s, bare_s, loop_s = (totals[k] / n for k in ("executor", "bare", "loop"))
    nodes = sum(1 for _ in compiled.root.iterate())
    note = f"logistics tree ({nodes} nodes) mid-run, no-op backend, {n} ticks, interleaved"
    ratio = executor_s / bare_s
    return [
        Row(
            AREA,
            "executor tick, log + stream (1 monitor process)",
            executor_s * 1e6,
            "us",
            note=note,
        ),
        Row(AREA, "bare BehaviourTree.tick of the same tree", bare_s * 1e6, "us"),
        Row(AREA, "plain root.tick() loop of the same tree", loop_s * 1e6, "us"),
        Row(
            AREA,
            "executor (log+stream) / bare BehaviourTree.tick",
            ratio,
            "x",
            "<= 1.3",
            ratio <= 1.3,
        ),
        Row(
            AREA,
            "executor (log+stream) / plain root.tick() loop",
            executor_s / loop_s,
            "x",
            note="no visitor walk at all: the cheapest possible tick",
        ),
        Row(AREA, "executor tick, log only", solo["logged"] * 1e6, "us", note="run alone"),
        Row(AREA, "executor tick, no log, no stream", solo["plain"] * 1e6, "us", note="run alone"),
    ]


PYBULLET_BUDGET = 240.0
"""Wall seconds a pybullet mission run may take in the bench before it is aborted (then the row
gives the real-time factor of the part that ran)."""


def _mission_row(name: str, backend_name: str, budget: float | None, folder: Path) -> Row:
    mission = load_mission(str(ROOT / f"{name}.mission"))
    backend = make_backend(backend_name)
    log = EventLogWriter(folder / f"{name}-{backend_name}.sqlite")
    start = time.perf_counter()
    holder: list[Executor] = []

    def watchdog(_progress: object) -> None:
        if budget is not None and time.perf_counter() - start > budget:
            holder[0].abort()

    try:
        report = simulate(
            mission,
            backend,
            1,
            backend_name=backend_name,
            log=log,
            on_progress=watchdog,
            on_executor=holder.append,
        )
    finally:
        log.close()
        backend.close()
    wall = time.perf_counter() - start
    cut = f" (stopped at the {budget:g} s wall budget)" if report.outcome == "aborted" else ""
    why = f": {report.failure_reason}" if report.outcome == "failure" else ""
    return Row(
        AREA,
        f"{name} on {backend_name}: wall time",
        wall,
        "s",
        note=(
            f"{report.duration:.0f} s simulated, real-time factor "
            f"{report.duration / wall:.2g}x, outcome {report.outcome}{cut}{why}"
        ),
    )


def _mission_rows(quick: bool) -> list[Row]:
    backends = ("kinematic",) if quick else ("kinematic", "pybullet")
    with tempfile.TemporaryDirectory() as tmp:
        return [
            _mission_row(
                name, backend, PYBULLET_BUDGET if backend == "pybullet" else None, Path(tmp)
            )
            for backend in backends
            for name in MISSIONS
        ]


def rows(quick: bool) -> list[Row]:
    """Tick overhead rows, then one row per example mission and backend."""
    return _tick_rows(quick) + _mission_rows(quick)
