"""Physical dimensions and units of the mission language, and conversion to each canonical unit.

The language keeps quantities as the operator wrote them (``25 %``, ``0.6 m/s``, ``10s``); the checker
converts them with :func:`to_canonical` so that everything downstream (the compiler, the behaviours,
the simulator) sees one unit per dimension. The canonical unit of a dimension is the first one listed
in the language contract: metres, seconds, m/s, degrees, kilograms, percent (0..100), watt-hours, Hz.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "CANONICAL",
    "UNITS",
    "UNIT_NAMES",
    "Dimension",
    "Unit",
    "UnitError",
    "dimension_of",
    "to_canonical",
    "units_of",
]


class Dimension(str, Enum):
    """What a value measures. ``COUNT`` and ``NUMBER`` are written without a unit."""

    LENGTH = "length"
    TIME = "time"
    SPEED = "speed"
    ANGLE = "angle"
    MASS = "mass"
    RATIO = "ratio"
    ENERGY = "energy"
    FREQUENCY = "frequency"
    COUNT = "count"
    NUMBER = "number"


@dataclass(frozen=True)
class Unit:
    """A unit symbol, its dimension and the factor that turns it into the canonical unit."""

    symbol: str
    dimension: Dimension
    factor: float


UNITS: dict[str, Unit] = {
    u.symbol: u
    for u in (
        Unit("m", Dimension.LENGTH, 1.0),
        Unit("cm", Dimension.LENGTH, 0.01),
        Unit("mm", Dimension.LENGTH, 0.001),
        Unit("km", Dimension.LENGTH, 1000.0),
        Unit("s", Dimension.TIME, 1.0),
        Unit("ms", Dimension.TIME, 0.001),
        Unit("min", Dimension.TIME, 60.0),
        Unit("h", Dimension.TIME, 3600.0),
        Unit("m/s", Dimension.SPEED, 1.0),
        Unit("km/h", Dimension.SPEED, 1000.0 / 3600.0),
        Unit("deg", Dimension.ANGLE, 1.0),
        Unit("rad", Dimension.ANGLE, 180.0 / 3.141592653589793),
        Unit("kg", Dimension.MASS, 1.0),
        Unit("g", Dimension.MASS, 0.001),
        Unit("%", Dimension.RATIO, 1.0),
        Unit("Wh", Dimension.ENERGY, 1.0),
        Unit("kWh", Dimension.ENERGY, 1000.0),
        Unit("Hz", Dimension.FREQUENCY, 1.0),
    )
}

#: The canonical unit symbol of each dimension ("" for the unitless ones).
CANONICAL: dict[Dimension, str] = {
    Dimension.LENGTH: "m",
    Dimension.TIME: "s",
    Dimension.SPEED: "m/s",
    Dimension.ANGLE: "deg",
    Dimension.MASS: "kg",
    Dimension.RATIO: "%",
    Dimension.ENERGY: "Wh",
    Dimension.FREQUENCY: "Hz",
    Dimension.COUNT: "",
    Dimension.NUMBER: "",
}

#: Every unit symbol, longest first (the order a lexer must try them in).
UNIT_NAMES: tuple[str, ...] = tuple(sorted(UNITS, key=lambda s: (-len(s), s)))


class UnitError(ValueError):
    """A unit symbol that the language does not know."""


def dimension_of(unit: str | None) -> Dimension:
    """The dimension a written unit measures; no unit means a plain number.

    Raises:
        UnitError: ``unit`` is not a unit of the language.
    """
    if unit is None or unit == "":
        return Dimension.NUMBER
    try:
        return UNITS[unit].dimension
    except KeyError:
        raise UnitError(f"unknown unit {unit!r}") from None


def to_canonical(value: float, unit: str | None) -> float:
    """Convert ``value`` written in ``unit`` to its dimension's canonical unit.

    Plain numbers (``unit`` None) are returned unchanged, so a bare ``0`` works for any dimension.

    Raises:
        UnitError: ``unit`` is not a unit of the language.
    """
    if unit is None or unit == "":
        return float(value)
    try:
        return float(value) * UNITS[unit].factor
    except KeyError:
        raise UnitError(f"unknown unit {unit!r}") from None


def units_of(dimension: Dimension) -> tuple[str, ...]:
    """The unit symbols of ``dimension``, canonical first (for hints such as "use m, cm, mm, km")."""
    canonical = CANONICAL[dimension]
    rest = [u.symbol for u in UNITS.values() if u.dimension is dimension and u.symbol != canonical]
    return ((canonical,) if canonical else ()) + tuple(rest)
