"""Monitor costs: applying one snapshot of a 1,000-node tree (goal <= 5 ms: at 10 snapshots a second
the UI thread keeps 95 % of its time for drawing), the cost of a frame and so the frames per second
the UI can still draw at 10 snapshots a second (goal >= 20), and the model's memory over an hour of
history (bounded: the history window is a fixed number of entries, so an hour costs what ten
minutes do), and the whole monitor's memory after replaying a 1-hour run log to its end (bounded
the same way: the replay source streams the log and keeps only the folded state).

Frames per second is a capacity, not a count: headless, Textual draws only when something changed,
so counting frames at 10 snapshots/s would measure the input rate. The figure is what the second
has left after the snapshots, divided by the measured cost of one frame.

The snapshot cost is the app's handler on the UI thread: folding the state into the model and
relabelling the nodes it reports as changed (plus the line refreshes Textual defers from
``set_label``; painting itself is the compositor's and is not measured here), with the app running
headless at 160x50 and the tree partly expanded (tasks collapsed, as the monitor opens).
"""

from __future__ import annotations

import asyncio
import statistics
import time
import tracemalloc
from typing import Any

from bench.table import Row
from tui.messages import AlertEntry, NodeInfo, RunOpened, Sample, StateChanged, StatusEntry
from tui.model import MonitorModel

AREA = "tui"


def big_tree(fanout: int = 10, tasks: int = 9) -> NodeInfo:
    """1 + 10 + 10*9 task calls + their bodies and leaves: 1,001 nodes."""
    def leaf(pid: str, i: int) -> NodeInfo:
        return NodeInfo(f"{pid}.{i}", f"go to p{pid}.{i}", "GoTo", f"p/{pid}.{i}",
                        {"target": {"name": f"p{pid}.{i}", "x": float(i), "y": 0.0}})

    def task(pid: str, i: int) -> NodeInfo:
        tid = f"{pid}.{i}"
        body = NodeInfo(f"{tid}.0", "body", "Sequence", f"p/{tid}/body", {},
                        tuple(leaf(f"{tid}.0", k) for k in range(9)))
        return NodeInfo(tid, f"task {tid}", "TaskCall", f"p/{tid}", {}, (body,))

    branches = tuple(
        NodeInfo(f"0.{b}", f"branch {b}", "Sequence", f"p/{b}", {},
                 tuple(task(f"0.{b}", t) for t in range(tasks)))
        for b in range(fanout)
    )
    return NodeInfo("0", "root", "Sequence", "p", {}, branches)


def _states(root: NodeInfo, count: int, flips: int) -> list[StateChanged]:
    ids = [n.id for n in root.walk()]
    out = []
    for k in range(count):
        statuses = {i: "INVALID" for i in ids}
        for j in range(flips):
            statuses[ids[(k * 7 + j * 13) % len(ids)]] = "SUCCESS" if (k + j) % 2 else "FAILURE"
        path = ("0", "0.1", "0.1.2", "0.1.2.0", f"0.1.2.0.{k % 9}")
        statuses.update({i: "RUNNING" for i in path})
        sample = Sample(k, k / 10, 0.1 * k, 0.0, 0.3, 0.0, 0.0, 0.0, 0.4, 0.0, 0.0, 90.0,
                        "flat", "trot", 0.0, False, False)
        out.append(StateChanged(k, k / 10, statuses, path, {"victims": k % 3}, sample))
    return out


def _timed(fn: Any, spent: list[float], frames: list[int] | None = None) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            if frames is not None:
                frames[0] += 1
    return wrapper


def _snapshot_costs(count: int, flips: int) -> tuple[float, float, int]:
    """(median ms to apply one snapshot, mean ms per drawn frame, node count)."""
    from tui.app import make_monitor

    class Quiet:
        controller = None

        def start(self, app: Any) -> None: ...

        def stop(self) -> None: ...

    root = big_tree()
    nodes = sum(1 for _ in root.walk())
    app = make_monitor(Quiet(), clock=time.monotonic)
    costs: list[float] = []
    drawing, frames = [0.0], [0]

    async def main() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            app.post_message(RunOpened("bench", "kinematic", 1, 10.0, "", root))
            await pilot.pause(0.1)
            tree, screen = app.query_one("#tree"), app.screen
            deferred = [0.0]
            # set_label defers the line refresh: count it in the snapshot's cost
            tree._refresh_node = _timed(tree._refresh_node, deferred)
            # a frame: the layout pass, the widget updates and the compositor's render (private
            # hooks of Textual's Screen, wrapped only here to time them)
            screen._refresh_layout = _timed(screen._refresh_layout, drawing)
            compositor = screen._compositor
            compositor.update_widgets = _timed(compositor.update_widgets, drawing)
            screen._compositor_refresh = _timed(screen._compositor_refresh, drawing, frames)
            for state in _states(root, count, flips):
                deferred[0] = 0.0
                started = time.perf_counter()
                app.on_state_changed(state)
                handler = time.perf_counter() - started
                await pilot.pause(0.05)  # the deferred refreshes and the next frame run here
                costs.append(handler + deferred[0])

    asyncio.run(main())
    frame = drawing[0] / max(1, frames[0])
    return statistics.median(costs) * 1e3, frame * 1e3, nodes


