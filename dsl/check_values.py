"""Checking written values: units and dimensions, ranges, whole numbers, points and shapes.

Each function adds diagnostics to a :class:`Sink` and returns the canonical value, or None when the
value is wrong (so callers can carry on and report more problems).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bt_runtime.units import CANONICAL, Dimension, dimension_of, to_canonical, units_of
from bt_runtime.vocabulary import Range
from dsl import ast as A
from dsl.diagnostics import Diagnostic, a_or_an, error, warning
from locomotion.world import Circle, Polygon, Rect, Shape

__all__ = ["MAX_SITE_SIZE", "Sink", "count", "point", "quantity", "rect_from", "shape",
           "too_large", "within_site_size", "written"]



@dataclass
class Sink:
    """Where checks put their diagnostics."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, span: A.Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(error(span, message, hint))

    def warning(self, span: A.Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(warning(span, message, hint))


def _fmt(value: float) -> str:
    return f"{value:g}"


#: The longest written value a message quotes in full; longer ones are cut (a 400-digit number
#: would otherwise be repeated whole in every message about it).
_WRITTEN_MAX = 24


def written(q: A.Quantity) -> str:
    """``q`` as the user wrote it, for a message: cut to its start and its length when long."""
    if len(q.text) <= _WRITTEN_MAX:
        return q.text
    return f"{q.text[:12]}... ({len(q.text):,} characters)"


def too_large(sink: Sink, q: A.Quantity, what: str) -> None:
    """The error for a number past the largest float (it was read as infinity)."""
    sink.error(q.span, f"{what} is too large: {written(q)}",
               "numbers are read as 64-bit floats, which end near 1.8e308: write a value in the "
               "range this place takes")


def _unit_hint(q: A.Quantity, dim: Dimension, what: str) -> str:
    """How to write ``q`` with a unit; a ratio written as a fraction (0 < |x| <= 1) is most
    likely meant as that fraction of 100 %, so the percentage is offered, not `0.2 %`."""
    if dim is Dimension.RATIO and 0 < abs(q.value) <= 1:
        percent = f"{q.value * 100:.6g} %"
        return (f"did you mean `{percent}`? A ratio is written in percent: `{q.text}` without a "
                f"unit reads as a fraction ({what} is a ratio)")
    example = f"{q.text} {CANONICAL[dim]}"
    return f"write it with a unit, e.g. `{example}` ({what} is {a_or_an(dim.value)})"


def quantity(
    sink: Sink, q: A.Quantity, dim: Dimension, what: str, rng: Range | None = None
) -> float | None:
    """Check that ``q`` measures ``dim`` and lies in ``rng``; return it in the canonical unit.

    ``COUNT`` wants a bare whole number, ``NUMBER`` a bare number; every other dimension wants a
    unit, except that a bare ``0`` is allowed for any dimension.
    """
    if dim in (Dimension.COUNT, Dimension.NUMBER):
        if q.unit is not None:
            sink.error(q.span, f"{what} is a plain number, not {a_or_an(dimension_of(q.unit).value)}",
                       f"remove the unit `{q.unit}`")
            return None
        if not math.isfinite(q.value):  # before the whole-number test: inf is not a fraction
            too_large(sink, q, what)
            return None
        if dim is Dimension.COUNT and not float(q.value).is_integer():
            sink.error(q.span, f"{what} must be a whole number, got {written(q)}")
            return None
        value = q.value
        unit = ""
    else:
        if q.unit is None:
            if q.value != 0:
                sink.error(q.span, f"expected a unit after {q.text}", _unit_hint(q, dim, what))
                return None
        elif dimension_of(q.unit) is not dim:
            got = dimension_of(q.unit).value
            sink.error(q.span, f"`{q.text}` is {a_or_an(got)}, but {what} is {a_or_an(dim.value)}",
                       f"use one of: {', '.join(units_of(dim))}")
            return None
        value = to_canonical(q.value, q.unit)
        unit = CANONICAL[dim]
    if not math.isfinite(value):
        too_large(sink, q, what)
        return None
    if rng is not None and not rng.contains(value):
        shown = written(q) if (q.unit is None or q.unit == unit) else (
            f"{written(q)} = {_fmt(value)} {unit}")
        sink.error(q.span, f"value out of range: {what} must be {rng.describe(unit)}, got {shown}")
        return None
    return value


def count(sink: Sink, q: A.Quantity, what: str, minimum: int = 1) -> int | None:
    """A whole number >= ``minimum`` written without a unit."""
    value = quantity(sink, q, Dimension.COUNT, what, Range(float(minimum)))
    return None if value is None else int(value)


def point(sink: Sink, p: A.Point, what: str, allow_z: bool = False) -> tuple[float, ...] | None:
    """Coordinates in metres; ``allow_z`` permits a third coordinate (height)."""
    if len(p.coords) == 3 and not allow_z:
        sink.error(p.span, f"{what} is a 2D point: write `(x, y)`", "only waypoints, stations "
                   "and docks take a height")
        return None
    values = []
    for axis, coord in zip("xyz", p.coords):
        if coord.unit is None:  # plain numbers in a point are metres
            values.append(coord.value)
            continue
        value = quantity(sink, coord, Dimension.LENGTH, f"coordinate {axis}")
        if value is None:
            return None
        values.append(value)
    return tuple(values)


#: The widest site, area or region accepted, in metres on each side: the planner maps a world on
#: a grid of 0.2 m cells, so a 1 km world would take gigabytes and a 100 km one a terabyte.
MAX_SITE_SIZE = 400.0


def within_site_size(sink: Sink, found: Shape, span: A.Span, what: str) -> Shape | None:
    """``found`` if it is at most :data:`MAX_SITE_SIZE` across, else None after an error."""
    x0, y0, x1, y1 = found.bbox()
    across = max(x1 - x0, y1 - y0)
    if across <= MAX_SITE_SIZE:
        return found
    sink.error(span, f"{what}: {across:,.10g} m across (the limit is {_fmt(MAX_SITE_SIZE)} m "
               "on each side)", "split a larger site into several worlds")
    return None


def rect_from(sink: Sink, lo: A.Point, hi: A.Point, span: A.Span, what: str) -> Rect | None:
    """A rectangle from its lower-left and upper-right corners (at most
    :data:`MAX_SITE_SIZE` across)."""
    a = point(sink, lo, f"corner of {what}")
    b = point(sink, hi, f"corner of {what}")
    if a is None or b is None:
        return None
    if not (a[0] < b[0] and a[1] < b[1]):
        sink.error(span, f"{what}: the first corner must be below and left of the second",
                   f"write it as ({_fmt(min(a[0], b[0]))}, {_fmt(min(a[1], b[1]))}) to "
                   f"({_fmt(max(a[0], b[0]))}, {_fmt(max(a[1], b[1]))}) with nonzero size")
        return None
    rect = within_site_size(sink, Rect(a[0], a[1], b[0], b[1]), span, what)
    return rect if isinstance(rect, Rect) else None


def shape(sink: Sink, s: A.Shape, what: str) -> Shape | None:
    """A locomotion.world shape from a checked shape, or None after reporting why not."""
    if isinstance(s, A.RectShape):
        return rect_from(sink, s.lo, s.hi, s.span, what)
    if isinstance(s, A.CircleShape):
        center = point(sink, s.center, f"centre of {what}")
        radius = quantity(sink, s.radius, Dimension.LENGTH, f"radius of {what}",
                          Range(0.0, low_open=True))
        if center is None or radius is None:
            return None
        return within_site_size(sink, Circle((center[0], center[1]), radius), s.span, what)
    points = [point(sink, p, f"corner of {what}") for p in s.points]
    if any(p is None for p in points):
        return None
    if len(points) < 3:
        sink.error(s.span, f"{what}: a polygon needs at least 3 corners, got {len(points)}")
        return None
    return within_site_size(sink, Polygon(tuple((p[0], p[1]) for p in points if p is not None)),
                            s.span, what)
