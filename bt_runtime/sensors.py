"""The robot's detector: what it can see of the scenario's targets from where it stands.

A target is detected when it is within range, inside the field of view, not hidden behind terrain or
an obstacle, and a per-second detection probability comes up (people half-hidden in rubble are not
seen at the first glance). Everything random is drawn from the generator the caller passes in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from bt_runtime.scenario import Target
from locomotion.world import HedgeParams, ObstacleParams, World

__all__ = ["SCAN_RANGE_FACTOR", "SensorModel", "SightHeight", "detect", "sight_height_of", "visible"]

SCAN_RANGE_FACTOR = 2.0
"""A scan (a full turn on the spot) looks this many times the sensor's range: a careful stationary
look sees further than a glance while walking."""

SightHeight = Callable[[float, float], float]
"""Top of whatever stands at (x, y): ground plus any obstacle or hedge (m)."""


@dataclass(frozen=True)
class SensorModel:
    """A head-mounted camera/lidar: range (m), horizontal field of view (deg), mount height (m),
    probability of detecting a visible target within one second."""

    range: float = 8.0
    fov: float = 120.0
    mount_height: float = 0.35
    p_detect_per_s: float = 0.9

    def __post_init__(self) -> None:
        if self.range <= 0:
            raise ValueError(f"sensor range must be positive, got {self.range} m")
        if not 0 < self.fov <= 360:
            raise ValueError(f"sensor field of view must be in (0, 360] deg, got {self.fov}")
        if not 0 <= self.p_detect_per_s <= 1:
            raise ValueError(f"detection probability must be in [0, 1], got {self.p_detect_per_s}")

    def with_fov(self, fov: float) -> SensorModel:
        """The same sensor with another field of view (a 360° scan turns the robot in place)."""
        return SensorModel(self.range, fov, self.mount_height, self.p_detect_per_s)


def sight_height_of(world: World, ground_height: Callable[[float, float], float]) -> SightHeight:
    """Build the line-of-sight height function of ``world`` on top of its ground height."""

    def top(x: float, y: float) -> float:
        region = world.region_at(x, y)
        base = ground_height(x, y)
        if region is not None and isinstance(region.params, (ObstacleParams, HedgeParams)):
            return base + region.params.height
        return base

    return top


def visible(
    sensor: SensorModel,
    eye: tuple[float, float, float],
    yaw: float,
    target: Target,
    target_ground: float,
    sight_height: SightHeight,
    step: float = 0.25,
) -> bool:
    """True if ``target`` is in range, in the field of view, and not occluded.

    Args:
        sensor: the sensor's range and field of view.
        eye: the sensor's world position (x, y, z).
        yaw: the robot's heading (rad).
        target: what is looked for; its top is ``target_ground + target.height``.
        target_ground: ground height under the target.
        sight_height: top of whatever stands at a point, sampled every ``step`` metres on the way.
    """
    dx, dy = target.position[0] - eye[0], target.position[1] - eye[1]
    distance = math.hypot(dx, dy)
    if distance > sensor.range:
        return False
    if distance > 1e-6 and sensor.fov < 360.0:
        bearing = math.atan2(dy, dx) - yaw
        bearing = (bearing + math.pi) % (2 * math.pi) - math.pi
        if abs(math.degrees(bearing)) > sensor.fov / 2:
            return False
    target_top = target_ground + target.height
    samples = int(distance / step)
    for i in range(1, samples):
        t = i / samples
        line_z = eye[2] + t * (target_top - eye[2])
        if sight_height(eye[0] + t * dx, eye[1] + t * dy) > line_z:
            return False
    return True


def detect(
    sensor: SensorModel,
    eye: tuple[float, float, float],
    yaw: float,
    targets: Iterable[Target],
    ground_height: Callable[[float, float], float],
    sight_height: SightHeight,
    dt: float,
    rng: np.random.Generator,
) -> list[Target]:
    """The targets detected during a tick of ``dt`` seconds."""
    p_tick = 1.0 - (1.0 - sensor.p_detect_per_s) ** dt
    found = []
    for target in targets:
        ground = ground_height(*target.position)
        if visible(sensor, eye, yaw, target, ground, sight_height) and rng.random() < p_tick:
            found.append(target)
    return found
