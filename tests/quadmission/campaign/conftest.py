"""Short missions on the industrial park world for campaign tests (a few simulated seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
WORLD = REPO / "missions" / "worlds" / "industrial_park.world"

HEAD = """mission "NAME" { tick_rate 10 Hz  time_limit 2 min }
robot a1 { battery 130 Wh  charge 80 %  max_speed 0.6 m/s }
world "worlds/industrial_park.world"
"""

PASSING = HEAD + """
main {
    go to gate
    go to base
}
require success >= 80 %
require duration <= 1 min
require falls == 0
vary {
    charge 60 % .. 90 %
    friction drain 0.3 .. 0.5
    push_impulse 0 .. 2
    push_time 1 s .. 5 s
}
"""

FAILING = HEAD + """
main {
    go to gate
    fail "the checkpoint is always shut"
}
require success >= 80 %
"""


def write_mission(folder: Path, name: str, text: str) -> Path:
    """``folder/NAME.mission`` with the world next to it; returns the mission's path."""
    (folder / "worlds").mkdir(exist_ok=True)
    shutil.copy(WORLD, folder / "worlds" / WORLD.name)
    path = folder / f"{name}.mission"
    path.write_text(text)
    return path


@pytest.fixture()
def passing(tmp_path: Path) -> Path:
    return write_mission(tmp_path, "passing", PASSING.replace("NAME", "passing"))


@pytest.fixture()
def failing(tmp_path: Path) -> Path:
    return write_mission(tmp_path, "failing", FAILING.replace("NAME", "failing"))
