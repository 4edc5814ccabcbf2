"""A tiny site for the command tests: a world, good/warning/bad missions and a task library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dsl.helpers import WORLD, write

GOOD = 'mission "Good"\nworld "w.world"\nmain { go to gate  wait 2 s }\n'
WARN = 'mission "Warn"\nworld "w.world"\nwaypoint spare at (2, 2)\nmain { go to gate }\n'
BAD = 'mission "Bad"\nworld "w.world"\nmain { go to gatee }\n'
LIB = 'world "w.world"\ntask t() { go to gate }\n'
# checks clean (`mission check` says ok) but cannot be shown, compiled or run: no `mission` line
NAMELESS = 'world "w.world"\nmain { go to gate }\n'


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    write(tmp_path, {"w.world": WORLD, "good.mission": GOOD, "warn.mission": WARN,
                     "bad.mission": BAD, "lib.mission": LIB, "nameless.mission": NAMELESS})
    return tmp_path
