"""Benchmarks of the pybullet backend, all through the LocomotionBackend protocol.

Rows: flat speed for a 0.5 m/s command; cross-track error on a GoTo route; the standard course
(ramp up/down, stairs up/down: made it or not and how long; time per segment, for comparison with
the kinematic twin); push survival at 12.5 N·s; stand-up after a 35 N·s push; real-time factor;
terrain classifier accuracy per class with pybullet sensing (scored against the course's segment
labels, which the robot never sees); rubble strips (6 m of 3, 4.5 and 6 cm roughness, several
seeds: crossings without a fall and mean speed); walking across a 10 deg side slope. Real-time factors divide simulated time by this process's CPU
time (one core), since other work on a shared machine distorts wall-clock figures.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from bench.table import Row
from locomotion.backend import GoTo, LocomotionBackend, Pose, RobotState, Velocity
from locomotion.backends import make_backend
from locomotion.course import Course, standard_course
from locomotion.world import (
    ObstacleParams,
    Rect,
    RubbleParams,
    SlopeParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = ["rows"]

AREA = "locomotion_pybullet"
FLAT = World("flat", Rect(-30, -30, 30, 30))
DETOUR = World(
    "detour",
    Rect(-2, -4, 10, 4),
    regions=(
        TerrainRegion("box", TerrainKind.OBSTACLE, Rect(3, -1.5, 5, 1.0), ObstacleParams(0.5)),
    ),
)
"""One GoTo from (0, 0) to (8, 0) round a box: the planner's path has three corners."""
STEP = 0.1
RUBBLE_ROUGHNESS = (0.03, 0.045, 0.06)
RUBBLE_START, RUBBLE_END = 1.0, 7.0


def rubble_strip(roughness: float) -> World:
    """6 m of rubble spanning the whole width of a 3.2 m corridor: no way round it."""
    return World(
        "rubble strip",
        Rect(-1.0, -1.6, 9.5, 1.6),
        regions=(
            TerrainRegion(
                "rubble",
                TerrainKind.RUBBLE,
                Rect(RUBBLE_START, -1.6, RUBBLE_END, 1.6),
                RubbleParams(roughness),
            ),
        ),
    )


SIDE_SLOPE = World(
    "side slope",
    Rect(-1.0, -2.0, 9.0, 2.0),
    regions=(
        TerrainRegion(
            "slope", TerrainKind.SLOPE, Rect(-1.0, -2.0, 9.0, 2.0), SlopeParams(10.0, heading=90.0)
        ),
    ),
)
"""A 10 deg slope rising towards +y; the robot walks along +x, across it."""


@dataclass
class _CourseRun:
    states: list[RobotState] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0


def _flat_speed(b: LocomotionBackend, seconds: float) -> tuple[float, float]:
    b.reset(FLAT, Pose(0.0, 0.0), seed=0)
    b.command(Velocity(0.5))
    for _ in range(15):
        b.step(STEP)
    start = b.step(0.0)
    began = time.process_time()
    steps = int(seconds / STEP)
    for _ in range(steps):
        end = b.step(STEP)
    cpu = time.process_time() - began
    return (end.pose.x - start.pose.x) / (end.time - start.time), (end.time - start.time) / cpu


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length_sq = dx * dx + dy * dy
    t = (
        0.0
        if length_sq == 0
        else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length_sq))
    )
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _cross_track(
    b: LocomotionBackend, world: World, goals: tuple[tuple[float, float], ...]
) -> tuple[float, float]:
    """Max and RMS distance from the navigator's current path while it walks to each goal."""
    b.reset(world, Pose(0.0, 0.0), seed=0)
    errors: list[float] = []
    for goal in goals:
        b.command(GoTo(goal, tolerance=0.25))
        state = b.step(STEP)
        path = state.path
        for _ in range(int(30 / STEP)):
            state = b.step(STEP)
            if state.nav_status != "active":
                break
            path = state.path or path
            if len(path) >= 2:
                p = state.pose.xy
                errors.append(min(_segment_distance(p, a, c) for a, c in pairwise(path)))
    if not errors:
        return math.nan, math.nan
    return max(errors), math.sqrt(sum(e * e for e in errors) / len(errors))


