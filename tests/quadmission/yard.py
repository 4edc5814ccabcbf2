"""A small yard and a delivery mission that runs in a second on the kinematic twin."""

from __future__ import annotations

import argparse
from pathlib import Path

from quadmission.cli import build_parser

WORLD = """\
world "Test yard"
bounds (0, 0) to (30, 20)
terrain wall: obstacle rect (10, 0) to (11, 14) { height 2 m }
terrain patch: gravel rect (4, 8) to (8, 12)
dock base at (2, 2)
station depot at (4, 6)
station shop at (7, 2)
victim v1 at (6, 14)
payload kit 2 kg at depot
"""

MISSION = """\
mission "Test shuttle" { tick_rate 10 Hz  time_limit 10 min }
robot a1 { battery 100 Wh  charge 80 %  max_speed 0.6 m/s  payload 5 kg }
world "yard.world"
main {
    guard battery < 20 % { dock  charge until 90 % }
    go to depot
    pick up kit at depot
    go to shop
    drop off kit at shop
    if deliveries >= 1 { report "delivered" } else { alert "lost" }
    dock
}
"""


def write(folder: Path, mission: str = MISSION) -> Path:
    (folder / "yard.world").write_text(WORLD)
    path = folder / "shuttle.mission"
    path.write_text(mission)
    return path


def args_for(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["run", *argv])
