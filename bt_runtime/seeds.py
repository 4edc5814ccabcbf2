"""The seeds of one run, derived once from the run seed so no two consumers share a stream.

One integer used to seed several generators makes them draw correlated (often identical) numbers,
and adding a draw in one consumer shifts what another sees. :class:`RunSeeds` spawns one
:class:`numpy.random.SeedSequence` child per consumer, in a fixed order, so each consumer's stream
depends only on the run seed and its own position in :data:`CONSUMERS`. Add a consumer at the end
of that tuple: the streams of the existing ones stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CONSUMERS", "RunSeeds"]

CONSUMERS = ("scenario", "detection", "backend", "terrain", "faults")
"""Who draws randomness in a run, in spawn order (append only: the order fixes the streams)."""


def _integer(seq: np.random.SeedSequence) -> int:
    """A 32-bit integer drawn from ``seq``, for consumers whose API takes an int seed."""
    return int(seq.generate_state(1, np.uint32)[0])


@dataclass(frozen=True)
class RunSeeds:
    """One child seed per consumer of a run (see :data:`CONSUMERS`), built by :meth:`derive`.

    Attributes:
        run: the run seed everything derives from (what the log records).
        scenario: moves victims and intruders (:func:`bt_runtime.scenario.draw_scenario`).
        detection: the detector's per-tick detection draws.
        backend: the locomotion backend's noise (passed to ``reset`` as an integer).
        terrain: the gravel/rubble texture of the run's terrain map (an integer map seed).
        faults: reserved for randomised faults (today's faults are deterministic).
    """

    run: int
    scenario: np.random.SeedSequence
    detection: np.random.SeedSequence
    backend: np.random.SeedSequence
    terrain: np.random.SeedSequence
    faults: np.random.SeedSequence

    @classmethod
    def derive(cls, seed: int) -> RunSeeds:
        """Spawn the children of ``SeedSequence(seed)``, one per consumer.

        Args:
            seed: the run seed, a non-negative integer.

        Returns:
            The run's seeds; the same ``seed`` always gives the same children.

        Raises:
            ValueError: ``seed`` is negative or not an integer.
        """
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"a run seed must be a non-negative integer, got {seed!r}")
        children = np.random.SeedSequence(int(seed)).spawn(len(CONSUMERS))
        return cls(int(seed), *children)

    @property
    def backend_seed(self) -> int:
        """The backend's seed as the integer ``LocomotionBackend.reset`` takes."""
        return _integer(self.backend)

    @property
    def terrain_seed(self) -> int:
        """The terrain map's texture seed (``TerrainMap(world, seed=...)``)."""
        return _integer(self.terrain)

    def rng(self, consumer: str) -> np.random.Generator:
        """A fresh generator on ``consumer``'s stream (each call starts the stream again).

        Raises:
            KeyError: ``consumer`` is not one of :data:`CONSUMERS`.
        """
        if consumer not in CONSUMERS:
            raise KeyError(f"unknown seed consumer {consumer!r} (known: {', '.join(CONSUMERS)})")
        seq: np.random.SeedSequence = getattr(self, consumer)
        return np.random.default_rng(seq)