def _course(b: LocomotionBackend, course: Course, limit: float) -> _CourseRun:
    run = _CourseRun()
    b.reset(course.world, course.start, seed=0)
    b.command(GoTo(course.goal))
    began, cpu_began = time.perf_counter(), time.process_time()
    state = b.step(STEP)
    while state.time < limit:
        run.states.append(state)
        if state.nav_status in ("reached", "failed"):
            break
        state = b.step(STEP)
    run.wall = time.perf_counter() - began
    run.cpu = time.process_time() - cpu_began
    return run


def _course_rows(course: Course, run: _CourseRun) -> list[Row]:
    out: list[Row] = []
    entered: dict[str, float] = {}
    fell_in: set[str] = set()
    hits: dict[str, list[bool]] = defaultdict(list)
    for s in run.states:
        seg = course.segment_at(s.pose.x)
        if seg is None:
            continue
        entered.setdefault(seg.name, s.time)
        if s.fallen:
            fell_in.add(seg.name)
        hits[seg.kind.value].append(s.terrain.underfoot is seg.kind)
    names = [seg.name for seg in course.segments]
    last = run.states[-1] if run.states else None
    finished = last is not None and last.nav_status == "reached"
    times: dict[str, float] = {}
    for i, name in enumerate(names):
        if name not in entered:
            continue
        nxt = next((entered[n] for n in names[i + 1 :] if n in entered), None)
        if nxt is None and finished and last is not None:
            nxt = last.time
        if nxt is not None:
            times[name] = nxt - entered[name]
    for name, goal in (
        ("ramp_up", "climbs 15 deg"),
        ("ramp_down", "descends"),
        ("stairs_up", "climbs 10 cm stairs"),
        ("stairs_down", "descends"),
    ):
        ok = name in times and name not in fell_in
        out.append(
            Row(
                AREA,
                f"{name} made it",
                1.0 if ok else 0.0,
                "bool",
                goal,
                ok,
                f"{times.get(name, math.nan):.1f} s" + (", fell" if name in fell_in else ""),
            )
        )
    for seg in course.segments:
        if seg.name in times:
            out.append(
                Row(
                    AREA,
                    f"segment time: {seg.name}",
                    times[seg.name],
                    "s",
                    note=f"{seg.length:.1f} m {seg.kind.value}",
                )
            )
    out.append(
        Row(
            AREA,
            "course finished",
            1.0 if finished else 0.0,
            "bool",
            "reached",
            finished,
            f"{last.time:.1f} s sim" if last else "",
        )
    )
    if run.states:
        sim_time = run.states[-1].time
        rtf = sim_time / max(run.cpu, 1e-9)
        out.append(
            Row(
                AREA,
                "real-time factor (course, CPU time)",
                rtf,
                "x",
                ">= 3",
                rtf >= 3.0,
                f"wall-clock {sim_time / max(run.wall, 1e-9):.2f}x on a shared machine",
            )
        )
    for kind, marks in sorted(hits.items()):
        acc = sum(marks) / len(marks)
        out.append(Row(AREA, f"classifier accuracy: {kind}", acc, "", note=f"{len(marks)} steps"))
    return out


