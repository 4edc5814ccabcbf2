"""Failure clusters, falls per region and the parameter that separates failures."""

from __future__ import annotations

from quadmission.campaign.analysis import clusters, falls_by_region, separators
from quadmission.campaign.crosscheck import sample
from quadmission.campaign.result import FallPoint, RunResult


def _row(i: int, friction: float) -> RunResult:
    ok = friction >= 0.3
    falls = () if ok else (FallPoint(10.0, 15.0, 30.0, "drain"),)
    return RunResult(i, 1000 + i, "done", "success" if ok else "failure",
                     draw={"friction.drain": friction, "charge": (i * 37) % 50 + 40},
                     falls=falls, failure_path=None if ok else "m/follow",
                     failure_reason=None if ok else f"fell at {i}.5 s")


ROWS = [_row(i, 0.1 + 0.5 * ((i * 7919) % 100) / 100) for i in range(100)]


def test_the_friction_threshold_is_found() -> None:
    best = separators(ROWS)[0]
    assert best.parameter == "friction.drain" and best.side == "<"
    assert abs(best.threshold - 0.3) < 0.01 and best.score == 1.0
    assert all(s.parameter != "charge" or s.score < 0.75 for s in separators(ROWS))


def test_failures_cluster_by_node_and_blurred_reason() -> None:
    [cluster] = clusters(ROWS, {"m/follow": 12})
    failed = [r for r in ROWS if not r.success]
    assert cluster.count == len(failed) and cluster.line == 12
    assert cluster.reason == "fell at # s"
    assert cluster.seeds[0] == (failed[0].index, failed[0].seed)
    assert falls_by_region(ROWS) == [("drain", len(failed))]


def test_crosscheck_sample_takes_both_failures_and_successes() -> None:
    chosen = sample(ROWS, 10)
    assert len(chosen) == 10
    assert sum(not r.success for r in chosen) == 5
    assert sample(ROWS, 10) == chosen


def test_the_crosscheck_reports_whether_each_backend_fell() -> None:
    from dataclasses import replace

    from quadmission.campaign.crosscheck import CrossCheck

    fell = (FallPoint(1.0, 2.0, 3.0, "stairs"),)
    twin = [replace(ROWS[i], outcome="success", falls=()) for i in range(4)]
    physics = [replace(twin[0]), replace(twin[1], falls=fell), replace(twin[2]),
               replace(twin[3], falls=fell + fell)]
    check = CrossCheck(tuple(zip(twin, physics)))
    assert check.agreement == 1.0  # all four succeeded on both...
    assert check.fall_agreement == 0.5  # ...but physics fell in two where the twin did not
    lines = check.lines()
    assert "fell or not 50%" in lines[0]
    assert "0 falls, pybullet" in lines[2] and lines[4].endswith("2 falls")
