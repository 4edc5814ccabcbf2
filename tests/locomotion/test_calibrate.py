"""Calibration: the quick sweep runs against the kinematic twin and recovers its own tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from locomotion.calibrate import fit_logistic, main, run
from locomotion.params import load_calibration


def test_quick_sweep_against_the_kinematic_twin_recovers_its_parameters(tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    fitted = run("kinematic", quick=True, out=out, log=False)
    truth = load_calibration()
    data = json.loads(out.read_text())
    assert data["metadata"]["backend"] == "kinematic" and data["metadata"]["quick"] is True
    assert data["metadata"]["sweep"]["walks"] > 10 and "date" in data["metadata"]
    for kind in ("flat", "slope", "stairs", "mud", "gravel", "grass", "rubble"):
        assert fitted.speed_ratio[kind] == pytest.approx(truth.speed_ratio[kind], rel=0.02)
        assert fitted.energy.terrain_factor[kind] == pytest.approx(
            truth.energy.terrain_factor[kind], rel=0.05)
    assert fitted.energy.idle_power_w == pytest.approx(truth.energy.idle_power_w, rel=0.02)
    assert fitted.energy.cost_of_transport["trot"] == pytest.approx(
        truth.energy.cost_of_transport["trot"], rel=0.05)
    assert fitted.fall.getup_time == pytest.approx(truth.fall.getup_time, abs=0.1)
    for kind in ("flat", "mud", "rubble"):
        assert 0.4 * truth.drift[kind] < fitted.drift[kind] < 2.5 * truth.drift[kind]
    for gait in ("trot", "crawl", "stairs", "stand"):  # coarse: 4 impulses x 2 seeds
        assert fitted.fall.impulse_threshold[gait] == pytest.approx(
            truth.fall.impulse_threshold[gait], abs=8.0)
    assert load_calibration(out) == fitted


def test_fit_logistic_finds_the_threshold() -> None:
    rng = np.random.default_rng(0)
    j = rng.uniform(0, 40, 400)
    fell = rng.random(400) < 1 / (1 + np.exp(-(j - 20) / 2))
    thr, width = fit_logistic(j, fell)
    assert thr == pytest.approx(20, abs=1.5) and 1 <= width <= 3


def test_cli_reports_unknown_backend_without_a_traceback(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--backend", "nope", "--quick", "--out", str(tmp_path / "x.json")]) == 2
    assert "unknown backend 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--dt", "5"])


def test_fit_ignores_walks_that_fell_and_bounds_thresholds_outside_the_sweep() -> None:
    from locomotion.calibrate import WalkSample, _fit
    from locomotion.world import TerrainKind

    base = load_calibration()
    walks = [WalkSample(TerrainKind.FLAT, "trot", 0.5, 0.45, 70.0, 0.0, 0.02, 0.01, 4.0)] * 3 + [
        WalkSample(TerrainKind.GRAVEL, "trot", 0.5, 0.45, 70.0, 0.0, 0.02, 0.01, 4.0),
        WalkSample(TerrainKind.GRAVEL, "trot", 0.5, 0.0, 40.0, 0.0, 0.5, 0.0, 0.0, fell=True),
        WalkSample(TerrainKind.GRAVEL, "trot", 0.5, 0.0, 40.0, 0.0, 0.5, 0.0, 0.0, fell=True),
    ]
    pushes = {
        "trot": [(10.0, False), (20.0, False)],  # never fell
        "stand": [(10.0, True), (20.0, True)],  # always fell
        "crawl": [(10.0, False), (20.0, True), (30.0, True)],
    }
    fitted = _fit(walks, 25.0, 8.0, pushes, [2.5], base)
    assert fitted.speed_ratio["flat"] == pytest.approx(0.9)
    # kept: two of the three gravel walks fell, one valid walk is too few to fit
    assert fitted.speed_ratio["gravel"] == base.speed_ratio["gravel"]
    assert fitted.fall.impulse_threshold["trot"] >= 25.0
    assert fitted.fall.impulse_threshold["stand"] <= 5.0
    assert 10.0 < fitted.fall.impulse_threshold["crawl"] < 20.0
    assert fitted.fall.getup_time == 2.5


def test_targeted_refit_walks_only_the_chosen_terrains_and_keeps_the_rest(tmp_path: Path) -> None:
    from dataclasses import replace

    from locomotion.world import TerrainKind

    base = load_calibration()
    # a base file whose gravel and flat values are off: only gravel is re-walked, so flat must stay
    skewed = replace(base, speed_ratio={**base.speed_ratio, "gravel": 0.2, "flat": 0.3},
                     metadata={"backend": "pybullet", "sweep": {"walks": 135}})
    base_path = tmp_path / "base.json"
    skewed.save(base_path)
    out = tmp_path / "refit.json"
    fitted = run("kinematic", quick=False, out=out, log=False, walks_only=True,
                 terrains=[TerrainKind.GRAVEL], base_path=base_path)
    assert fitted.speed_ratio["gravel"] == pytest.approx(base.speed_ratio["gravel"], rel=0.02)
    assert fitted.speed_ratio["flat"] == 0.3  # not swept: kept from the base file
    assert fitted.fall == skewed.fall and fitted.energy.idle_power_w == skewed.energy.idle_power_w
    meta = json.loads(out.read_text())["metadata"]
    assert meta["backend"] == "pybullet" and meta["sweep"]["walks"] == 135  # the full sweep's record
    (refit,) = meta["refits"]
    assert refit["backend"] == "kinematic" and refit["sweep"]["terrains"] == ["gravel"]
    assert refit["sweep"]["push_trials"] == 0 and "fall" in refit["kept_from_previous"]


def test_stairs_are_swept_both_up_and_down() -> None:
    from locomotion.calibrate import sweep_worlds
    from locomotion.terrain import TerrainMap
    from locomotion.world import TerrainKind

    up, down = sweep_worlds(TerrainKind.STAIRS)
    for world, rising in ((up, True), (down, False)):
        tm = TerrainMap(world, seed=0)
        z = [float(tm.height(x, 0.0)) for x in (0.6, 2.0, 4.0)]
        assert (z[0] < z[1] < z[2]) if rising else (z[0] > z[1] > z[2]), z
    assert len(sweep_worlds(TerrainKind.FLAT)) == 1


def test_cli_rejects_an_unknown_terrain(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--backend", "kinematic", "--terrains", "gravel,lava"])
    assert "lava" in capsys.readouterr().err


def test_sweep_never_commands_more_than_goto_would_on_that_ground() -> None:
    from locomotion.calibrate import _sweep_cap
    from locomotion.world import TerrainKind

    assert _sweep_cap(TerrainKind.GRAVEL, "trot", "trot", 0.7) == 0.7  # GoTo's cap on gravel
    assert _sweep_cap(TerrainKind.FLAT, "trot", "trot", 1.0) == 1.0
    assert _sweep_cap(TerrainKind.MUD, "crawl", "crawl", 0.3) == 0.3  # below crawl's own 0.35
    assert _sweep_cap(TerrainKind.FLAT, "crawl", "trot", 1.0) == 0.35  # other gaits: gait cap
