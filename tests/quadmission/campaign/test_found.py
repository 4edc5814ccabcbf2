"""A campaign names what its runs found: stored per run, counted per entity in the report."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.events import Detection
from bt_runtime.report import RunReport
from quadmission.campaign.report import found_lines
from quadmission.campaign.result import RunResult, crashed, result_from
from quadmission.campaign.store import CampaignStore


def _run(index: int, found: tuple[tuple[str, str], ...] | None) -> RunResult:
    return RunResult(index, 100 + index, "done", "success", found=found)


def test_a_result_carries_what_the_run_found_in_order() -> None:
    seen = [Detection(3, 0.3, "victim", "v2", 1.0, 2.0, 3.0, 0.7),
            Detection(9, 0.9, "payload", "kit", 4.0, 5.0, 1.0, 0.9)]
    report = RunReport("success", 1.0, 0.0, 0.0, 80.0, 80.0, ("v2",), (), (), 0, 0, 10, 0.1,
                       detections=tuple(seen))
    result = result_from(0, 7, {}, report, ())
    assert result.found == (("victim", "v2"), ("payload", "kit"))
    assert crashed(1, 8, {}, "boom", 1).found is None  # a crash recorded nothing


def test_the_store_keeps_what_was_found_and_knows_what_it_never_recorded(tmp_path: Path) -> None:
    store = CampaignStore(tmp_path / "c.sqlite")
    store.add([_run(0, (("victim", "v1"),)), _run(1, ()), crashed(2, 102, {}, "boom", 1)])
    store.close()
    again = CampaignStore(tmp_path / "c.sqlite")
    assert [r.found for r in again.results()] == [(("victim", "v1"),), (), None]


def test_the_report_counts_each_entity_over_the_runs_and_names_the_poorest_seeds() -> None:
    rows = [
        _run(0, (("victim", "v1"), ("victim", "v2"))),
        _run(1, (("victim", "v1"),)),
        _run(2, (("victim", "v1"), ("victim", "v2"))),
        _run(3, None),  # stored before detections were recorded
    ]
    assert found_lines(rows) == [
        "found (runs that found each): victim v1 3/3, victim v2 2/3",
        "  fewest found in a run: 1, seeds 101",
        "  not recorded for 1 run(s) stored before campaigns recorded detections",
    ]
    assert found_lines([_run(0, ())]) == [
        "found (runs that found each): nothing in any run", "  fewest found in a run: 0, seeds 100",
    ]
