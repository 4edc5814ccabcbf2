"""Kinematic twin figures: speed of the twin, batch throughput, terrain classifier accuracy on
the standard course, path tracking error.

``python -m bench --only locomotion_kinematic`` prints them. All figures come from one run, side
by side; ``--quick`` shortens the repeated measurements (not for quoting).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.table import Row
from locomotion.backend import GoTo, NavStatus, Pose
from locomotion.course import Course, CourseSegment, standard_course
from locomotion.kinematic import KinematicBackend, KinematicBatch
from locomotion.perception import TerrainClassifier
from locomotion.sensing import FOOT_OFFSETS, synthesise_sensing
from locomotion.terrain import SurfaceGrid, TerrainMap
from locomotion.world import (
    FlatParams,
    GrassParams,
    ObstacleParams,
    Rect,
    RubbleParams,
    TerrainKind,
    TerrainParams,
    TerrainRegion,
    World,
)

AREA = "locomotion"
CLASSES = ("flat", "slope", "stairs", "mud", "gravel", "grass", "rubble")


def _course_run(course: Course, dt: float, seed: int = 0, calibration: Path | None = None
                ) -> tuple[float, float, list[tuple[float, float, float, float]], str]:
    """Walk the course with GoTo; return (sim time, CPU time of the stepping, trajectory, status).

    CPU time of this process, not wall time: other work on the machine (other helpers, CI jobs)
    would otherwise make the figure swing by 2x. The planning done by ``command(GoTo)`` is
    measured separately (see :func:`_plan_time`)."""
    b = KinematicBackend(calibration=calibration)
    state = b.reset(course.world, course.start, seed=seed)
    b.command(GoTo(course.goal))
    traj = []
    started = time.process_time()
    state = b.step(dt)
    while state.nav_status == NavStatus.ACTIVE and state.time < 600:
        state = b.step(dt)
        traj.append((state.pose.x, state.pose.y, state.pose.yaw,
                     math.hypot(state.velocity[0], state.velocity[1])))
    cpu = time.process_time() - started
    b.close()
    return state.time, cpu, traj, state.nav_status


def _plan_time(course: Course) -> float:
    """CPU seconds to build the map, planner and plan of a fresh backend for the course."""
    b = KinematicBackend()
    started = time.process_time()
    b.reset(course.world, course.start, seed=0)
    b.command(GoTo(course.goal))
    spent = time.process_time() - started
    b.close()
    return spent


def _segment_times(course: Course, traj: list[tuple[float, float, float, float]],
                   dt: float) -> dict[str, float]:
    times: dict[str, float] = defaultdict(float)
    for x, *_ in traj:
        seg = course.segment_at(x)
        if seg is not None:
            times[seg.name] += dt
    return times


def _extra_terrain_course() -> Course:
    """Grass and rubble, which the standard course lacks, between flat stretches."""
    layout: list[tuple[str, TerrainKind, TerrainParams]] = [
        ("flat_a", TerrainKind.FLAT, FlatParams()),
        ("grass", TerrainKind.GRASS, GrassParams()),
        ("flat_b", TerrainKind.FLAT, FlatParams()),
        ("rubble", TerrainKind.RUBBLE, RubbleParams()),
        ("flat_c", TerrainKind.FLAT, FlatParams()),
    ]
    regions, segs = [], []
    for i, (name, kind, params) in enumerate(layout):
        rect = Rect(3.0 * i, -2.0, 3.0 * (i + 1), 2.0)
        regions.append(TerrainRegion(name, kind, rect, params))
        segs.append(CourseSegment(name, kind, rect.x_min, rect.x_max))
    world = World("extra", Rect(-0.5, -2.0, 15.5, 2.0), tuple(regions))
    return Course(world, Pose(0.5, 0.0), (14.5, 0.0), tuple(segs))


def scan_feet(x: float, y: float, yaw: float) -> list[tuple[float, float]]:
    """World positions of the four nominal feet."""
    c, s = math.cos(yaw), math.sin(yaw)
    return [(x + c * f - s * left, y + s * f + c * left) for f, left in FOOT_OFFSETS.tolist()]


def _near_boundary(course: Course, x: float, margin: float) -> bool:
    return any(abs(x - s.x_start) < margin or abs(x - s.x_end) < margin for s in course.segments)


def _classifier_accuracy(courses: list[Course], seeds: int
                         ) -> dict[str, dict[str, list[int]]]:
    """Per class: [hits, samples] underfoot (all / by feet / interior) and ahead, along GoTo
    trajectories (one per course and seed), sampled every 0.2 s as the robot perceives."""
    clf = TerrainClassifier()
    tally: dict[str, dict[str, list[int]]] = {
        key: defaultdict(lambda: [0, 0])
        for key in ("under", "under_feet", "under_interior", "ahead")}
    samples = []
    for course in courses:
        terrain = TerrainMap(course.world)
        surface = SurfaceGrid.from_map(terrain)
        for seed in range(seeds):
            _, _, traj, _ = _course_run(course, 0.1, seed)
            samples.append((course, terrain, surface, traj[::2], np.random.default_rng(seed)))
    for course, terrain, surface, traj, rng in samples:
        for x, y, yaw, speed in traj:
            reading = clf.classify(synthesise_sensing(surface, x, y, yaw, speed, 0.02, rng))
            truth = terrain.kind_at(x, y).value
            cell = tally["under"][truth]
            cell[0] += reading.underfoot.value == truth
            cell[1] += 1
            feet = scan_feet(x, y, yaw)
            under_feet = {truth} | {terrain.kind_at(fx, fy).value for fx, fy in feet}
            cell = tally["under_feet"][truth]
            cell[0] += reading.underfoot.value in under_feet
            cell[1] += 1
            if not _near_boundary(course, x, 0.3):
                cell = tally["under_interior"][truth]
                cell[0] += reading.underfoot.value == truth
                cell[1] += 1
            ax, ay = x + 0.9 * math.cos(yaw), y + 0.9 * math.sin(yaw)
            truth_ahead = terrain.kind_at(ax, ay).value
            cell = tally["ahead"][truth_ahead]
            cell[0] += reading.ahead.value == truth_ahead
            cell[1] += 1
    return tally


def _cross_track(dt: float) -> tuple[float, float, float]:
    """Mean and max distance of the walked trajectory from the planned path, on a detour route."""
    world = World("route", Rect(0, 0, 20, 10), (
        TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(8, 0, 9, 7), ObstacleParams()),
        TerrainRegion("block", TerrainKind.OBSTACLE, Rect(13, 3, 14, 10), ObstacleParams()),
    ))
    b = KinematicBackend()
    b.reset(world, Pose(2, 2), seed=3)
    b.command(GoTo((18, 2)))
    state = b.step(dt)
    path = np.array(state.path)
    errors = []
    while state.nav_status == NavStatus.ACTIVE and state.time < 300:
        state = b.step(dt)
        errors.append(_distance_to_path(state.pose.x, state.pose.y, path))
    b.close()
    return float(np.mean(errors)), float(np.max(errors)), float(len(path))


def _distance_to_path(x: float, y: float, path: np.ndarray) -> float:
    a, b = path[:-1], path[1:]
    ab = b - a
    t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1])
                / np.maximum((ab**2).sum(axis=1), 1e-12), 0, 1)
    return float(np.min(np.hypot(x - a[:, 0] - t * ab[:, 0], y - a[:, 1] - t * ab[:, 1])))


def _batch_throughput(n: int, steps: int) -> float:
    course = standard_course()
    batch = KinematicBatch(course.world, n, seed=1)
    batch.reset(np.full(n, 0.5), np.linspace(-1.5, 1.5, n), np.zeros(n))
    path = np.array([(0.5, 0.0), course.goal])
    rng = np.random.default_rng(0)
    started = time.process_time()
    for i in range(steps):
        if i % 50 == 25:
            batch.push(rng.uniform(0, 25, n) * (rng.random(n) < 0.1), rng.uniform(-3, 3, n))
        batch.step(batch.follow(path), 0.1)
    return n * steps / (time.process_time() - started)


def rows(quick: bool) -> list[Row]:
    course = standard_course()
    out: list[Row] = []
    repeats = 1 if quick else 3
    for dt in (0.1, 0.05):
        best = 0.0
        for r in range(repeats):
            sim, wall, traj, status = _course_run(course, dt, seed=r)
            best = max(best, sim / wall)
        out.append(Row(AREA, f"kinematic course real-time factor (dt={dt:g} s)", best, "x",
                       ">= 1000x", best >= 1000,
                       f"GoTo whole course, perception 5 Hz, {status}, sim {sim:.0f} s, "
                       f"best of {repeats}, process CPU time"))
    out.append(Row(AREA, "kinematic reset + plan the course", 1000 * _plan_time(course), "ms",
                   note="map raster, inflation, components, A*, shortcut (once per GoTo)"))
    sim, _, traj, status = _course_run(course, 0.1, seed=0)
    out.append(Row(AREA, "kinematic course time to goal", sim, "s sim", note=status))
    for name, t in _segment_times(course, traj, 0.1).items():
        out.append(Row(AREA, f"  segment {name}", t, "s sim"))
    n, steps = 1000, (50 if quick else 300)
    rate = _batch_throughput(n, steps)
    out.append(Row(AREA, "batch throughput (N=1000)", rate, "robot-steps/s",
                   note="follow path + step + random pushes; no perception"))
    tally = _classifier_accuracy([course, _extra_terrain_course()], seeds=1 if quick else 3)
    for cls in CLASSES:
        hits, total = tally["under"].get(cls, [0, 0])
        if total:
            acc = hits / total
            out.append(Row(AREA, f"classifier {cls} underfoot", 100 * acc, "%", ">= 90%",
                           acc >= 0.9, f"{total} samples along the GoTo path; truth = kind "
                           "under the trunk centre"))
    for cls in CLASSES:
        hits, total = tally["under_feet"].get(cls, [0, 0])
        if total:
            acc = hits / total
            out.append(Row(AREA, f"classifier {cls} underfoot, trunk or any foot", 100 * acc, "%",
                           ">= 90%", acc >= 0.9, "right if it names the ground under the trunk "
                           "or under a foot"))
    for cls in CLASSES:
        hits, total = tally["under_interior"].get(cls, [0, 0])
        if total:
            out.append(Row(AREA, f"classifier {cls} underfoot, >0.3 m from edges",
                           100 * hits / total, "%", note=f"{total} samples"))
    for cls in CLASSES:
        hits, total = tally["ahead"].get(cls, [0, 0])
        if total:
            out.append(Row(AREA, f"classifier {cls} ahead (0.9 m)", 100 * hits / total, "%",
                           note=f"{total} samples, incl. boundary windows"))
    mean_xt, max_xt, n_pts = _cross_track(0.05)
    out.append(Row(AREA, "cross-track error, mean (detour route)", mean_xt, "m", "<= 0.10 m",
                   mean_xt <= 0.10, f"{n_pts:.0f}-point path round two walls"))
    out.append(Row(AREA, "cross-track error, max (detour route)", max_xt, "m", "<= 0.35 m",
                   max_xt <= 0.35))
    return out
