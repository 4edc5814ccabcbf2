"""The monitor app: one screen that folds a source's messages into a model and redraws from it.

Built by :func:`make_monitor` (the commands and the tests use the same factory). The app owns the
:class:`~tui.model.MonitorModel`; message handlers fold a message in, then tell only the affected
widgets to redraw (the tree relabels just the nodes that changed). Controls go to the source's
:class:`~tui.control.Controller` (a replay source is its own); every control the operator uses is
written to the event log, with its refusal if the controller refuses it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Tree

from tui.control import ControlError, Controller, Seekable
from tui.messages import (
    CommandEntry,
    ConnectionChanged,
    Happened,
    PlaybackChanged,
    Rewound,
    RunEnded,
    RunOpened,
    StateChanged,
    WorldOpened,
)
from tui.model import MonitorModel
from tui.source import Source
from tui.widgets.dialogs import ConfirmAbort, FaultChoice, FaultDialog
from tui.widgets.event_log import KINDS, EventLogView
from tui.widgets.facts import FactsTable
from tui.widgets.map_view import MapView
from tui.widgets.node_detail import NodeDetail
from tui.widgets.run_header import RunHeader
from tui.widgets.telemetry import TelemetryPanel
from tui.widgets.tree_view import BehaviourTreeView

__all__ = ["SEEK_STEP", "MonitorApp", "make_monitor"]

SEEK_STEP = 10.0
"""Seconds of sim time one seek key moves a replay."""


@dataclass(frozen=True)
class _Views:
    """The screen's widgets, found once at mount."""

    header: RunHeader
    tree: BehaviourTreeView
    detail: NodeDetail
    telemetry: TelemetryPanel
    map: MapView
    facts: FactsTable
    log: EventLogView

    @property
    def showing(self) -> bool:
        """False once the app is exiting: a message still in flight must not touch the screen."""
        return self.header.is_attached


