"""Failure policies and temporal requirements in whole runs on the kinematic twin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bt_runtime.events import Alert, RunFinished, StatusChanged
from locomotion.backends import make_backend
from quadmission.loading import load_mission
from quadmission.session import simulate
from tests.bt_runtime.memory_sink import MemorySink
from tests.quadmission.yard import write

HEAD = """\
mission "Policies" { tick_rate 10 Hz  time_limit 5 min }
robot a1 { battery 100 Wh  charge 80 % }
world "yard.world"
"""


def _run(tmp_path: Path, text: str) -> tuple[object, MemorySink]:
    sink = MemorySink()
    mission = load_mission(str(write(tmp_path, HEAD + text)))
    report = simulate(mission, make_backend("kinematic"), seed=1, backend_name="kinematic",
                      log=sink)
    return report, sink


def _finished(sink: MemorySink) -> RunFinished:
    return next(e for e in sink.events if isinstance(e, RunFinished))


def test_abort_sits_then_ends_the_run_as_aborted_with_the_reason(tmp_path: Path) -> None:
    report, sink = _run(tmp_path, 'main {\n  go to depot\n  fail "gate shut" on failure abort\n'
                                  '  go to shop\n}\n')
    assert report.outcome == "aborted"  # type: ignore[attr-defined]
    finished = _finished(sink)
    assert finished.outcome == "aborted"
    assert finished.failure_reason == '`fail "gate shut"` failed (on failure abort, line 6): gate shut'
    sat = [e for e in sink.events if isinstance(e, StatusChanged) and e.node_path.endswith("/sit")
           and e.new == "SUCCESS"]
    assert sat and sat[0].sim_time < finished.duration + 1e-9
    # nothing after the abort ran: the robot never walked to the shop
    assert not any(isinstance(e, StatusChanged) and "go to shop" in e.node_path
                   for e in sink.events)


def test_retry_backs_off_on_simulated_time_and_says_so(tmp_path: Path) -> None:
    report, sink = _run(tmp_path, 'main { fail "jammed" on failure retry 2 every 4 s }\n')
    assert report.outcome == "failure"  # type: ignore[attr-defined]
    lines = [(e.sim_time, e.message) for e in sink.events if isinstance(e, Alert)
             and e.message.startswith("retrying")]
    assert [t for t, _ in lines] == pytest.approx([0.0, 4.0])
    assert lines[0][1] == 'retrying `fail "jammed"` (1/2) in 4 s: jammed'
    assert abs(_finished(sink).duration - 8.1) < 1e-6  # two waits of 4 s, then it fails at once


def test_skip_and_retry_later_let_the_mission_finish(tmp_path: Path) -> None:
    report, sink = _run(tmp_path, """main {
  fail "no signal" on failure skip
  if distance_travelled < 2 m { fail "too early" } on failure retry later
  go to depot
}
""")
    assert report.outcome == "success"  # type: ignore[attr-defined]
    alerts = [e.message for e in sink.events if isinstance(e, Alert) and e.severity == "warning"]
    assert alerts[:2] == ['skipped `fail "no signal"`: no signal',
                          ("deferred `if distance_travelled < 2 m` to after the rest of the "
                           "mission: too early")]
    ran = [e for e in sink.events if isinstance(e, StatusChanged)
           and e.node_path.endswith("retry later/later: if distance_travelled < 2 m")
           and e.new == "SUCCESS"]
    assert ran  # run again after `go to depot`, and it passed then
    assert report.alerts == 2  # type: ignore[attr-defined]


def test_temporal_verdicts_are_in_the_report_and_the_run_summary(tmp_path: Path) -> None:
    report, sink = _run(tmp_path, """require always battery >= 15 %
require always battery >= 99 %
require distance_travelled > 1 m within 1 min
require docked within 2 s of distance_travelled > 1 m
main { go to depot }
""")
    verdicts = report.requirements  # type: ignore[attr-defined]
    assert [(v.kind, v.met) for v in verdicts] == [
        ("always", True), ("always", False), ("within", True), ("within", False)]
    assert re.fullmatch(r"always battery >= 99 %: MISSED \(lowest 79\.\d+ % at \d+(\.\d+)? s\)",
                        verdicts[1].line()), verdicts[1].line()
    summary = _finished(sink).summary["requirements"]
    assert [row["label"] for row in summary] == [v.criterion() for v in verdicts]
    assert summary[1]["met"] is False and summary[1]["at"] > 0


def test_abort_of_a_composite_step_keeps_the_deepest_reason(tmp_path: Path) -> None:
    # Defect: the reason was read when the abort leaf ran, after the sit, when the selector had
    # already reset the failed sequence: the run said only "failed".
    report, sink = _run(tmp_path, 'main {\n  sequence { go to depot  fail "gate shut" } '
                                  "on failure abort\n}\n")
    assert report.outcome == "aborted"  # type: ignore[attr-defined]
    assert _finished(sink).failure_reason == (
        "`sequence` failed (on failure abort, line 5): gate shut")
