"""Name the terrain underfoot and ahead from what the robot senses, never from the map's label.

Input is a :class:`TerrainSensing`: a fixed height scan around and ahead of the robot (plus the
return intensity of each ray, as a lidar or depth camera reports it) and a few proprioceptive
figures (foot slip, sinkage, body pitch/roll, height spread of the stance feet, trunk vibration).
Both backends fill it: the pybullet one from ray casts and contacts, the kinematic twin from the
terrain map with seeded noise (``locomotion.sensing``).

Model choice: a hand-written feature/threshold tree in physical units, not a fitted model. The
features (plane-fit grade and residual roughness, the share of large and of negligible height
steps, lateral coherence of steps across lanes, mean return intensity, sinkage) each mean one
physical thing, so the thresholds are read off the terrain definitions (a 10 cm stair rise, 2 cm
gravel vs 6 cm rubble roughness, 6 deg of grade) and transfer between backends whose noise differs;
a model fitted on kinematic samples alone would learn the twin's noise model instead. Accuracy is
measured per class in ``bench/bench_locomotion_kinematic.py``.

Edges: the underfoot window (-0.2 ... 0.2 m) straddles a riser or a slope's edge whenever the
trunk is within ~0.2 m of one, and then so do the feet. There the scan station under the trunk
centre decides, not the stance feet: the level stretch holding it is a tread (short, a riser at
each end) or a landing (longer than any tread); at a kink in the grade, the line fitted on the
trunk's side of the kink gives the grade. Only when the scan cannot place the trunk (returns
missing) does the feet's height spread decide, as before.

Classes: flat, slope, stairs, mud, gravel, grass, rubble, hedge (tall dark canopy), obstacle (a
step higher than any stair) and water when most rays return nothing.

The scan layout, :class:`TerrainSensing` and the window features live in :mod:`locomotion.scan`
(re-exported here); this module is the decision: the threshold tree and the edge refinement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from locomotion.backend import TerrainEstimate
from locomotion.scan import (
    AHEAD_STATIONS,
    N_LANES,
    N_STATIONS,
    SCAN_FORWARD,
    SCAN_LATERAL,
    SCAN_POINTS,
    TAN6,
    UNDERFOOT_STATIONS,
    TerrainSensing,
    WindowFeatures,
    median,
    scan_window,
    window_features,
)
from locomotion.terrain import MAX_STAIR_RISE
from locomotion.world import TerrainKind

__all__ = [
    "AHEAD_STATIONS",
    "SCAN_FORWARD",
    "SCAN_LATERAL",
    "SCAN_POINTS",
    "UNDERFOOT_STATIONS",
    "TerrainClassifier",
    "TerrainReading",
    "TerrainSensing",
    "WindowFeatures",
    "window_features",
]

@dataclass(frozen=True)
class TerrainReading:
    """What the classifier concluded, with the figures gait adaptation needs.

    ``grade`` is the rise per metre along the heading underfoot (positive uphill), ``rise`` the
    estimated stair rise (m) underfoot or ahead, whichever is larger.
    """

    underfoot: TerrainKind
    ahead: TerrainKind
    confidence: float
    grade: float
    rise: float
    roughness: float

    @classmethod
    def trusted(cls, underfoot: TerrainKind, ahead: TerrainKind, confidence: float,
                grade: float, rise: float, roughness: float) -> TerrainReading:
        """The same as calling the class, without the frozen ``__init__``'s six
        ``object.__setattr__`` calls (the classifier reads at every perception tick)."""
        self = object.__new__(cls)
        self.__dict__.update(underfoot=underfoot, ahead=ahead, confidence=confidence,
                             grade=grade, rise=rise, roughness=roughness)
        return self

    def estimate(self) -> TerrainEstimate:
        return TerrainEstimate(self.underfoot, self.ahead, self.confidence)


def _decide(f: WindowFeatures, sink: float, pitch: float | None) -> tuple[TerrainKind, float]:
    """The threshold tree; returns the class and a margin (how far past its threshold, >= 0)."""
    if f.valid < 0.5:
        return TerrainKind.WATER, 1.0 - 2 * f.valid
    if f.reflectance < 0.22 or sink > 0.03:
        return TerrainKind.MUD, max((0.22 - f.reflectance) / 0.05, (sink - 0.03) / 0.02)
    if f.rise > MAX_STAIR_RISE and f.reflectance >= 0.40:  # a step too high to climb: a wall
        return TerrainKind.OBSTACLE, (f.rise - MAX_STAIR_RISE) / 0.1
    clean = f.big_steps + f.flat_steps  # stairs have big or negligible steps, few in between
    stair_margin = min((f.big_steps - 0.1) / 0.1, (clean - 0.85) / 0.1, (0.03 - f.lateral) / 0.02)
    if stair_margin > 0:
        return TerrainKind.STAIRS, stair_margin
    if f.reflectance < 0.40:  # dark: a grass canopy is uneven, a wet smooth surface is mud
        margin = min((f.reflectance - 0.22) / 0.05, (0.40 - f.reflectance) / 0.05)
        if f.level >= 0.3:  # vegetation standing well above the feet: a hedge, not a lawn
            return TerrainKind.HEDGE, min(margin, (f.level - 0.3) / 0.1)
        if f.roughness >= 0.008:
            return TerrainKind.GRASS, min(margin, (f.roughness - 0.008) / 0.004)
        return TerrainKind.MUD, min(margin, (0.008 - f.roughness) / 0.004)
    if f.roughness >= 0.035 or f.lateral >= 0.08:
        return TerrainKind.RUBBLE, max((f.roughness - 0.035) / 0.01, (f.lateral - 0.08) / 0.03)
    grade = abs(f.grade)
    if pitch is not None and 0.6 * TAN6 <= grade < TAN6 and abs(math.tan(pitch)) >= TAN6:
        grade = TAN6  # an ambiguous scan grade confirmed by the trunk's own pitch
    if grade >= TAN6 and f.lateral < 0.025:
        return TerrainKind.SLOPE, (grade - TAN6) / 0.05
    if f.lateral >= 0.015 and f.roughness >= 0.01:
        return TerrainKind.GRAVEL, min((f.lateral - 0.015) / 0.01, (0.08 - f.lateral) / 0.02)
    if f.roughness >= 0.013 and f.big_steps == 0.0:
        # the lanes happen to agree, but the texture along them is too coarse for level ground
        # (a flat floor scans within a few mm; gravel is ~2 cm)
        return TerrainKind.GRAVEL, (f.roughness - 0.013) / 0.005
    margin = min(max((0.015 - f.lateral) / 0.005, (0.01 - f.roughness) / 0.003),
                 (TAN6 - grade) / 0.05)
    return TerrainKind.FLAT, margin


class TerrainClassifier:
    """Stateless terrain classifier over :class:`TerrainSensing` (see the module docstring)."""

    def classify(self, sensing: TerrainSensing) -> TerrainReading:
        """Classify the ground under the trunk (scan + proprioception) and ~1 m ahead (scan).

        The underfoot window spans 0.4 m, so near a riser or a slope's edge it holds two kinds of
        ground (and the feet stand on both). The window's verdict is then refined by what lies at
        the trunk's own station: the level stretch it stands on (a tread between two risers, or a
        landing longer than any tread) or, at a kink, the plane on its side of the kink.

        Returns:
            A :class:`TerrainReading`; ``confidence`` in [0.5, 1] grows with the margin by which
            the underfoot decision cleared its thresholds.
        """
        foot = scan_window(sensing, UNDERFOOT_STATIONS)
        ahead = scan_window(sensing, AHEAD_STATIONS)
        pitch = sensing.body_pitch if abs(sensing.body_pitch) < 0.6 else None
        under_kind, margin = _decide(foot, sensing.sinkage, pitch)
        grade = foot.grade
        if (under_kind in (TerrainKind.RUBBLE, TerrainKind.GRAVEL) and foot.big_steps >= 0.1
                and foot.big_steps + foot.flat_steps >= 0.85 and _oblique_stairs(sensing)):
            under_kind, margin = TerrainKind.STAIRS, 0.3
        if under_kind in _EDGE_KINDS and not _uniform_flat(foot, under_kind):
            profile = _profile(sensing)
            refined = _at_trunk(sensing, foot, profile, pitch)
            if refined is not None:
                under_kind, margin, grade = refined
            else:
                under_kind, margin = _proprio_fallback(sensing, foot, under_kind, margin)
        ahead_kind, _ = _decide(ahead, 0.0, None)
        rise = max(foot.rise, ahead.rise)
        if rise == 0.0 and under_kind is TerrainKind.STAIRS:
            rise = sensing.step_height
        confidence = 0.5 + 0.5 * math.tanh(max(margin, 0.0))
        if abs(grade) <= 1e-9:
            grade = math.tan(sensing.body_pitch)
        return TerrainReading.trusted(under_kind, ahead_kind, confidence, grade, rise,
                                      foot.roughness)


_EDGE_KINDS = (TerrainKind.FLAT, TerrainKind.SLOPE, TerrainKind.STAIRS)
"""Underfoot verdicts that an edge in the window can produce by mistake (geometry-only classes)."""
_CENTRE = SCAN_FORWARD.index(0.0)
"""The station under the trunk centre."""
_NEAR = slice(0, _CENTRE + 4)
"""Stations -0.3 ... 0.3 m: where an edge puts the feet on two kinds of ground."""
_PROFILED = _CENTRE + 5
"""Stations -0.3 ... 0.4 m are profiled: enough to tell a tread (a riser within 0.3 m on each
side) from a landing, and no more, since this runs at every perception tick."""
_RISER = 0.05
"""A height step (m) between neighbouring stations at least this big is a riser, not texture."""
_MAX_TREAD_STATIONS = 4
"""A level stretch of at most this many stations (<= ~0.4 m) between two risers is a tread; a
longer one is a landing. Treads deeper than ~0.4 m are read as short landings."""
_KINK = 0.6 * TAN6
"""Grade change (rise per metre) between the two sides of the trunk that marks a slope's edge."""


