"""The tree view: built once, tasks collapsed, only changed nodes relabelled, no rebuild on
expand/collapse."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import ScriptedSource, drive, until
from tests.tui.test_app import ROOT, opened, running
from tui.app import make_monitor
from tui.messages import NodeInfo, StateChanged
from tui.model import MonitorModel
from tui.widgets.tree_view import BehaviourTreeView, node_label


def test_labels_show_status_counts_time_and_failure_reason() -> None:
    m = MonitorModel()
    m.open(ROOT)
    from tui.messages import StatusEntry

    m.apply_entries([StatusEntry(1, 0.1, "0.0", "INVALID", "RUNNING"),
                     StatusEntry(4, 0.4, "0.0", "RUNNING", "FAILURE", "no path to gate")])
    m.apply_state(6, 0.6, {"0": "RUNNING"}, ("0",), {}, None)
    label = node_label(m, m.nodes["0.0"])
    assert label.plain == "✘ walk to gate  GoTo  ×2 · 3 ticks  — no path to gate"
    assert "bold red" in str(label.spans[0].style)
    m.apply_entries([StatusEntry(2, 0.2, "0", "INVALID", "RUNNING")])
    assert node_label(m, m.nodes["0"]).plain.endswith("· 0.4 s")


def test_only_changed_nodes_are_relabelled_and_expanding_keeps_the_node_objects() -> None:
    app = make_monitor(ScriptedSource([opened(), running()]), clock=lambda: 0.0)
    relabelled: list[str] = []

    async def script(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: app.model.tick == 5)
        tree = app.query_one(BehaviourTreeView)
        assert tree.handles["0.1"].is_expanded is False  # a task starts collapsed
        assert tree.handles["0.1.0"].is_expanded is True
        handles = dict(tree.handles)
        original = tree.relabel

        def spy(ids: set[str]) -> None:
            relabelled.extend(sorted(ids))
            original(ids)

        tree.relabel = spy  # type: ignore[method-assign]
        statuses = dict(running().statuses, **{"0.1.0.0": "SUCCESS", "0.1.0": "SUCCESS",
                                               "0.1": "SUCCESS", "0": "RUNNING"})
        app.post_message(StateChanged(6, 0.6, statuses, ("0",), {}))
        await until(pilot, lambda: app.model.tick == 6)
        # the three that settled, the root (still running: its time advanced), and no others
        assert sorted(relabelled) == ["0", "0.1", "0.1.0", "0.1.0.0"]
        tree.handles["0.1"].expand()
        await pilot.pause()
        tree.handles["0.1"].collapse()
        await pilot.pause()
        assert tree.handles == handles and all(tree.handles[k] is handles[k] for k in handles)

    drive(app, script)


def test_a_node_running_since_before_the_monitor_joined_shows_a_lower_bound() -> None:
    m = MonitorModel()
    m.open(ROOT)
    m.apply_state(10, 1.0, {"0": "RUNNING"}, ("0",), {}, None)  # joined late: no changes seen
    m.apply_state(15, 1.5, {"0": "RUNNING"}, ("0",), {}, None)
    assert node_label(m, m.nodes["0"]).plain == "● demo  Sequence  ≥ 0.5 s"


def test_label_parts_never_start_a_styled_run_with_spaces() -> None:
    # A run that starts with spaces lost them in SVG renderers: "parkSequence" in the screenshots.
    from tui.widgets.tree_view import GAP

    m = MonitorModel()
    m.open(NodeInfo("0", "demo park", "Sequence", "demo park"))
    label = node_label(m, m.nodes["0"])
    assert "demo park  Sequence" in label.plain
    for span in label.spans:
        if label.plain[span.start] == " ":
            assert str(span.style) == GAP, (label.plain[span.start:span.end], span.style)
