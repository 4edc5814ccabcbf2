"""The kinematic twin against the physics it was calibrated on: time per course segment, side by side.

Both backends walk the standard course with the same GoTo, seed and control step in one run; the
table gives each segment's time on both and their ratio (goal: the twin within 25 % of pybullet).
"""

from __future__ import annotations

from collections import defaultdict

from bench.table import Row
from locomotion.backend import GoTo, NavStatus
from locomotion.backends import make_backend
from locomotion.course import Course, standard_course

AREA = "locomotion twin"
DT = 0.1
LIMIT_S = 300.0


def segment_times(backend_name: str, course: Course, seed: int) -> tuple[dict[str, float], str]:
    """Seconds of sim time each segment of ``course`` took ``backend_name``, and the final nav status."""
    backend = make_backend(backend_name)
    try:
        state = backend.reset(course.world, course.start, seed=seed)
        backend.command(GoTo(course.goal))
        times: dict[str, float] = defaultdict(float)
        state = backend.step(DT)
        elapsed = 0.0
        while state.nav_status == NavStatus.ACTIVE and elapsed < LIMIT_S:
            segment = course.segment_at(state.pose.x)
            if segment is not None:
                times[segment.name] += DT
            state = backend.step(DT)
            elapsed += DT
        return dict(times), state.nav_status
    finally:
        backend.close()


def rows(quick: bool) -> list[Row]:
    course = standard_course()
    twin, twin_status = segment_times("kinematic", course, seed=0)
    physics, physics_status = segment_times("pybullet", course, seed=0)
    out: list[Row] = []
    for segment in course.segments:
        t_twin, t_phys = twin.get(segment.name, 0.0), physics.get(segment.name, 0.0)
        if t_phys <= 0.0:
            continue
        ratio = t_twin / t_phys
        out.append(Row(AREA, f"segment {segment.name}: twin / pybullet", ratio, "x",
                       "0.75-1.25", 0.75 <= ratio <= 1.25,
                       f"twin {t_twin:.1f} s, pybullet {t_phys:.1f} s"))
    total_twin, total_phys = sum(twin.values()), sum(physics.values())
    out.append(Row(AREA, "whole course: twin / pybullet", total_twin / total_phys, "x",
                   "0.75-1.25", 0.75 <= total_twin / total_phys <= 1.25,
                   f"twin {total_twin:.1f} s ({twin_status}), pybullet {total_phys:.1f} s "
                   f"({physics_status})"))
    return out
