"""The checker's capability table of a robot model: the legs' limits plus what its sensor sees.

:mod:`locomotion.capabilities` holds what the calibration of the physics controller measured (steps,
flights, ramps, load, speed); the sensor is the runtime's (:class:`bt_runtime.sensors.SensorModel`),
so its range joins the table here, one layer up. Nothing here loads py_trees: the checker reads it.
"""

from __future__ import annotations

from bt_runtime.sensors import SCAN_RANGE_FACTOR, SensorModel
from locomotion.capabilities import Capabilities, Capability, capabilities

__all__ = ["robot_capabilities"]


def robot_capabilities(model: str = "a1") -> Capabilities:
    """``model``'s capability table with ``sensor_range`` and ``scan_range`` (m) added.

    Raises:
        locomotion.params.CalibrationError: no calibration for ``model`` or a bad calibration file.
    """
    sensor = SensorModel()
    return capabilities(model).with_entries(
        Capability("sensor_range", sensor.range, "m", "how far the sensor sees while walking",
                   "bt_runtime.sensors.SensorModel.range"),
        Capability("scan_range", sensor.range * SCAN_RANGE_FACTOR, "m",
                   "how far a scan on the spot looks",
                   "bt_runtime.sensors: SensorModel.range x SCAN_RANGE_FACTOR"),
    )
