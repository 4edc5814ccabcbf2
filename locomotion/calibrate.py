"""Fit the kinematic twin's parameters to another backend: ``python -m locomotion.calibrate``.

Sweeps a backend (pybullet by default) over terrain x commanded speed x push impulse, strictly
through the :class:`~locomotion.backend.LocomotionBackend` protocol, fits the tables of
``locomotion/data/kinematic_calibration.json`` and writes them with metadata (date, backend, sweep
sizes). What it fits: speed ratio, foot slip and lateral drift per terrain; idle and sitting power,
cost of transport per gait and energy factor per terrain; the push impulse at which each gait falls
half the time (and the logistic width); the get-up time. What it keeps from the current file: the
climb efficiency and the mud-stall model (the sweep does not measure them), and any terrain the
sweep did not visit. ``--quick`` runs a reduced sweep (for tests and smoke runs).

Targeted re-fit: ``--terrains gravel,stairs --walks-only`` re-walks only those grounds and skips the
rest-power and push sweeps, keeping every other value from ``--base`` (default: the committed
file); the metadata keeps the base's record of its sweep and appends this one under ``refits``.
Stairs are walked up and down (the twin has one stairs speed ratio, missions use both ways).

The worlds and trials of the sweep are in :mod:`locomotion.calibrate_trials`; this module runs
the sweep, fits and writes.
"""

from __future__ import annotations

import argparse
import datetime as dt_module
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from locomotion.backend import Sit, Stand
from locomotion.backends import make_backend
from locomotion.calibrate_trials import (
    SWEEP_TERRAIN,
    SweepConfig,
    WalkSample,
    push_trial,
    rest_power,
    stairs_down_world,
    sweep_world,
    sweep_worlds,
    walk_trial,
)
from locomotion.energy import G
from locomotion.gait import GAITS, terrain_gait
from locomotion.params import (
    CALIBRATION_PATH,
    ROBOT_MASS,
    CalibrationError,
    EnergyParams,
    FallParams,
    KinematicParams,
    load_calibration,
)
from locomotion.variation import NOMINAL
from locomotion.world import TerrainKind

__all__ = ["SweepConfig", "WalkSample", "fit_logistic", "main", "run", "stairs_down_world",
           "sweep_world", "sweep_worlds"]  # the sweep's names re-exported from calibrate_trials

_MIN_WALKS = 3
"""Fewest walks without a fall that a terrain needs before its speed, slip and drift are fitted."""


def fit_logistic(impulses: Sequence[float], fell: Sequence[bool]) -> tuple[float, float]:
    """Maximum-likelihood (threshold, width) of ``P(fall) = 1 / (1 + exp(-(J - thr) / width))``
    by grid search (robust with few, separable samples, where Newton's method diverges)."""
    j = np.asarray(impulses, dtype=float)
    y = np.asarray(fell, dtype=float)
    thresholds = np.linspace(max(j.min() - 10, 0.0), j.max() + 10, 241)
    # separable samples drive the ML width to zero: floor it at half the impulse spacing
    steps = np.diff(np.unique(j))
    floor = max(1.0, 0.5 * float(steps.min())) if steps.size else 1.0
    widths = np.array([w for w in (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0) if w >= floor] or [floor])
    t, w = np.meshgrid(thresholds, widths, indexing="ij")
    z = (j[None, None, :] - t[..., None]) / w[..., None]
    p = np.clip(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), 1e-9, 1 - 1e-9)
    ll = (y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=-1)
    i, k = np.unravel_index(int(np.argmax(ll)), ll.shape)
    return float(thresholds[i]), float(widths[k])