def _push_trials(
    b: LocomotionBackend, impulse: float, trials: int, settle: float
) -> tuple[int, int]:
    """(survived, recovered): not fallen 3 s after the push; fell, got up and walked 0.5 m on."""
    survived = recovered = 0
    for k in range(trials):
        b.reset(FLAT, Pose(0.0, 0.0), seed=k)
        b.command(Velocity(0.5))
        state = b.step(1.2 + 0.04 * k)  # vary the gait phase the push lands in
        b.apply_push(impulse, state.pose.yaw + (math.pi / 2 if k % 2 == 0 else -math.pi / 2))
        fell = False
        for _ in range(int(settle / STEP)):
            state = b.step(STEP)
            fell = fell or state.fallen
        if not fell:
            survived += 1
            continue
        if state.fallen:
            continue
        before = state.pose.xy
        after = b.step(2.0).pose.xy
        if math.hypot(after[0] - before[0], after[1] - before[1]) > 0.5 and not b.step(0.0).fallen:
            recovered += 1
    return survived, recovered


def _stairs_trials(b: LocomotionBackend, course: Course, trials: int) -> tuple[int, float]:
    """Up and down the course's flight from varied lateral starts and headings: (made it, mean s)."""
    up = next(seg for seg in course.segments if seg.name == "stairs_up")
    down = next(seg for seg in course.segments if seg.name == "stairs_down")
    made, times = 0, []
    for k in range(trials):
        y = (-1.2, -0.4, 0.3, 1.0, 1.5)[k % 5]
        yaw = 0.2 * ((k % 3) - 1)
        state = b.reset(course.world, Pose(up.x_start - 1.2, y, 0.0, 0.0, 0.0, yaw), seed=k)
        b.command(GoTo((down.x_end + 1.0, y)))
        state = b.step(STEP)
        fell = False
        while state.time < 45.0 and state.nav_status == "active":
            state = b.step(0.5)
            fell = fell or state.fallen
        if state.nav_status == "reached" and not fell:
            made += 1
            times.append(state.time)
    return made, (sum(times) / len(times) if times else math.nan)


@dataclass
class _Crossing:
    crossed: bool = False
    fell: bool = False
    seconds: float = math.nan
    max_roll: float = 0.0


def _rubble_crossing(b: LocomotionBackend, roughness: float, seed: int) -> _Crossing:
    """GoTo across the strip; crossed = the trunk passed its far edge with no fall on the way."""
    out = _Crossing()
    state = b.reset(rubble_strip(roughness), Pose(0.0, 0.0), seed=seed)
    b.command(GoTo((RUBBLE_END + 1.5, 0.0)))
    state = b.step(STEP)
    entered = None
    while state.time < 80.0 and state.nav_status == "active":
        state = b.step(STEP)
        if entered is None and state.pose.x > RUBBLE_START:
            entered = state.time
        if state.pose.x > RUBBLE_START:
            out.max_roll = max(out.max_roll, abs(state.pose.roll))
        if state.fallen:
            out.fell = True
            break
        if state.pose.x > RUBBLE_END and entered is not None:
            out.crossed = True
            out.seconds = state.time - entered
            break
    return out


def _rubble_rows(b: LocomotionBackend, seeds: int) -> list[Row]:
    out = []
    for roughness in RUBBLE_ROUGHNESS:
        runs = [_rubble_crossing(b, roughness, seed) for seed in range(seeds)]
        made = [r for r in runs if r.crossed]
        speed = (
            sum((RUBBLE_END - RUBBLE_START) / r.seconds for r in made) / len(made)
            if made
            else math.nan
        )
        cm = f"{roughness * 100:g} cm"
        out.append(
            Row(
                AREA,
                f"rubble {cm} crossed without a fall",
                len(made),
                f"/{seeds}",
                "all",
                len(made) == seeds,
                f"{sum(r.fell for r in runs)} fell; max |roll| "
                f"{max(r.max_roll for r in runs):.2f} rad; 6 m strip, GoTo",
            )
        )
        out.append(
            Row(
                AREA,
                f"rubble {cm} mean speed (crossings)",
                speed,
                "m/s",
                ">= 0.15",
                bool(made) and speed >= 0.15,
            )
        )
    return out


