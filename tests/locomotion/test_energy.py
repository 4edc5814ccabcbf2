"""Energy model: documented form, monotone in mass and distance, terrain and gait matter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from locomotion.energy import EnergyModel, G, payload_mass
from locomotion.params import ROBOT_MASS, EnergyParams, load_calibration
from locomotion.terrain import KIND_INDEX
from locomotion.world import TerrainKind

MODEL = EnergyModel.from_calibration(load_calibration())


def test_power_formula() -> None:
    p = MODEL.params
    got = MODEL.power_w(0.5, 12.0, TerrainKind.FLAT, "trot")
    factor = p.terrain_factor["flat"]
    assert got == pytest.approx(p.idle_power_w + p.cost_of_transport["trot"] * 12 * G * 0.5 * factor)
    climb = MODEL.power_w(0.5, 12.0, TerrainKind.FLAT, "trot", climb_rate=0.1)
    assert climb - got == pytest.approx(12 * G * 0.1 / p.climb_efficiency)
    assert MODEL.power_w(0.5, 12.0, TerrainKind.FLAT, "trot", climb_rate=-0.1) == pytest.approx(got)


@given(st.floats(0.1, 100), st.floats(1, 50), st.floats(0, 20), st.floats(0.01, 10))
def test_energy_monotone_in_distance_and_mass(dist: float, mass: float, extra: float,
                                              more: float) -> None:
    base = MODEL.energy_wh(dist, 60.0, mass, TerrainKind.GRAVEL, "trot")
    assert MODEL.energy_wh(dist + more, 60.0, mass, TerrainKind.GRAVEL, "trot") > base
    assert MODEL.energy_wh(dist, 60.0, mass + extra + 0.01, TerrainKind.GRAVEL, "trot") > base


def test_terrain_factor_and_gait_cost_of_transport_scale_the_walking_term() -> None:
    model = EnergyModel(EnergyParams(
        idle_power_w=20.0, cost_of_transport={"trot": 0.5, "crawl": 1.0},
        terrain_factor={"flat": 1.0, "gravel": 1.5, "mud": 3.0}))
    e = {k: model.energy_wh(10.0, 30.0, ROBOT_MASS, k, "trot")
         for k in (TerrainKind.FLAT, TerrainKind.GRAVEL, TerrainKind.MUD)}
    assert e[TerrainKind.FLAT] < e[TerrainKind.GRAVEL] < e[TerrainKind.MUD]
    idle = 20.0 * 30.0 / 3600.0
    assert (e[TerrainKind.MUD] - idle) == pytest.approx(3.0 * (e[TerrainKind.FLAT] - idle))
    crawl = model.energy_wh(10, 30, ROBOT_MASS, TerrainKind.FLAT, "crawl")
    assert crawl - idle == pytest.approx(2.0 * (e[TerrainKind.FLAT] - idle))


def test_vectorised_over_kind_codes() -> None:
    codes = np.array([KIND_INDEX[TerrainKind.FLAT], KIND_INDEX[TerrainKind.MUD]])
    p = MODEL.power_w(np.array([0.5, 0.5]), 12.0, codes, "crawl")
    one = [MODEL.power_w(0.5, 12.0, k, "crawl") for k in (TerrainKind.FLAT, TerrainKind.MUD)]
    assert p.shape == (2,) and p.tolist() == pytest.approx(one)


def test_rest_power_and_payload() -> None:
    assert MODEL.rest_power_w(sitting=True) < MODEL.rest_power_w(sitting=False)
    assert payload_mass(5.0) == ROBOT_MASS + 5.0 and payload_mass(-1.0) == ROBOT_MASS
