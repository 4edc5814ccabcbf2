"""The runtime joins the sensor's reach to the legs' capability table."""

from __future__ import annotations

from bt_runtime.capabilities import robot_capabilities
from bt_runtime.sensors import SCAN_RANGE_FACTOR, SensorModel


def test_the_table_holds_the_sensor_and_the_scan_reach() -> None:
    caps = robot_capabilities("a1")
    assert caps.value("sensor_range") == SensorModel().range
    assert caps.value("scan_range") == SensorModel().range * SCAN_RANGE_FACTOR == 16.0
    assert "SCAN_RANGE_FACTOR" in caps["scan_range"].source
    assert caps.value("max_stair_rise") > 0  # the legs' part is there too


def test_the_scan_runner_uses_the_same_factor() -> None:
    from bt_runtime.actions import looking

    assert looking.SCAN_RANGE_FACTOR is SCAN_RANGE_FACTOR
