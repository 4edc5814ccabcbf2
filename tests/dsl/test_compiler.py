"""The compiled tree of every construct (golden files) and how the tricky ones behave when ticked.

Golden files live in tests/dsl/golden/. After a deliberate change, regenerate them with
``QM_UPDATE_GOLDEN=1 python -m pytest tests/dsl/test_compiler.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import py_trees
import pytest
from py_trees.common import Status

from bt_runtime.behaviours import LogEntry
from dsl.compiler import CompileError, action_text, compile_mission
from dsl.export import render_tree
from tests.dsl.helpers import HEADER, FakeClock, FakeState, check, compile_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("QM_UPDATE_GOLDEN") == "1"

CONSTRUCTS: dict[str, str] = {
    "block": "main { go to gate  wait 2 s  stand }",
    "sequence": "main { sequence { sit stand } }",
    "fallback": 'main { fallback { fail "no" succeed } }',
    "parallel_all": "main { parallel { stand report \"x\" } parallel all { sit } }",
    "parallel_any": "main { parallel any { wait 1 s  wait 2 s } }",
    "repeat": "main { repeat 3 { go to gate  go to tower } }",
    "repeat_forever": "main { repeat forever { scan radius 5 m for intruder } }",
    "retry": "main { retry 2 { dock } }",
    "timeout": "main { timeout 1.5 min { go to tower } }",
    "if": "main { if docked { sit } }",
    "if_else_chain": ("main { if battery < 20 % { dock } else if terrain is mud { set gait crawl }"
                      " else { set gait auto } }"),
    "guard": "main { report \"start\"  guard battery < 25 % { go to base  charge until 90 % }"
             "  go to gate  go to tower }",
    "guard_restart": "main { guard battery < 25 % { go to base } then restart  go to gate }",
    "task_call": ("route loop: gate -> tower -> gate\n"
                  "task sweep(r: route, laps: int, pause: time) { repeat laps { follow r "
                  "wait pause } }\nmain { sweep(loop, 2, 3 s)  sweep(r: loop, laps: 1, "
                  "pause: 1 min) }"),
    "on_failure": 'task t() { fail "boom" } on failure { alert "recovering"  dock at base }\n'
                  "main { t() }",
    "nested_tasks": "task inner(p: place) { go to p }\ntask outer(q: place) { inner(q) "
                    "inner(tower) }\nmain { outer(gate) }",
    "actions": ("area lot rect (0, 0) to (10, 6)\n"
                "main { go to (4, 4)  follow loop laps 2  search lot for victim  scan lot for "
                'payload  report "hi"  alert "hey"  pick up medkit at depot  drop off at depot  '
                "drop off medkit at depot  dock  dock at base  charge until 80 %  wait 500 ms  "
                "stand  sit  set speed 2 km/h  set gait stairs  succeed  fail \"why\" }\n"
                "route loop: gate -> tower"),
    "policies": ("main { go to gate on failure retry 3 every 10 s  go to tower on failure skip  "
                 "dock on failure retry later  go to base on failure abort  "
                 "stand on failure { sit } }"),
    "task_policy": "task t(n: int) { go to gate } on failure retry n\nmain { t(2)  t(1) }",
    "conditions": ("main { if not (docked or stuck) and distance to gate < 3 m { sit } "
                   "if carrying medkit and victims_found >= 2 or gait is crawl { stand } "
                   "if true { succeed } else { fail \"never\" } }"),
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_golden_tree(tmp_path: Path, name: str) -> None:
    compiled = compile_text(tmp_path, HEADER + CONSTRUCTS[name] + "\n")
    text = render_tree(compiled.root)
    golden = GOLDEN / f"{name}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with QM_UPDATE_GOLDEN=1 and review"
    assert text == golden.read_text(encoding="utf-8")


def every_composite_has_explicit_memory(root: py_trees.behaviour.Behaviour) -> bool:
    for node in root.iterate():
        composite = isinstance(node, (py_trees.composites.Sequence, py_trees.composites.Selector))
        if composite and not isinstance(node.memory, bool):
            return False
    return True


def test_memory_is_always_set(tmp_path: Path) -> None:
    compiled = compile_text(tmp_path, HEADER + CONSTRUCTS["guard"] + "\n")
    assert every_composite_has_explicit_memory(compiled.root)


def setup(root: py_trees.behaviour.Behaviour, **kwargs: object) -> None:
    py_trees.trees.setup(root, **kwargs)


def _guard_run(tmp_path: Path, option: str) -> list[str]:
    """Run a guard over ``report "rest"  wait 10 s  report "done"``, firing during the wait."""
    text = HEADER + ('main { report "start"  guard battery < 25 % { report "low"  wait 2 s '
                     'report "handled" }' + option + '  report "rest"  wait 10 s  report "done" }\n')
    root = compile_text(tmp_path, text).root
    state, clock, log = FakeState(battery=80.0), FakeClock(), []  # type: ignore[var-annotated]
    setup(root, state=state, clock=clock, log=log)

    def lines() -> list[str]:
        return [entry.text for entry in log if isinstance(entry, LogEntry)]

    root.tick_once()
    assert root.status == Status.RUNNING and lines() == ["start", "rest"]
    state.values["battery"] = 20.0  # the guard fires: the rest is preempted, the handler starts
    root.tick_once()
    assert root.status == Status.RUNNING and lines() == ["start", "rest", "low"]
    state.values["battery"] = 90.0  # not re-checked while the handler runs
    clock.now = 1.0
    root.tick_once()
    assert lines() == ["start", "rest", "low"]
    clock.now = 2.5  # the handler finishes and the rest goes on in the same tick
    root.tick_once()
    seen = lines()
    clock.now = 12.0  # the wait restarted at 2.5 s: not over yet
    root.tick_once()
    assert root.status == Status.RUNNING
    clock.now = 13.0
    root.tick_once()
    assert root.status == Status.SUCCESS and lines()[-1] == "done"
    return seen


def test_guard_resumes_the_rest_at_the_interrupted_step(tmp_path: Path) -> None:
    # `report "rest"` had completed: it is not redone; the interrupted `wait 10 s` starts again
    assert _guard_run(tmp_path, "") == ["start", "rest", "low", "handled"]
    assert _guard_run(tmp_path, " then resume") == ["start", "rest", "low", "handled"]


def test_guard_then_restart_starts_the_rest_from_its_beginning(tmp_path: Path) -> None:
    assert _guard_run(tmp_path, " then restart") == ["start", "rest", "low", "handled", "rest"]


def test_guard_handler_failure_fails_the_block(tmp_path: Path) -> None:
    text = HEADER + 'main { guard stuck { fail "cannot recover" }  wait 10 s }\n'
    root = compile_text(tmp_path, text).root
    state, clock = FakeState(), FakeClock()
    setup(root, state=state, clock=clock)
    root.tick_once()
    assert root.status == Status.RUNNING
    state.facts["stuck"] = True
    root.tick_once()
    assert root.status == Status.FAILURE


def test_on_failure_runs_the_handler(tmp_path: Path) -> None:
    text = HEADER + 'task t() { fail "boom" } on failure { report "recovered" }\nmain { t() }\n'
    root = compile_text(tmp_path, text).root
    log: list[LogEntry] = []
    setup(root, log=log)
    root.tick_once()
    assert root.status == Status.SUCCESS
    assert [e.text for e in log] == ["recovered"]


def test_if_decides_once_when_reached(tmp_path: Path) -> None:
    text = HEADER + 'main { if docked { wait 5 s  report "then" } else { report "else" } }\n'
    root = compile_text(tmp_path, text).root
    state, clock, log = FakeState(), FakeClock(), []  # type: ignore[var-annotated]
    state.facts["docked"] = True
    setup(root, state=state, clock=clock, log=log)
    root.tick_once()
    state.facts["docked"] = False  # changing the condition mid-branch does not switch branches
    clock.now = 6.0
    root.tick_once()
    assert root.status == Status.SUCCESS and [e.text for e in log] == ["then"]


def test_if_without_else_succeeds_when_false(tmp_path: Path) -> None:
    root = compile_text(tmp_path, HEADER + 'main { if docked { fail "x" } }\n').root
    setup(root, state=FakeState())
    root.tick_once()
    assert root.status == Status.SUCCESS


def test_branch_failure_is_not_a_fallthrough(tmp_path: Path) -> None:
    text = HEADER + 'main { if true { fail "x" } else { succeed } }\n'
    root = compile_text(tmp_path, text).root
    setup(root, state=FakeState())
    root.tick_once()
    assert root.status == Status.FAILURE


def test_repeat_retry_and_timeout(tmp_path: Path) -> None:
    text = HEADER + 'main { repeat 3 { report "lap" }  retry 2 { fail "x" } }\n'
    root = compile_text(tmp_path, text).root
    log: list[LogEntry] = []
    setup(root, log=log)
    for _ in range(10):
        root.tick_once()
        if root.status != Status.RUNNING:
            break
    assert [e.text for e in log] == ["lap"] * 3
    assert root.status == Status.FAILURE

    timed = compile_text(tmp_path, HEADER + "main { timeout 5 s { wait 60 s } }\n").root
    clock = FakeClock()
    setup(timed, clock=clock)
    timed.tick_once()
    assert timed.status == Status.RUNNING
    clock.now = 6.0
    timed.tick_once()
    assert timed.status == Status.FAILURE


def test_parallel_policies(tmp_path: Path) -> None:
    both = compile_text(tmp_path, HEADER + "main { parallel { wait 1 s  wait 3 s } }\n").root
    clock = FakeClock()
    setup(both, clock=clock)
    both.tick_once()
    clock.now = 2.0
    both.tick_once()
    assert both.status == Status.RUNNING
    clock.now = 4.0
    both.tick_once()
    assert both.status == Status.SUCCESS

    any_ = compile_text(tmp_path, HEADER + "main { parallel any { wait 1 s  wait 3 s } }\n").root
    clock2 = FakeClock()
    setup(any_, clock=clock2)
    any_.tick_once()
    clock2.now = 2.0
    any_.tick_once()
    assert any_.status == Status.SUCCESS


def test_actions_without_robot_fail_with_a_reason(tmp_path: Path) -> None:
    root = compile_text(tmp_path, HEADER + "main { go to gate }\n").root
    root.tick_once()
    assert root.status == Status.FAILURE
    leaf = next(n for n in root.iterate() if type(n).__name__ == "GoTo")
    assert leaf.feedback_message == "not set up: no robot attached"


def test_arguments_are_substituted_per_call(tmp_path: Path) -> None:
    text = HEADER + "task t(p: place) { go to p }\nmain { t(gate)  t(tower) }\n"
    compiled = compile_text(tmp_path, text)
    targets = [n.target.name for n in compiled.root.iterate() if hasattr(n, "target")]
    assert targets == ["gate", "tower"]


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_every_leaf_is_named_as_action_text_spells_its_statement(tmp_path: Path,
                                                                 name: str) -> None:
    """The compiler spells its leaves inline (dsl.compile_actions); the exports spell the same
    statements with action_text: the two must agree on every action, task arguments included."""
    compiled = compile_text(tmp_path, HEADER + CONSTRUCTS[name] + "\n")
    actions = [(node, source) for node in compiled.root.iterate()
               if (source := compiled.sources.get(id(node))) is not None
               and source.role == "action"]
    assert actions
    for node, source in actions:
        assert node.name == action_text(source.origin, source.scope)


def test_mission_settings(tmp_path: Path) -> None:
    text = ('mission "Patrol" { tick_rate 20 Hz  time_limit 2 min }\nworld "w.world"\n'
            "robot a1 { max_speed 0.4 m/s }\nmain { go to gate }\nrequire duration <= 90 s\n")
    compiled = compile_text(tmp_path, text)
    assert compiled.name == "Patrol" and compiled.root.name == "Patrol"
    assert compiled.tick_rate == 20.0 and compiled.time_limit == 120.0
    assert compiled.robot["max_speed"] == 0.4 and compiled.robot["battery"] == 480.0
    assert compiled.requirements[0].value == 90.0
    assert compiled.world is not None and compiled.world.name == "Test site"


def test_library_cannot_be_compiled(tmp_path: Path) -> None:
    report = check(tmp_path, 'world "w.world"\ntask t() { succeed }\n')
    with pytest.raises(CompileError, match="no `main`"):
        compile_mission(report.programs[0])


def test_sim_world_adds_mission_places(tmp_path: Path) -> None:
    text = HEADER + "station drop at (8, 8)\npayload kit 1 kg at drop\nmain { pick up kit at drop }\n"
    compiled = compile_text(tmp_path, text)
    assert compiled.world is not None
    assert [s.name for s in compiled.world.stations] == ["depot", "drop"]
    assert [p.name for p in compiled.world.payloads] == ["medkit", "kit"]


def test_text_parameters_reach_report_alert_and_fail(tmp_path: Path) -> None:
    text = (HEADER + 'task say(msg: text, why: text) { report msg  alert msg  fail why }\n'
            'main { say("west \\"wing\\"", "gave up")  say("east", "no") }\n')
    compiled = compile_text(tmp_path, text)
    leaves = [(type(n).__name__, n.name) for n in compiled.root.iterate()
              if type(n).__name__ in ("Report", "Alert", "Fail")]
    assert leaves[:3] == [("Report", 'report "west \\"wing\\""'),
                          ("Alert", 'alert "west \\"wing\\""'), ("Fail", 'fail "gave up"')]
    assert [n.text for n in compiled.root.iterate() if type(n).__name__ == "Report"] == [
        'west "wing"', "east"]
    assert [n.reason for n in compiled.root.iterate() if type(n).__name__ == "Fail"] == [
        "gave up", "no"]


def test_places_are_shared_within_one_compilation_only(tmp_path: Path) -> None:
    text = HEADER + "main { go to gate  go to gate }\n"
    report = check(tmp_path, text)
    first = compile_mission(report.programs[0])
    second = compile_mission(report.programs[0])
    a, b = [n.target for n in first.root.iterate() if hasattr(n, "target")]
    assert a is b  # one Place per name in a compilation
    (c, _d) = [n.target for n in second.root.iterate() if hasattr(n, "target")]
    assert c is not a and c == a  # nothing carried over between compilations
