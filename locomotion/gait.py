"""Gait adaptation: which gait for which ground, and switching between them without flapping.

Three gaits cover the classes the classifier names. A trot is fast and efficient on firm, nearly
level ground (flat, grass, gravel). A crawl (a static walk: duty >= 0.75, so three feet are always
down and the centre of mass stays over the support triangle) for mud, rubble and slopes, where a
dynamic gait would slip or stumble. A stair gait that lifts the foot straight up by at least the
rise plus 5 cm before stepping forward (``lift_then_step``), so the toe does not catch the nosing.

:class:`GaitSelector` adds hysteresis (a new class must persist for a dwell time, half as long when
it calls for a more careful gait than the current one) and blends numeric parameters over a
transition time, always erring on the safe side: speed caps drop and swing heights rise at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from locomotion.backend import GaitParams
from locomotion.perception import TerrainReading
from locomotion.world import TerrainKind

__all__ = [
    "GAITS",
    "SEVERITY",
    "GaitDecision",
    "GaitSelector",
    "blend",
    "gait_for",
    "terrain_gait",
]

GAITS: dict[str, GaitParams] = {
    "trot": GaitParams("trot", period=0.40, duty=0.50, swing_height=0.08, body_height=0.28,
                       speed_cap=1.0),
    "crawl": GaitParams("crawl", period=1.00, duty=0.80, swing_height=0.10, body_height=0.26,
                        speed_cap=0.35, stance_width=0.03),
    "stairs": GaitParams("stairs", period=1.20, duty=0.80, swing_height=0.15, body_height=0.27,
                         speed_cap=0.25, stance_width=0.02, lift_then_step=True),
}

# kind -> (gait, speed cap m/s, swing height m or None for the gait's own)
_TERRAIN_GAIT: dict[TerrainKind, tuple[str, float, float | None]] = {
    TerrainKind.FLAT: ("trot", 1.0, None),
    TerrainKind.GRASS: ("trot", 0.8, 0.12),
    TerrainKind.GRAVEL: ("trot", 0.7, 0.10),
    TerrainKind.SLOPE: ("crawl", 0.4, None),
    TerrainKind.MUD: ("crawl", 0.3, 0.14),
    TerrainKind.RUBBLE: ("crawl", 0.3, 0.14),
    TerrainKind.STAIRS: ("stairs", 0.25, None),
    TerrainKind.HEDGE: ("crawl", 0.2, 0.14),
    TerrainKind.WATER: ("crawl", 0.1, None),
    TerrainKind.OBSTACLE: ("crawl", 0.3, None),
}

SEVERITY: dict[TerrainKind, int] = {
    TerrainKind.FLAT: 0, TerrainKind.GRASS: 1, TerrainKind.GRAVEL: 2, TerrainKind.SLOPE: 3,
    TerrainKind.MUD: 4, TerrainKind.RUBBLE: 4, TerrainKind.HEDGE: 5, TerrainKind.STAIRS: 6,
    TerrainKind.WATER: 7, TerrainKind.OBSTACLE: 7,
}
"""How careful each kind of ground asks the robot to be; the selector adopts the more careful of
the ground underfoot and the ground ahead, so it slows down before reaching stairs or mud."""

_STAIR_CLEARANCE = 0.05


def terrain_gait(kind: TerrainKind) -> tuple[str, float]:
    """The gait name and speed cap (m/s) the terrain calls for, without hysteresis."""
    name, cap, _ = _TERRAIN_GAIT[kind]
    return name, min(cap, GAITS[name].speed_cap)


def gait_for(kind: TerrainKind, rise: float = 0.0, gait: str | None = None) -> GaitParams:
    """The gait parameters for ``kind`` of ground.

    Args:
        kind: the adopted terrain class.
        rise: estimated stair rise (m); the stair gait swings at least ``rise + 5 cm`` (the rise is
            rounded up to the next centimetre, which keeps the parameters cacheable and steady).
        gait: force this gait (a ``SetGait`` override) instead of the terrain's own.
    """
    return _gait_for(kind, math.ceil(round(rise * 100.0, 6)), gait)


@lru_cache(maxsize=512)
def _gait_for(kind: TerrainKind, rise_cm: int, gait: str | None) -> GaitParams:
    rise = rise_cm / 100.0
    name, cap, swing = _TERRAIN_GAIT[kind]
    base = GAITS[gait or name]
    if gait is not None:
        cap, swing = base.speed_cap, None
    swing_height = max(base.swing_height, swing or 0.0)
    if base.name == "stairs":
        swing_height = max(swing_height, rise + _STAIR_CLEARANCE)
    return replace(base, speed_cap=min(cap, base.speed_cap) if gait is None else cap,
                   swing_height=swing_height)


def blend(a: GaitParams, b: GaitParams, alpha: float) -> GaitParams:
    """Parameters ``alpha`` of the way from ``a`` to ``b`` (0..1), on the safe side.

    Name and flags are ``b``'s at once (the controller changes pattern immediately); speed cap never
    exceeds ``b``'s and swing height never falls below ``b``'s during the transition.
    """
    t = min(max(alpha, 0.0), 1.0)

    def lerp(u: float, v: float) -> float:
        return u + (v - u) * t

    return GaitParams(
        name=b.name,
        period=lerp(a.period, b.period),
        duty=lerp(a.duty, b.duty),
        swing_height=max(lerp(a.swing_height, b.swing_height), b.swing_height),
        body_height=lerp(a.body_height, b.body_height),
        speed_cap=min(lerp(a.speed_cap, b.speed_cap), b.speed_cap),
        stance_width=lerp(a.stance_width, b.stance_width),
        lift_then_step=b.lift_then_step,
    )


@dataclass(frozen=True)
class GaitDecision:
    """What the selector decided this tick.

    Attributes:
        params: gait parameters to walk with (blended during a transition).
        terrain: the terrain class adopted after hysteresis.
        body_pitch: target trunk pitch (rad, nose-up positive), aligned with the slope plane.
        speed_cap: ``params.speed_cap`` (m/s), repeated for convenience.
        blending: True while parameters are still moving towards the new gait.
        forced: True while a ``SetGait`` override is in force.
    """

    params: GaitParams
    terrain: TerrainKind
    body_pitch: float
    speed_cap: float
    blending: bool
    forced: bool

    @classmethod
    def trusted(cls, params: GaitParams, terrain: TerrainKind, body_pitch: float,
                speed_cap: float, blending: bool, forced: bool) -> GaitDecision:
        """The same as calling the class, without the frozen ``__init__``'s six
        ``object.__setattr__`` calls (the selector decides at every perception tick)."""
        self = object.__new__(cls)
        self.__dict__.update(params=params, terrain=terrain, body_pitch=body_pitch,
                             speed_cap=speed_cap, blending=blending, forced=forced)
        return self


class GaitSelector:
    """Chooses and blends gaits from a stream of terrain readings.

    Args:
        dwell: seconds a new terrain class must persist before it is adopted (half of it when the
            new class calls for a more careful gait).
        blend_time: seconds over which numeric gait parameters move to the new gait.
        min_confidence: readings below this confidence do not count towards a switch.
    """

    def __init__(self, dwell: float = 0.4, blend_time: float = 0.6,
                 min_confidence: float = 0.55) -> None:
        self.dwell = dwell
        self.blend_time = blend_time
        self.min_confidence = min_confidence
        self._terrain = TerrainKind.FLAT
        self._rise = 0.0
        self._candidate: TerrainKind | None = None
        self._since = 0.0
        self._forced: str | None = None
        self._target = gait_for(TerrainKind.FLAT)
        self._from = self._target
        self._blend_start = -math.inf
        self._pitch = 0.0
        self._last: float | None = None
        self._settled: tuple[GaitParams, GaitParams, GaitParams] | None = None
        """(from, target, their blend at alpha 1): a finished blend, built once, not per reading."""
        self._aimed: tuple[TerrainKind, float, str | None] = (self._terrain, self._rise, None)
        """The (terrain, rise, forced gait) :meth:`_retarget` last aimed at: with the same three,
        :func:`gait_for` gives the same parameters, so a reading that changes none skips it."""

    @property
    def terrain(self) -> TerrainKind:
        return self._terrain

    def override(self, gait: str | None) -> None:
        """Force ``gait`` (``SetGait``), or ``None`` to adapt to the terrain again.

        Raises:
            ValueError: ``gait`` is not one of :data:`GAITS`.
        """
        if gait is not None and gait not in GAITS:
            known = ", ".join(sorted(GAITS))
            raise ValueError(f"unknown gait {gait!r}: choose one of {known}, or None to adapt")
        self._forced = gait
        self._retarget(self._last or 0.0)

    def _retarget(self, now: float) -> None:
        self._aimed = (self._terrain, self._rise, self._forced)
        new = gait_for(self._terrain, self._rise, self._forced)
        if new is not self._target and new != self._target:  # gait_for caches: mostly the same
            self._from = self._current(now)
            self._target = new
            self._blend_start = now

    def _current(self, now: float) -> GaitParams:
        if self.blend_time <= 0:
            return self._target
        alpha = (now - self._blend_start) / self.blend_time
        if not alpha >= 1.0:  # (NaN too, as before)
            return blend(self._from, self._target, alpha)
        settled = self._settled
        if settled is None or settled[0] is not self._from or settled[1] is not self._target:
            # blend clamps alpha to 1; its lerps still round, so the result is blend's, cached
            settled = (self._from, self._target, blend(self._from, self._target, 1.0))
            self._settled = settled
        return settled[2]

    def _wanted(self, reading: TerrainReading) -> TerrainKind:
        under, ahead = reading.underfoot, reading.ahead
        return ahead if SEVERITY[ahead] > SEVERITY[under] else under

    def update(self, reading: TerrainReading, now: float) -> GaitDecision:
        """Feed one terrain reading taken at time ``now`` (s) and get the gait to walk with."""
        dt = 0.0 if self._last is None else max(now - self._last, 0.0)
        self._last = now
        wanted = self._wanted(reading)
        if reading.confidence >= self.min_confidence and wanted != self._terrain:
            if wanted != self._candidate:
                self._candidate, self._since = wanted, now
            careful = SEVERITY[wanted] > SEVERITY[self._terrain]
            if now - self._since >= (self.dwell / 2 if careful else self.dwell):
                self._terrain, self._candidate = wanted, None
        elif wanted == self._terrain:
            self._candidate = None
        if self._terrain is TerrainKind.STAIRS and reading.rise > self._rise:
            self._rise = min(reading.rise, 0.25)
        elif self._terrain is not TerrainKind.STAIRS:
            self._rise = 0.0
        if (self._terrain, self._rise, self._forced) != self._aimed:
            self._retarget(now)
        pitch_target = 0.0
        if self._terrain in (TerrainKind.SLOPE, TerrainKind.STAIRS):
            pitch_target = math.atan(max(min(reading.grade, 0.6), -0.6))
        tau = max(self.blend_time / 2, 1e-3)
        self._pitch += (pitch_target - self._pitch) * min(1.0, dt / tau)
        params = self._current(now)
        blending = now - self._blend_start < self.blend_time
        return GaitDecision.trusted(params, self._terrain, self._pitch, params.speed_cap,
                                    blending, self._forced is not None)
