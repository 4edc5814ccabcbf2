"""A campaign worker's runs: a failed run's event log is written anew over an earlier attempt's,
and a mission edited mid-campaign stops the campaign."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bt_runtime.eventlog import EventLogReader
from quadmission.campaign.plan import CampaignSpec, Job, mission_sha256, run_seed
from quadmission.campaign.worker import MissionChanged, run_batch
from quadmission.loading import check_runnable, to_mission


def test_a_failed_runs_log_replaces_what_an_earlier_attempt_left(failing: Path,
                                                                 tmp_path: Path) -> None:
    # Before: a -wal left by a campaign stopped mid-log (or a full disk) made the writer refuse
    # the path, and the failed run was stored as crashed on every resume.
    logs = tmp_path / "logs"
    logs.mkdir()
    job = Job(0, run_seed(3, 0))
    stale = logs / f"run-00000-{job.seed}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        stale.with_name(stale.name + suffix).write_bytes(b"an earlier attempt" * 100)
    (result,) = run_batch(CampaignSpec(str(failing), "kinematic", str(logs)), [job])
    assert (result.status, result.outcome) == ("done", "failure")
    assert result.log_path == str(stale)
    with EventLogReader(stale) as reader:
        finished = reader.outcome()
    assert finished is not None and finished.outcome == "failure"


def test_a_mission_edited_mid_campaign_stops_it_instead_of_mixing_two(passing: Path) -> None:
    # Before: workers reloaded the edited file (their cache is keyed by its mtime) and went on,
    # so one table judged runs of two missions (and a half-saved file stored crashed rows).
    checked = check_runnable(str(passing))
    spec = CampaignSpec(str(passing), "kinematic", "", (),
                        mission_sha256(checked, to_mission(checked)))
    (first,) = run_batch(spec, [Job(0, run_seed(3, 0))])
    assert first.status == "done"
    edits = (passing.read_text().replace("go to base", 'fail "edited"'), "main { go to")
    for i, text in enumerate(edits):
        passing.write_text(text)
        os.utime(passing, (i + 10.0, i + 10.0))  # a new mtime even within one clock tick
        with pytest.raises(MissionChanged, match="changed during the campaign"):
            run_batch(spec, [Job(1, run_seed(3, 1))])
