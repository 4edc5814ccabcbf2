"""The calibration sweep's edge trials: what the legs can do at a step, a ledge, a drop, a ramp's side.

Each trial walks a backend straight (a ``Velocity``, the gait left to the terrain classifier as in
a mission) at one edge and records what became of it: it got past (``pass``), fell (``fall``, with
where), or stopped in front of it (``refuse``, with where). :func:`fit_edges` turns the outcomes
into the twin's :class:`~locomotion.params.EdgeParams` (the largest step up and down that the
physics controller gets over, which rises trip it, how far short of a face it stops, how far past
a ledge's edge it falls) and the planner's limit. ``python -m locomotion.calibrate_edges`` runs the
sweep on pybullet and writes the fitted numbers, with their provenance, into the calibration file.

Every edge is at x = 1.5 m, across the whole corridor; the robot starts about 0.9 m before it.
Flights are swept apart from single steps: between 30 cm treads the feet have less room than on
open ground, so pybullet climbs a single 20 cm step but not a flight of 20 cm rises.

Descents of a flight (``descent``) are swept over several seeds, each with the seed's physics
variation (:mod:`locomotion.variation`): under nominal physics pybullet walks down the bank site's
flight every time, but with the drawn trunk mass (which its controller does not know of), friction
and start pose it falls on the way down in some seeds and not others. :func:`fit_descent` turns the
fraction that fell into a hazard per metre descended, the twin's
:attr:`~locomotion.params.EdgeParams.stair_descent_hazard`.
"""

from __future__ import annotations

