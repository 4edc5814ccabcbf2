"""The executor: tick a compiled behaviour tree on a simulated clock while the robot walks.

Each tick, at simulated time ``t``: due faults fire, the tree is ticked once (actions read the state
at ``t`` and command the backend), status changes are collected, then the backend is stepped by
``1 / tick_rate`` and the robot context updates battery, facts and detections. Everything that
happened goes to the run log (one commit per tick) and to the live stream, except telemetry: the
log gets it at ``telemetry_hz`` of sim time, monitors get it inside the snapshots they receive at
most ``snapshot_hz`` times a wall second (a fast-forwarded run would otherwise flood them).

Finding status changes cheaply: the nodes ``root.tick()`` yields this tick (py_trees yields exactly
the nodes it ticked, children before parents) plus the nodes that were not INVALID after the last
tick (a halted branch turns INVALID without being ticked). Nothing else can have changed, so the
whole tree is never walked per tick.

Time: as fast as possible by default; ``realtime`` paces ticks to the wall clock. Pause, resume,
single step and abort come from the API (thread-safe) or from the stream's command queue.

Determinism: the tree, the backend and the context draw all randomness from the run seed, node ids
are positions in the tree, and sim time is tick-based, so the same seed yields the same events
(wall-clock fields of :class:`RunStarted` aside).
"""

from __future__ import annotations

import dataclasses
import queue
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

from bt_runtime.actions import ActionPort
from bt_runtime.behaviours import LogEntry
from bt_runtime.events import (
    Alert,
    Event,
    FactChanged,
    Message,
    RunFinished,
    RunStarted,
    Snapshot,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    TreeNode,
)
from bt_runtime.report import Progress, RunReport
from bt_runtime.robot import RobotContext

__all__ = ["CommandSource", "EventSink", "Executor", "Fault", "tree_nodes"]


class EventSink(Protocol):
    """Where events go durably (:class:`bt_runtime.eventlog.EventLogWriter` fits)."""

    def append(self, event: Event) -> None: ...

    def commit_tick(self) -> None: ...


class CommandSource(Protocol):
    """A live stream: publishes messages, hands over monitor commands (StreamServer fits)."""

    def publish(self, message: Message) -> None: ...

    def poll_commands(self) -> Sequence[Any]: ...


class Fault(Protocol):
    """Something injected into the run at a simulated time (see :mod:`bt_runtime.faults`)."""

    @property
    def at(self) -> float:
        """Simulated time (s) at which the fault fires."""
        ...

    def apply(self, ctx: RobotContext) -> str:
        """Do it now; return a line for the alert log."""
        ...


def tree_nodes(root: Behaviour) -> tuple[TreeNode, dict[int, tuple[str, str]]]:
    """The tree as plain data, and for each py_trees node (by ``id()``) its id and path.

    Ids are positions ("0", "0.2", "0.2.1"), so two runs of one mission agree on them.
    """
    index: dict[int, tuple[str, str]] = {}

    def build(node: Behaviour, node_id: str, parent_path: str) -> TreeNode:
        path = f"{parent_path}/{node.name}" if parent_path else node.name
        index[id(node)] = (node_id, path)
        params_of = getattr(node, "params", None)
        params = dict(params_of()) if callable(params_of) else {}
        children = tuple(
            build(child, f"{node_id}.{i}", path) for i, child in enumerate(node.children)
        )
        return TreeNode(node_id, node.name, type(node).__name__, params, children)

    return build(root, "0", ""), index


@dataclass
class _Pending:
    commands: queue.SimpleQueue[str] = field(default_factory=queue.SimpleQueue)


