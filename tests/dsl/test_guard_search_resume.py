"""A battery guard mid-search: after docking and charging, the search goes on where it stopped.

The mission is compiled from the language and run on the kinematic twin (the robot really walks
to the dock and back); the search's runner is watched through the action port.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from py_trees.common import Status

from bt_runtime import behaviours as bh
from bt_runtime.actions.looking import SearchRunner
from bt_runtime.actions.port import ActionPort
from dsl.api import check_paths
from dsl.compiler import compile_mission
from tests.bt_runtime.runtime_world import make_context

WORLD = ('world "yard"\nbounds (0, 0) to (30, 20)\ndock base at (2, 2)\n'
         'area north rect (2, 12) to (12, 18)\n')


def _run(tmp_path: Path, option: str) -> dict[str, object]:
    (tmp_path / "w.world").write_text(WORLD)
    (tmp_path / "m.mission").write_text(
        'mission "S"\nworld "w.world"\nmain {\n'
        f'    guard battery < 50 % {{ dock at base  charge until 60 % }}{option}\n'
        '    search north for victim\n    report "searched"\n}\n')
    report = check_paths([str(tmp_path / "m.mission")])
    assert not report.has_errors, report.render()
    compiled = compile_mission(report.programs[0])
    assert compiled.world is not None
    ctx = make_context(world=compiled.world, start=(4.0, 10.0))
    port = ActionPort(ctx)
    for node in compiled.root.iterate():
        node.setup(robot=port, state=ctx, clock=lambda: ctx.time)
    search = next(n for n in compiled.root.iterate() if isinstance(n, bh.SearchArea))
    seen: dict[str, object] = {}
    while ctx.time < 900.0 and compiled.root.status in (Status.INVALID, Status.RUNNING):
        compiled.root.tick_once()
        runner = port.active.get(id(search))
        if isinstance(runner, tuple) and isinstance(runner[0], SearchRunner):
            current = runner[0]
            if "interrupted" not in seen and current.coverage > 0.6:
                seen.update(interrupted=current, covered=current.coverage,
                            index=current.index, at=ctx.time)
                ctx.set_battery(40.0)  # the guard fires on the next tick
            elif "interrupted" in seen and "resumed" not in seen and ctx.docked_name is None \
                    and ctx.time > float(seen["at"]) + 5.0:  # type: ignore[arg-type]
                seen.update(resumed=current, resumed_covered=current.coverage,
                            resumed_index=current.index)
        ctx.step(0.1)
    seen.update(status=compiled.root.status, time=ctx.time, feedback=search.feedback_message)
    return seen


@pytest.mark.parametrize("option", ["", " then resume"])
def test_the_search_continues_its_remaining_coverage_after_charging(tmp_path: Path,
                                                                      option: str) -> None:
    run = _run(tmp_path, option)
    assert run["status"] == Status.SUCCESS, run["feedback"]
    assert run["resumed"] is run["interrupted"]  # the same runner: its visited cells are kept
    assert run["resumed_covered"] >= run["covered"]  # type: ignore[operator]
    assert run["resumed_index"] == run["index"]  # back to the lane point it was heading for
    assert run["feedback"] == "search done: 100% covered"  # the interrupted lane was finished


def test_then_restart_searches_the_area_again_from_scratch(tmp_path: Path) -> None:
    run = _run(tmp_path, " then restart")
    assert run["status"] == Status.SUCCESS, run["feedback"]
    assert run["resumed"] is not run["interrupted"]
    assert run["resumed_index"] <= 1
    assert run["resumed_covered"] < run["covered"]  # type: ignore[operator]
    (tmp_path / "resume").mkdir()
    resumed = _run(tmp_path / "resume", "")
    assert float(resumed["time"]) < float(run["time"])  # type: ignore[arg-type]
