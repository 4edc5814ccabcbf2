"""Run logs recorded with the real executor on the kinematic twin, for the monitor's tests.

The one place the monitor's tests make runs (through the application layer's ``load_mission`` and
``simulate``): when those move, only :func:`record` changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHORT_MISSION = """\
mission "Short walk" { tick_rate 10 Hz  time_limit 5 min }
robot a1 { battery 130 Wh  charge 70 %  max_speed 0.6 m/s }
world "worlds/industrial_park.world"

main {
    go to gate
    report "at the gate"
    go to south_steps_foot
    fail "the deck is closed"
}
"""
"""A mission that walks two legs, reports, then fails with a reason: a failed run in ~0.2 s."""


def record(mission: Path, log: Path, seed: int = 1) -> Path:
    """Run ``mission`` on the kinematic backend with ``seed``, logging to ``log``."""
    from bt_runtime.eventlog import EventLogWriter
    from locomotion.backends import make_backend
    from quadmission.loading import load_mission
    from quadmission.session import simulate

    loaded = load_mission(str(mission))
    backend = make_backend("kinematic")
    try:
        with EventLogWriter(log) as writer:
            simulate(loaded, backend, seed, backend_name="kinematic", log=writer)
    finally:
        backend.close()
    return log


def record_patrol(folder: Path) -> Path:
    """The example patrol (67 nodes, 459 s of sim time, success)."""
    return record(ROOT / "missions" / "patrol.mission", folder / "patrol.sqlite")


def record_failing(folder: Path) -> Path:
    """:data:`SHORT_MISSION` in ``folder`` (its world copied beside it): fails at 31.9 s."""
    (folder / "worlds").mkdir(exist_ok=True)
    shutil.copy(ROOT / "missions" / "worlds" / "industrial_park.world", folder / "worlds")
    mission = folder / "short.mission"
    mission.write_text(SHORT_MISSION)
    return record(mission, folder / "short.sqlite")
