"""Task arguments judged against what the task does with them (dsl/check_args.py).

`mission check` said "ok" for `hold(-5 s)` into `timeout t { }` or `pol(0)` into `on failure retry
k`, then `mission show`/`run` printed a Python traceback (and for a `repeat`, `follow ... laps` or
`charge until` stopped with "cannot compile"). Each written argument is now checked at the call
against the range of every use of its parameter, through the tasks it is passed on to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dsl.helpers import HEADER, at, check, errors, only, where


@pytest.mark.parametrize("task, call, message", [
    ("task hold(t: time) { timeout t { wait 1 s } }", "hold(-5 s)",
     "argument `t` must be > 0 s (task `hold` uses it as the timeout at line 3), got -5 s"),
    ("task pol(k: int) { go to gate on failure retry k every 2 s }", "pol(0)",
     ("argument `k` must be between 1 and 1,000,000 (task `pol` uses it as the number of retries "
     "at line 3), got 0")),
    ("task pol(d: time) { go to gate on failure retry 2 every d }", "pol(0 s)",
     "argument `d` must be > 0 s (task `pol` uses it as the retry delay at line 3), got 0 s"),
    ("task sweep(n: int) { repeat n { stand } }", "sweep(2000000)",
     ("argument `n` must be between 1 and 1,000,000 (task `sweep` uses it as the repeat count at "
     "line 3), got 2000000")),
    ("task ch(r: ratio) { dock  charge until r }", "ch(150 %)",
     ("argument `r` must be > 0 and <= 100 % (task `ch` uses it as `charge` until at line 3), "
     "got 150 %")),
    ("task w(t: time) { wait t }", "w(-1 min)",
     ("argument `t` must be >= 0 s (task `w` uses it as `wait` duration at line 3), got -1 min = "
     "-60 s")),
])
def test_a_written_argument_outside_its_uses_range_is_an_error_at_it(
        tmp_path: Path, task: str, call: str, message: str) -> None:
    text = HEADER + f"{task}\nmain {{ {call} }}\n"
    d = only(check(tmp_path, text), "argument")
    assert d.message == f"value out of range: {message}"
    assert where(d) == at(text, call[call.index("(") + 1:-1])


def test_an_argument_passed_on_is_judged_by_the_task_that_uses_it_even_in_an_import(
        tmp_path: Path) -> None:
    lib = "task inner(k: int) { retry k { stand } }\ntask outer(n: int) { inner(n) }\n"
    text = HEADER + ('import "lib.mission"\ntask first(m: int) { second(m) }\n'
                     "task second(c: int) { outer(c) }\nmain { first(0) outer(3) }\n")
    d = only(check(tmp_path, text, extra={"lib.mission": lib}), "argument")
    assert d.message == ("value out of range: argument `m` must be between 1 and 1,000,000 (task "
                         f"`inner` uses it as the number of attempts at {tmp_path / 'lib.mission'}"
                         ":1), got 0")
    assert where(d) == at(text, "0)")


def test_arguments_in_range_and_wrong_ones_reported_once(tmp_path: Path) -> None:
    text = HEADER + ("task go_round(n: int, t: time) { repeat n { wait t } timeout t { stand } }\n"
                     "main { go_round(2, 5 s) go_round(2, 5 m) go_round(2.5, 1 s) }\n")
    report = check(tmp_path, text)
    # the wrong unit and the fraction are the call's own errors: no range error on top of them
    assert [d.message for d in errors(report)] == [
        "`5 m` is a length, but argument `t` is a time",
        "argument `n` must be a whole number, got 2.5",
    ]
