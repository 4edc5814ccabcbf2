"""The monitor's model: per-node counters, healing from full state, bounded history."""

from __future__ import annotations

from tui.messages import AlertEntry, CommandEntry, FactEntry, NodeInfo, Sample, StatusEntry
from tui.model import HISTORY, MonitorModel, NodeStats, active_path_of

A = NodeInfo("0.0", "a", "GoTo", "r/a")
B = NodeInfo("0.1", "b", "Wait", "r/b")
ROOT = NodeInfo("0", "r", "Sequence", "r", {}, (A, B))


def sample(tick: int, **changes: object) -> Sample:
    values = {
        "tick": tick, "sim_time": tick / 10, "x": 0.1 * tick, "y": 0.0, "z": 0.3, "roll": 0.0,
        "pitch": 0.0, "yaw": 0.0, "vx": 0.3, "vy": 0.4, "wz": 0.0, "battery": 90.0,
        "terrain": "flat", "gait": "trot", "energy": 0.0, "fallen": False, "stuck": False,
    }
    values.update(changes)
    return Sample(**values)  # type: ignore[arg-type]


def model() -> MonitorModel:
    m = MonitorModel()
    m.open(ROOT)
    return m


def test_ticks_count_running_ticks_and_single_settles() -> None:
    stats = NodeStats()
    stats.change(StatusEntry(3, 0.3, "x", "INVALID", "RUNNING"))
    assert stats.ticks(10) == 7
    stats.change(StatusEntry(10, 1.0, "x", "RUNNING", "FAILURE", "blocked"))
    assert (stats.ticks(50), stats.changes, stats.failure_reason) == (7, 2, "blocked")
    settled = NodeStats()
    settled.change(StatusEntry(4, 0.4, "y", "INVALID", "SUCCESS"))
    assert settled.ticks(99) == 1


def test_a_full_state_heals_a_missed_change_and_reports_what_changed() -> None:
    m = model()
    changed = m.apply_state(5, 0.5, {"0": "RUNNING", "0.0": "SUCCESS", "0.1": "RUNNING"},
                            ("0", "0.1"), {"docked": False}, sample(5))
    assert changed == {"0", "0.0", "0.1"}
    assert m.stats["0.0"].status == "SUCCESS" and m.active_path == ("0", "0.1")
    changed = m.apply_state(6, 0.6, {"0": "RUNNING", "0.0": "SUCCESS", "0.1": "RUNNING"},
                            ("0", "0.1"), {"docked": False}, sample(6))
    assert changed == {"0", "0.1"}  # only running nodes (their time advanced)
    assert m.last_fact == "docked"


def test_history_is_bounded_however_long_the_run() -> None:
    m = model()
    m.apply_entries([AlertEntry(t, t / 10, "info", f"line {t}") for t in range(HISTORY + 500)])
    m.apply_entries([sample(t) for t in range(HISTORY + 500)])
    assert len(m.entries) == HISTORY and len(m.samples) == HISTORY
    assert m.entries[0].tick == 500  # type: ignore[union-attr]


def test_falls_are_counted_once_per_fall_and_old_samples_ignored() -> None:
    m = model()
    m.apply_entries([sample(1), sample(2, fallen=True), sample(3, fallen=True), sample(4),
                     sample(5, fallen=True)])
    assert m.falls == 2
    m.apply_state(3, 0.3, {}, (), {}, sample(3))  # an older snapshot's sample
    assert m.sample is not None and m.sample.tick == 5


def test_facts_commands_and_the_failing_node() -> None:
    m = model()
    m.apply_entries([FactEntry(2, 0.2, "victims", 0, 1), CommandEntry(0.2, "pause"),
                     StatusEntry(3, 0.3, "0.0", "RUNNING", "FAILURE", "no path")])
    assert m.facts == {"victims": 1} and m.last_fact == "victims"
    assert m.failing_node() == "0.0"
    m.finish("failure", 0.3, "0.1", "told so")
    assert m.failing_node() == "0.1"
    m.reset_history()
    assert m.failing_node() is None and not m.entries and m.outcome is None


def test_active_path_follows_the_first_running_child() -> None:
    statuses = {"0": "RUNNING", "0.0": "SUCCESS", "0.1": "RUNNING"}
    assert active_path_of(ROOT, statuses) == ("0", "0.1")
    assert active_path_of(ROOT, {"0": "SUCCESS"}) == ()
    assert active_path_of(None, statuses) == ()


def test_a_measured_float_in_the_facts_does_not_take_the_last_change_highlight() -> None:
    m = model()
    m.apply_state(1, 0.1, {}, (), {"docked": False, "battery": 70.0}, None)
    m.apply_state(2, 0.2, {}, (), {"docked": True, "battery": 69.9}, None)
    m.apply_state(3, 0.3, {}, (), {"docked": True, "battery": 69.8}, None)
    assert m.last_fact == "docked" and m.fact_changed_at["battery"] == 0.3
