"""The deepest trees the checker accepts run: the executor ticks them, the log records their tree
definition and replay reads it back, all without RecursionError (py_trees recurses per level)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_runtime.eventlog import EventLogReader
from dsl.check_shape import MAX_TREE_DEPTH
from locomotion.backends import make_backend
from quadmission.loading import load_mission
from quadmission.session import simulate
from tests.dsl.test_tree_limits import size_and_depth
from tests.quadmission.yard import MISSION, write

HEAD = MISSION.split("main {")[0]


def _guards(n: int) -> str:
    return "".join(f"    guard battery < {i % 15 + 1} % {{ sit }}\n" for i in range(n))


def _chain(n: int) -> str:
    tasks = "".join(f"task t{i}() {{ t{i + 1}() }}\n" for i in range(n))
    return tasks + f'task t{n}() {{ report "deep"  go to depot }}\n'


@pytest.mark.parametrize(("body", "n"), [("guards", 48), ("chain", 48)])
def test_the_deepest_legal_mission_runs_and_is_logged(tmp_path: Path, body: str, n: int) -> None:
    if body == "guards":
        text = HEAD + "main {\n" + _guards(n) + '    report "deep"\n    go to depot\n}\n'
    else:
        text = HEAD + _chain(n) + "main { t0() }\n"
    mission = load_mission(str(write(tmp_path, text)))
    assert size_and_depth(mission.compiled.root)[1] >= MAX_TREE_DEPTH - 2
    from bt_runtime.eventlog import EventLogWriter

    log = EventLogWriter(tmp_path / "deep.sqlite")
    try:
        report = simulate(mission, make_backend("kinematic"), seed=3, backend_name="kinematic",
                          log=log)
    finally:
        log.close()
    assert report.outcome == "success"
    with EventLogReader(tmp_path / "deep.sqlite") as reader:
        assert reader.last_sim_time() > 0
