"""Intervals from scipy, verdicts from them, and the sequential rule."""

from __future__ import annotations

from scipy.stats import binomtest

from dsl.checker import Requirement
from quadmission.campaign.result import RunResult
from quadmission.campaign.stats import criteria, sprt, verdicts, wilson


def _rows(ok: int, bad: int, long: int = 0) -> list[RunResult]:
    rows = [RunResult(i, i, "done", "success", met={"duration <= 600": i >= long})
            for i in range(ok)]
    rows += [RunResult(ok + i, i, "done", "failure", met={"duration <= 600": True})
             for i in range(bad)]
    return rows


def test_wilson_is_scipys() -> None:
    ci = binomtest(45, 50).proportion_ci(0.95, method="wilson")
    assert wilson(45, 50) == (ci.low, ci.high)


def test_verdicts_from_the_interval() -> None:
    crits = criteria([Requirement("success", ">=", 90.0), Requirement("duration", "<=", 600.0)])
    go = verdicts(crits, _rows(200, 2))
    assert [v.decision for v in go] == ["GO", "GO"]
    assert next(v.decision for v in verdicts(crits, _rows(60, 40))) == "NO-GO"
    assert next(v.decision for v in verdicts(crits, _rows(9, 1))) == "UNDECIDED"
    # a per-run line judged as the share of runs that met it, against the success target
    assert [v.decision for v in verdicts(crits, _rows(200, 0, long=60))][1] == "NO-GO"


def test_default_success_criterion_when_none_declared() -> None:
    assert [c.label for c in criteria([])] == ["success >= 95 % (default)"]


def test_sprt_decides_clear_cases_and_waits_on_close_ones() -> None:
    assert sprt(60, 60, 0.8) == "GO"
    assert sprt(0, 8, 0.8) == "NO-GO" and sprt(0, 7, 0.8) == "UNDECIDED"
    assert sprt(8, 10, 0.8) == "UNDECIDED"
    assert sprt(5, 5, 0.8) == "UNDECIDED"


def test_sprt_error_rate_is_near_alpha_at_the_indifference_bounds() -> None:
    """Simulate the rule: with p = p0 it says GO rarely; with p = p1 it says NO-GO rarely."""
    import numpy as np

    from quadmission.campaign.stats import _hypotheses

    rng = np.random.default_rng(0)
    p0, p1 = _hypotheses(0.8)
    for p, wrong in ((p0, "GO"), (p1, "NO-GO")):
        errors = 0
        for _ in range(400):
            k = n = 0
            while (d := sprt(k, n, 0.8)) == "UNDECIDED" and n < 5000:
                k += bool(rng.random() < p)
                n += 1
            errors += d == wrong
        assert errors / 400 < 0.08


def test_batches_shrink_towards_one_run_as_the_campaign_ends() -> None:
    from quadmission.campaign.campaign import _work
    from quadmission.campaign.plan import Job

    jobs = [Job(i, i) for i in range(100)]
    sizes = [len(b) for b in _work(jobs, 2, lambda: False)]
    assert sum(sizes) == 100 and sizes[0] == 8 and sizes[-3:] == [1, 1, 1]
    assert sizes == sorted(sizes, reverse=True)
    assert [j.index for b in _work(jobs, 2, lambda: False) for j in b] == list(range(100))


def test_a_per_run_line_is_labelled_with_its_unit_as_the_run_report_writes_it() -> None:
    """The campaign printed `require duration <= 600 in >= 95% of runs` (and `min_battery >= 30`)
    where `mission run` writes `duration <= 600 s`; the key it files verdicts under is unchanged."""
    crits = criteria([Requirement("duration", "<=", 600.0), Requirement("min_battery", ">=", 30.0),
                      Requirement("falls", "==", 0.0)])
    assert [c.label for c in crits[1:]] == [
        "require duration <= 600 s in >= 95% of runs",
        "require min_battery >= 30 % in >= 95% of runs",
        "require falls == 0 in >= 95% of runs",
    ]
    assert [c.key for c in crits[1:]] == ["duration <= 600", "min_battery >= 30", "falls == 0"]
