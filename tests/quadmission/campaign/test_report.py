"""The campaign report's sections built from rows (no runs: the rows are written here)."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.variation import Variation
from quadmission.campaign.report import CampaignReport
from quadmission.campaign.result import RunResult
from quadmission.campaign.stats import criteria, verdicts
from quadmission.loading import load_mission


def _row(index: int, outcome: str, met: dict[str, bool]) -> RunResult:
    return RunResult(index, 500 + index, "done", outcome, met=met)


def test_a_line_missed_by_runs_that_succeeded_names_their_seeds(passing: Path,
                                                                tmp_path: Path) -> None:
    """`falls == 0` NO-GO on 3 of 8 runs that all succeeded: the report listed no seed to replay
    them (the failures by node are only the runs that failed)."""
    mission = load_mission(str(passing))
    rows = [_row(i, "success", {"duration <= 60": True, "falls == 0": i % 3 != 0})
            for i in range(8)]
    rows.append(_row(8, "failure", {"duration <= 60": False, "falls == 0": False}))
    judged = verdicts(criteria(mission.compiled.requirements), rows)
    report = CampaignReport(mission, tuple(rows), tuple(judged), 0, "kinematic",
                            Variation(()), tmp_path / "c.sqlite")
    lines = report.lines()
    at = lines.index("requirements missed by runs that succeeded:")
    assert lines[at + 1:at + 3] == [
        "  require falls == 0 in >= 80% of runs: missed by 3 run(s) that succeeded",
        "         replay: seeds 500, 503, 506",
    ]
    assert not any("duration" in line and "missed by" in line for line in lines)
    text = report.write_markdown(tmp_path, "map.png", "d.png").read_text()
    assert "## Requirements missed by runs that succeeded" in text
    assert "replay: seeds 500, 503, 506" in text
    # every line met by every run that succeeded: no section
    clean = [_row(i, "success", {"duration <= 60": True, "falls == 0": True}) for i in range(3)]
    report = CampaignReport(mission, tuple(clean), tuple(verdicts(criteria(
        mission.compiled.requirements), clean)), 0, "kinematic", Variation(()), tmp_path / "c")
    assert not any("missed by runs" in line for line in report.lines())
