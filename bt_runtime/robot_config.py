"""What a mission declares about its robot, and where a run puts it down.

:class:`RobotConfig` takes its defaults from the language's robot properties
(:data:`bt_runtime.vocabulary.ROBOT_PROPERTIES`), so a robot declared without, say, ``payload`` gets
the same value whether the checker, the compiler or the runtime asks. The vocabulary imports no
module of the robot context, so importing it here makes no cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bt_runtime.sensors import SensorModel
from bt_runtime.vocabulary import ROBOT_PROPERTIES
from locomotion.backend import Pose
from locomotion.world import Point, World

__all__ = ["CHARGER_POWER_W", "PROPERTY_OF_FIELD", "RobotConfig", "start_pose"]

CHARGER_POWER_W = 1000.0
"""Power a dock puts into the battery (W). A fast dock: the example missions' 130 Wh packs fill
from empty in about 8 minutes, which keeps charging stops within their time limits."""

PROPERTY_OF_FIELD: Mapping[str, str] = {
    "battery_wh": "battery",
    "initial_charge": "charge",
    "max_speed": "max_speed",
    "payload_capacity": "payload",
}
"""Which robot property (vocabulary name) each :class:`RobotConfig` field is declared by."""


def _default(field_name: str) -> float:
    value = ROBOT_PROPERTIES[PROPERTY_OF_FIELD[field_name]].default
    if value is None:
        raise ValueError(f"robot property for {field_name} has no default")
    return float(value)


@dataclass(frozen=True)
class RobotConfig:
    """The robot declaration of a mission, in canonical units, plus the sensor it carries.

    The four declared values default to the robot properties' defaults (see the module docstring).
    """

    battery_wh: float = _default("battery_wh")
    initial_charge: float = _default("initial_charge")
    max_speed: float = _default("max_speed")
    payload_capacity: float = _default("payload_capacity")
    charger_power_w: float = CHARGER_POWER_W
    sensor: SensorModel = field(default_factory=SensorModel)

    @classmethod
    def from_properties(cls, props: Mapping[str, float | None], **extra: Any) -> RobotConfig:
        """Build from a compiled mission's robot properties.

        Args:
            props: robot properties by vocabulary name; missing or None ones take their defaults.
            **extra: other fields (``sensor``, ``charger_power_w``).

        Returns:
            The robot's configuration.
        """

        def get(field_name: str) -> float:
            value = props.get(PROPERTY_OF_FIELD[field_name])
            return _default(field_name) if value is None else float(value)

        return cls(
            battery_wh=get("battery_wh"),
            initial_charge=get("initial_charge"),
            max_speed=get("max_speed"),
            payload_capacity=get("payload_capacity"),
            **extra,
        )


def start_pose(world: World, waypoints: Mapping[str, Point] | None = None) -> tuple[Pose, str]:
    """Where a run starts: on the world's first dock, else at the first waypoint, else the centre.

    Args:
        world: the world of the run.
        waypoints: the mission's own waypoints, tried after the world's.

    Returns:
        The pose and a description ("dock charger") for the run header.
    """
    if world.docks:
        dock = world.docks[0]
        return Pose(dock.position[0], dock.position[1]), f"dock {dock.name}"
    points = list(world.waypoints) + list((waypoints or {}).items())
    if points:
        name, (x, y) = points[0]
        return Pose(x, y), f"waypoint {name}"
    b = world.bounds
    return Pose((b.x_min + b.x_max) / 2, (b.y_min + b.y_max) / 2), "centre of the world"
