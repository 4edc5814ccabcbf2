"""What a campaign varies between runs, as pure data: the parameters a ``vary { ... }`` block may
name, their defaults, and one run's draw.

A ``vary`` block (in the mission or in its world file) lists ``PARAM [REGION] LOW .. HIGH`` items
(``closed REGION P %`` for a chance). :data:`VARY_PARAMS` is the one table the checker validates
against and the campaign draws from, so they cannot disagree. When a mission declares nothing,
:data:`DEFAULT_VARIATION` applies; its sources are in ``docs/campaigns.md``:

- friction scaled by 0.5 .. 1.25 on every region — the ``friction_range`` of legged_gym's
  ``LeggedRobotCfg.domain_rand`` (Rudin et al., "Learning to Walk in Minutes Using Massively
  Parallel Deep Reinforcement Learning", CoRL 2021), the range most legged-robot RL uses;
- one push of 0 .. 12 N·s: legged_gym pushes with ``max_push_vel_xy = 1 m/s``; on the 12 kg A1
  that is up to 12 N·s. Its time is drawn in 10 s .. 300 s, its direction in 0 .. 360 deg;
- payload masses scaled by 0.9 .. 1.1 (legged_gym's ``added_mass_range`` is ±1 kg on the trunk);
- the declared charge minus 0 .. 10 points, detection probability 0.7 .. 0.95 per second, victims
  moved by up to 0.5 m (the scenario's own default): engineering choices, stated as such.

A draw is a pure function of the variation, the world and a seed sequence
(:func:`draw_values`); :mod:`quadmission.campaign.apply` turns it into faults, a robot
configuration and a world.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from bt_runtime.specs import Range
from bt_runtime.units import Dimension

__all__ = [
    "DEFAULT_VARIATION",
    "MAX_PUSH_IMPULSE",
    "VARY_PARAMS",
    "Variation",
    "Varied",
    "VaryParamSpec",
    "draw_values",
]


@dataclass(frozen=True)
class VaryParamSpec:
    """One parameter a ``vary`` block may name.

    Attributes:
        name: the word in the block.
        dimension: what its bounds measure (their unit is checked against it).
        range: where the bounds must lie (canonical units).
        per_region: it names a terrain region after the word (``friction west_gap ...``).
        chance: it takes one probability (``closed west_gap 20 %``), not ``LOW .. HIGH``.
        help: one line for the docs and the checker's hints.
    """

    name: str
    dimension: Dimension
    range: Range
    per_region: bool = False
    chance: bool = False
    help: str = ""


MAX_PUSH_IMPULSE = 200.0
"""The largest push (N·s) a vary block or a ``push`` fault may give: 17 m/s on the 12 kg robot,
far past any fall; much more made pybullet's state NaN and the run still "succeeded"."""

_SPECS = (
    VaryParamSpec("friction", Dimension.NUMBER, Range(0.0, 2.0), True,
                  help="Coulomb friction of a region, drawn in LOW .. HIGH"),
    VaryParamSpec("friction_scale", Dimension.NUMBER, Range(0.0, 3.0),
                  help="every region's friction multiplied by a factor in LOW .. HIGH"),
    VaryParamSpec("softness", Dimension.NUMBER, Range(0.0, 1.0), True,
                  help="softness of a mud region (0 firm, 1 sinks to the knees)"),
    VaryParamSpec("push_impulse", Dimension.NUMBER, Range(0.0, MAX_PUSH_IMPULSE),
                  help="one push of LOW .. HIGH N·s in a random direction"),
    VaryParamSpec("push_time", Dimension.TIME, Range(0.0),
                  help="when the push comes"),
    VaryParamSpec("charge", Dimension.RATIO, Range(0.0, 100.0),
                  help="starting battery charge"),
    VaryParamSpec("charge_drop", Dimension.RATIO, Range(0.0, 100.0),
                  help="points below the declared charge the battery starts at"),
    VaryParamSpec("payload_mass", Dimension.NUMBER, Range(0.0, 10.0),
                  help="every payload's mass multiplied by a factor in LOW .. HIGH"),
    VaryParamSpec("detection", Dimension.RATIO, Range(0.0, 100.0),
                  help="probability per second of seeing a target in view"),
    VaryParamSpec("sensor_range", Dimension.LENGTH, Range(0.0, 100.0),
                  help="how far the detector sees"),
    VaryParamSpec("sensor_noise", Dimension.NUMBER, Range(0.0, 10.0),
                  help="the senses' noise level as a factor on the nominal one (1: nominal)"),
    VaryParamSpec("victim_jitter", Dimension.LENGTH, Range(0.0, 50.0),
                  help="how far victims may lie from their declared places (upper bound used)"),
    VaryParamSpec("intruder_speed", Dimension.RATIO, Range(0.0, 100.0),
                  help="spread of intruder speeds around the declared one (upper bound used)"),
    VaryParamSpec("closed", Dimension.RATIO, Range(0.0, 100.0), True, True,
                  help="chance that a region is closed from the start"),
)

