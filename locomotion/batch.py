"""Many kinematic robots at once: the twin's model stepped with numpy arrays of N robots.

For randomised studies (thousands of runs of a route with random pushes, payloads, start poses).
It uses the vectorised :mod:`locomotion.kinematic_model` directly and skips perception: gaits and
speed caps come from the true terrain through the same table the gait selector uses, because
classifying thousands of scans per step would dominate the cost. Say so when quoting its results.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from locomotion.gait import terrain_gait
from locomotion.kinematic_model import (
    MODE_INDEX,
    BatchState,
    ModelTables,
    apply_push,
    initial_state,
    transition,
)
from locomotion.params import ROBOT_MASS, load_calibration
from locomotion.terrain import KINDS, SurfaceGrid, TerrainMap, terrain_for
from locomotion.world import World

__all__ = ["KinematicBatch"]


class KinematicBatch:
    """N robots on one world, stepped together with numpy (no perception; see module docstring).

    Args:
        world: the site.
        n: number of robots.
        seed: seeds this batch's generator.
        calibration: path of a calibration JSON (default: the committed one).
        terrain: the terrain map of ``world`` to walk on (default: the world's default ground,
            as the single-robot backends have it).

    Raises:
        ValueError: ``n`` is not a positive integer, or ``terrain`` is of another world.
    """

    def __init__(self, world: World, n: int, seed: int | None = None,
                 calibration: str | Path | None = None, terrain: TerrainMap | None = None) -> None:
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        self.n = n
        self.tables = ModelTables.from_params(load_calibration(calibration))
        self.terrain = terrain_for(world, terrain)
        self.surface = SurfaceGrid.from_map(self.terrain)
        self.rng = np.random.default_rng(seed)
        self.mass = np.full(n, ROBOT_MASS)
        gaits = [terrain_gait(k) for k in KINDS]
        self._gait_mode = np.array([MODE_INDEX[g] for g, _ in gaits])
        self._cap = np.array([cap for _, cap in gaits])
        self.state = initial_state(self.surface, np.zeros(n), np.zeros(n), np.zeros(n))

    def reset(self, x: np.ndarray, y: np.ndarray, yaw: np.ndarray) -> BatchState:
        """Place the robots; arrays of shape (n,)."""
        self.state = initial_state(self.surface, np.broadcast_to(x, (self.n,)),
                                   np.broadcast_to(y, (self.n,)), np.broadcast_to(yaw, (self.n,)))
        return self.state

    def speed_caps(self) -> np.ndarray:
        """Per-robot speed cap of the gait its current terrain calls for (m/s)."""
        return self._cap[self.state.kind]

    def set_payload(self, mass: np.ndarray | float) -> None:
        self.mass = ROBOT_MASS + np.broadcast_to(np.asarray(mass, dtype=float), (self.n,))

    def modes(self, cmd: np.ndarray) -> np.ndarray:
        moving = np.abs(cmd).sum(axis=1) > 1e-9
        return np.where(moving, self._gait_mode[self.state.kind], MODE_INDEX["stand"])

    def push(self, impulse: np.ndarray, direction: np.ndarray,
             cmd: np.ndarray | None = None) -> BatchState:
        """Push every robot (impulse 0 for those not pushed)."""
        c = np.zeros((self.n, 3)) if cmd is None else cmd
        self.state = apply_push(self.state, impulse, direction, self.modes(c), self.mass,
                                self.surface, self.tables, self.rng)
        return self.state

    def step(self, cmd: np.ndarray, dt: float) -> BatchState:
        """Advance all robots by ``dt`` with body-frame commands ``cmd`` (n, 3), capped per robot
        by the gait its terrain calls for."""
        cmd = np.asarray(cmd, dtype=float).reshape(self.n, 3).copy()
        speed = np.hypot(cmd[:, 0], cmd[:, 1])
        scale = np.minimum(1.0, self.speed_caps() / np.maximum(speed, 1e-9))
        cmd[:, :2] *= scale[:, None]
        self.state = transition(self.state, cmd, self.modes(cmd), self.mass, self.surface,
                                self.tables, dt, self.rng)
        return self.state

    def follow(self, path: np.ndarray, lookahead: float = 0.6, max_wz: float = 1.2) -> np.ndarray:
        """Pure-pursuit commands (n, 3) for every robot towards a shared polyline ``path`` (m, 2).

        Vectorised over robots and segments; each robot steers to the point ``lookahead`` beyond
        its projection on the path.
        """
        s = self.state
        pts = np.asarray(path, dtype=float)
        a, b = pts[:-1], pts[1:]
        ab = b - a
        seg_len = np.hypot(ab[:, 0], ab[:, 1])
        cum = np.concatenate([[0.0], np.cumsum(seg_len)])
        rx = s.x[:, None] - a[None, :, 0]
        ry = s.y[:, None] - a[None, :, 1]
        t = np.clip((rx * ab[:, 0] + ry * ab[:, 1]) / np.maximum(seg_len**2, 1e-12), 0.0, 1.0)
        d = np.hypot(rx - t * ab[:, 0], ry - t * ab[:, 1])
        k = np.argmin(d, axis=1)
        arc = cum[k] + t[np.arange(self.n), k] * seg_len[k] + lookahead
        arc = np.minimum(arc, cum[-1])
        j = np.clip(np.searchsorted(cum, arc, side="right") - 1, 0, len(seg_len) - 1)
        f = (arc - cum[j]) / np.maximum(seg_len[j], 1e-12)
        tx, ty = a[j, 0] + f * ab[j, 0], a[j, 1] + f * ab[j, 1]
        alpha = np.arctan2(ty - s.y, tx - s.x) - s.yaw
        alpha = np.arctan2(np.sin(alpha), np.cos(alpha))
        remaining = cum[-1] - arc + lookahead
        v = np.minimum(self.speed_caps(), np.sqrt(1.2 * np.maximum(remaining, 0.0)))
        v = np.where(remaining < 0.15, 0.0, v)
        turn = np.abs(alpha) > 0.9
        vx = np.where(turn, 0.0, v * np.maximum(np.cos(alpha), 0.3))
        wz = np.where(turn, np.sign(alpha) * max_wz,
                      np.clip(2.0 * vx * np.sin(alpha) / lookahead, -max_wz, max_wz))
        return np.stack([vx, np.zeros(self.n), wz], axis=1)
