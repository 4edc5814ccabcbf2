"""Unit, range and shape checks of written values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_runtime.units import Dimension
from bt_runtime.vocabulary import Range
from dsl import ast as A
from dsl import check_values as V
from locomotion.world import Circle, Polygon, Rect
from tests.dsl.helpers import at, check, only

SPAN = A.Span("f", 1, 1, 1, 2)


def q(value: float, unit: str | None, text: str | None = None) -> A.Quantity:
    return A.Quantity(value, unit, text or (f"{value:g}" + (f" {unit}" if unit else "")), SPAN)


def pt(*coords: float) -> A.Point:
    return A.Point(tuple(q(c, None) for c in coords), SPAN)


def test_quantity_converts_to_canonical() -> None:
    sink = V.Sink()
    assert V.quantity(sink, q(45, "min"), Dimension.TIME, "t") == 2700.0
    assert V.quantity(sink, q(36, "km/h"), Dimension.SPEED, "s") == pytest.approx(10.0)
    assert V.quantity(sink, q(0, None), Dimension.LENGTH, "l") == 0.0
    assert sink.diagnostics == []


def test_quantity_reports_wrong_dimension_and_range() -> None:
    sink = V.Sink()
    assert V.quantity(sink, q(3, "kg"), Dimension.TIME, "t") is None
    assert V.quantity(sink, q(-1, "s"), Dimension.TIME, "t", Range(0.0)) is None
    assert V.quantity(sink, q(3, None), Dimension.TIME, "t") is None
    messages = [d.message for d in sink.diagnostics]
    assert messages == ["`3 kg` is a mass, but t is a time",
                        "value out of range: t must be >= 0 s, got -1 s",
                        "expected a unit after 3"]


def test_range_shows_converted_value() -> None:
    sink = V.Sink()
    V.quantity(sink, q(2, "h"), Dimension.TIME, "t", Range(0.0, 60.0))
    assert sink.diagnostics[0].message == ("value out of range: t must be between 0 and 60 s, "
                                          "got 2 h = 7200 s")


def test_count_wants_whole_unitless_numbers() -> None:
    sink = V.Sink()
    assert V.count(sink, q(3, None), "n") == 3
    assert V.count(sink, q(2.5, None), "n") is None
    assert V.count(sink, q(3, "m"), "n") is None
    assert len(sink.diagnostics) == 2


def test_points_are_metres_and_z_is_optional() -> None:
    sink = V.Sink()
    assert V.point(sink, pt(1, 2), "p") == (1.0, 2.0)
    cm = A.Point((q(50, "cm"), q(1, "m")), SPAN)
    assert V.point(sink, cm, "p") == (0.5, 1.0)
    assert V.point(sink, pt(1, 2, 3), "p", allow_z=True) == (1.0, 2.0, 3.0)
    assert sink.diagnostics == []
    assert V.point(sink, pt(1, 2, 3), "p") is None
    assert sink.diagnostics[0].message == "p is a 2D point: write `(x, y)`"


def test_shapes() -> None:
    sink = V.Sink()
    assert V.shape(sink, A.RectShape(pt(0, 0), pt(2, 1), SPAN), "a") == Rect(0, 0, 2, 1)
    assert V.shape(sink, A.CircleShape(pt(1, 1), q(2, "m"), SPAN), "a") == Circle((1, 1), 2)
    tri = A.PolygonShape((pt(0, 0), pt(1, 0), pt(0, 1)), SPAN)
    assert V.shape(sink, tri, "a") == Polygon(((0, 0), (1, 0), (0, 1)))
    assert sink.diagnostics == []
    assert V.shape(sink, A.PolygonShape((pt(0, 0), pt(1, 1)), SPAN), "a") is None
    assert V.shape(sink, A.CircleShape(pt(1, 1), q(-2, "m"), SPAN), "a") is None
    assert [d.message for d in sink.diagnostics] == [
        "a: a polygon needs at least 3 corners, got 2",
        "value out of range: radius of a must be > 0 m, got -2 m",
    ]


def test_a_ratio_written_as_a_fraction_suggests_the_percentage(tmp_path: Path) -> None:
    # Before: "write it with a unit, e.g. `0.2 %`" (the user meant 20 %).
    text = 'mission "M"\nmain {\n  guard battery < 0.2 {\n    sit\n  }\n  stand\n}\n'
    d = only(check(tmp_path, text, world=None), "expected a unit")
    assert d.message == "expected a unit after 0.2"
    assert (d.span.line, d.span.col) == at(text, "0.2")
    assert d.hint == ("did you mean `20 %`? A ratio is written in percent: `0.2` without a unit "
                      "reads as a fraction (`battery` is a ratio)")


def test_a_ratio_above_one_without_a_unit_keeps_its_number(tmp_path: Path) -> None:
    text = 'mission "M"\nmain {\n  charge until 90\n}\n'
    d = only(check(tmp_path, text, world=None), "expected a unit")
    assert d.hint is not None and d.hint.startswith("write it with a unit, e.g. `90 %`")


HUGE = "9" * 400  # a whole number past the largest float: it reads as inf


def test_a_whole_number_past_the_largest_float_is_too_large_not_a_fraction() -> None:
    sink = V.Sink()
    assert V.count(sink, q(float(HUGE), None, HUGE), "the repeat count") is None
    assert V.quantity(sink, q(float(HUGE), "s", HUGE + " s"), Dimension.TIME, "t") is None
    first, second = (d.message for d in sink.diagnostics)
    # before: "the repeat count must be a whole number, got 999...9" (it is one) with all 400 digits
    assert first == "the repeat count is too large: 999999999999... (400 characters)"
    assert second == "t is too large: 999999999999... (402 characters)"
    assert all("float" in (d.hint or "") for d in sink.diagnostics)


def test_written_keeps_short_numbers_and_shortens_long_ones() -> None:
    assert V.written(q(12.5, "m")) == "12.5 m"
    assert V.written(q(float("1" + "0" * 40), None, "1" + "0" * 40)) == (
        "100000000000... (41 characters)")