import argparse
import datetime as dt_module
import json
import math
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from locomotion.backend import LocomotionBackend, Pose, Velocity
from locomotion.backends import make_backend
from locomotion.params import CALIBRATION_PATH, EdgeParams, load_calibration
from locomotion.world import (
    FlatParams,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

__all__ = [
    "EDGE_X",
    "EdgeCase",
    "EdgeOutcome",
    "descent_trials",
    "edge_cases",
    "edge_trial",
    "edge_world",
    "fit_descent",
    "fit_edges",
    "main",
    "verdicts",
]

EDGE_X = 1.5
"""Where every edge of the sweep is (m along x)."""
_PAST = 0.6
"""The robot got past an edge once its trunk centre is this far beyond it without a fall (the
whole trunk and its hips are then over it)."""
_RAMP_ANGLE = 12.0
UP_HEIGHTS = (0.06, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25, 0.30, 0.40, 0.90)
DOWN_HEIGHTS = (0.06, 0.10, 0.12, 0.15, 0.18, 0.20, 0.25, 0.30, 0.40, 0.60, 0.90, 1.20)
SIDE_HEIGHTS = (0.06, 0.12, 0.20, 0.30)
STAIR_RISES = (0.10, 0.125, 0.15, 0.175, 0.20, 0.25)
DESCENT_RISES = (0.086, 0.125)
"""Rises of the flights walked down: the bank site's (8.6 cm) and the steepest the legs climb."""
DESCENT_SEEDS = tuple(range(6))
_TREADS, _TREAD = 4, 0.3


@dataclass(frozen=True)
class EdgeCase:
    """One edge of the sweep: ``kind`` is "up" (a step up), "down" (a ledge), "side" (a ramp
    entered from its side, where the side stands ``height`` m above the ground), "stairs" (a
    flight of four 30 cm treads of ``height`` rise up to a landing) or "descent" (the same flight
    walked down from its landing)."""

    kind: str
    height: float

    @property
    def past(self) -> float:
        """How far beyond the edge the trunk centre must get for the edge to count as taken."""
        return _PAST + (_TREADS * _TREAD if self.kind in ("stairs", "descent") else 0.0)


@dataclass(frozen=True)
class EdgeOutcome:
    """What one walk at an edge came to; ``where`` is the trunk centre's x minus the edge's x when
    it fell or (refuse) the farthest it got."""

    case: EdgeCase
    speed: float
    start_x: float
    outcome: str
    where: float


def edge_cases(quick: bool = False) -> list[EdgeCase]:
    """The edges swept (a few for ``quick``)."""
    if quick:
        return [EdgeCase("up", 0.10), EdgeCase("up", 0.40), EdgeCase("down", 0.10),
                EdgeCase("down", 0.90), EdgeCase("side", 0.30), EdgeCase("stairs", 0.25)]
    return ([EdgeCase("up", h) for h in UP_HEIGHTS] + [EdgeCase("down", h) for h in DOWN_HEIGHTS]
            + [EdgeCase("side", h) for h in SIDE_HEIGHTS]
            + [EdgeCase("stairs", h) for h in STAIR_RISES])


def edge_world(case: EdgeCase) -> tuple[World, Pose]:
    """The corridor of ``case`` and where the robot starts (before the edge, facing +x)."""
    bounds = Rect(-1.0, -4.0, 8.0, 4.0)
    regions: tuple[TerrainRegion, ...]
    if case.kind == "up":
        regions = (TerrainRegion("step", TerrainKind.FLAT, Rect(EDGE_X, -4.0, 8.0, 4.0),
                                 FlatParams(), case.height),)
        return World(f"edge_up_{case.height:g}", bounds, regions), Pose(0.6, 0.0)
    if case.kind == "stairs":
        end = EDGE_X + _TREADS * _TREAD
        regions = (
            TerrainRegion("flight", TerrainKind.STAIRS, Rect(EDGE_X, -4.0, end, 4.0),
                          StairsParams(rise=case.height, tread=_TREAD, count=_TREADS)),
            TerrainRegion("landing", TerrainKind.FLAT, Rect(end, -4.0, 8.0, 4.0), FlatParams(),
                          case.height * _TREADS),
        )
        return World(f"edge_stairs_{case.height:g}", bounds, regions), Pose(0.6, 0.0)
    if case.kind == "descent":
        top = case.height * _TREADS
        regions = (
            TerrainRegion("landing", TerrainKind.FLAT, Rect(-1.0, -4.0, EDGE_X, 4.0), FlatParams(),
                          top),
            TerrainRegion("flight", TerrainKind.STAIRS,
                          Rect(EDGE_X, -4.0, EDGE_X + _TREADS * _TREAD, 4.0),
                          StairsParams(rise=case.height, tread=_TREAD, count=_TREADS,
                                       heading=180.0)),
        )
        return World(f"edge_descent_{case.height:g}", bounds, regions), Pose(0.6, 0.0)
    if case.kind == "down":
        regions = (TerrainRegion("ledge", TerrainKind.FLAT, Rect(-1.0, -4.0, EDGE_X, 4.0),
                                 FlatParams(), case.height),)
        return World(f"edge_down_{case.height:g}", bounds, regions), Pose(0.6, 0.0)
    tan = math.tan(math.radians(_RAMP_ANGLE))
    ramp = TerrainRegion("ramp", TerrainKind.SLOPE, Rect(EDGE_X, -3.0, 8.0, 3.0),
                         SlopeParams(angle=_RAMP_ANGLE, heading=90.0))
    return (World(f"edge_side_{case.height:g}", bounds, (ramp,)),
            Pose(0.6, -3.0 + case.height / tan))


def edge_trial(backend: LocomotionBackend, case: EdgeCase, speed: float, start_dx: float = 0.0,
               dt: float = 0.05, seed: int = 0) -> EdgeOutcome:
    """Walk ``backend`` at ``speed`` m/s straight at the edge of ``case`` and say what happened.

    Args:
        backend: the backend (reset here).
        case: the edge.
        speed: commanded forward speed (m/s).
        start_dx: shift of the start along x (m), so trials meet the edge in other gait phases.
        dt: control step (s).
        seed: the reset's seed (what the backend's physics variation draws from).

    Returns:
        The outcome; a trial lasts the time to walk past the edge at ``speed`` plus 2 s.
    """
    world, start = edge_world(case)
    start = replace(start, x=start.x + start_dx)
    state = backend.reset(world, start, seed=seed)
    backend.command(Velocity(speed))
    limit = state.time + 3.0 + 2.0 * (EDGE_X + case.past - start.x) / max(speed, 0.05)
    farthest = state.pose.x
    while state.time < limit:
        state = backend.step(dt)
        farthest = max(farthest, state.pose.x)
        if state.fallen:
            return EdgeOutcome(case, speed, start.x, "fall", round(state.pose.x - EDGE_X, 3))
        if state.pose.x > EDGE_X + case.past:
            return EdgeOutcome(case, speed, start.x, "pass", round(state.pose.x - EDGE_X, 3))
    return EdgeOutcome(case, speed, start.x, "refuse", round(farthest - EDGE_X, 3))


def sweep(backend: LocomotionBackend, cases: Iterable[EdgeCase], speeds: Sequence[float],
          offsets: Sequence[float], dt: float = 0.05) -> list[EdgeOutcome]:
    """Every case at every speed and start offset."""
    return [edge_trial(backend, c, v, o, dt) for c in cases for v in speeds for o in offsets]


def descent_trials(backend: LocomotionBackend, rises: Sequence[float] = DESCENT_RISES,
                   seeds: Sequence[int] = DESCENT_SEEDS, speed: float = 0.5,
                   dt: float = 0.05) -> list[EdgeOutcome]:
    """Walk down a flight of each rise once per seed (each seed draws its own physics)."""
    return [edge_trial(backend, EdgeCase("descent", r), speed, 0.0, dt, seed)
            for r in rises for seed in seeds]


def fit_descent(outcomes: Iterable[EdgeOutcome]) -> float | None:
    """Falls per metre of height walked down a flight, from the descents among ``outcomes``.

    A constant hazard ``h`` per metre descended makes a flight of height ``H`` fall with
    probability ``1 - exp(-h * H)``; ``h`` is the maximum-likelihood value over all descents
    (falls over total height descended, counting a fallen trial's height up to where it fell).

    Returns:
        The hazard (1/m), or None if no descent was swept.
    """
    falls, metres = 0, 0.0
    for o in outcomes:
        if o.case.kind != "descent":
            continue
        flight = o.case.height * _TREADS
        down = flight if o.outcome != "fall" else min(max(o.where, 0.0) / _TREAD, _TREADS) * (
            o.case.height)
        falls += o.outcome == "fall"
        metres += down
    if metres <= 0.0:
        return None
    return round(falls / metres, 3)


def verdicts(outcomes: Iterable[EdgeOutcome]) -> dict[EdgeCase, str]:
    """The majority outcome per case (ties: the worse one, fall > refuse > pass)."""
    tally: dict[EdgeCase, dict[str, int]] = {}
    for o in outcomes:
        tally.setdefault(o.case, {"pass": 0, "refuse": 0, "fall": 0})[o.outcome] += 1
    worst = {"fall": 2, "refuse": 1, "pass": 0}
    return {c: max(t, key=lambda k: (t[k], worst[k])) for c, t in tally.items()}


def _threshold(verdict: dict[float, str], ok: str) -> float:
    """Midway between the largest height of the leading run of ``ok`` verdicts and the next one."""
    heights = sorted(verdict)
    last_ok = 0.0
    for i, h in enumerate(heights):
        if verdict[h] != ok:
            return round((last_ok + h) / 2, 3) if i else round(h / 2, 3)
        last_ok = h
    return round(last_ok + 0.05, 3)


def fit_edges(outcomes: Sequence[EdgeOutcome], base: EdgeParams) -> EdgeParams:
    """The twin's edge model from the sweep's outcomes (values the sweep did not see stay)."""
    v = verdicts(outcomes)
    up = {c.height: o for c, o in v.items() if c.kind == "up"}
    down = {c.height: o for c, o in v.items() if c.kind == "down"}
    out = base
    if up:
        climb = _threshold(up, "pass")
        above = sorted(h for h in up if h > climb)
        trip = climb
        for h in above:  # the run of falls right above the climbable steps trips the robot
            if up[h] != "fall":
                break
            trip = h
        if trip > climb:
            nxt = [h for h in above if h > trip]
            trip = round((trip + nxt[0]) / 2, 3) if nxt else round(trip + 0.05, 3)
        stops = [-o.where for o in outcomes if o.case.kind == "up" and o.outcome == "refuse"
                 and o.where < 0]
        out = replace(out, max_step_up=climb, trip_rise_max=trip,
                      standoff=round(statistics.median(stops), 3) if stops else base.standoff)
    if down:
        drops = [o.where for o in outcomes if o.case.kind == "down" and o.outcome == "fall"]
        out = replace(out, max_step_down=_threshold(down, "pass"),
                      drop_offset=round(statistics.median(drops), 3) if drops else base.drop_offset)
    stairs = {c.height: o for c, o in v.items() if c.kind == "stairs"}
    if stairs:
        out = replace(out, max_stair_rise=_threshold(stairs, "pass"))
    hazard = fit_descent(outcomes)
    if hazard is not None:
        out = replace(out, stair_descent_hazard=hazard)
    reliable = [_reliable(outcomes, kind) for kind in ("up", "down") if any(
        o.case.kind == kind for o in outcomes)]
    if reliable:
        out = replace(out, planner_step=min(reliable))
    return out


def _reliable(outcomes: Sequence[EdgeOutcome], kind: str) -> float:
    """The largest ``kind`` edge that every trial at it, and at every lower one, got over."""
    heights = sorted({o.case.height for o in outcomes if o.case.kind == kind})
    best = 0.0
    for h in heights:
        if any(o.outcome != "pass" for o in outcomes if o.case.kind == kind and o.case.height == h):
            break
        best = h
    return best


def run(backend_name: str, quick: bool, out: Path, dt: float = 0.05,
        samples: Path | None = None, parts: Sequence[str] = ("edges", "descent")) -> EdgeParams:
    """Sweep ``backend_name``'s edges, fit, and write the edge section of ``out``'s calibration
    (its other sections are kept) with the sweep's provenance under ``metadata.edges``.

    ``parts`` picks what is swept: "edges" (steps, ledges, sides, flights up, at nominal seed 0)
    and "descent" (flights walked down over :data:`DESCENT_SEEDS`); what is not swept keeps its
    fitted values and provenance.
    """
    speeds, offsets = ((0.5,), (0.0,)) if quick else ((0.4, 0.7), (-0.1, 0.0, 0.1))
    started = time.perf_counter()
    backend = make_backend(backend_name)
    try:
        outcomes = (sweep(backend, edge_cases(quick), speeds, offsets, dt)
                    if "edges" in parts else [])
        descents = (descent_trials(backend, DESCENT_RISES[:1] if quick else DESCENT_RISES,
                                   DESCENT_SEEDS[:2] if quick else DESCENT_SEEDS, dt=dt)
                    if "descent" in parts else [])
    finally:
        backend.close()
    base = load_calibration(out if out.exists() else None)
    fitted = fit_edges(outcomes + descents, base.edges)
    now = dt_module.datetime.now(dt_module.UTC).isoformat(timespec="seconds")
    meta = dict(base.metadata)
    edges_meta = dict(meta.get("edges", {}))
    if outcomes:
        v = verdicts(outcomes)
        edges_meta.update({
            "backend": backend_name, "date": now, "quick": quick,
            "command": "python -m locomotion.calibrate_edges",
            "speeds": list(speeds), "start_offsets": list(offsets), "dt": dt,
            "trials": len(outcomes), "wall_time_s": round(time.perf_counter() - started, 1),
            "verdicts": {f"{c.kind} {c.height:g} m": o for c, o in sorted(
                v.items(), key=lambda kv: (kv[0].kind, kv[0].height))},
            "rule": "climb if rise <= max_step_up (tread to tread on stairs: max_stair_rise); trip "
                    "(fall at the face) if rise <= trip_rise_max; else refuse standoff m short of "
                    "the face; fall drop_offset m past a drop > max_step_down; thresholds midway "
                    "between swept heights",
        })
    if descents:
        edges_meta["descent"] = {
            "backend": backend_name, "date": now, "quick": quick,
            "command": "python -m locomotion.calibrate_edges --parts descent",
            "speed": 0.5, "treads": _TREADS, "tread": _TREAD, "dt": dt,
            "seeds": list(DESCENT_SEEDS[:2] if quick else DESCENT_SEEDS),
            "tolerances": "locomotion.variation.DEFAULT_TOLERANCES",
            "outcomes": {f"rise {o.case.height:g} m seed {i % len(DESCENT_SEEDS)}":
                         f"{o.outcome} at {o.where:+.2f} m" for i, o in enumerate(descents)},
            "rule": "stair_descent_hazard = falls / metres of height descended (maximum "
                    "likelihood of a constant hazard per metre down a flight)",
        }
    meta["edges"] = edges_meta
    replace(base, edges=fitted, metadata=meta).save(out)
    if samples is not None:
        samples.write_text(json.dumps([{**asdict(o), "case": asdict(o.case)}
                                       for o in outcomes + descents], indent=1) + "\n")
    load_calibration(out)
    return fitted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locomotion.calibrate_edges",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="pybullet", help="backend to sweep (default pybullet)")
    parser.add_argument("--quick", action="store_true", help="five edges, one trial each")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH, help="calibration to update")
    parser.add_argument("--samples", type=Path, default=None, help="also write every outcome here")
    parser.add_argument("--parts", default="edges,descent",
                        help="what to sweep, comma-separated: edges, descent (default both)")
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    unknown = sorted(set(parts) - {"edges", "descent"})
    if unknown or not parts:
        parser.error(f"--parts: unknown part(s) {', '.join(unknown) or '(none given)'}; "
                     "use edges, descent")
    try:
        fitted = run(args.backend, args.quick, args.out, samples=args.samples, parts=parts)
    except (ValueError, ImportError) as exc:
        print(f"calibrate_edges: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {fitted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
