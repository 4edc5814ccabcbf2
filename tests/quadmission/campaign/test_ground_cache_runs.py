"""Kinematic runs of a campaign worker share one GroundCache per process: a run with a warm cache
must be, event for event, the run it is with a cold one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.run_fingerprint import DigestSink
from quadmission.campaign import worker
from quadmission.campaign.plan import draw_for, run_seed
from quadmission.loading import load_mission

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("mission", ["patrol"])
def test_campaign_runs_with_a_warm_cache_equal_cold_runs(mission: str) -> None:
    loaded = load_mission(str(ROOT / "missions" / f"{mission}.mission"))

    def digest(index: int) -> tuple[str, str, float]:
        seed = run_seed(0, index)
        sink = DigestSink()
        report, _ = worker.run_drawn(loaded, "kinematic", seed,
                                     draw_for(loaded.compiled.variation, seed), log=sink)
        return sink.hexdigest(), report.outcome, report.duration

    cold = []
    for index in (0, 1):
        worker._ground.cache_clear()
        cold.append(digest(index))
    worker._ground.cache_clear()
    warm = [digest(index) for index in (0, 1)]
    assert worker._ground().hits >= 2
    assert warm == cold