class MonitorApp(App[None]):
    """Watch and steer one run, live or replayed."""

    CSS_PATH = "monitor.tcss"
    TITLE = "quadmission monitor"
    BINDINGS: ClassVar = [
        Binding("p", "toggle_pause", "Pause/resume"),
        Binding("n", "step", "Step"),
        Binding("a", "abort", "Abort"),
        Binding("plus,equals_sign", "speed(2.0)", "Faster", key_display="+"),
        Binding("minus", "speed(0.5)", "Slower", key_display="-"),
        Binding("f", "jump_failure", "Failing node"),
        Binding("o", "toggle_follow", "Follow"),
        Binding("b", "breakpoint", "Breakpoint"),
        Binding("x", "fault", "Fault"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("left_square_bracket", "seek(-1)", "Back", key_display="["),
        Binding("right_square_bracket", "seek(1)", "Fwd", key_display="]"),
        Binding("left_curly_bracket", "seek_to(0)", "Start", show=False, key_display="{"),
        Binding("right_curly_bracket", "seek_to(-1)", "End", show=False, key_display="}"),
        *(Binding(str(i), f"filter('{kind}')", kind, show=False) for i, kind in enumerate(KINDS, 1)),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, source: Source, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.source = source
        self.model = MonitorModel()
        self.following = False
        self._clock = clock
        self._rtf_mark: tuple[float, float] | None = None

    @property
    def controller(self) -> Controller | None:
        """Where controls go (None for a read-only monitor)."""
        return self.source.controller

    def compose(self) -> ComposeResult:
        model = self.model
        yield RunHeader(model, id="header")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield BehaviourTreeView(model, id="tree")
                yield Input(placeholder="search nodes by name (Enter: next, Esc: close)",
                            id="search")
                yield NodeDetail(model, id="detail")
            with Vertical(id="right"):
                yield TelemetryPanel(model, id="telemetry")
                yield MapView(model, id="map")
                yield FactsTable(model, id="facts")
        yield EventLogView(model, id="events")
        yield Footer()

    def on_mount(self) -> None:
        self.views = _Views(
            self.query_one(RunHeader), self.query_one(BehaviourTreeView),
            self.query_one(NodeDetail), self.query_one(TelemetryPanel), self.query_one(MapView),
            self.query_one(FactsTable), self.query_one(EventLogView),
        )
        self.query_one("#search").display = False
        self.views.tree.focus()
        self.source.start(self)

    def on_unmount(self) -> None:
        self.source.stop()

    # ------------------------------------------------------------------ messages
    def on_run_opened(self, message: RunOpened) -> None:
        if not self.views.showing:
            return
        m = self.model
        m.mission, m.backend, m.seed = message.mission, message.backend, message.seed
        m.tick_rate, m.source = message.tick_rate, message.source
        m.open(message.root)
        self.views.tree.load()
        self.views.map.load()
        self.views.header.update_header()

    def on_state_changed(self, message: StateChanged) -> None:
        try:
            self._apply_state(message)
        finally:
            if message.shown is not None:
                message.shown()

    def _apply_state(self, message: StateChanged) -> None:
        if not self.views.showing:
            return
        self._measure_rtf(message.sim_time)
        changed = self.model.apply_state(
            message.tick, message.sim_time, message.statuses, message.active_path,
            message.facts, message.sample,
        )
        self.model.apply_map(message.found, message.closed, message.planned_path)
        if message.paused is not None and self.model.outcome is None:
            self.model.paused = message.paused
        self._redraw(changed)
        if self.following and self.model.active_path:
            self.views.tree.reveal(self.model.active_path[-1])

    def on_world_opened(self, message: WorldOpened) -> None:
        if not self.views.showing:
            return
        self.model.world = message.world
        self.views.map.load()

    def on_happened(self, message: Happened) -> None:
        if not self.views.showing:
            return
        changed = self.model.apply_entries(message.entries)
        self.views.log.add_entries(message.entries)
        self._redraw(changed)

    def on_run_ended(self, message: RunEnded) -> None:
        if not self.views.showing:
            return
        self.model.finish(message.outcome, message.duration, message.failure_node,
                          message.failure_reason)
        self.model.paused = False  # a finished run is not paused, whatever it was last
        self.views.header.update_header()

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if not self.views.showing:
            return
        self.model.connection, self.model.connection_detail = message.state, message.detail
        self.views.header.update_header()

    def on_rewound(self, message: Rewound) -> None:
        if not self.views.showing:
            return
        self.model.reset_history()
        self._rtf_mark = None
        self.views.log.redraw()
        self._redraw(set(self.model.nodes))

    def on_playback_changed(self, message: PlaybackChanged) -> None:
        if not self.views.showing:
            return
        m = self.model
        m.paused, m.speed, m.position, m.end = (
            not message.playing, message.speed, message.position, message.end
        )
        self.views.header.update_header()

    def _redraw(self, changed: set[str]) -> None:
        self.views.tree.relabel(changed)
        self.views.detail.refresh_if(changed)
        self.views.facts.update_facts()
        self.views.telemetry.update_telemetry()
        self.views.map.refresh()
        self.views.header.update_header()

    def _measure_rtf(self, sim_time: float) -> None:
        """Sim seconds per wall second, over at least half a wall second."""
        now = self._clock()
        if self._rtf_mark is None or sim_time < self._rtf_mark[1]:
            self._rtf_mark = (now, sim_time)
            return
        wall, sim = now - self._rtf_mark[0], sim_time - self._rtf_mark[1]
        if wall >= 0.5:
            self.model.realtime_factor = sim / wall
            self._rtf_mark = (now, sim_time)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self.views.detail.show(event.node.data)

    # ------------------------------------------------------------------ controls
    def _control(self, name: str, act: Callable[[Controller], None], detail: str = "") -> bool:
        """Send one control; log it (and a refusal); True if the controller took it."""
        log = self.views.log
        entry = CommandEntry(self.model.sim_time, name, detail)
        controller = self.controller
        ok = False
        if controller is None:
            entry = CommandEntry(self.model.sim_time, name, "refused: read-only monitor")
        else:
            try:
                act(controller)
                ok = True
            except ControlError as exc:
                entry = CommandEntry(self.model.sim_time, name, f"refused: {exc}")
        self.model.apply_entries([entry])
        log.add_entries([entry])
        return ok

    def action_toggle_pause(self) -> None:
        if self.model.paused:
            if self._control("resume", lambda c: c.resume()):
                self.model.paused = False
        elif self._control("pause", lambda c: c.pause()):
            self.model.paused = True
        self.views.header.update_header()

    def action_step(self) -> None:
        if self._control("step", lambda c: c.step()):
            self.model.paused = True

    def action_abort(self) -> None:
        def answered(answer: bool | None) -> None:
            if answer:
                self._control("abort", lambda c: c.abort())
        self.push_screen(ConfirmAbort(), answered)

    def action_speed(self, factor: float) -> None:
        speed = self.model.speed * factor
        if self._control("speed", lambda c: c.set_speed(speed), f"×{speed:g}"):
            self.model.speed = speed
            self.views.header.update_header()

    def action_breakpoint(self) -> None:
        tree = self.views.tree
        node_id = tree.selected_id()
        if node_id is None:
            return
        enable = node_id not in self.model.breakpoints
        name = self.model.nodes[node_id].name if node_id in self.model.nodes else node_id
        verb = "breakpoint" if enable else "clear breakpoint"
        if self._control(verb, lambda c: c.set_breakpoint(node_id, enable), name):
            (self.model.breakpoints.add if enable else self.model.breakpoints.discard)(node_id)
            tree.relabel({node_id})
            self.views.detail.refresh_if({node_id})

    def action_fault(self) -> None:
        def chosen(choice: FaultChoice | None) -> None:
            if choice is not None:
                kind, params = choice
                detail = " ".join(f"{k}={v}" for k, v in params.items())
                self._control(f"fault {kind}", lambda c: c.inject_fault(kind, params), detail)
        self.push_screen(FaultDialog(), chosen)

    def action_jump_failure(self) -> None:
        node_id = self.model.failing_node()
        if node_id is not None:
            self.views.tree.reveal(node_id)
            self.views.detail.show(node_id)

    def action_toggle_follow(self) -> None:
        self.following = not self.following
        self.notify("following the active node" if self.following else "stopped following")
        if self.following and self.model.active_path:
            self.views.tree.reveal(self.model.active_path[-1])

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        tree = self.views.tree
        found = tree.find(event.value, after=tree.selected_id())
        if found is None:
            self.notify(f"no node named like {event.value!r}", severity="warning")
        else:
            tree.reveal(found)
            self.views.detail.show(found)

    def on_key(self, event: Any) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.display:
            search.display = False
            self.views.tree.focus()

    def _seekable(self) -> Seekable | None:
        return self.source if isinstance(self.source, Seekable) else None

    def action_seek(self, direction: int) -> None:
        source = self._seekable()
        if source is None:
            self.notify("seek works in a replay", severity="warning")
            return
        source.seek_by(direction * SEEK_STEP)

    def action_seek_to(self, where: float) -> None:
        source = self._seekable()
        if source is not None:
            source.seek(self.model.end or 0.0 if where < 0 else where)

    def action_filter(self, kind: str) -> None:
        self.views.log.toggle(kind)


def make_monitor(source: Source, *, clock: Callable[[], float] = time.monotonic) -> MonitorApp:
    """Build the monitor for ``source`` (a :class:`~tui.source.ReplaySource`, a
    :class:`~tui.source.LiveSource`, or any :class:`~tui.source.Source`).

    Args:
        source: where messages come from; its ``controller`` receives the controls.
        clock: the wall clock for the real-time factor (tests pass a fixed one).

    Returns:
        The app, not yet running (``.run()``, ``.run_test()`` or textual-serve).
    """
    return MonitorApp(source, clock=clock)