def _fit(walks: list[WalkSample], idle: float, sit: float,
         pushes: dict[str, list[tuple[float, bool]]], getups: list[float],
         base: KinematicParams) -> KinematicParams:
    mass = ROBOT_MASS
    eff = base.energy.climb_efficiency
    speed_ratio, slip, drift = dict(base.speed_ratio), dict(base.slip), dict(base.drift)
    cot = dict(base.energy.cost_of_transport)
    factor = dict(base.energy.terrain_factor)
    flat = [w for w in walks if w.kind is TerrainKind.FLAT]
    for gait in {w.gait for w in flat}:
        pts = [(w.achieved, w.power_w - idle) for w in flat if w.gait == gait and w.achieved > 0.02]
        if pts:  # least squares through the origin: P - idle = CoT m g v
            v, p = np.array(pts).T
            cot[gait] = max(float((v * p).sum() / (v * v).sum()) / (mass * G), 0.01)
    for kind in {w.kind for w in walks}:
        ws = [w for w in walks if w.kind is kind and not w.fell]
        ratios = [w.achieved / w.commanded for w in ws if w.commanded > 0]
        if len(ratios) < _MIN_WALKS:
            continue  # (almost) every walk on this ground ended in a fall: keep previous values
        speed_ratio[kind.value] = float(np.clip(np.median(ratios), 0.0, 1.5))
        moving = [w for w in ws if w.achieved > 0.02]
        if not moving:
            continue
        slip[kind.value] = float(np.median([w.slip / w.achieved for w in moving]))
        drift[kind.value] = float(np.sqrt(sum(w.lateral**2 for w in moving)
                                          / max(sum(w.distance for w in moving), 1e-3)))
        fs = [(w.power_w - idle - mass * G * max(w.climb_rate, 0.0) / eff)
              / (cot[w.gait] * mass * G * w.achieved) for w in moving]
        factor[kind.value] = float(max(np.median(fs), 0.1))
    thresholds = dict(base.fall.impulse_threshold)
    widths = []
    for gait, trials in pushes.items():
        if not trials:
            continue
        impulses = [t[0] for t in trials]
        falls = sum(t[1] for t in trials)
        if falls == 0:  # never fell: the threshold lies beyond the sweep
            thresholds[gait] = max(thresholds.get(gait, 0.0), max(impulses) + 5.0)
        elif falls == len(trials):  # always fell: it lies below the sweep
            thresholds[gait] = min(thresholds.get(gait, math.inf), max(min(impulses) - 5.0, 1.0))
        else:
            thr, width = fit_logistic(impulses, [t[1] for t in trials])
            thresholds[gait] = thr
            widths.append(width)
    getup = float(np.median(getups)) if getups else base.fall.getup_time
    return replace(
        base,
        speed_ratio=speed_ratio, slip=slip, drift=drift,
        energy=EnergyParams(idle, sit, cot, factor, eff),
        fall=FallParams(thresholds, float(np.median(widths)) if widths else base.fall.width, getup),
    )


def _sweep_cap(kind: TerrainKind, gait: str, terrain_gait_name: str, terrain_cap: float) -> float:
    """Fastest speed to command ``gait`` on ``kind``: the terrain's own cap for its own gait (GoTo
    never asks for more there, e.g. trot on gravel is capped at 0.7 m/s, so speeds above it would
    bias the fitted ratio), the gait's cap otherwise (the other gaits swept on flat ground)."""
    if gait == terrain_gait_name:
        return min(terrain_cap, GAITS[gait].speed_cap)
    return GAITS[gait].speed_cap


