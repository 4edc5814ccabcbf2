"""The standard course: layout, heights, segment lookup."""

from __future__ import annotations

import math

import pytest

from locomotion.course import standard_course
from locomotion.terrain import TerrainMap
from locomotion.world import TerrainKind


def test_segments_are_contiguous_and_named() -> None:
    c = standard_course()
    names = [s.name for s in c.segments]
    assert names[0] == "flat" and c.segments[0].length == 10.0
    assert {"ramp_up", "stairs_up", "stairs_down", "mud", "gravel"} <= set(names)
    for a, b in zip(c.segments, c.segments[1:]):
        assert a.x_end == pytest.approx(b.x_start)
    assert next(s for s in c.segments if s.name == "mud").length == 3.0
    assert next(s for s in c.segments if s.name == "gravel").length == 3.0
    assert c.segment_at(c.goal[0]) is not None and c.segment_at(-0.2) is None
    assert c.world.bounds.contains(*c.goal)


def test_heights_ramp_and_five_steps_up_and_down() -> None:
    c = standard_course()
    m = TerrainMap(c.world)
    ramp = next(s for s in c.segments if s.name == "ramp_up")
    top = float(m.height(ramp.x_end - 1e-6, 0.0))
    assert math.degrees(math.atan(top / ramp.length)) == pytest.approx(15.0, abs=0.01)
    landing = next(s for s in c.segments if s.name == "ramp_landing")
    assert float(m.height(landing.x_start + 0.5, 0)) == pytest.approx(top)
    up = next(s for s in c.segments if s.name == "stairs_up")
    down = next(s for s in c.segments if s.name == "stairs_down")
    xs = [up.x_start - 0.1] + [up.x_start + 0.15 + 0.3 * i for i in range(4)] + [up.x_end + 0.3]
    assert [round(float(m.height(x, 0)), 3) for x in xs] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    xs = [down.x_start - 0.3] + [down.x_start + 0.15 + 0.3 * i for i in range(4)] + [down.x_end + .1]
    assert [round(float(m.height(x, 0)), 3) for x in xs] == [0.5, 0.4, 0.3, 0.2, 0.1, 0.0]
    assert m.kind_at(up.x_start + 0.5, 1.9) is TerrainKind.STAIRS  # spans the full width
