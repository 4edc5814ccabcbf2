"""The executor: tick a compiled behaviour tree on a simulated clock while the robot walks.

Each tick, at simulated time ``t``: due faults fire, the tree is ticked once through
:meth:`py_trees.trees.BehaviourTree.tick` (actions read the state at ``t`` and command the
backend; :class:`~bt_runtime.lean_tree.LeanBehaviourTree` only leaves out py_trees' walk for full
visitors, which would visit nobody here), then the backend is stepped by ``1 / tick_rate`` and the
robot context updates battery, facts and detections. Everything that happened goes to the run log (one commit per tick) and to the live
stream, except telemetry: the log gets the samples :class:`~bt_runtime.telemetry.TelemetryFilter`
keeps (the one place telemetry is decimated), monitors get the state inside the snapshots they
receive at most ``snapshot_hz`` times a wall second (a fast-forwarded run would flood them).

Observability rides on py_trees' own hooks: a :class:`~bt_runtime.tickwatch.TickWatch` visitor sees
every node ticked (status changes, halted nodes included, and which node wrote each report or alert
line) and a post-tick handler turns that into events, each naming its node by id.

A run log the disk refuses ends the run at once as ``aborted`` with the reason
(:data:`LOG_LOST`...): a run that cannot be recorded is not a run anyone can trust; the log keeps
every tick committed before.

Time: as fast as possible by default; ``realtime`` paces ticks to the wall clock (at a speed the
monitor may change). Pause, resume, single step and abort come from the API (thread-safe) or from
the stream's command queue (:mod:`bt_runtime.runcontrol`), and so do a monitor's breakpoints
(:mod:`bt_runtime.breakpoints`: the run pauses before the node ticks) and faults (applied at the
next tick). What the run does on each of them, recording it as an
:class:`~bt_runtime.events.OperatorCommand` first, is :mod:`bt_runtime.commandhandlers`' job; the
executor polls the commands between ticks and fires the queued faults at the start of a tick.

The world for a monitor's map (:class:`~bt_runtime.events.WorldDefinition`) is recorded after the
tree; what the world sim finds after each step (detections naming the running action, entities
found, regions closed) is :mod:`bt_runtime.findings`' to record.

Determinism: the tree, the backend and the context draw all randomness from the run seed, node ids
are positions in the tree, and sim time is tick-based, so the same seed yields the same events
(wall-clock fields of :class:`RunStarted` aside).

Size: about 450 lines: the tick loop, the run's end and its report. The report's assembly
(:meth:`Executor._finish`) is the next to move out if it grows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

from bt_runtime.actions import ActionPort
from bt_runtime.behaviours import LogEntry
from bt_runtime.breakpoints import AbortedAtBreakpoint
from bt_runtime.commandhandlers import CommandHandlers
from bt_runtime.events import (
    Alert,
    FactChanged,
    RunFinished,
    RunStarted,
    Snapshot,
    StatusChanged,
    Telemetry,
    TreeDefinition,
)
from bt_runtime.findings import FindingsRecorder
from bt_runtime.lean_tree import LeanBehaviourTree
from bt_runtime.recorder import CommandSource, EventSink, Recorder
from bt_runtime.report import Progress, RunReport, failure_origin
from bt_runtime.requirements import Criterion, judge
from bt_runtime.robot import RobotContext
from bt_runtime.runcontrol import Pacer
from bt_runtime.telemetry import TelemetryFilter
from bt_runtime.temporal import TemporalCriterion, TemporalJudge
from bt_runtime.tickwatch import NodeChange, TickWatch, WrittenLine
from bt_runtime.tree_model import describe, node_index, tree_definition
from bt_runtime.vocabulary import DEFAULT_TICK_RATE
from bt_runtime.worlddef import world_definition

__all__ = ["LOG_LOST", "CommandSource", "EventSink", "Executor", "Fault"]

LOG_LOST = "the run log cannot be written"
"""The start of an aborted run's reason when its log was refused (disk full...)."""


