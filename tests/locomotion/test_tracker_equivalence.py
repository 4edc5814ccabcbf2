"""The tracker computes each path segment's values once per path; its commands must be exactly
those of the tracker it replaced, step for step along random paths."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from locomotion.tracker import PurePursuit
from tests.locomotion.reference.tracker_v1 import PurePursuit as ReferencePursuit

XY = st.tuples(st.floats(-20, 20), st.floats(-20, 20))


@settings(max_examples=80, deadline=None)
@given(st.lists(XY, min_size=0, max_size=8),
       st.lists(st.tuples(XY, st.floats(-math.pi, math.pi), st.floats(0.0, 1.2)), min_size=1,
                max_size=30))
def test_commands_equal_the_reference_tracker(path: list, poses: list) -> None:
    new, old = PurePursuit(), ReferencePursuit()
    new.set_path(path)
    old.set_path(path)
    assert new.length == old.length
    for (x, y), yaw, cap in poses:
        assert new.command(x, y, yaw, cap) == old.command(x, y, yaw, cap)
        if path:
            assert new.project(x, y) == old.project(x, y)
            assert new.point_at(x) == old.point_at(x)


def test_a_path_repeated_point_and_a_new_path_reset_the_segments() -> None:
    new, old = PurePursuit(), ReferencePursuit()
    for path in ([(0.0, 0.0), (0.0, 0.0), (3.0, 0.0)], [(5.0, 5.0)], [(1.0, 1.0), (1.0, 4.0)]):
        new.set_path(path)
        old.set_path(path)
        for x, y in [(0.5, 0.2), (2.0, -0.3), (1.2, 3.9)]:
            assert new.command(x, y, 0.3, 0.6) == old.command(x, y, 0.3, 0.6)


@settings(max_examples=60, deadline=None)
@given(st.lists(XY, min_size=0, max_size=8),
       st.lists(st.tuples(XY, st.floats(-math.pi, math.pi), st.floats(0.0, 1.2)), min_size=1,
                max_size=30))
def test_steer_is_the_reference_command_as_a_plain_tuple(path: list, poses: list) -> None:
    new, old = PurePursuit(), ReferencePursuit()
    new.set_path(path)
    old.set_path(path)
    for (x, y), yaw, cap in poses:
        steered = new.steer(x, y, yaw, cap)
        assert type(steered) is tuple and steered == tuple(old.command(x, y, yaw, cap))
