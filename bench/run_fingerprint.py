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
import hashlib
import json
from pathlib import Path
from typing import Any

from bt_runtime.codec import to_dict
from bt_runtime.events import Message
from quadmission.campaign.plan import draw_for, run_seed
from quadmission.campaign.worker import run_drawn
from quadmission.loading import load_mission

MISSIONS = Path(__file__).resolve().parent.parent / "missions"
EXAMPLES = ("patrol", "rescue", "logistics")
_LEFT_OUT = {"run_id", "started_at", "wall_time", "source_path", "versions"}
"""Keys that say when, where and with what the run happened (wall clock, checkout, package
versions), not what it did."""


def _what_happened(value: Any) -> Any:
    """``value`` with the :data:`_LEFT_OUT` keys dropped from every mapping inside it."""
    if isinstance(value, dict):
        return {k: _what_happened(v) for k, v in value.items() if k not in _LEFT_OUT}
    if isinstance(value, list):
        return [_what_happened(v) for v in value]
    return value


class DigestSink:
    """An event sink that folds every event, in the JSON form the run log records
    (:func:`bt_runtime.codec.to_dict`), minus :data:`_LEFT_OUT`, into one SHA-256."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.events = 0

    def append(self, event: Message) -> None:
        data = _what_happened(to_dict(event))
        self._hash.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
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