VARY_PARAMS: Mapping[str, VaryParamSpec] = MappingProxyType({s.name: s for s in _SPECS})
"""Every parameter a ``vary`` block may name, by word."""


@dataclass(frozen=True)
class Varied:
    """One checked ``vary`` item in canonical units (for a chance, ``low == high`` = P in %)."""

    name: str
    region: str | None
    low: float
    high: float

    @property
    def key(self) -> str:
        """The column name of the drawn value (``friction.west_gap``, ``charge``)."""
        return self.name if self.region is None else f"{self.name}.{self.region}"

    def describe(self) -> str:
        """As a report lists it: ``friction.west_gap 0.6..0.9``; a chance ``closed.mat 50 %``."""
        spec = VARY_PARAMS.get(self.name)
        if spec is not None and spec.chance:
            return f"{self.key} {self.low:g} %"
        return f"{self.key} {self.low:g}..{self.high:g}"


@dataclass(frozen=True)
class Variation:
    """Everything one campaign varies; ``declared`` is False for the defaults."""

    items: tuple[Varied, ...]
    declared: bool = True

    def keys(self) -> tuple[str, ...]:
        """The drawn parameters' names, in draw order (plus ``push_dir`` when a push is drawn)."""
        keys = [v.key for v in self.items]
        if any(v.name == "push_impulse" for v in self.items):
            keys.append("push_dir")
            if "push_time" not in keys:
                keys.append("push_time")
        return tuple(keys)


DEFAULT_VARIATION = Variation(
    (
        Varied("friction_scale", None, 0.5, 1.25),
        Varied("push_impulse", None, 0.0, 12.0),
        Varied("push_time", None, 10.0, 300.0),
        Varied("payload_mass", None, 0.9, 1.1),
        Varied("charge_drop", None, 0.0, 10.0),
        Varied("detection", None, 70.0, 95.0),
        Varied("victim_jitter", None, 0.0, 0.5),
    ),
    declared=False,
)
"""What varies when a mission declares no ``vary`` block (sources in the module docstring)."""

DEFAULT_PUSH_TIME = (10.0, 300.0)


def draw_values(variation: Variation, seq: np.random.SeedSequence) -> dict[str, float]:
    """One run's values for every varied parameter, drawn uniformly in order.

    Args:
        variation: what varies.
        seq: the run's variation seed (a pure function of the campaign seed and run index).

    Returns:
        ``{key: value}``; a ``closed`` item draws 1.0 (closed) or 0.0; a push adds ``push_dir``
        (deg) and, when no ``push_time`` is declared, a time in 10 .. 300 s.
    """
    rng = np.random.default_rng(seq)
    values: dict[str, float] = {}
    for item in variation.items:
        u = float(rng.random())
        if VARY_PARAMS[item.name].chance:
            values[item.key] = 1.0 if u * 100.0 < item.low else 0.0
        else:
            values[item.key] = item.low + (item.high - item.low) * u
    if "push_impulse" in values:
        values["push_dir"] = float(rng.random()) * 360.0
        if "push_time" not in values:
            low, high = DEFAULT_PUSH_TIME
            values["push_time"] = low + (high - low) * float(rng.random())
    return {k: (round(v, 12) if math.isfinite(v) else v) for k, v in values.items()}
