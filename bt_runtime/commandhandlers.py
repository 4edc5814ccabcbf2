"""What a run does on each operator command, apart from ticking: the executor's command desk.

Why a module of its own: the executor ticks the tree; acting on the operator is a job beside it
that the monitor keeps adding to. :class:`CommandHandlers` owns the run's
:class:`~bt_runtime.runcontrol.RunControl` (pause, resume, step, abort) and its
:class:`~bt_runtime.breakpoints.Breakpoints`, and registers the handlers of the monitor's commands
(:mod:`bt_runtime.monitorcommands`) with the control:

* every command acted on is recorded at once as an :class:`~bt_runtime.events.OperatorCommand`
  (with its arguments, origin and wall time: a paused run has no tick to commit it with);
* ``speed`` re-paces a ``--realtime`` run (a warning otherwise);
* ``breakpoint`` sets or clears one (a warning for a node the tree has not); ``release`` clears a
  disconnected monitor's and resumes a run held at one of them;
* ``fault`` is checked by :func:`~bt_runtime.faults.parse_fault` and queued, and the executor
  fires the queue at its next tick (:meth:`CommandHandlers.fire_faults`).

Like the control, everything here runs on the executor's thread only, between ticks or while a
breakpoint holds the tick in flight (:meth:`CommandHandlers.hold`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from py_trees.behaviour import Behaviour

from bt_runtime.breakpoints import AbortedAtBreakpoint, Breakpoints
from bt_runtime.events import Alert, OperatorCommand
from bt_runtime.faults import Fault, FaultSpecError, parse_fault
from bt_runtime.monitorcommands import RELEASE, fault_spec
from bt_runtime.recorder import CommandSource, Recorder
from bt_runtime.robot import RobotContext
from bt_runtime.runcontrol import Pacer, RunControl

__all__ = ["CommandHandlers"]

HOLD_POLL_S = 0.02
"""Wall seconds between two looks at the command queue while a breakpoint holds the run."""


class CommandHandlers:
    """Acts on the operator's commands for one run, and holds the run at its breakpoints.

    Args:
        ctx: the run's robot context (its clock and world; faults apply to it).
        record: where the run's events go.
        stream: the live stream whose commands are polled while held, or None.
        pacer: the run's wall-clock pacing (a resume rebases it; ``speed`` sets it).
        root: the tree's root, whose nodes can take a breakpoint.
        index: every node's (id, path), by ``id(node)`` (:func:`bt_runtime.tree_model.node_index`).
        tick: the executor's current tick number, for stamping events.
        publish_views: publishes the run's views (a held run keeps its monitor up to date).
    """

    def __init__(
        self,
        ctx: RobotContext,
        record: Recorder,
        stream: CommandSource | None,
        pacer: Pacer,
        root: Behaviour,
        index: Mapping[int, tuple[str, str]],
        tick: Callable[[], int],
        publish_views: Callable[[], None],
    ) -> None:
        self._ctx = ctx
        self._record = record
        self._stream = stream
        self._pacer = pacer
        self._index = index
        self._tick = tick
        self._publish_views = publish_views
        self.control = RunControl(on_resume=pacer.rebase, on_command=self._log_command)
        nodes = {index[id(node)][0]: node for node in root.iterate()}
        self.breakpoints = Breakpoints(nodes, self.hold)
        for name, handler in (
            ("speed", self._set_speed),
            ("breakpoint", self._set_breakpoint),
            ("fault", self._queue_fault),
            (RELEASE, self._release),
        ):
            self.control.handle(name, handler)
        self.held: str | None = None
        """The node id the run is held before at a breakpoint now, or None."""
        self._faults: list[tuple[Fault, str]] = []

    def fire_faults(self, tick: int, now: float) -> None:
        """Apply the faults the monitor asked for since the last tick, each with an alert."""
        if not self._faults:
            return
        for fault, origin in self._faults:
            line = fault.apply(self._ctx)
            text = f"fault injected by {origin}: {line}"
            self._record.emit(Alert(tick, now, "warning", text))
        self._faults.clear()

    def hold(self, node_id: str) -> None:
        """A breakpoint: wait before ``node_id`` ticks, until resume, step or abort.

        Raises:
            AbortedAtBreakpoint: the operator aborted while the run was held.
        """
        control, record, ctx = self.control, self._record, self._ctx
        control.paused = True
        path = next(p for i, p in self._index.values() if i == node_id)
        text = f"breakpoint: paused before {path}"
        record.emit(Alert(self._tick(), ctx.time, "info", text, path, node_id))
        record.commit()
        self.held = node_id
        try:
            while True:
                control.poll(self._stream)
                if control.abort_reason is not None:
                    raise AbortedAtBreakpoint(node_id)
                if not control.paused or control.take_step():
                    return
                self._publish_views()
                time.sleep(HOLD_POLL_S)
        finally:
            self.held = None

    def _warn(self, severity: str, text: str) -> None:
        self._record.emit(Alert(self._tick(), self._ctx.time, severity, text))

    def _log_command(self, name: str, args: dict[str, Any], origin: str) -> None:
        """Record a command acted on, as a readable line with its arguments, and commit it."""
        if name == RELEASE:
            command = "release (the monitor disconnected: its breakpoints are released)"
        else:
            detail = " ".join(f"{k}={v}" for k, v in args.items())
            command = f"{name} {detail}".rstrip()
        event = OperatorCommand(self._tick(), self._ctx.time, command, origin, time.time())
        self._record.emit(event)
        self._record.commit()

    def _set_speed(self, args: dict[str, Any], origin: str) -> None:
        if not self._pacer.realtime:
            self._warn(
                "warning",
                "speed ignored: this run is not paced to the wall clock (run it with --realtime)",
            )
            return
        self._pacer.set_speed(float(args["factor"]))

    def _set_breakpoint(self, args: dict[str, Any], origin: str) -> None:
        node_id, enabled = str(args["node"]), bool(args.get("enabled", True))
        if not self.breakpoints.set(node_id, enabled, origin):
            self._warn("warning", f"breakpoint refused: the tree has no node {node_id!r}")

    def _release(self, args: dict[str, Any], origin: str) -> None:
        if self.held is not None and self.held in self.breakpoints.release(origin):
            self.control.request("resume", origin=origin)  # nobody is left to resume it

    def _queue_fault(self, args: dict[str, Any], origin: str) -> None:
        spec = fault_spec(str(args["kind"]), dict(args.get("params", {})), self._ctx.time)
        try:
            fault = parse_fault(spec, self._ctx.world)
        except FaultSpecError as exc:
            self._warn("error", f"fault from {origin} refused: {exc}")
            return
        self._faults.append((fault, origin))