def _uniform_flat(foot: WindowFeatures, kind: TerrainKind) -> bool:
    """True for a level window with no riser: no edge can hide in it (the common, fast case)."""
    return kind is TerrainKind.FLAT and foot.big_steps == 0.0 and abs(foot.grade) < 0.3 * TAN6


def _profile(sensing: TerrainSensing) -> list[float]:
    """Median height over the three lanes at the first :data:`_PROFILED` stations (NaN where a
    lane has no return)."""
    h = sensing.heights
    n = N_STATIONS
    out = []
    for left, mid, right in zip(h[:_PROFILED], h[n : n + _PROFILED], h[2 * n : 2 * n + _PROFILED],
                                strict=True):
        if not (math.isnan(left) or math.isnan(mid) or math.isnan(right)):  # median of 3
            out.append(left + mid + right - max(left, mid, right) - min(left, mid, right))
        else:
            out.append(math.nan)
    return out


def _is_riser(profile: list[float], i: int) -> bool:
    """True when the step from station ``i`` to ``i + 1`` is a climbable riser."""
    step = abs(profile[i + 1] - profile[i])
    return _RISER <= step <= MAX_STAIR_RISE


def _level_run(profile: list[float]) -> tuple[int, int]:
    """First and last station of the stretch without a riser-sized step that holds the trunk."""
    a = b = _CENTRE
    while a > 0 and abs(profile[a] - profile[a - 1]) < _RISER:
        a -= 1
    while b < len(profile) - 1 and abs(profile[b + 1] - profile[b]) < _RISER:
        b += 1
    return a, b