def _memory_after(seconds: float, tick_rate: float = 10.0) -> float:
    """Bytes the model holds after ``seconds`` of a run's history (10 Hz samples and changes)."""
    tracemalloc.start()
    model = MonitorModel()
    model.open(big_tree())
    base = tracemalloc.get_traced_memory()[0]
    for tick in range(int(seconds * tick_rate)):
        t = tick / tick_rate
        model.apply_entries([
            Sample(tick, t, 0.1, 0.0, 0.3, 0.0, 0.0, 0.0, 0.4, 0.0, 0.0, 90.0, "flat", "trot",
                   0.0, False, False),
            StatusEntry(tick, t, f"0.{tick % 10}", "INVALID", "RUNNING"),
            AlertEntry(tick, t, "info", f"line {tick}"),
        ])
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used


def _write_log(path: Any, seconds: float, tick_rate: float = 10.0) -> None:
    """A run log of ``seconds`` of a patrol-like run: telemetry at 5 Hz, a status change a tick."""
    from bt_runtime.eventlog import EventLogWriter
    from bt_runtime.events import RunFinished, RunStarted, StatusChanged, Telemetry, TreeDefinition
    from bt_runtime.events import TreeNode as RuntimeNode

    leaves = tuple(RuntimeNode(f"0.{i}", f"leg {i}", "GoTo") for i in range(10))
    with EventLogWriter(path) as log:
        log.append(RunStarted("bench", "bench", "", "", 1, "kinematic", {}, tick_rate, 0.0))
        log.append(TreeDefinition(RuntimeNode("0", "bench", "Sequence", {}, leaves)))
        statuses = ("INVALID", "RUNNING")
        for tick in range(1, int(seconds * tick_rate) + 1):
            t = tick / tick_rate
            i = tick % 10
            old, new = statuses[(tick // 10) % 2], statuses[(tick // 10 + 1) % 2]
            log.append(StatusChanged(tick, t, f"0.{i}", f"bench/leg {i}", old, new))
            if tick % 2 == 0:
                log.append(Telemetry(tick, t, 0.01 * tick % 20, 1.0, 0.3, 0.0, 0.0, 0.0, 0.4, 0.0,
                                     0.0, 90.0, "flat", "trot", 0.0, False, False, "flat"))
            log.commit_tick()
        log.append(RunFinished(int(seconds * tick_rate), "success", seconds, 0.0, 0.0))


def _replay_memory(seconds: float, speed: float = 256.0) -> float:
    """Bytes the monitor (app, model, widgets, replay source) holds after replaying ``seconds`` of
    a run log to its end, above what it held once the run opened (traced Python allocations: RSS
    keeps the high-water mark of transient batches and says nothing about what is retained)."""
    import tempfile
    from pathlib import Path

    from tui.app import make_monitor
    from tui.source import ReplaySource

    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "hour.sqlite"
        _write_log(log, seconds)
        source = ReplaySource(log, speed=speed, playing=False)
        app = make_monitor(source, clock=lambda: 0.0)
        used = 0.0

        async def main() -> None:
            nonlocal used
            async with app.run_test(size=(160, 50)) as pilot:
                while app.model.end is None:
                    await pilot.pause(0.05)
                await pilot.pause(0.2)
                tracemalloc.start(1)
                base = tracemalloc.get_traced_memory()[0]
                source.resume()
                while app.model.outcome is None:
                    await asyncio.sleep(0.2)  # the screen is busy: pilot.pause would time out
                await pilot.pause(0.3)
                used = tracemalloc.get_traced_memory()[0] - base
                tracemalloc.stop()

        asyncio.run(main())
    return used


def rows(quick: bool) -> list[Row]:
    count = 20 if quick else 60
    typical, frame, nodes = _snapshot_costs(count, flips=10)
    heavy, heavy_frame, _ = _snapshot_costs(count, flips=100)
    # what one wall second leaves for drawing after ten snapshots, in frames of the measured cost
    fps = (1.0 - 10 * heavy / 1e3) / (heavy_frame / 1e3)
    ten_minutes = _memory_after(600.0)
    hour = _memory_after(600.0 if quick else 3600.0)
    replay_short = _replay_memory(600.0)
    replay_long = _replay_memory(1200.0 if quick else 3600.0)
    return [
        Row(AREA, f"apply one snapshot, {nodes} nodes, ~15 changed", typical, "ms", "<= 5",
            typical <= 5.0, "median; model fold + relabel of changed nodes"),
        Row(AREA, f"apply one snapshot, {nodes} nodes, ~105 changed", heavy, "ms", "<= 5",
            heavy <= 5.0, "median"),
        Row(AREA, f"draw one frame after a snapshot, {nodes} nodes", frame, "ms", "",
            None, "layout + widget updates + compositor render, 160x50"),
        Row(AREA, "frames/s the UI can draw at 10 snapshots/s", fps, "fps", ">= 20", fps >= 20,
            "capacity: (1 s - 10 x apply) / frame cost, ~105 changed"),
        Row(AREA, "model memory after 10 min of history", ten_minutes / 1e6, "MB"),
        Row(AREA, "model memory after 1 h of history" + (" (quick: 10 min)" if quick else ""),
            hour / 1e6, "MB", "bounded", hour <= 1.2 * ten_minutes,
            "history window: 2,000 entries"),
        Row(AREA, "monitor memory after a 10 min replay", replay_short / 1e6, "MB", "", None,
            "app + model + widgets + replay source; log played to its end, paced by the screen"),
        Row(AREA, "monitor memory after a 1 h replay" + (" (quick: 20 min)" if quick else ""),
            replay_long / 1e6, "MB", "bounded", replay_long <= 1.3 * replay_short + 1e6,
            "bounded: <= 1.3 x the 10 min figure + 1 MB"),
    ]
