"""The leaves of the abstract syntax: spans, names, quantities, points, text, shapes, properties.

Split out of :mod:`dsl.ast` (which re-exports everything) so that each module stays short; like it,
this imports no lark. Quantities keep the number and unit as written; the checker converts them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CircleShape",
    "Ident",
    "Point",
    "PolygonShape",
    "Prop",
    "Quantity",
    "RectShape",
    "Shape",
    "Span",
    "Text",
]


@dataclass(frozen=True, order=True)
class Span:
    """Where something is written: 1-based line and column of its first and one-past-last char."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int


# ----------------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Ident:
    """A name as written."""

    name: str
    span: Span


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written; ``unit`` is None for a bare number."""

    value: float
    unit: str | None
    text: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.text.split()[0] and self.unit is None


@dataclass(frozen=True)
class Point:
    """``(x, y)`` or ``(x, y, z)``; each coordinate a quantity (bare or in a length unit)."""

    coords: tuple[Quantity, ...]
    span: Span


@dataclass(frozen=True)
class Text:
    """A string literal, escapes already resolved."""

    value: str
    span: Span


@dataclass(frozen=True)
class RectShape:
    lo: Point
    hi: Point
    span: Span


@dataclass(frozen=True)
class CircleShape:
    center: Point
    radius: Quantity
    span: Span


@dataclass(frozen=True)
class PolygonShape:
    points: tuple[Point, ...]
    span: Span


Shape = RectShape | CircleShape | PolygonShape


@dataclass(frozen=True)
class Prop:
    """``name value`` inside a mission/robot/terrain property block."""

    name: Ident
    value: Quantity
    span: Span