def _at_trunk(sensing: TerrainSensing, foot: WindowFeatures, profile: list[float],
              pitch: float | None) -> tuple[TerrainKind, float, float] | None:
    """Class, margin and grade of the ground at the trunk's own station, or None if no edge.

    A riser near the trunk: on a short level stretch bounded by risers on both sides the trunk
    is over a tread (stairs, whatever the feet say); on a longer stretch it is over a landing,
    classified from that stretch alone. No riser but a kink in the grade: the plane on the
    trunk's side of the kink decides.
    """
    if not math.isfinite(profile[_CENTRE]):
        return None
    if any(_is_riser(profile, i) for i in range(_NEAR.start, _NEAR.stop - 1)
           if math.isfinite(profile[i]) and math.isfinite(profile[i + 1])):
        verdict, a, b = _stretch(profile)
        if verdict == "landing" and any(_stretch(lane)[0] == "tread" for lane in _lanes(sensing)):
            verdict = "tread"  # risers oblique to the scan: a side lane sees the tread's ends
        if verdict == "tread":
            return TerrainKind.STAIRS, 0.5, foot.grade  # the flight's grade, for the body pitch
        if verdict is None:
            return None
        patch = scan_window(sensing, slice(max(a, _NEAR.start), min(b, _NEAR.stop - 1) + 1))
        kind, margin = _decide(patch, sensing.sinkage, pitch)
        return kind, margin, patch.grade
    side = _kink_side_grade(profile)
    if side is None:
        return None
    kind, margin = _decide(replace(foot, grade=side), sensing.sinkage, pitch)
    return kind, margin, side


