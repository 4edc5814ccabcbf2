"""A resuming guard, exported, in BehaviorTree.CPP itself: what it redoes and what it keeps.

The stand-in leaves (tests/dsl/btcpp_harness.py) start RUNNING and succeed on their next tick
(``fail`` fails), so a script of ``@battery`` by tick decides when the guard's handler cuts in.
Each expected list is what our own runtime does with the same mission (docs/language.md, "What
resume keeps"; tests/dsl/test_guard_resume.py holds ours at every kind of node): the interrupted
statement restarts, the statements done before it are kept, and after a failure or any other
halt the guarded part starts over.
"""

from __future__ import annotations

from pathlib import Path

import behaviortreepy as bt

from dsl.export import to_btcpp_xml
from tests.dsl.btcpp_harness import prepare
from tests.dsl.helpers import HEADER, compile_text

GUARD = "guard battery < 20 % { dock }"


def drive(tmp_path: Path, text: str, low: set[int], max_ticks: int = 80) -> tuple[str, list[str]]:
    """Tick the exported ``text`` with the battery low on the ticks in ``low``.

    Returns:
        The tree's final status, and each stand-in start: a report's text, else the node ID.
    """
    prepared = prepare(to_btcpp_xml(compile_text(tmp_path, HEADER + text)))
    tree = prepared.load()
    status = bt.NodeStatus.RUNNING
    for tick in range(1, max_ticks + 1):
        prepared.board.set_double("battery", 10.0 if tick in low else 80.0)
        status = tree.tick_exactly_once()
        if status != bt.NodeStatus.RUNNING:
            break
    tree.halt_tree()
    return status.name, [str(c.ports.get("text", c.node)) for c in prepared.outcome.calls]


def test_the_rest_resumes_at_the_interrupted_statement(tmp_path: Path) -> None:
    main = f'main {{ {GUARD}  report "a"  report "b"  report "c" }}'
    # tick 1 starts a, tick 2 b; at tick 3 the handler cuts in; it ends at tick 4
    assert drive(tmp_path, main, low={3}) == ("SUCCESS", ["a", "b", "Dock", "b", "c"])


def test_then_restart_starts_the_rest_over(tmp_path: Path) -> None:
    main = 'main { guard battery < 20 % { dock } then restart  report "a"  report "b" }'
    assert drive(tmp_path, main, low={3}) == ("SUCCESS", ["a", "b", "Dock", "a", "b"])


def test_a_handler_before_the_rest_ever_ran_then_the_rest_from_its_start(tmp_path: Path) -> None:
    main = f'main {{ {GUARD}  report "a"  report "b" }}'
    assert drive(tmp_path, main, low={1}) == ("SUCCESS", ["Dock", "a", "b"])


def test_interrupted_twice_it_keeps_what_both_runs_did(tmp_path: Path) -> None:
    main = f'main {{ {GUARD}  report "a"  report "b"  report "c"  report "d" }}'
    # a, b (cut at 3, handler 3-4, b again 4-5), c (cut at 6, handler 6-7, c again), d
    assert drive(tmp_path, main, low={3, 6}) == (
        "SUCCESS", ["a", "b", "Dock", "b", "c", "Dock", "c", "d"])


def test_after_a_failure_a_retry_starts_the_guarded_part_over(tmp_path: Path) -> None:
    """BT.CPP's SequenceWithMemory would go on at the failed step: ours starts over."""
    main = f'main {{ retry 2 {{ {GUARD}  report "a"  fail "no" }} }}'
    assert drive(tmp_path, main, low=set()) == ("FAILURE", ["a", "Fail", "a", "Fail"])


def test_after_a_handler_fails_a_retry_starts_the_guarded_part_over(tmp_path: Path) -> None:
    main = 'main { retry 2 { guard battery < 20 % { fail "low" }  report "a"  report "b" } }'
    assert drive(tmp_path, main, low={3}) == ("SUCCESS", ["a", "b", "Fail", "a", "b"])


def test_a_halt_that_is_not_the_handler_forgets_the_progress(tmp_path: Path) -> None:
    """``parallel any`` ends when its short branch does and halts the guarded one mid-way; the
    next lap of the repeat starts that branch over (BT.CPP's SequenceWithMemory would not)."""
    main = (f'main {{ repeat 2 {{ parallel any {{ sequence {{ {GUARD}  report "a"  report "b"  '
            f'report "c"  report "d" }}  sequence {{ report "x"  report "y" }} }} }} }}')
    status, starts = drive(tmp_path, main, low=set())
    assert status == "SUCCESS"
    branch = [s for s in starts if s in "abcd"]
    assert branch == ["a", "b", "c", "a", "b", "c"]  # halted in c both laps: lap 2 starts at a


def test_a_guard_inside_a_guarded_part_resumes_when_the_outer_handler_is_done(
        tmp_path: Path) -> None:
    main = (f'main {{ {GUARD}  report "a"  guard victim_found {{ stand }}  report "b"  '
            'report "c"  report "d" }')
    # a (1-2), b (2-3), c starts at 3; the outer handler cuts in at 4 and ends at 5: c again
    assert drive(tmp_path, main, low={4}) == ("SUCCESS", ["a", "b", "c", "Dock", "c", "d"])


def test_each_call_of_a_task_keeps_its_own_progress(tmp_path: Path) -> None:
    text = (f'task rounds(first: text, second: text) {{ {GUARD}  report first  '
            'report second }\nmain { rounds("a", "b")  rounds("c", "d") }')
    # the first call runs a (1-2), b (2-3); the second c (3-4), d from 4, cut off at 5
    assert drive(tmp_path, text, low={5}) == ("SUCCESS", ["a", "b", "c", "d", "Dock", "d"])
