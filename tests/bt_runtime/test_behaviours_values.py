"""Places and routes: the resolved values behaviours take, validated on construction."""

from __future__ import annotations

import math

import pytest

from bt_runtime.behaviours import Place, Route
from bt_runtime.behaviours.values import check_finite


def test_place() -> None:
    p = Place("gate", 1.0, 2.0)
    assert p.xy == (1.0, 2.0) and p.z == 0.0
    with pytest.raises(ValueError, match="non-empty name"):
        Place("", 0, 0)
    with pytest.raises(ValueError, match="place 'x' y must be a finite number"):
        Place("x", 0, math.inf)


def test_route_needs_two_places() -> None:
    a, b = Place("a", 0, 0), Place("b", 1, 1)
    assert Route("r", (a, b, a), closed=True).closed
    with pytest.raises(ValueError, match="at least two places"):
        Route("r", (a,))
    with pytest.raises(ValueError, match="every point must be a Place"):
        Route("r", (a, (1, 1)))  # type: ignore[arg-type]


def test_check_finite() -> None:
    assert check_finite("v", 3) == 3.0
    for bad in (True, "1", math.nan, None):
        with pytest.raises(ValueError):
            check_finite("v", bad)


def test_setup_clock_takes_the_given_clock_keeps_the_current_one_or_refuses_a_non_callable() -> None:
    import pytest

    from bt_runtime.behaviours.values import setup_clock

    def current() -> float:
        return 1.0

    def given() -> float:
        return 2.0

    assert setup_clock("w", {"clock": given}, current) is given
    assert setup_clock("w", {"robot": object()}, current) is current
    with pytest.raises(TypeError, match="w: clock must be a callable"):
        setup_clock("w", {"clock": 3.0}, current)
