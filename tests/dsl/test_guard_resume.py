"""A guard's interruption at every kind of node: what resumes, what starts again, what is kept.

Each mission is ``guard stuck { report "H"  wait 1 s }`` over a rest; the test makes ``stuck``
true while the rest runs (the handler starts), false again, and lets the handler finish; then it
checks what the rest did. The semantics are in docs/language.md ("What resume keeps").
"""

from __future__ import annotations

from pathlib import Path

import py_trees
from py_trees.common import Status

from bt_runtime.behaviours import LogEntry
from tests.dsl.helpers import HEADER, FakeClock, FakeState, compile_text

GUARD = 'guard stuck { report "H"  wait 1 s }'


class Run:
    """A compiled mission ticked on a fake clock, its report lines collected."""

    def __init__(self, tmp_path: Path, text: str, **values: float) -> None:
        self.root = compile_text(tmp_path, HEADER + text).root
        self.state, self.clock = FakeState(battery=80.0, **values), FakeClock()
        self.log: list[object] = []
        py_trees.trees.setup(self.root, state=self.state, clock=self.clock, log=self.log)

    def tick(self, at: float | None = None) -> Status:
        if at is not None:
            self.clock.now = at
        self.root.tick_once()
        return self.root.status

    def lines(self) -> list[str]:
        return [e.text for e in self.log if isinstance(e, LogEntry)]

    def interrupt(self, at: float, handler_time: float = 1.5) -> None:
        """Fire the guard at ``at``; its handler finishes ``handler_time`` s later."""
        self.state.facts["stuck"] = True
        assert self.tick(at) == Status.RUNNING
        assert self.lines()[-1] == "H"
        self.state.facts["stuck"] = False
        self.tick(at + 0.5)  # the handler's wait runs
        self.clock.now = at + handler_time

    def finish(self, until: float = 500.0, step: float = 1.0) -> Status:
        status = self.tick()
        while status == Status.RUNNING and self.clock.now < until:
            status = self.tick(self.clock.now + step)
        return status


def test_a_block_resumes_at_the_interrupted_step(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  report "a"  wait 10 s  report "b" }}')
    run.tick(0.0)
    run.interrupt(at=4.0)
    assert run.tick() == Status.RUNNING  # the wait starts again at 5.5 s: not over at 5.5
    assert run.lines() == ["a", "H"]  # `report "a"` is not redone
    assert run.tick(15.0) == Status.RUNNING
    assert run.tick(15.6) == Status.SUCCESS and run.lines() == ["a", "H", "b"]


