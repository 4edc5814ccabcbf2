"""The adapter from runtime values to the monitor's messages, and the snapshot's can_replace."""

from __future__ import annotations

from bt_runtime.events import Alert, RunFinished
from tests.bt_runtime import runlog_samples as samples
from tui.messages import (
    AlertEntry,
    FactEntry,
    Happened,
    RunEnded,
    Sample,
    StateChanged,
    StatusEntry,
    entry_of,
    from_runtime,
    node_info,
    paths_to_ids,
    run_opened,
)


def test_the_tree_converts_with_name_paths_and_ids() -> None:
    root = node_info(samples.tree().root)
    assert [n.id for n in root.walk()] == ["n0", "n2", "n1"]
    assert paths_to_ids(root) == {"patrol": "n0", "patrol/battery > 20 %": "n2",
                                  "patrol/go to dock": "n1"}
    assert root.children[1].params == {"goal": [1.0, 2.0], "speed": 0.5}


def test_a_snapshot_becomes_full_state_and_replaces_a_queued_one() -> None:
    state = from_runtime(samples.snapshot(12), {})
    assert isinstance(state, StateChanged)
    assert state.statuses == {"n0": "RUNNING", "n1": "RUNNING", "n2": "SUCCESS"}
    assert state.active_path == ("n0", "n1")
    assert state.facts == {"victim_found": False, "victims_found": 0}
    assert isinstance(state.sample, Sample) and state.sample.tick == 12
    newer = from_runtime(samples.snapshot(13), {})
    assert isinstance(newer, StateChanged)
    assert state.can_replace(newer)
    assert not state.can_replace(Happened(()))
    assert not Happened(()).can_replace(newer)


def test_facts_come_from_the_snapshot() -> None:
    state = from_runtime(samples.snapshot(1), {})
    assert isinstance(state, StateChanged)
    assert state.facts == dict(samples.snapshot(1).facts)


def test_history_events_become_entries_and_alerts_find_their_node_by_path() -> None:
    ids = paths_to_ids(node_info(samples.tree().root))
    events = samples.tick_events(0) + samples.tick_events(30) + samples.tick_events(40)
    entries = [entry_of(e, ids) for e in events]
    assert [type(e).__name__ for e in entries].count("StatusEntry") == 3
    assert FactEntry(30, 1.5, "victim_found", False, True) in entries
    alert = next(e for e in entries if isinstance(e, AlertEntry))
    assert alert.node_id == "n1" and alert.severity == "warning"
    assert isinstance(entries[0], StatusEntry) and entries[0].new == "RUNNING"
    unknown = entry_of(Alert(1, 0.1, "info", "hello", "nowhere/at all"), ids)
    assert isinstance(unknown, AlertEntry) and unknown.node_id == ""


def test_the_finish_names_its_failing_node_by_id() -> None:
    ids = paths_to_ids(node_info(samples.tree().root))
    finished = RunFinished(9, "failure", 0.45, 0.1, 0.01, {}, "patrol/go to dock", "blocked")
    ended = from_runtime(finished, ids)
    assert isinstance(ended, RunEnded)
    assert (ended.outcome, ended.failure_node, ended.failure_reason) == ("failure", "n1", "blocked")


def test_a_header_without_a_tree_or_start_still_opens() -> None:
    opened = run_opened(None, None)
    assert opened.root is None and opened.mission == "(unknown mission)"
    full = run_opened(samples.run_started(), samples.tree())
    assert (full.mission, full.seed, full.tick_rate) == ("patrol", 7, 20.0)
