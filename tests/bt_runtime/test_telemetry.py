"""Telemetry decimation, in its one place: a regular grid plus every change that matters."""

from __future__ import annotations

import dataclasses

import pytest

from bt_runtime.telemetry import TelemetryFilter
from locomotion.backend import ContactInfo, Pose, RobotState, TerrainEstimate
from locomotion.world import TerrainKind

BASE = RobotState(
    time=0.0,
    pose=Pose(0.0, 0.0),
    velocity=(0.0, 0.0, 0.0),
    terrain=TerrainEstimate(TerrainKind.FLAT, TerrainKind.FLAT, 1.0),
    gait="trot",
    energy_used=0.0,
    fallen=False,
    stuck=False,
    contacts=ContactInfo((True, True, True, True)),
)
MUD = TerrainEstimate(TerrainKind.MUD, TerrainKind.MUD, 1.0)


def kept(changes: dict[int, dict[str, object]], hz: float = 5.0, ticks: int = 21) -> list[int]:
    """Ticks kept at 10 Hz; ``changes[tick]`` sets state fields from that tick on."""
    telemetry, fields, out = TelemetryFilter(hz), {}, []
    for tick in range(ticks):
        fields.update(changes.get(tick, {}))
        state = dataclasses.replace(BASE, time=tick * 0.1, **fields)
        if telemetry.due(state, tick * 0.1):
            out.append(tick)
    return out


def test_a_regular_grid_on_sim_time() -> None:
    assert kept({}) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert kept({}, hz=0, ticks=4) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("field", "value"),
    [("terrain", MUD), ("gait", "crawl"), ("fallen", True), ("stuck", True)],
)
def test_each_change_is_kept_when_it_happens_and_when_it_ends(field: str, value: object) -> None:
    back = getattr(BASE, field)
    assert kept({3: {field: value}, 7: {field: back}}, hz=1.0) == [0, 3, 7, 10, 20]


def test_changes_ahead_or_in_position_alone_do_not_count() -> None:
    ahead = TerrainEstimate(TerrainKind.FLAT, TerrainKind.MUD, 0.5)
    assert kept({3: {"terrain": ahead, "pose": Pose(1.0, 0.0)}}, hz=1.0) == [0, 10, 20]


def test_a_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="telemetry_hz must be >= 0"):
        TelemetryFilter(-1.0)