def _stretch(profile: list[float]) -> tuple[str | None, int, int]:
    """Whether the level stretch holding the trunk is a ``"tread"`` (a riser at each end, at most
    :data:`_MAX_TREAD_STATIONS` long) or a ``"landing"`` (longer), or None if it cannot tell;
    with the stretch's first and last station."""
    a, b = _level_run(profile)
    behind = a > 0 and math.isfinite(profile[a - 1]) and _is_riser(profile, a - 1)
    ahead = b < len(profile) - 1 and math.isfinite(profile[b + 1]) and _is_riser(profile, b)
    length = b - a + 1
    if behind and ahead and length <= _MAX_TREAD_STATIONS:
        return "tread", a, b
    if length < _MAX_TREAD_STATIONS or (behind and ahead and length == _MAX_TREAD_STATIONS):
        return None, a, b
    return "landing", a, b


def _lanes(sensing: TerrainSensing) -> list[list[float]]:
    """Each lane's heights over the profiled stations."""
    h = sensing.heights
    return [list(h[i * N_STATIONS : i * N_STATIONS + _PROFILED]) for i in range(N_LANES)]


def _oblique_stairs(sensing: TerrainSensing) -> bool:
    """True when the lanes disagree only because they cross the same risers at different
    stations, as when the robot is yawed on a flight: shifting the side lanes by opposite whole
    stations (a straight riser line) makes them match the centre lane. Rubble's lanes are
    independent and no shift aligns them."""
    h = sensing.heights
    n = N_STATIONS
    right, centre, left = h[:n], h[n : 2 * n], h[2 * n :]
    best = math.inf
    for shift in range(-2, 3):
        worst = 0.0
        for lane, sign in ((left, 1), (right, -1)):
            diffs = [abs(lane[i + sign * shift] - centre[i]) for i in range(UNDERFOOT_STATIONS.start,
                     UNDERFOOT_STATIONS.stop + 1) if 0 <= i + sign * shift < n]
            worst = max(worst, median(diffs) if diffs else math.inf)
        best = min(best, worst)
    return best < 0.02


def _kink_side_grade(profile: list[float]) -> float | None:
    """Grade of the plane on the trunk's side of a slope edge within 0.2 m, else None.

    Lines are fitted to the three stations behind (-0.3 ... -0.1 m) and the three ahead
    (0.1 ... 0.3 m) of the trunk; where they meet is the edge, and the trunk stands on the line
    whose side it is on.
    """
    b0, b1, b2, _, f0, f1, f2 = profile[_CENTRE - 3 : _CENTRE + 4]
    if not all(math.isfinite(v) for v in (b0, b1, b2, f0, f1, f2)):
        return None
    g_b, g_f = (b2 - b0) / 0.2, (f2 - f0) / 0.2  # least squares over 3 evenly spaced stations
    if abs(g_b - g_f) < _KINK:
        return None
    c_b = (b0 + b1 + b2) / 3 + 0.2 * g_b  # each line's height at the trunk
    c_f = (f0 + f1 + f2) / 3 - 0.2 * g_f
    edge = (c_f - c_b) / (g_b - g_f)
    if not -0.2 < edge < 0.2:
        return None
    return g_b if edge > 0 else g_f


def _proprio_fallback(sensing: TerrainSensing, foot: WindowFeatures, kind: TerrainKind,
                      margin: float) -> tuple[TerrainKind, float]:
    """Where the scan alone cannot place the trunk, the stance feet's height spread decides."""
    if kind is TerrainKind.STAIRS and sensing.step_height < 0.03 and foot.big_steps < 0.4:
        # one riser in view but all four feet on one level: the robot stands on the landing
        # before or after the flight, not on a tread (treads are shorter than the body)
        level = replace(foot, big_steps=0.0, grade=0.0, roughness=0.0)
        return _decide(level, sensing.sinkage, None)
    if kind is TerrainKind.FLAT and sensing.step_height >= 0.06 and foot.big_steps > 0:
        return TerrainKind.STAIRS, 0.5
    return kind, margin
