"""A campaign worker's runs: a failed run's event log is written anew over an earlier attempt's."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.eventlog import EventLogReader
from quadmission.campaign.plan import CampaignSpec, Job, run_seed
from quadmission.campaign.worker import run_batch


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
