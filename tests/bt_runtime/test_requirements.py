"""``require`` lines judged per run: met, missed, judged by a campaign, and read back from a log."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bt_runtime.report import requirement_lines
from bt_runtime.requirements import CAMPAIGN_METRICS, Verdict, judge, verdict_from_json
from bt_runtime.vocabulary import METRICS


@dataclass(frozen=True)
class Req:
    metric: str
    op: str
    value: float


MEASURED = {"duration": 432.5, "min_battery": 61.25, "distance": 120.0, "falls": 1,
            "victims_found": 2, "deliveries": 1}


def test_each_per_run_metric_is_judged_with_its_measured_value() -> None:
    verdicts = judge([Req("falls", "==", 0), Req("deliveries", ">=", 1),
                      Req("duration", "<=", 600.0), Req("min_battery", ">", 70.0),
                      Req("victims_found", "!=", 0), Req("distance", "<", 100.0)], MEASURED)
    assert [(v.metric, v.met, v.measured) for v in verdicts] == [
        ("falls", False, 1.0), ("deliveries", True, 1.0), ("duration", True, 432.5),
        ("min_battery", False, 61.25), ("victims_found", True, 2.0), ("distance", False, 120.0)]
    assert verdicts[0].line() == "falls == 0: MISSED (measured 1)"
    assert verdicts[2].line() == "duration <= 600 s: met (measured 432.5 s)"
    assert verdicts[3].line() == "min_battery > 70 %: MISSED (measured 61.25 %)"


def test_success_is_left_to_a_campaign() -> None:
    (verdict,) = judge([Req("success", ">=", 95.0)], MEASURED)
    assert verdict.met is None and verdict.measured is None
    assert verdict.line() == "success >= 95 %: judged by a campaign (over many runs)"


def test_every_metric_is_either_measured_by_a_run_or_by_a_campaign() -> None:
    assert set(METRICS) == set(MEASURED) | CAMPAIGN_METRICS


def test_report_lines_align_under_require() -> None:
    lines = requirement_lines(judge([Req("falls", "==", 0), Req("success", ">=", 90.0)],
                                    MEASURED))
    assert lines == ["require:   falls == 0: MISSED (measured 1)",
                     "           success >= 90 %: judged by a campaign (over many runs)"]


@pytest.mark.parametrize("verdict", [Verdict("falls", "<=", 1.0, 0.0, True),
                                     Verdict("success", ">=", 95.0, None, None)])
def test_a_verdict_survives_the_log(verdict: Verdict) -> None:
    assert verdict_from_json(verdict.to_json()) == verdict


@pytest.mark.parametrize("row", [None, [], "falls", {"metric": "falls"},
                                 {"metric": "falls", "op": "=~", "value": 0, "measured": 0,
                                  "met": True},
                                 {"metric": "falls", "op": "==", "value": "0", "measured": 0,
                                  "met": True},
                                 {"metric": "falls", "op": "==", "value": 0, "measured": None,
                                  "met": True}])
def test_a_damaged_verdict_is_refused_not_raised(row: object) -> None:
    assert verdict_from_json(row) is None


def test_a_run_that_did_not_succeed_meets_no_per_run_requirement() -> None:
    """An aborted run's short duration and clean record meet nothing: missed, and said why."""
    criteria = [Req("duration", "<=", 600.0), Req("falls", "==", 0.0),
                Req("success", ">=", 95.0)]
    measured = {"duration": 13.8, "falls": 0}
    per_run, _, campaign = judge(criteria, measured, succeeded=False)
    assert per_run.met is False and per_run.unfinished
    assert per_run.line() == "duration <= 600 s: MISSED (measured 13.8 s; the run did not succeed)"
    assert campaign.met is None  # a campaign still judges success over many runs
    assert verdict_from_json(per_run.to_json()) == per_run
    assert all(v.met for v in judge(criteria[:2], measured) if v.met is not None)
