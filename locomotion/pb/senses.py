"""What the simulated A1 senses of the ground: a ray-cast height scan plus proprioception.

Fills :class:`locomotion.perception.TerrainSensing` from the physics alone (never from the map's
label): heights come from rays cast straight down at the scan pattern's points, sinkage from how far
the feet sit below the surface those rays find under them, slip from the feet's own velocity,
vibration from the trunk's vertical acceleration. Only the return intensity of each ray comes from
the documented material model (``locomotion.sensing.material_returns``), because pybullet has no
notion of surface appearance; that model overlaps between classes like a real lidar's does.

A ray cast is exact, a lidar is not: each height gets the same seeded range noise as the twin's
scan (``locomotion.sensing.HEIGHT_NOISE``), scaled like the intensity's spread by the run's drawn
sensor noise (:mod:`locomotion.variation`), so seeds vary what physics senses as they vary the
twin's.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from locomotion.pb.robot import A1Robot, RobotObservation
from locomotion.pb.scene import Scene
from locomotion.perception import TerrainSensing
from locomotion.sensing import HEIGHT_NOISE, material_returns, scan_points_world
from locomotion.terrain import KIND_INDEX, TerrainMap
from locomotion.world import TerrainKind

__all__ = ["Senses"]

_VIBRATION_WINDOW = 0.5
"""Seconds of trunk motion the vibration figure looks back over."""


class Senses:
    """Builds :class:`TerrainSensing` readings for one robot in one scene."""

    def __init__(
        self, scene: Scene, robot: A1Robot, terrain: TerrainMap, rng: np.random.Generator,
        noise: float = 1.0,
    ) -> None:
        """Args: the scene and robot to read, the run's map, the backend's generator and the
        factor on the nominal noise levels (the run's drawn sensor noise)."""
        self._scene = scene
        self._noise = noise
        self._robot = robot
        self._terrain = terrain
        self._rng = rng
        self._vz: deque[tuple[float, float]] = deque(maxlen=200)

    def record_motion(self, time: float, obs: RobotObservation) -> None:
        """Remember the trunk's vertical velocity (call every 20-50 ms) for the vibration figure."""
        self._vz.append((time, float(obs.velocity[2])))
        while self._vz and self._vz[0][0] < time - _VIBRATION_WINDOW:
            self._vz.popleft()

    def _vibration(self) -> float:
        if len(self._vz) < 3:
            return 0.0
        t = np.array([s[0] for s in self._vz])
        vz = np.array([s[1] for s in self._vz])
        dt = np.diff(t)
        ok = dt > 1e-6
        acc = np.diff(vz)[ok] / dt[ok]
        return float(np.sqrt(np.mean(acc * acc))) if acc.size else 0.0

    def read(self, obs: RobotObservation) -> TerrainSensing:
        """Scan and feel the ground now."""
        x, y, _ = obs.position
        yaw = float(obs.rpy[2])
        xy = scan_points_world(float(x), float(y), yaw)
        ground = self._scene.heights_at(xy)
        canopy, reflectance = material_returns(self._terrain, xy, self._rng, self._noise)
        # Obstacles and hedges are solid boxes in this scene, so the rays already stop on their tops;
        # only grass blades (not simulated) lift the return.
        solid = self._terrain.kind(xy[:, 0], xy[:, 1]) != KIND_INDEX[TerrainKind.GRASS]
        canopy = np.where(solid & np.isfinite(canopy), 0.0, canopy)
        radius = self._robot.foot_radius
        contact = [i for i in range(4) if obs.foot_contact[i]]
        if contact:
            feet = obs.foot_positions[contact]
            plane = float(np.mean(feet[:, 2])) - radius
            surface = self._scene.heights_at(feet[:, :2])
            sinkage = float(np.mean(np.clip(surface - (feet[:, 2] - radius), 0.0, None)))
            step_height = float(feet[:, 2].max() - feet[:, 2].min())
            velocities = self._robot.foot_velocities()[contact]
            slip = float(np.mean(np.hypot(velocities[:, 0], velocities[:, 1])))
        else:
            plane = float(self._scene.heights_at(np.array([[x, y]]))[0])
            sinkage = step_height = slip = 0.0
        heights = ground + canopy - plane
        heights = heights + (HEIGHT_NOISE * self._noise) * self._rng.standard_normal(len(heights))
        rot = obs.rotation
        pitch = math.asin(max(-1.0, min(1.0, float(rot[2, 0]))))
        roll = math.asin(max(-1.0, min(1.0, float(rot[2, 1]))))
        return TerrainSensing(
            heights=tuple(float(h) for h in heights),
            reflectance=tuple(float(r) for r in reflectance),
            foot_slip=slip,
            sinkage=sinkage,
            body_pitch=pitch,
            body_roll=roll,
            step_height=step_height,
            vibration=self._vibration(),
        )
