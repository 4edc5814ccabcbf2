"""The twin's fall / no-fall verdict against pybullet's at ledges, steps and ramp sides.

Both backends walk straight (``Velocity``) at each edge of the calibration's edge sweep
(:mod:`locomotion.calibrate_edges`): step rises, ledge drops and ramp sides; pybullet at three start
offsets (so the edge meets the gait in different phases), the twin once (it has no gait phase).
A row per edge gives pybullet's outcomes and majority, the twin's outcome, and whether their
fall/no-fall verdicts agree; the last row counts the agreements (goal: all).
"""

from __future__ import annotations

from collections import Counter

from bench.table import Row
from locomotion.backends import make_backend
from locomotion.calibrate_edges import EdgeCase, EdgeOutcome, edge_cases, edge_trial, verdicts

AREA = "locomotion ledges"
SPEED = 0.5


def _run(name: str, cases: list[EdgeCase], offsets: tuple[float, ...]) -> list[EdgeOutcome]:
    backend = make_backend(name)
    try:
        return [edge_trial(backend, c, SPEED, o) for c in cases for o in offsets]
    finally:
        backend.close()


def rows(quick: bool) -> list[Row]:
    cases = edge_cases(quick)
    physics = _run("pybullet", cases, (0.0,) if quick else (-0.1, 0.0, 0.1))
    twin = _run("kinematic", cases, (0.0,))
    p_verdict, t_verdict = verdicts(physics), verdicts(twin)
    where = {o.case: o.where for o in twin}
    out: list[Row] = []
    agree = 0
    for case in cases:
        tally = Counter(o.outcome for o in physics if o.case == case)
        p_fall, t_fall = p_verdict[case] == "fall", t_verdict[case] == "fall"
        same = p_fall == t_fall
        agree += same
        p_where = [o.where for o in physics if o.case == case]
        out.append(Row(
            AREA, f"{case.kind} {case.height:.2f} m: pybullet {p_verdict[case]}, twin "
                  f"{t_verdict[case]}", 1.0 if same else 0.0, "agree", "1", same,
            "pybullet " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
            + f" at {min(p_where):+.2f}..{max(p_where):+.2f} m; twin at {where[case]:+.2f} m "
              "(trunk x - edge x)"))
    out.append(Row(AREA, "fall/no-fall agreement, twin vs pybullet", agree, f"of {len(cases)}",
                   f"{len(cases)}", agree == len(cases),
                   f"{SPEED} m/s, pybullet {len(physics)} trials, twin {len(twin)}"))
    return out
