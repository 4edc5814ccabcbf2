"""A fingerprint of kinematic runs, to prove that a speed-up did not change what a run does.

``python -m bench.run_fingerprint`` runs the first seeds of each example mission's campaign
(campaign seed 0, its declared variation applied, the twin) and prints, per run, its outcome,
duration, energy, falls and a SHA-256 of every event the run emitted (wall-clock fields are left
out, and so are the mission's path and the package versions, so two checkouts compare). Run it
before and after a change that should only be faster, and diff the two outputs: one changed line
names the mission and seed that now behaves differently.

Options: ``--runs N`` (per mission, default 4), ``--mission NAME`` (repeatable).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from quadmission.campaign.plan import draw_for, run_seed
from quadmission.campaign.worker import run_drawn
from quadmission.loading import load_mission

MISSIONS = Path(__file__).resolve().parent.parent / "missions"
EXAMPLES = ("patrol", "rescue", "logistics")
_WALL_CLOCK = {"run_id", "started_at", "wall_time"}
_CHECKOUT = {"source_path", "versions"}
"""Fields that name where and with what the code is installed, not what the run did."""


def _without_wall_clock(value: Any) -> Any:
    """``value`` with wall-clock keys dropped from any mapping inside it (a run summary's)."""
    if isinstance(value, dict):
        return {k: _without_wall_clock(v) for k, v in sorted(value.items()) if k not in _WALL_CLOCK}
    return value


class DigestSink:
    """An event sink that folds every event (minus wall-clock fields) into one SHA-256."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.events = 0

    def append(self, event: Any) -> None:
        if dataclasses.is_dataclass(event):
            fields = {f.name: _without_wall_clock(getattr(event, f.name))
                      for f in dataclasses.fields(event)
                      if f.name not in _WALL_CLOCK and f.name not in _CHECKOUT}
            text = f"{type(event).__name__}{sorted(fields.items())!r}"
        else:
            text = repr(event)
        self._hash.update(text.encode())
        self.events += 1

    def commit_tick(self) -> None:
        """Nothing to commit: the digest is in memory."""

    def hexdigest(self) -> str:
        return self._hash.hexdigest()[:16]


def fingerprint(name: str, index: int) -> str:
    """One line describing run ``index`` of mission ``name``'s campaign seed 0."""
    mission = load_mission(str(MISSIONS / f"{name}.mission"))
    seed = run_seed(0, index)
    sink = DigestSink()
    report, _ = run_drawn(mission, "kinematic", seed, draw_for(mission.compiled.variation, seed),
                          log=sink)
    return (f"{name} run {index}: {report.outcome} t={report.duration:.3f} "
            f"energy={report.energy:.1f} falls={report.falls} ticks={report.ticks} "
            f"events={sink.events} digest={sink.hexdigest()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_fingerprint")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--mission", action="append", choices=EXAMPLES)
    args = parser.parse_args(argv)
    for name in args.mission or EXAMPLES:
        for index in range(args.runs):
            print(fingerprint(name, index), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