class Fault(Protocol):
    """Something injected into the run at a simulated time (see :mod:`bt_runtime.faults`)."""

    @property
    def at(self) -> float:
        """Simulated time (s) at which the fault fires."""
        ...

    def apply(self, ctx: RobotContext) -> str:
        """Do it now; return a line for the alert log."""
        ...


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
        telemetry_hz: regular telemetry samples per simulated second (0: every tick); changes of
            terrain, gait, fallen or stuck are recorded whenever they happen.
        snapshot_hz: stream snapshots per wall-clock second at most.
        on_progress: called with a :class:`Progress` at most ``progress_hz`` times a wall second.
        requirements: the mission's ``require`` lines, judged when the run ends.
        temporal: the mission's ``require always``/``within`` lines, sampled after every tick and
            at the end, judged when the run ends (:mod:`bt_runtime.temporal`).
    """

    def __init__(
        self,
        root: Behaviour,
        ctx: RobotContext,
        tick_rate: float = DEFAULT_TICK_RATE,
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
        requirements: Sequence[Criterion] = (),
        temporal: Sequence[TemporalCriterion] = (),
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
        self.record = Recorder(
            log,
            stream,
            snapshot_hz=snapshot_hz,
            on_progress=on_progress,
            progress_hz=progress_hz,
        )
        self.started = started
        self.requirements = tuple(requirements)
        self.temporal = TemporalJudge(temporal)
        self.faults = sorted(faults, key=lambda f: f.at)
        self.telemetry = TelemetryFilter(telemetry_hz)
        # a log whose ``reads_terrain_true`` is False (the campaign's fall watch) gets samples
        # without the world's label unless the stream shares them; asked once, as the log is given
        self._sample_terrain_true = stream is not None or getattr(log, "reads_terrain_true", True)
        self.port = ActionPort(ctx)
        description = describe(root)  # the one description every view of the tree reads
        self.definition = tree_definition(description).root
        self._index = node_index(description)
        self.watch = TickWatch(self._index)
        self.lines: list[LogEntry] = self.watch.lines
        self.tree = LeanBehaviourTree(root)
        self._mission_abort: str | None = None  # `on failure abort`: AbortMission's reason
        self.tree.setup(robot=self.port, state=ctx, clock=lambda: ctx.time, log=self.lines,
                        abort=self._abort_by_mission)
        self.tree.visitors.append(self.watch)
        self.tree.add_post_tick_handler(self._after_tick)
        self.pacer = Pacer(realtime, lambda: ctx.time)
        self.commands = CommandHandlers(
            ctx, self.record, stream, self.pacer, root, self._index,
            tick=lambda: self.tick, publish_views=lambda: self._publish_views(None),
        )
        self.control = self.commands.control
        self.findings = FindingsRecorder(ctx, self._index, self.record.emit)
        self.tick = 0
        self.report: RunReport | None = None
        self._now = 0.0
        self._current: Behaviour | None = None
        self._fault_index = 0
        self._final_changes: list[StatusChanged] = []
        self._telemetry_tick = -1

    # ------------------------------------------------------------------ control (thread-safe)
    @property
    def realtime(self) -> bool:
        return self.pacer.realtime

    @property
    def paused(self) -> bool:
        return self.control.paused

    def pause(self, origin: str = "api") -> None:
        """Stop ticking after the tick in flight; ``origin`` is who asked, for the run log."""
        self.control.request("pause", origin=origin)

    def resume(self, origin: str = "api") -> None:
        """Tick again after a pause."""
        self.control.request("resume", origin=origin)

    def step(self, origin: str = "api") -> None:
        """While paused: run exactly one more tick."""
        self.control.request("step", origin=origin)

    def abort(self, origin: str = "api") -> None:
        """End the run after the tick in flight (outcome ``aborted``)."""
        self.control.request("abort", origin=origin)

    def command(self, name: str, args: dict[str, Any] | None = None, origin: str = "api") -> None:
        """Queue any operator command (speed, breakpoint, fault: see ``monitorcommands``)."""
        self.control.request(name, args, origin)

    # ------------------------------------------------------------------ output
    def _telemetry(self, terrain_true: bool = True) -> Telemetry:
        """The sample of this tick; ``terrain_true=False`` leaves the world's label out (None)
        for a log that says it never reads it (the look-up is a polygon search)."""
        state = self.ctx.state
        assert state is not None
        true = self.ctx.world.kind_at(state.pose.x, state.pose.y).value if terrain_true else None
        return Telemetry.from_state(self.tick, state, self.ctx.battery, self.ctx.time, true)

    def _snapshot(self, telemetry: Telemetry) -> Snapshot:
        watch = self.watch
        ctx = self.ctx
        state = ctx.state
        return Snapshot(
            self.tick,
            ctx.time,
            watch.statuses(),
            watch.path_ids(self._current),
            ctx.snapshot_values(),
            telemetry,
            found=tuple(ctx.found),
            closed=tuple(region.name for region in ctx.closed_regions),
            planned_path=tuple(state.path) if state is not None else (),
            paused=self.control.paused,
        )

    # ------------------------------------------------------------------ one tick
    def _status_event(self, change: NodeChange, now: float) -> StatusChanged:
        return StatusChanged(
            self.tick,
            now,
            change.node_id,
            change.node_path,
            change.old.value,
            change.new.value,
            change.reason,
        )

    def _line_event(self, line: WrittenLine, now: float) -> Alert:
        """A report or alert line as an Alert, at the node that wrote it (by id)."""
        entry = line.entry
        if entry.level == "alert":
            self.ctx.count_alert()
            severity = "warning"
        else:
            severity = "info"
        return Alert(self.tick, now, severity, entry.text, line.node_path, line.node_id)

    def _after_tick(self, tree: py_trees.trees.BehaviourTree) -> None:
        """Post-tick handler: the watch's findings become events, stamped with tick and time."""
        watch, now = self.watch, self._now
        self._current = watch.running()
        changes = [self._status_event(change, now) for change in watch.changes]
        for event in changes:
            self.record.emit(event)
        if tree.root.status is Status.FAILURE:
            self._final_changes = changes
        for line in watch.written:
            self.record.emit(self._line_event(line, now))

    def tick_once(self) -> None:
        """One tick of the tree, then one backend step; records everything that happened."""
        ctx = self.ctx
        now = self._now = ctx.time
        self.tick += 1
        faults = self.faults
        while self._fault_index < len(faults) and faults[self._fault_index].at <= now + 1e-6:
            line = faults[self._fault_index].apply(ctx)
            self._fault_index += 1
            self.record.emit(Alert(self.tick, now, "warning", f"fault injected: {line}"))
        self.commands.fire_faults(self.tick, now)
        self.tree.tick()
        for fact in ctx.changes():  # what the actions changed during the tick
            self.record.emit(FactChanged(self.tick, now, fact.key, fact.old, fact.new))
        if self.temporal:  # the state at ``now`` as the tick left it, stamped as the log is
            self.temporal.sample(now, ctx)
        stopped_before = ctx.stop_reason
        record = self.record
        changed = ctx.step(self.dt)
        later = ctx.time  # the step's end: nothing below moves the clock
        for fact in changed:
            record.emit(FactChanged(self.tick, later, fact.key, fact.old, fact.new))
        if ctx.stop_reason is not None and stopped_before is None:
            record.emit(Alert(self.tick, later, "error", ctx.stop_reason))
        self.findings.after_step(self.tick, self._current)
        telemetry = None
        state = ctx.state
        assert state is not None
        if self.telemetry.due(state, later):
            # a sample goes to the log only: with no log nobody reads it (a view builds its own)
            if record.log is not None:
                telemetry = self._telemetry(self._sample_terrain_true)
                record.keep(telemetry)
            self._telemetry_tick = self.tick
        record.commit()
        if record.stream is not None or record.on_progress is not None:  # else no view is due
            self._publish_views(telemetry)

    def _publish_views(self, telemetry: Telemetry | None, force: bool = False) -> None:
        self.record.views(
            lambda: self._snapshot(telemetry or self._telemetry()), self.progress, force=force
        )

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
    def run(self) -> RunReport:
        """Run to the end: tree success or failure, the time limit, an empty battery, or abort."""
        wall0 = time.monotonic()
        self.pacer.rebase()
        if self.started is not None:
            self.record.emit(self.started)
        self.record.emit(TreeDefinition(self.definition))
        self.record.emit(world_definition(self.ctx.world))
        self.record.commit()
        outcome, path, reason = "", None, None
        control = self.control
        while True:
            control.poll(self.stream)
            if self.record.log_failure is not None:
                outcome, path = "aborted", self._current_path()
                reason = f"{LOG_LOST}: {self.record.log_failure}"
                break
            if control.abort_reason is not None:
                outcome, reason = "aborted", control.abort_reason
                path = self._current_path()
                break
            if not control.should_tick():
                self._publish_views(None)
                time.sleep(0.02)
                continue
            try:
                self.tick_once()
            except AbortedAtBreakpoint:
                outcome, reason = "aborted", control.abort_reason
                path = self._current_path()
                break
            outcome, path, reason = self._ended()
            if outcome or self.record.log_failure is not None:
                if self.record.log_failure is not None:  # not recorded: it is not a result
                    outcome, path = "aborted", self._current_path()
                    reason = f"{LOG_LOST}: {self.record.log_failure}"
                break
            self.pacer.wait()
        if self.temporal and self.tick:  # the state the last step left, at the run's end
            self.temporal.sample(self.ctx.time, self.ctx)
        if self.root.status == Status.RUNNING:
            self.root.stop(Status.INVALID)
            for change in self.watch.collect():
                self.record.emit(self._status_event(change, self.ctx.time))
        self.report = self._finish(outcome, path, reason, time.monotonic() - wall0)
        return self.report

    def _abort_by_mission(self, reason: str) -> None:
        """A mission's ``on failure abort``: the robot sat; the run ends after this tick."""
        self._mission_abort = reason

    def _ended(self) -> tuple[str, str | None, str | None]:
        """(outcome, failure path, reason) if the run is over after this tick, else ("", ...)."""
        if self._mission_abort is not None:
            return "aborted", self._current_path(), self._mission_abort
        status = self.root.status
        if status == Status.SUCCESS:
            return "success", None, None
        if status == Status.FAILURE:
            return ("failure", *self._failure_origin())
        if self.ctx.stop_reason is not None:
            return "failure", self._current_path(), self.ctx.stop_reason
        if self.time_limit is not None and self.ctx.time >= self.time_limit - 1e-9:
            return "failure", self._current_path(), f"time limit of {self.time_limit:g} s reached"
        return "", None, None

    def _current_path(self) -> str | None:
        node = self._current
        return self._index[id(node)][1] if node is not None else None

    def _failure_origin(self) -> tuple[str | None, str | None]:
        change = failure_origin(self._final_changes)
        if change is not None:
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
            detections=tuple(self.findings.detections),
            falls=ctx.counter("falls"),
            alerts=ctx.counter("alerts"),
            ticks=self.tick,
            wall_time=wall,
            failure_path=path,
            failure_reason=reason,
            requirements=judge(self.requirements, {
                "duration": ctx.time, "min_battery": ctx.min_battery, "distance": ctx.distance,
                "falls": ctx.counter("falls"), "victims_found": ctx.counter("victims_found"),
                "deliveries": ctx.counter("deliveries"),
            }, succeeded=outcome == "success") + self.temporal.verdicts(outcome == "success"),
        )
        if self._telemetry_tick != self.tick:
            self.record.emit(self._telemetry())
        self.record.emit(
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
        self.record.commit()
        self._publish_views(None, force=True)
        return report
