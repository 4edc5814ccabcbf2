"""Which published world items the map can draw: finite numbers in known shapes only."""

from __future__ import annotations

import math

from tui.world_items import drawable, finite, point_of, shape_ok


def test_only_finite_real_numbers_below_far_count() -> None:
    assert finite(1) and finite(-2.5)
    assert not any(map(finite, (math.nan, math.inf, 1e300, True, "1", None)))


def test_shapes_need_the_right_count_of_numbers() -> None:
    assert shape_ok({"rect": [0, 0, 1, 1]}) and shape_ok({"circle": [0, 0, 2]})
    assert shape_ok({"polygon": [[0, 0], [1, 0], [0, 1]]})
    for bad in ({"rect": [0, 0, 1]}, {"circle": ["a", 0, 1]}, {"polygon": [[0, 0], [1, 0]]},
                {"polygon": [[0, 0, 0], [1, 0], [0, 1]]}, {"rect": [0, 0, 1, math.inf]},
                {"rect": [0, 0, 1, 1], "circle": [0, 0, 1]}, "rect", None):
        assert not shape_ok(bad), bad


def test_drawable_keeps_the_good_items_and_counts_the_rest() -> None:
    assert point_of({"x": 1, "y": 2.5}) == (1.0, 2.5) and point_of({"x": 1}) is None
    regions, places, entities, left_out = drawable(
        ({"name": "r", "shape": {"rect": [0, 0, 1, 1]}}, {"name": "s", "shape": {}}, "junk"),
        ({"name": "p", "x": 1, "y": 1}, {"name": "q", "x": math.nan, "y": 1}),
        ({"name": "v", "x": 2, "y": 2},),
    )
    assert [r["name"] for r in regions] == ["r"] and [p["name"] for p in places] == ["p"]
    assert len(entities) == 1 and left_out == 3
