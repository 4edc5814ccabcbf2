"""The example missions run to success on the kinematic backend, and each survives (or fails
clearly on) an injected fault: a battery drop, a push that fells the robot, a closed route."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_runtime.faults import parse_fault
from locomotion.backends import make_backend
from quadmission.loading import load_mission
from quadmission.session import simulate

MISSIONS = Path(__file__).resolve().parents[2] / "missions"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("name", ["logistics", "rescue", "patrol"])
def test_example_mission_succeeds_on_the_kinematic_backend(name: str, seed: int) -> None:
    """Over seeds 1-5, each drawing its own start, friction, softness and mass (issue 11).

    The patrol walks down its north steps twice; under the seed's physics pybullet fell there in 5
    of 10 cross-checked campaign runs (and got up), and so does the twin at the calibrated descent
    hazard (seeds 2, 4 and 5 here): such a run still succeeds, missing only `falls == 0`. The
    rescue climbs the office stairs down and up (about one run in eight falls there, seeds 1 and 3
    here): its own `require falls <= 1` allows one. The warehouse floor of the logistics is flat."""
    mission = load_mission(str(MISSIONS / f"{name}.mission"))
    report = simulate(mission, make_backend("kinematic"), seed=seed)
    assert report.outcome == "success", (report.failure_path, report.failure_reason)
    missed = [v.line() for v in report.missed]
    if name == "patrol" and report.falls:
        assert report.falls <= 2
        assert [v.metric for v in report.missed] == ["falls"], missed
    else:
        assert report.falls <= (1 if name == "rescue" else 0)
        assert report.missed == (), missed
    time_limit = mission.compiled.time_limit
    assert time_limit is None or report.duration < time_limit


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("logistics", "battery@60s:drop=40"),  # the low-battery guard sends it to charge
        ("rescue", "push@60s:impulse=60,dir=90"),  # it falls, gets up and carries on
        ("patrol", "block@100s:region=drain"),  # the west gap closes: no way round
    ],
)
def test_example_mission_with_a_fault_recovers_or_fails_clearly(name: str, spec: str) -> None:
    mission = load_mission(str(MISSIONS / f"{name}.mission"))
    fault = parse_fault(spec, mission.compiled.world)
    report = simulate(mission, make_backend("kinematic"), seed=1, faults=[fault])
    if report.outcome == "success":
        assert spec.startswith(("battery", "push"))
        if spec.startswith("push"):
            assert report.falls == 1
        else:
            assert report.min_battery < 35.0  # the drop happened and was handled
    else:
        assert report.failure_reason and "drain is closed" in report.failure_reason
