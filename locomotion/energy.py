"""Battery drain of a walking quadruped, by terrain, gait and payload.

Model (per robot, SI units, energy in watt-hours)::

    P = P_idle + CoT[gait] * m * g * v * F[terrain] + m * g * max(climb, 0) / eta
    E = integral of P dt / 3600

``P_idle`` keeps the electronics and the joints holding the stance (a standing robot still burns
power); the cost of transport CoT is the dimensionless energy per unit weight and distance of the
gait (a trot is cheaper per metre than a crawl, which spends more time with every leg loaded);
``F`` scales it for ground that soaks up work (mud, rubble); the last term pays for potential energy
gained at efficiency ``eta``. Sitting draws ``P_sit`` only. Mass ``m`` is robot plus payload, so
drain is monotone in payload and in distance. Vectorised: every argument may be an array.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from locomotion.params import ROBOT_MASS, EnergyParams, KinematicParams
from locomotion.terrain import KINDS
from locomotion.world import TerrainKind

__all__ = ["EnergyModel", "G", "payload_mass"]

G = 9.81


@dataclass(frozen=True)
class EnergyModel:
    """The documented power model with its parameters (see the module docstring)."""

    params: EnergyParams = field(default_factory=EnergyParams)

    @classmethod
    def from_calibration(cls, params: KinematicParams) -> EnergyModel:
        return cls(params.energy)

    def terrain_factors(self) -> np.ndarray:
        """Terrain factor per kind code (index as :data:`locomotion.terrain.KINDS`)."""
        table = self.params.terrain_factor
        return np.array([table.get(k.value, 1.0) for k in KINDS])

    def cot(self, gait: str) -> float:
        """Cost of transport of ``gait`` (unknown gaits cost like a crawl)."""
        table = self.params.cost_of_transport
        return table.get(gait, table.get("crawl", 0.8))

    def power_w(
        self,
        speed: float | np.ndarray,
        mass: float | np.ndarray,
        kind: TerrainKind | np.ndarray,
        gait: str,
        climb_rate: float | np.ndarray = 0.0,
    ) -> float | np.ndarray:
        """Electrical power (W) while walking.

        Args:
            speed: ground speed (m/s).
            mass: total mass (kg): robot plus payload.
            kind: terrain kind, or an array of kind codes.
            gait: gait name ("trot", "crawl", "stairs").
            climb_rate: vertical speed of the trunk (m/s); only ascent costs extra.
        """
        if isinstance(kind, TerrainKind):
            factor: float | np.ndarray = self.params.terrain_factor.get(kind.value, 1.0)
        else:
            factor = self.terrain_factors()[np.asarray(kind)]
        p = self.params
        climb = np.maximum(climb_rate, 0.0)
        return (
            p.idle_power_w
            + self.cot(gait) * mass * G * np.abs(speed) * factor
            + mass * G * climb / p.climb_efficiency
        )

    def energy_wh(
        self,
        distance: float | np.ndarray,
        duration: float | np.ndarray,
        mass: float | np.ndarray,
        kind: TerrainKind | np.ndarray,
        gait: str,
        climb: float | np.ndarray = 0.0,
    ) -> float | np.ndarray:
        """Energy (Wh) to walk ``distance`` m in ``duration`` s, climbing ``climb`` m in all."""
        duration = np.maximum(duration, 1e-9)
        power = self.power_w(np.asarray(distance) / duration, mass, kind, gait,
                             np.asarray(climb) / duration)
        return power * duration / 3600.0

    def rest_power_w(self, sitting: bool) -> float:
        """Power while not walking: sitting draws less than standing."""
        return self.params.sit_power_w if sitting else self.params.idle_power_w


def payload_mass(payload: float) -> float:
    """Total mass carried by the legs for a ``payload`` (kg)."""
    return ROBOT_MASS + max(payload, 0.0)
