"""Which of a published world's items the map can draw: finite numbers in the shapes it knows.

Why a module of its own: the world comes over the wire or out of a log, so a damaged log or a
hostile stream can put text, a short list or an infinity where the map needs coordinates. The
map used to crash on them; :func:`drawable` keeps what can be drawn and counts the rest, so the
legend can say what was left out instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FAR", "drawable", "finite", "point_of", "shape_ok"]

FAR = 1e9
"""Metres beyond which a coordinate is treated as off any map (a damaged value, not a place)."""


def finite(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool) of magnitude below :data:`FAR`."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and abs(value) < FAR)


def _numbers(value: object, count: int) -> bool:
    return isinstance(value, list | tuple) and len(value) == count and all(map(finite, value))


def shape_ok(shape: object) -> bool:
    """Whether ``shape`` is a rect of 4, a circle of 3 or a polygon of 3+ ``[x, y]`` numbers."""
    if not isinstance(shape, Mapping) or len(shape) != 1:
        return False
    if "rect" in shape:
        return _numbers(shape["rect"], 4)
    if "circle" in shape:
        return _numbers(shape["circle"], 3)
    points = shape.get("polygon")
    return (isinstance(points, list | tuple) and len(points) >= 3
            and all(_numbers(p, 2) for p in points))


def point_of(item: Mapping[str, Any]) -> tuple[float, float] | None:
    """``(x, y)`` of a place or entity, or None when either is not a finite number."""
    x, y = item.get("x"), item.get("y")
    return (float(x), float(y)) if finite(x) and finite(y) else None  # type: ignore[arg-type]


Items = tuple[Mapping[str, Any], ...]


def drawable(
    regions: Sequence[object], places: Sequence[object], entities: Sequence[object]
) -> tuple[Items, Items, Items, int]:
    """The regions, places and entities the map can draw, and how many others were left out.

    Args:
        regions: ``{"name", "kind", "shape"}`` dicts.
        places: ``{"name", "kind", "x", "y"}`` dicts.
        entities: the same, for victims, intruders and payloads.

    Returns:
        ``(regions, places, entities, left_out)``.
    """
    kept_regions = tuple(r for r in regions if isinstance(r, Mapping) and shape_ok(r.get("shape")))
    kept_places = tuple(p for p in places if isinstance(p, Mapping) and point_of(p))
    kept_entities = tuple(e for e in entities if isinstance(e, Mapping) and point_of(e))
    kept = len(kept_regions) + len(kept_places) + len(kept_entities)
    left_out = len(regions) + len(places) + len(entities) - kept
    return kept_regions, kept_places, kept_entities, left_out
