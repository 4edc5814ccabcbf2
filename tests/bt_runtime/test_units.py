"""Units and dimensions: conversion to the canonical unit of each dimension."""

from __future__ import annotations

import pytest

from bt_runtime.units import (
    CANONICAL,
    UNIT_NAMES,
    UNITS,
    Dimension,
    UnitError,
    dimension_of,
    to_canonical,
    units_of,
)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (25, "cm", 0.25), (2, "km", 2000.0), (3, "mm", 0.003), (1.5, "min", 90.0), (2, "h", 7200.0),
    (250, "ms", 0.25), (36, "km/h", 10.0), (3.141592653589793, "rad", 180.0), (500, "g", 0.5),
    (1.2, "kWh", 1200.0), (25, "%", 25.0), (10, "Hz", 10.0), (7, None, 7.0),
])
def test_to_canonical(value: float, unit: str | None, expected: float) -> None:
    assert to_canonical(value, unit) == pytest.approx(expected)


def test_dimensions() -> None:
    assert dimension_of("m/s") is Dimension.SPEED
    assert dimension_of(None) is Dimension.NUMBER
    with pytest.raises(UnitError, match="unknown unit 'furlong'"):
        dimension_of("furlong")
    with pytest.raises(UnitError):
        to_canonical(1, "furlong")


def test_canonical_units_have_factor_one_and_come_first() -> None:
    for dim, symbol in CANONICAL.items():
        if symbol:
            assert UNITS[symbol].factor == 1.0 and UNITS[symbol].dimension is dim
            assert units_of(dim)[0] == symbol
    assert units_of(Dimension.COUNT) == ()


def test_unit_names_longest_first() -> None:
    assert UNIT_NAMES.index("m/s") < UNIT_NAMES.index("m")
    assert set(UNIT_NAMES) == set(UNITS)
