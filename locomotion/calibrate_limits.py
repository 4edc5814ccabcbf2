"""The calibration sweep's limit trials: the steepest ramp and the heaviest load the legs manage.

The edge sweep (:mod:`locomotion.calibrate_edges`) measures steps, ledges and flights; the walk
sweep (:mod:`locomotion.calibrate`) walks one 10 deg slope. Neither says where the slopes or the
loads stop, which a checker needs before it tells an operator "this ramp is too steep". Each trial
here walks a backend straight (a ``Velocity``, the gait left to the terrain classifier as in a
mission) up a ramp of one angle, or across flat ground carrying one payload, and says whether it
got there: ``pass`` when it walked :data:`_DISTANCE` m without a fall at no less than
:data:`MIN_SPEED_RATIO` of the commanded speed, ``slow`` when it kept its feet but not its speed,
``fall`` when it fell. ``python -m locomotion.calibrate_limits`` runs the sweep on pybullet and
writes the verdicts and the limits into ``locomotion/data/limits_calibration.json``, with the
command, date and sweep sizes; :mod:`locomotion.capabilities` reads them.
"""

from __future__ import annotations

import argparse
import datetime as dt_module
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from locomotion.backend import LocomotionBackend, Pose, Velocity
from locomotion.backends import make_backend
from locomotion.capabilities import LIMITS_PATH
from locomotion.world import FlatParams, Rect, SlopeParams, TerrainKind, TerrainRegion, World

__all__ = ["LIMITS_PATH", "MIN_SPEED_RATIO", "LimitTrial", "limit_trial", "main", "run"]

MIN_SPEED_RATIO = 0.5
"""A trial passes only if the robot kept at least this fraction of the commanded speed: a ramp
climbed at a crawl (or slid down while the legs trot) is not ground a mission can plan on."""
SLOPE_ANGLES = (10.0, 15.0, 20.0, 25.0, 30.0, 35.0)
PAYLOADS = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0)
_DISTANCE = 2.5
_START = Pose(0.6, 0.0)
_RAMP_X = 1.0


@dataclass(frozen=True)
class LimitTrial:
    """One walk: ``kind`` "slope" (``value`` deg) or "payload" (``value`` kg) at ``speed`` m/s."""

    kind: str
    value: float
    speed: float
    outcome: str
    achieved: float


def _world(kind: str, value: float) -> World:
    if kind == "slope":
        ramp = TerrainRegion("ramp", TerrainKind.SLOPE, Rect(_RAMP_X, -3.0, 12.0, 3.0),
                             SlopeParams(angle=value))
        return World(f"limit_slope_{value:g}", Rect(-1.0, -3.0, 14.0, 3.0), (ramp,))
    floor = TerrainRegion("floor", TerrainKind.FLAT, Rect(_RAMP_X, -3.0, 12.0, 3.0), FlatParams())
    return World(f"limit_payload_{value:g}", Rect(-1.0, -3.0, 14.0, 3.0), (floor,))


def limit_trial(backend: LocomotionBackend, kind: str, value: float, speed: float,
                dt: float = 0.05) -> LimitTrial:
    """Walk ``backend`` at ``speed`` up a ``value`` deg ramp or carrying ``value`` kg.

    Args:
        backend: the backend (reset here).
        kind: "slope" or "payload".
        value: the ramp's angle (deg) or the payload (kg).
        speed: commanded forward speed (m/s).
        dt: control step (s).

    Returns:
        The trial's outcome; the time allowed is the walk at half the speed plus 3 s.
    """
    state = backend.reset(_world(kind, value), _START, seed=0)
    if kind == "payload":
        backend.set_payload(value)
    backend.command(Velocity(speed))
    limit = state.time + 3.0 + (_RAMP_X - _START.x + _DISTANCE) / (MIN_SPEED_RATIO * speed)
    t0 = x0 = None
    while state.time < limit:
        state = backend.step(dt)
        if state.fallen:
            return LimitTrial(kind, value, speed, "fall", 0.0)
        if t0 is None and state.pose.x >= _RAMP_X + 0.4:
            t0, x0 = state.time, state.pose.x
        if t0 is not None and x0 is not None and state.pose.x >= x0 + _DISTANCE:
            achieved = _DISTANCE / max(state.time - t0, 1e-9)
            ok = achieved >= MIN_SPEED_RATIO * speed
            return LimitTrial(kind, value, speed, "pass" if ok else "slow", round(achieved, 3))
    return LimitTrial(kind, value, speed, "slow", 0.0)


def _largest_pass(trials: Sequence[LimitTrial], kind: str) -> float:
    """The largest value of ``kind`` that passed at every speed, as did every smaller one."""
    best = 0.0
    for value in sorted({t.value for t in trials if t.kind == kind}):
        if any(t.outcome != "pass" for t in trials if t.kind == kind and t.value == value):
            break
        best = value
    return best


def run(backend_name: str, out: Path, speeds: Sequence[float] = (0.3, 0.6),
        dt: float = 0.05) -> dict[str, object]:
    """Sweep ``backend_name``'s slopes and payloads and write the limits file ``out``."""
    started = time.perf_counter()
    backend = make_backend(backend_name)
    try:
        trials = [limit_trial(backend, kind, v, s, dt)
                  for kind, values in (("slope", SLOPE_ANGLES), ("payload", PAYLOADS))
                  for v in values for s in speeds]
    finally:
        backend.close()
    limits = {"max_slope_deg": _largest_pass(trials, "slope"),
              "max_payload_kg": _largest_pass(trials, "payload")}
    tops = {"max_slope_deg": max(SLOPE_ANGLES), "max_payload_kg": max(PAYLOADS)}
    data: dict[str, object] = {
        "limits": limits,
        "metadata": {
            "backend": backend_name,
            "command": "python -m locomotion.calibrate_limits",
            "date": dt_module.datetime.now(dt_module.UTC).isoformat(timespec="seconds"),
            "speeds": list(speeds), "dt": dt, "distance_m": _DISTANCE,
            "min_speed_ratio": MIN_SPEED_RATIO, "trials": len(trials),
            # a limit equal to the largest value swept is a lower bound: the legs may do more
            "at_sweep_top": sorted(k for k, v in limits.items() if v >= tops[k]),
            "wall_time_s": round(time.perf_counter() - started, 1),
            "rule": "a limit is the largest swept value that passed at every speed, as did every "
                    "smaller one; pass = walked the distance without a fall at >= min_speed_ratio "
                    "of the commanded speed (slopes walked straight up from flat ground, payloads "
                    "carried on flat ground)",
            "verdicts": {f"{t.kind} {t.value:g} @ {t.speed:g} m/s": f"{t.outcome} ({t.achieved:g} "
                         "m/s)" for t in trials},
        },
    }
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locomotion.calibrate_limits",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="pybullet", help="backend to sweep (default pybullet)")
    parser.add_argument("--out", type=Path, default=LIMITS_PATH, help="limits file to write")
    args = parser.parse_args(argv)
    try:
        data = run(args.backend, args.out)
    except (ValueError, ImportError) as exc:
        print(f"calibrate_limits: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {data['limits']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
