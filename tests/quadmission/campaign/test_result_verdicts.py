"""A campaign reads the runtime's per-run verdicts (one judge), whatever kind of requirement."""

from __future__ import annotations

import dataclasses
from typing import Any

from bt_runtime.report import RunReport
from bt_runtime.requirements import judge
from dsl.checker import Requirement
from quadmission.campaign.result import requirement_key, result_from, verdicts_of
from quadmission.campaign.stats import criteria, verdicts


@dataclasses.dataclass(frozen=True)
class _NewKind:
    """A verdict of a kind the campaign has never heard of (a temporal requirement, say)."""

    met: bool
    measured: float

    def to_json(self) -> dict[str, Any]:
        return {"kind": "eventually_within", "criterion": "eventually docked within 60 s",
                "met": self.met, "measured": self.measured}


def _report(outcome: str, duration: float, verdicts_: tuple[Any, ...]) -> RunReport:
    return RunReport(outcome, duration, 10.0, 1.0, 80.0, 75.0, (), (), (), 0, 0, 10, 0.1,
                     requirements=verdicts_)


def test_the_runtimes_verdicts_are_read_not_judged_again() -> None:
    reqs = [Requirement("duration", "<=", 60.0), Requirement("success", ">=", 90.0)]
    # the runtime misses every per-run line of a run that did not succeed, however short it was;
    # the campaign's old judge would have called `duration <= 60` met here
    report = _report("failure", 5.0, judge(reqs, {"duration": 5.0}, succeeded=False))
    row = result_from(0, 1, {}, report, ())
    assert row.met == {"duration <= 60": False}
    assert requirement_key(reqs[0]) == "duration <= 60"


def test_a_verdict_kind_the_campaign_has_never_heard_of_is_judged_over_the_runs() -> None:
    reqs = [Requirement("success", ">=", 90.0)]
    rows = [result_from(i, i, {}, _report("success", 30.0, (_NewKind(i < 8, 40.0 + i),)), ())
            for i in range(10)]
    label = "eventually docked within 60 s"
    assert rows[0].met == {label: True} and rows[9].met == {label: False}
    assert rows[3].metrics[label] == 43.0  # its measure is kept with the run's metrics
    assert set(rows[3].metrics) - {label} == set(result_from(0, 0, {}, _report(
        "success", 1.0, ()), ()).metrics)
    met, measured = verdicts_of([_NewKind(True, 42.0).to_json()])
    assert met == {label: True} and measured == {label: 42.0}
    judged = {v.criterion.key: v for v in verdicts(criteria(reqs), rows)}
    assert judged[label].successes == 8 and judged[label].runs == 10
    assert judged[label].criterion.target == 0.9  # the mission's own success target
    assert judged[""].successes == 10


def test_records_without_a_criterion_text_get_a_stable_label() -> None:
    record = {"kind": "always", "condition": "battery > 20", "met": False, "measured": None}
    met, measured = verdicts_of([record, "not a record", {"met": None, "metric": "success"}])
    assert list(met.values()) == [False] and measured == {}
    (label,) = met
    assert verdicts_of([{**record, "met": True}])[0] == {label: True}


def test_a_temporal_line_files_under_one_label_whatever_each_run_observed() -> None:
    """The runtime's own temporal verdicts (bt_runtime.requirements.Verdict of kind `within`)
    carry when and how each run met the line; a campaign must count them as one criterion, not
    one criterion per run (found when a 200-run rescue campaign listed 200 NO-GO lines)."""
    from bt_runtime.requirements import Verdict

    label = "victims_found >= 2 within 8 min"
    rows = [result_from(i, i, {}, _report("success", 30.0, (Verdict(
        "within", "", 480.0, 120.0 + i, True, False, "within", label, 120.0 + i,
        f"true {120 + i} s after the start"),)), ()) for i in range(5)]
    assert all(set(row.met) == {label} for row in rows)
    judged = {v.criterion.key: v for v in verdicts(criteria([]), rows)}
    assert judged[label].successes == 5 and judged[label].runs == 5