def test_then_restart_runs_the_rest_again_from_its_beginning(tmp_path: Path) -> None:
    run = Run(tmp_path, 'main { guard stuck { report "H"  wait 1 s } then restart  '
                        'report "a"  wait 10 s  report "b" }')
    run.tick(0.0)
    run.interrupt(at=4.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["a", "H", "a", "b"]


def test_a_fallback_goes_on_with_the_alternative_it_was_trying(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  fallback {{ sequence {{ report "first"  fail "no" }}'
                        f'  sequence {{ report "second"  wait 10 s }} }}  report "end" }}')
    run.tick(0.0)
    run.interrupt(at=3.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["first", "second", "H", "end"]


def test_a_parallel_keeps_its_finished_children(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  parallel {{ sequence {{ report "q"  wait 1 s  '
                        f'report "q done" }}  wait 10 s }}  report "end" }}')
    run.tick(0.0)
    assert run.tick(2.0) == Status.RUNNING and run.lines() == ["q", "q done"]
    run.interrupt(at=5.0)
    assert run.tick() == Status.RUNNING
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["q", "q done", "H", "end"]  # the finished child did not run again


def test_repeat_goes_on_with_the_interrupted_lap(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  repeat 3 {{ report "lap"  wait 10 s }}  report "end" }}')
    run.tick(0.0)
    run.tick(10.5)  # lap 1 done
    run.tick(11.0)  # lap 2 started
    assert run.lines() == ["lap", "lap"]
    run.interrupt(at=14.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["lap", "lap", "H", "lap", "end"]  # three laps in all


def test_an_interruption_is_not_a_failure_for_retry(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  retry 1 {{ report "try"  wait 10 s }}  report "end" }}')
    run.tick(0.0)
    run.interrupt(at=3.0)
    assert run.finish() == Status.SUCCESS  # retry 1: one failure would have failed the mission
    assert run.lines() == ["try", "H", "end"]


def test_a_timeout_pauses_while_the_handler_runs(tmp_path: Path) -> None:
    run = Run(tmp_path,
              f'main {{ {GUARD}  timeout 13 s {{ wait 5 s  wait 5 s }}  report "end" }}')
    run.tick(0.0)
    run.tick(5.5)  # the second wait started
    run.interrupt(at=7.0, handler_time=23.0)  # 6 s of the 13 left; the handler ends at 30 s
    assert run.tick() == Status.RUNNING  # 30 s is long past 13 s: its clock stood still
    assert run.tick(34.9) == Status.RUNNING  # the wait started again at 30 s
    assert run.tick(35.6) == Status.SUCCESS and run.lines() == ["H", "end"]


def test_a_timeout_around_the_guard_keeps_running_during_the_handler(tmp_path: Path) -> None:
    run = Run(tmp_path, "main { timeout 5 s { guard stuck { report \"H\"  wait 100 s }  "
                        "wait 10 s } }")
    run.tick(0.0)
    run.state.facts["stuck"] = True
    run.tick(1.0)
    assert run.tick(6.0) == Status.FAILURE
    assert run.lines() == ["H"]


def test_an_if_keeps_the_branch_it_chose(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  if battery > 50 % {{ report "hi"  wait 10 s }} '
                        f'else {{ report "lo" }}  report "end" }}')
    run.tick(0.0)
    run.state.values["battery"] = 10.0  # would choose `else` if the condition were evaluated again
    run.interrupt(at=3.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["hi", "H", "end"]


def test_a_task_call_resumes_inside_the_task(tmp_path: Path) -> None:
    run = Run(tmp_path, 'task t() { report "t1"  wait 10 s  report "t2" }\n'
                        f'main {{ {GUARD}  t()  report "end" }}')
    run.tick(0.0)
    run.interrupt(at=3.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["t1", "H", "t2", "end"]


def test_a_nested_guards_handler_resumes_at_its_interrupted_step(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ {GUARD}  guard battery < 20 % {{ report "charge"  wait 10 s  '
                        f'report "charged" }}  report "work"  wait 100 s  report "end" }}')
    run.tick(0.0)
    run.state.values["battery"] = 10.0
    run.tick(1.0)  # the inner guard fires
    run.state.values["battery"] = 90.0  # the inner handler is not cut short
    assert run.lines() == ["work", "charge"]
    run.interrupt(at=3.0)  # the outer guard interrupts the inner handler's wait
    run.tick()
    assert run.lines() == ["work", "charge", "H"]  # `report "charge"` is not redone
    run.tick(run.clock.now + 10.5)
    assert run.lines() == ["work", "charge", "H", "charged"]  # nor `report "work"`
    assert run.finish() == Status.SUCCESS
    assert run.lines()[-1] == "end"


def test_a_guard_inside_a_repeat_resumes_that_lap(tmp_path: Path) -> None:
    run = Run(tmp_path, f'main {{ repeat 2 {{ report "lap"  {GUARD}  report "x"  wait 10 s }} }}')
    run.tick(0.0)
    run.interrupt(at=3.0)
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["lap", "x", "H", "lap", "x"]


def test_a_failing_handler_fails_the_block_and_resets_the_rest(tmp_path: Path) -> None:
    run = Run(tmp_path, 'main { fallback { sequence { guard stuck { fail "cannot" }  report "a"'
                        '  wait 10 s } sequence { report "fallback" } } }')
    run.tick(0.0)
    run.state.facts["stuck"] = True
    assert run.tick(1.0) == Status.SUCCESS
    assert run.lines() == ["a", "fallback"]
    assert all(n.status != Status.RUNNING for n in run.root.iterate())


def test_after_the_guarded_part_fails_a_retry_starts_it_over(tmp_path: Path) -> None:
    """Resume is for the handler only: a failed guarded part, retried, redoes its first steps
    (the BehaviorTree.CPP export does the same: tests/dsl/test_btcpp_resume.py)."""
    run = Run(tmp_path, f'main {{ retry 2 {{ {GUARD}  report "a"  wait 2 s  fail "no" }} }}')
    assert run.finish() == Status.FAILURE
    assert run.lines() == ["a", "a"]


def test_a_guarded_part_halted_by_a_parallel_starts_over_next_time(tmp_path: Path) -> None:
    """Halted by anything but its handler (here a `parallel any` whose other branch ended), the
    guarded part keeps nothing: the next lap starts it from its first statement."""
    run = Run(tmp_path, f'main {{ repeat 2 {{ parallel any {{ sequence {{ {GUARD}  report "a"  '
                        'wait 5 s  report "b" }  wait 2 s } } }')
    assert run.finish() == Status.SUCCESS
    assert run.lines() == ["a", "a"]
