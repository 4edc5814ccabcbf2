"""The final report: what the operator reads, and what the log records."""

from bt_runtime.report import RunReport


def _report(**changes: object) -> RunReport:
    base = {
        "outcome": "failure", "duration": 120.0, "distance": 42.5, "energy": 3.25, "battery": 61.0,
        "min_battery": 55.0, "victims": ("v1", "v2"), "intruders": (), "delivered": ("medkit",),
        "falls": 1, "alerts": 2, "ticks": 1200, "wall_time": 2.0,
        "failure_path": "Rescue/go to roof", "failure_reason": "unreachable: goal in water",
    }
    base.update(changes)
    return RunReport(**base)  # type: ignore[arg-type]


def test_lines_name_what_was_found_and_why_it_failed() -> None:
    lines = _report().lines()
    assert lines[0] == "outcome:   FAILURE"
    assert "60.0x real time" in lines[1]
    assert "2 victim(s) (v1, v2), 0 intruder(s)" in "\n".join(lines)
    assert "delivered: 1 (medkit)" in lines
    assert lines[-2:] == ["failed at: Rescue/go to roof", "reason:    unreachable: goal in water"]


def test_a_success_has_no_failure_lines() -> None:
    lines = _report(outcome="success", failure_path=None, failure_reason=None).lines()
    assert not any(line.startswith(("failed at", "reason")) for line in lines)


def test_summary_leaves_out_what_differs_between_identical_runs() -> None:
    fast, slow = _report(wall_time=1.0).summary(), _report(wall_time=9.0).summary()
    assert fast == slow
    assert "wall_time" not in fast and fast["victims"] == ("v1", "v2")
