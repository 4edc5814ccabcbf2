"""Resolved values the behaviours take: places and routes, plus the closed vocabularies they check
(re-exported from :mod:`bt_runtime.vocabulary`, where they are defined).

The compiler resolves every name a mission writes into one of these small frozen values (areas become
:mod:`locomotion.world` shapes), so a behaviour never looks a name up at run time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bt_runtime.vocabulary import GAITS, TARGET_KINDS
from locomotion.world import Circle, Polygon, Rect

__all__ = ["GAITS", "SHAPE_TYPES", "TARGET_KINDS", "Place", "Route", "check_finite", "setup_clock"]

SHAPE_TYPES = (Rect, Circle, Polygon)
_isfinite = math.isfinite


def check_finite(what: str, value: object) -> float:
    """Return ``value`` as a float, or raise a ValueError naming ``what`` if it is not a finite number.

    Raises:
        ValueError: ``value`` is not an int/float or is NaN/infinite.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def setup_clock(owner: str, kwargs: Mapping[str, Any], current: Callable[[], float]
                ) -> Callable[[], float]:
    """The clock a time-keeping behaviour should read: ``kwargs["clock"]`` if set-up gave one.

    Raises:
        TypeError: the given clock is not callable.
    """
    clock = kwargs.get("clock")
    if clock is None:
        return current
    if not callable(clock):
        raise TypeError(f"{owner}: clock must be a callable returning seconds")
    return clock


@dataclass(frozen=True)
class Place:
    """A named position (metres); points written inline get a name such as "(3, 4)"."""

    name: str
    x: float
    y: float
    z: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a place needs a non-empty name, got {self.name!r}")
        x, y, z = self.x, self.y, self.z
        if type(x) is float and type(y) is float and type(z) is float and _isfinite(x) \
                and _isfinite(y) and _isfinite(z):
            return  # the usual case, without spelling three messages that go unused
        for axis in ("x", "y", "z"):
            check_finite(f"place {self.name!r} {axis}", getattr(self, axis))

    @property
    def xy(self) -> tuple[float, float]:
        return (self.x, self.y)


@dataclass(frozen=True)
class Route:
    """Places to walk in order; ``closed`` when the last point is the first (a loop)."""

    name: str
    places: tuple[Place, ...]
    closed: bool = False

    def __post_init__(self) -> None:
        if len(self.places) < 2:
            raise ValueError(
                f"route {self.name!r} needs at least two places, got {len(self.places)}"
            )
        if not all(isinstance(p, Place) for p in self.places):
            raise ValueError(f"route {self.name!r}: every point must be a Place")
