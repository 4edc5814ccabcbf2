"""The robot's detector: what it can see of the scenario's targets from where it stands.

A target is detected when it is within range, inside the field of view, not hidden behind terrain or
an obstacle, and a per-second detection probability comes up (people half-hidden in rubble are not
seen at the first glance). Each detection comes with the detector's confidence
(:func:`sighting_confidence`: how close and how clear the look was). Everything random is drawn
from the generator the caller passes in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from bt_runtime.scenario import Target
from locomotion.world import HedgeParams, ObstacleParams, World

__all__ = [
    "SCAN_RANGE_FACTOR",
    "Seen",
    "SensorModel",
    "SightHeight",
    "clearance",
    "detect",
    "look",
    "sight_height_of",
    "sighting_confidence",
    "visible",
]

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
    return clearance(sensor, eye, yaw, target, target_ground, sight_height, step) is not None


def clearance(
    sensor: SensorModel,
    eye: tuple[float, float, float],
    yaw: float,
    target: Target,
    target_ground: float,
    sight_height: SightHeight,
    step: float = 0.25,
) -> float | None:
    """How much of ``target`` is in view: None when it is not visible at all (out of range, out of
    the field of view, or its top hidden), else the share of its height that stands clear of
    whatever is in the way, in [0, 1] (1: seen down to the ground it stands on). Arguments as
    :func:`visible`.
    """
    dx, dy = target.position[0] - eye[0], target.position[1] - eye[1]
    distance = math.hypot(dx, dy)
    if distance > sensor.range:
        return None
    if distance > 1e-6 and sensor.fov < 360.0:
        bearing = math.atan2(dy, dx) - yaw
        bearing = (bearing + math.pi) % (2 * math.pi) - math.pi
        if abs(math.degrees(bearing)) > sensor.fov / 2:
            return None
    target_top = target_ground + target.height
    samples = int(distance / step)
    lowest = target_ground  # the lowest point of the target a straight line from the eye reaches
    for i in range(1, samples):
        t = i / samples
        line_z = eye[2] + t * (target_top - eye[2])
        top = sight_height(eye[0] + t * dx, eye[1] + t * dy)
        if top > line_z:
            return None
        lowest = max(lowest, eye[2] + (top - eye[2]) / t)
    if target.height <= 0:
        return 1.0
    return max(0.0, min(1.0, (target_top - lowest) / target.height))


def sighting_confidence(sensor: SensorModel, distance: float, clear: float) -> float:
    """The detector's confidence in a detection, in [0.5, 1].

    1 for a target at point-blank range seen whole; it falls towards 0.5 with distance (at the
    edge of the sensor's range) and with cover (only its top showing over an obstacle or a rise).
    A score of how good the look was, not a calibrated probability: the simulated detector has no
    false positives.

    Args:
        sensor: the sensor that saw it (its range).
        distance: horizontal distance from the sensor to the target (m).
        clear: :func:`clearance`: the share of the target in view, in [0, 1].
    """
    closeness = max(0.0, 1.0 - distance / sensor.range)
    return 0.5 + 0.5 * closeness * max(0.0, min(1.0, clear))


@dataclass(frozen=True)
class Seen:
    """A target detected this tick, with its distance (m) and the detector's confidence."""

    target: Target
    distance: float
    confidence: float


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
    """The targets detected during a tick of ``dt`` seconds (:func:`look` without the figures)."""
    return [seen.target for seen in look(sensor, eye, yaw, targets, ground_height, sight_height,
                                         dt, rng)]


def look(
    sensor: SensorModel,
    eye: tuple[float, float, float],
    yaw: float,
    targets: Iterable[Target],
    ground_height: Callable[[float, float], float],
    sight_height: SightHeight,
    dt: float,
    rng: np.random.Generator,
) -> list[Seen]:
    """The targets detected during a tick of ``dt`` seconds, each with distance and confidence.

    One draw from ``rng`` per visible target, in the order given (the same draws as before the
    confidence was added, so seeded runs find the same targets at the same ticks).
    """
    p_tick = 1.0 - (1.0 - sensor.p_detect_per_s) ** dt
    found = []
    for target in targets:
        ground = ground_height(*target.position)
        clear = clearance(sensor, eye, yaw, target, ground, sight_height)
        if clear is not None and rng.random() < p_tick:
            distance = math.hypot(target.position[0] - eye[0], target.position[1] - eye[1])
            found.append(Seen(target, distance, sighting_confidence(sensor, distance, clear)))
    return found
