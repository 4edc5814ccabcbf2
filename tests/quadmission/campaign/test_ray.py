"""Ray behind the same executor interface gives the same per-seed rows as the process pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from quadmission.campaign.executors import PoolExecutor, RayExecutor
from tests.quadmission.campaign.test_campaign import _campaign

ray = pytest.importorskip("ray", reason="ray is an optional extra: pip install 'quadmission[ray]'")


def test_ray_and_pool_give_identical_outcomes(passing: Path, tmp_path: Path) -> None:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        executor = RayExecutor()
        assert executor.workers == 2
        _, on_ray = _campaign(passing, tmp_path / "ray" / "c.sqlite", executor)
    finally:
        ray.shutdown()
    pool = PoolExecutor(2)
    try:
        _, on_pool = _campaign(passing, tmp_path / "pool" / "c.sqlite", pool)
    finally:
        pool.close()
    assert len(on_ray) == 6
    assert on_ray == on_pool