class Executor:
    """Runs one mission: a tree, a robot context, a tick rate, and where to record it.

    Args:
        root: the compiled tree's root (not yet set up).
        ctx: the robot context, already started at the run's start pose.
        tick_rate: ticks per simulated second.
        time_limit: stop (as a failure) after this many simulated seconds; None for no limit.
        log: the durable event sink (committed every tick), or None.
        stream: the live stream, or None.
        started: the run header to record first (None: no header, e.g. in tests).
        realtime: pace ticks to the wall clock instead of running as fast as possible.
        faults: injected faults, each fired once at its simulated time.
        telemetry_hz: telemetry samples per simulated second.
        snapshot_hz: stream snapshots per wall-clock second at most.
        on_progress: called with a :class:`Progress` at most ``progress_hz`` times a wall second.
    """

    def __init__(
        self,
        root: Behaviour,
        ctx: RobotContext,
        tick_rate: float = 10.0,
        *,
        time_limit: float | None = None,
        log: EventSink | None = None,
        stream: CommandSource | None = None,
        started: RunStarted | None = None,
        realtime: bool = False,
        faults: Sequence[Fault] = (),
        telemetry_hz: float = 5.0,
        snapshot_hz: float = 10.0,
        on_progress: Callable[[Progress], None] | None = None,
        progress_hz: float = 5.0,
    ) -> None:
        if tick_rate <= 0:
            raise ValueError(f"tick_rate must be > 0 Hz, got {tick_rate}")
        if ctx.state is None:
            raise ValueError(
                "start the robot context (ctx.start(pose)) before building the executor"
            )
        self.root = root
        self.ctx = ctx
        self.dt = 1.0 / tick_rate
        self.time_limit = time_limit
        self.log = log
        self.stream = stream
        self.started = started
        self.realtime = realtime
        self.faults = sorted(faults, key=lambda f: f.at)
        self.telemetry_period = 1.0 / telemetry_hz if telemetry_hz > 0 else 0.0
        self.snapshot_period = 1.0 / snapshot_hz if snapshot_hz > 0 else 0.0
        self.on_progress = on_progress
        self.progress_period = 1.0 / progress_hz if progress_hz > 0 else 0.0
        self.lines: list[LogEntry] = []
        self.port = ActionPort(ctx)
        self.tree = py_trees.trees.BehaviourTree(root)
        self.tree.setup(robot=self.port, state=ctx, clock=lambda: ctx.time, log=self.lines)
        self.definition, self._index = tree_nodes(root)
        self._nodes = {id(n): n for n in root.iterate()}
        self._all_ids = {nid: "INVALID" for nid, _ in self._index.values()}
        self._live: dict[int, Status] = {}
        self.tick = 0
        self.paused = False
        self.report: RunReport | None = None
        self._pending = _Pending()
        self._abort_reason: str | None = None
        self._steps_allowed = 0
        self._lines_seen = 0
        self._next_telemetry = 0.0
        self._last_snapshot = -1e9
        self._last_progress = -1e9
        self._current: Behaviour | None = None
        self._fault_index = 0
        self._wall_start = 0.0
        self._sim_at_wall_start = 0.0
        self._final_changes: list[StatusChanged] = []
        self._telemetry_tick = -1
        self._handlers: dict[str, Callable[[], None]] = {
            "pause": self._on_pause,
            "resume": self._on_resume,
            "step": self._on_step,
            "abort": self._on_abort,
        }

    # ------------------------------------------------------------------ control (thread-safe)
    def pause(self) -> None:
        """Stop ticking after the tick in flight."""
        self._pending.commands.put("pause")

    def resume(self) -> None:
        self._pending.commands.put("resume")

    def step(self) -> None:
        """While paused: run exactly one more tick."""
        self._pending.commands.put("step")

    def abort(self) -> None:
        """End the run after the tick in flight (outcome ``aborted``)."""
        self._pending.commands.put("abort")

    def _on_pause(self) -> None:
        self.paused = True

    def _on_resume(self) -> None:
        self.paused = False
        self._wall_start, self._sim_at_wall_start = time.monotonic(), self.ctx.time

    def _on_step(self) -> None:
        self.paused = True
        self._steps_allowed += 1

    def _on_abort(self) -> None:
        self._abort_reason = "aborted by the operator"

    def _handle(self, name: str) -> None:
        handler = self._handlers.get(name)
        if handler is not None:  # the stream only passes known commands; ignore anything else
            handler()

    def _poll(self) -> None:
        while True:
            try:
                self._handle(self._pending.commands.get_nowait())
            except queue.Empty:
                break
        if self.stream is not None:
            for command in self.stream.poll_commands():
                self._handle(str(getattr(command, "name", command)))

    # ------------------------------------------------------------------ output
    def _emit(self, event: Event) -> None:
        if self.log is not None:
            self.log.append(event)
        if self.stream is not None:
            self.stream.publish(event)

    def _telemetry(self) -> Telemetry:
        state = self.ctx.state
        assert state is not None
        sample = Telemetry.from_state(self.tick, state, self.ctx.battery)
        if sample.sim_time != self.ctx.time:
            sample = dataclasses.replace(sample, sim_time=self.ctx.time)
        return sample

    def _snapshot(self, telemetry: Telemetry) -> Snapshot:
        statuses = dict(self._all_ids)
        for key, status in self._live.items():
            statuses[self._index[key][0]] = status.value
        path: list[str] = []
        node = self._current
        while node is not None:
            path.append(self._index[id(node)][0])
            node = node.parent
        board: dict[str, Any] = self.ctx.snapshot_values()
        board["battery"] = round(self.ctx.battery, 3)
        return Snapshot(self.tick, self.ctx.time, statuses, tuple(reversed(path)), board, telemetry)

    # ------------------------------------------------------------------ one tick
    def _status_changes(self, visited: list[Behaviour], now: float) -> list[StatusChanged]:
        """Status changes since the last call: of the nodes ticked, and of the nodes that were not
        INVALID before (a halt turns them INVALID without a tick). A node seen twice is compared
        once: after the first look its recorded status is current."""
        changes: list[StatusChanged] = []
        live = self._live
        invalid = Status.INVALID
        for node in visited:
            new = node.status
            key = id(node)
            if live.get(key, invalid) is not new:
                changes.append(self._change(node, key, live.get(key, invalid), new, now))
        for key, old in list(live.items()):
            node = self._nodes[key]
            if node.status is not old:
                changes.append(self._change(node, key, old, node.status, now))
        return changes

    def _change(
        self, node: Behaviour, key: int, old: Status, new: Status, now: float
    ) -> StatusChanged:
        if new is Status.INVALID:
            self._live.pop(key, None)
        else:
            self._live[key] = new
        node_id, path = self._index[key]
        return StatusChanged(
            self.tick, now, node_id, path, old.value, new.value, node.feedback_message
        )

    def tick_once(self) -> None:
        """One tick of the tree, then one backend step; records everything that happened."""
        ctx = self.ctx
        now = ctx.time
        self.tick += 1
        while (
            self._fault_index < len(self.faults) and self.faults[self._fault_index].at <= now + 1e-6
        ):
            line = self.faults[self._fault_index].apply(ctx)
            self._fault_index += 1
            self._emit(Alert(self.tick, now, "warning", f"fault injected: {line}"))
        visited = list(self.root.tick())
        self._current = next((n for n in visited if n.status == Status.RUNNING), None)
        changes = self._status_changes(visited, now)
        for change in changes:
            self._emit(change)
        if self.root.status == Status.FAILURE:
            self._final_changes = changes
        self._emit_lines(now, visited)
        for fact in ctx.changes():  # what the actions changed during the tick
            self._emit(FactChanged(self.tick, now, fact.key, fact.old, fact.new))
        stopped_before = ctx.stop_reason
        for fact in ctx.step(self.dt):
            self._emit(FactChanged(self.tick, ctx.time, fact.key, fact.old, fact.new))
        if ctx.stop_reason is not None and stopped_before is None:
            self._emit(Alert(self.tick, ctx.time, "error", ctx.stop_reason))
        telemetry = None
        if ctx.time + 1e-9 >= self._next_telemetry:
            telemetry = self._telemetry()
            if self.log is not None:  # monitors get telemetry inside snapshots (bounded rate)
                self.log.append(telemetry)
            self._telemetry_tick = self.tick
            self._next_telemetry += self.telemetry_period
        if self.log is not None:
            self.log.commit_tick()
        self._publish_views(telemetry)

    def _emit_lines(self, now: float, visited: list[Behaviour]) -> None:
        """Report/alert lines written this tick become Alert events (at the node that wrote them:
        a node ticked this tick with that name; names alone are not unique in a tree)."""
        lines = self.lines
        while self._lines_seen < len(lines):
            entry = lines[self._lines_seen]
            self._lines_seen += 1
            severity = "warning" if entry.level == "alert" else "info"
            if entry.level == "alert":
                self.ctx.count_alert()
            node = next((n for n in visited if n.name == entry.node), None)
            path = self._index[id(node)][1] if node is not None else entry.node
            self._emit(Alert(self.tick, now, severity, entry.text, path))

    def _publish_views(self, telemetry: Telemetry | None, force: bool = False) -> None:
        wall = time.monotonic()
        if self.stream is not None and (
            force or wall - self._last_snapshot >= self.snapshot_period
        ):
            self._last_snapshot = wall
            self.stream.publish(self._snapshot(telemetry or self._telemetry()))
        if self.on_progress is not None and (
            force or wall - self._last_progress >= self.progress_period
        ):
            self._last_progress = wall
            self.on_progress(self.progress())

    def progress(self) -> Progress:
        """What the run is doing now."""
        node = self._current
        state = self.ctx.state
        assert state is not None
        return Progress(
            self.ctx.time,
            node.name if node is not None else "",
            node.feedback_message if node is not None else "",
            self.ctx.battery,
            self.ctx.terrain(),
            state.gait,
            self.paused,
        )

    # ------------------------------------------------------------------ the run
    def _pace(self) -> None:
        if not self.realtime:
            return
        due = self._wall_start + (self.ctx.time - self._sim_at_wall_start)
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _should_tick(self) -> bool:
        if not self.paused:
            return True
        if self._steps_allowed > 0:
            self._steps_allowed -= 1
            return True
        return False

    def run(self) -> RunReport:
        """Run to the end: tree success or failure, the time limit, an empty battery, or abort."""
        wall0 = time.monotonic()
        self._wall_start, self._sim_at_wall_start = wall0, self.ctx.time
        if self.started is not None:
            self._emit(self.started)
        self._emit(TreeDefinition(self.definition))
        if self.log is not None:
            self.log.commit_tick()
        outcome, path, reason = "", None, None
        while True:
            self._poll()
            if self._abort_reason is not None:
                outcome, reason = "aborted", self._abort_reason
                path = self._current_path()
                break
            if not self._should_tick():
                self._publish_views(None)
                time.sleep(0.02)
                continue
            self.tick_once()
            status = self.root.status
            if status == Status.SUCCESS:
                outcome = "success"
                break
            if status == Status.FAILURE:
                outcome = "failure"
                path, reason = self._failure_origin()
                break
            if self.ctx.stop_reason is not None:
                outcome, path, reason = "failure", self._current_path(), self.ctx.stop_reason
                break
            if self.time_limit is not None and self.ctx.time >= self.time_limit - 1e-9:
                outcome, path = "failure", self._current_path()
                reason = f"time limit of {self.time_limit:g} s reached"
                break
            self._pace()
        if self.root.status == Status.RUNNING:
            self.root.stop(Status.INVALID)
            for change in self._status_changes([], self.ctx.time):
                self._emit(change)
        self.report = self._finish(outcome, path, reason, time.monotonic() - wall0)
        return self.report

    def _current_path(self) -> str | None:
        node = self._current
        return self._index[id(node)][1] if node is not None else None

    def _failure_origin(self) -> tuple[str | None, str | None]:
        """The deepest node of the final tick whose failure failed every ancestor up to the root.

        (A condition that failed under an inverter, or a child a fallback recovered from, is not
        on that chain.) Ancestry is read from the position ids, since names may contain "/".
        """
        failed = {c.node_id: c for c in self._final_changes if c.new == "FAILURE"}

        def chain(node_id: str) -> bool:
            parts = node_id.split(".")
            return all(".".join(parts[:i]) in failed for i in range(1, len(parts)))

        best = max((i for i in failed if chain(i)), key=lambda i: i.count("."), default=None)
        if best is not None:
            change = failed[best]
            return change.node_path, change.reason or "failed"
        return self._index[id(self.root)][1], self.root.feedback_message or "failed"

    def _finish(self, outcome: str, path: str | None, reason: str | None, wall: float) -> RunReport:
        ctx = self.ctx
        found = ctx.found.values()
        report = RunReport(
            outcome=outcome,
            duration=ctx.time,
            distance=ctx.distance,
            energy=ctx.energy_wh,
            battery=ctx.battery,
            min_battery=ctx.min_battery,
            victims=tuple(t.name for t in found if t.kind == "victim"),
            intruders=tuple(t.name for t in found if t.kind == "intruder"),
            delivered=tuple(ctx.delivered),
            falls=ctx.counter("falls"),
            alerts=ctx.counter("alerts"),
            ticks=self.tick,
            wall_time=wall,
            failure_path=path,
            failure_reason=reason,
        )
        if self._telemetry_tick != self.tick:
            self._emit(self._telemetry())
        self._emit(
            RunFinished(
                self.tick,
                outcome,
                report.duration,
                report.distance,
                report.energy,
                report.summary(),
                path,
                reason,
            )
        )
        if self.log is not None:
            self.log.commit_tick()
        self._publish_views(None, force=True)
        return report