def _side_slope_rows(b: LocomotionBackend) -> list[Row]:
    """Walk 6 m along +x across a 10 deg slope: fall, roll, drift down the slope, speed."""
    state = b.reset(SIDE_SLOPE, Pose(0.0, 0.0), seed=0)
    b.command(Velocity(0.4))
    start = state
    fell, max_roll, rolls = False, 0.0, []
    while state.time - start.time < 20.0 and state.pose.x < 6.0:
        state = b.step(STEP)
        fell = fell or state.fallen
        max_roll = max(max_roll, abs(state.pose.roll))
        rolls.append(state.pose.roll)
    elapsed = state.time - start.time
    speed = (state.pose.x - start.pose.x) / elapsed
    drift = state.pose.y - start.pose.y
    mean_roll = math.degrees(sum(rolls) / len(rolls)) if rolls else math.nan
    return [
        Row(
            AREA,
            "side slope 10 deg: walked 6 m across without a fall",
            0.0 if fell or state.pose.x < 6.0 else 1.0,
            "bool",
            note=f"{elapsed:.1f} s; max |roll| {max_roll:.2f} rad, mean roll {mean_roll:+.1f} deg",
        ),
        Row(AREA, "side slope 10 deg: speed along the contour (0.4 cmd)", speed, "m/s"),
        Row(
            AREA,
            "side slope 10 deg: drift across (+ = uphill)",
            drift,
            "m",
            note="Velocity command, no path to follow: heading hold only",
        ),
    ]


def rows(quick: bool) -> list[Row]:
    """Measure everything in one process, side by side (see the module docstring)."""
    b = make_backend("pybullet")
    try:
        speed, rtf_flat = _flat_speed(b, 3.0 if quick else 8.0)
        out = [
            Row(AREA, "flat speed (0.5 m/s command)", speed, "m/s", ">= 0.45", speed >= 0.45),
            Row(
                AREA,
                "real-time factor (flat trot, CPU time)",
                rtf_flat,
                "x",
                ">= 3",
                rtf_flat >= 3.0,
            ),
        ]
        worst, rms = _cross_track(b, DETOUR, ((8.0, 0.0),))
        out.append(
            Row(
                AREA,
                "cross-track error max (route round a box)",
                worst,
                "m",
                "< 0.2",
                worst < 0.2,
                f"rms {rms:.3f} m",
            )
        )
        worst, rms = _cross_track(b, FLAT, ((5.0, 0.0), (5.0, 4.0), (0.0, 4.0)))
        out.append(
            Row(
                AREA,
                "cross-track error max (3 GoTos, L)",
                worst,
                "m",
                note=f"rms {rms:.3f} m; includes stopping past each intermediate goal",
            )
        )
        trials = 3 if quick else 10
        survived, _ = _push_trials(b, 12.5, trials, settle=3.0)
        out.append(
            Row(
                AREA,
                "push 12.5 N·s survived",
                survived,
                f"/{trials}",
                f">= {math.ceil(0.9 * trials)}",
                survived >= math.ceil(0.9 * trials),
            )
        )
        _, recovered = _push_trials(b, 35.0, trials, settle=10.0)
        out.append(
            Row(
                AREA,
                "fell at 35 N·s, stood up, walked on",
                recovered,
                f"/{trials}",
                f">= {math.ceil(0.8 * trials)}",
                recovered >= math.ceil(0.8 * trials),
            )
        )
        course = standard_course()
        out.extend(_course_rows(course, _course(b, course, limit=120.0)))
        stair_trials = 2 if quick else 5
        made, mean_time = _stairs_trials(b, course, stair_trials)
        out.append(
            Row(
                AREA,
                "stairs up+down without a fall",
                made,
                f"/{stair_trials}",
                "all",
                made == stair_trials,
                f"mean {mean_time:.1f} s from 1.2 m before to 1 m after",
            )
        )
        out.extend(_rubble_rows(b, 2 if quick else 10))
        out.extend(_side_slope_rows(b))
        return out
    finally:
        b.close()