def run(backend_name: str, quick: bool, out: Path, dt: float = 0.05,
        log: bool = True, samples: Path | None = None,
        terrains: Sequence[TerrainKind] | None = None, walks_only: bool = False,
        base_path: Path | None = None) -> KinematicParams:
    """Sweep ``backend_name``, fit, write ``out`` (and the raw ``samples`` if given); returns the
    fitted parameters.

    ``terrains`` limits the walks to those grounds (a targeted re-fit: every other terrain keeps
    its values from ``base_path``, default the committed file); ``walks_only`` skips the rest-power
    and push sweeps and keeps the idle/sit power and fall model from the base file. Both are
    recorded in the metadata, so a partial re-fit is never mistaken for a full one.
    """
    cfg = SweepConfig.make(quick, dt)
    base = load_calibration(base_path)
    kinds = list(SWEEP_TERRAIN) if terrains is None else [k for k in SWEEP_TERRAIN if k in terrains]
    if not kinds:
        raise ValueError(f"no sweepable terrain selected; choose from "
                         f"{', '.join(k.value for k in SWEEP_TERRAIN)}")
    started = time.perf_counter()
    backend = make_backend(backend_name, tolerances=NOMINAL)  # the nominal robot: its means
    idle, sit = base.energy.idle_power_w, base.energy.sit_power_w
    pushes: dict[str, list[tuple[float, bool]]] = {}
    getups: list[float] = []
    try:
        walks: list[WalkSample] = []
        for kind in kinds:
            gait, terrain_cap = terrain_gait(kind)
            gaits = [gait] + (["crawl", "stairs"] if kind is TerrainKind.FLAT else [])
            for world in sweep_worlds(kind):
                for g in gaits:
                    for speed in cfg.speeds:
                        for seed in range(cfg.seeds):
                            cap = _sweep_cap(kind, g, gait, terrain_cap)
                            walks.append(walk_trial(backend, world, g, min(speed, cap), seed, cfg))
            if log:
                print(f"  walked on {kind.value} ({time.perf_counter() - started:.0f} s)",
                      file=sys.stderr)
        if not walks_only:
            idle = rest_power(backend, Stand(), cfg)
            sit = rest_power(backend, Sit(), cfg)
        for gait in (() if walks_only else ("trot", "crawl", "stairs", "stand")):
            if log:
                print(f"  pushing {gait} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
            trials = pushes.setdefault(gait, [])
            for impulse in cfg.impulses:
                for seed in range(cfg.push_seeds):
                    fell, getup = push_trial(backend, gait, impulse, 1000 + seed, cfg)
                    trials.append((impulse, fell))
                    if not math.isnan(getup):
                        getups.append(getup)
        if log:
            print(f"  pushed ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    finally:
        backend.close()
    fitted = _fit(walks, idle, sit, pushes, getups, base)
    now = dt_module.datetime.now(dt_module.UTC).isoformat(timespec="seconds")
    kept = ["energy.climb_efficiency", "stall", "push_slide_time", "fall.impulse_threshold.sit",
            "terrains not swept"]
    if walks_only:
        kept += ["energy.idle_power_w", "energy.sit_power_w", "fall"]
    meta = {
        "backend": backend_name,
        "date": now,
        "quick": quick,
        "sweep": {
            "terrains": [k.value for k in kinds], "speeds": list(cfg.speeds),
            "seeds": cfg.seeds, "walk_time_s": cfg.walk_time, "impulses": list(cfg.impulses),
            "push_seeds": cfg.push_seeds, "dt": cfg.dt, "walks": len(walks),
            "push_trials": sum(len(v) for v in pushes.values()),
        },
        "walk_falls": {k.value: f"{sum(w.fell for w in walks if w.kind is k)}/"
                             f"{sum(w.kind is k for w in walks)}" for k in kinds},
        "min_walks_to_fit": _MIN_WALKS,
        "push_falls": {g: f"{sum(t[1] for t in v)}/{len(v)}" for g, v in pushes.items()},
        "wall_time_s": round(time.perf_counter() - started, 1),
        "kept_from_previous": kept,
    }
    partial = terrains is not None or walks_only
    if partial:  # a targeted re-fit: keep the base file's record of the sweep it came from
        previous = {k: v for k, v in base.metadata.items() if k != "refits"}
        meta = {**previous, "refits": [*base.metadata.get("refits", []), meta],
                "date": now}
    fitted = replace(fitted, metadata=meta)
    fitted.save(out)
    if samples is not None:
        samples.write_text(json.dumps({
            "walks": [{**asdict(w), "kind": w.kind.value} for w in walks],
            "pushes": {g: [list(t) for t in v] for g, v in pushes.items()},
            "getups": getups, "idle_w": idle, "sit_w": sit,
        }, indent=1) + "\n")
    load_calibration(out)  # what we wrote must load
    return fitted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locomotion.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="pybullet", help="backend to sweep (default pybullet)")
    parser.add_argument("--quick", action="store_true", help="reduced sweep (smoke test)")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH, help="JSON file to write")
    parser.add_argument("--dt", type=float, default=0.05, help="control step in seconds")
    parser.add_argument("--samples", type=Path, default=None,
                        help="also write the raw sweep measurements to this JSON file")
    parser.add_argument("--terrains", default=None,
                        help="comma-separated terrains to re-walk (default: all); the others keep "
                             "their values from --base")
    parser.add_argument("--walks-only", action="store_true",
                        help="skip the rest-power and push sweeps; keep those values from --base")
    parser.add_argument("--base", type=Path, default=None,
                        help="calibration whose unswept values are kept (default: committed file)")
    args = parser.parse_args(argv)
    if not 0.001 <= args.dt <= 0.5:
        parser.error(f"--dt must be between 0.001 and 0.5 s, got {args.dt}")
    terrains = None
    if args.terrains is not None:
        names = [t.strip() for t in args.terrains.split(",") if t.strip()]
        known = {k.value: k for k in SWEEP_TERRAIN}
        bad = [n for n in names if n not in known]
        if bad or not names:
            parser.error(f"--terrains: unknown or empty {', '.join(bad) or '(none)'}; "
                         f"choose from {', '.join(known)}")
        terrains = [known[n] for n in names]
    try:
        fitted = run(args.backend, args.quick, args.out, args.dt, samples=args.samples,
                     terrains=terrains, walks_only=args.walks_only, base_path=args.base)
    except (ValueError, ImportError, CalibrationError) as exc:
        print(f"calibrate: error: {exc}", file=sys.stderr)
        return 2
    last = (fitted.metadata.get("refits") or [fitted.metadata])[-1]
    print(f"wrote {args.out} (backend {args.backend}, {last['wall_time_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
