"""Diagnostics of conditions: robot state, facts, counters, terrain and gaits, and their depth."""

from __future__ import annotations

from pathlib import Path

from dsl import ast as A
from dsl.check_conds import MAX_COND_DEPTH, cond_depth
from tests.dsl.helpers import HEADER, at, check, errors, only, where


def test_unknown_condition_variable_suggests(tmp_path: Path) -> None:
    text = HEADER + "main { if batery < 20 % { dock } }\n"
    d = only(check(tmp_path, text), "robot state")
    assert d.message == "unknown robot state `batery`"
    assert d.hint == "did you mean `battery`?"
    assert where(d) == at(text, "batery")


def test_fact_cannot_be_compared(tmp_path: Path) -> None:
    text = HEADER + "main { if docked > 1 { dock } }\n"
    d = only(check(tmp_path, text), "fact")
    assert d.message == "`docked` is a fact (true or false): it cannot be compared"
    assert where(d) == at(text, "docked")


def test_counter_compares_with_whole_numbers(tmp_path: Path) -> None:
    text = HEADER + "main { if victims_found >= 2 m { dock } }\n"
    d = only(check(tmp_path, text), "counter")
    assert d.message == "counter `victims_found` is a plain number, not a length"
    assert where(d) == at(text, "2 m")


def test_unknown_terrain_kind_in_condition(tmp_path: Path) -> None:
    text = HEADER + "main { if terrain is mudd { dock } }\n"
    d = only(check(tmp_path, text), "terrain kind")
    assert d.hint == "did you mean `mud`?"
    assert where(d) == at(text, "mudd")


def test_carrying_takes_a_payload(tmp_path: Path) -> None:
    text = HEADER + "main { if carrying gate { dock } }\n"
    d = only(check(tmp_path, text), "is a waypoint")
    assert d.message == "`gate` is a waypoint, but `carrying` must be a payload"


def test_fact_argument_may_be_a_task_parameter(tmp_path: Path) -> None:
    text = HEADER + ("task deliver(item: payload, dst: station) { if not carrying item "
                     "{ pick up item at dst } }\nmain { deliver(medkit, depot) }\n")
    assert errors(check(tmp_path, text)) == []
    bad = HEADER + "task t(w: place) { if carrying w { dock } }\nmain { t(gate) }\n"
    d = only(check(tmp_path, bad), "parameter")
    assert d.message == "`w` is a place parameter, but `carrying` must be a payload"

def test_unknown_gait_in_condition_suggests(tmp_path: Path) -> None:
    text = HEADER + "main { if gait is trott { dock } }\n"
    d = only(check(tmp_path, text), "gait")
    assert d.message == "unknown gait `trott`"
    assert d.hint == "did you mean `trot`?"
    assert where(d) == at(text, "trott")


def test_a_measurement_alone_must_be_compared(tmp_path: Path) -> None:
    text = HEADER + "main { if battery { dock } }\n"
    d = only(check(tmp_path, text), "measurement")
    assert d.message == "`battery` is a measurement: compare it"
    assert d.hint == "e.g. `battery > 0`"
    assert where(d) == at(text, "battery")


def test_depth_counts_levels_not_leaves() -> None:
    span = A.Span("m.mission", 1, 1, 1, 2)
    leaf = A.BoolCond(True, span)
    chain: A.Cond = leaf
    for _ in range(5000):  # far deeper than Python's stack: counted without recursion
        chain = A.AndCond(chain, leaf, span)
    assert cond_depth(chain) == 5000
    assert cond_depth(A.NotCond(A.OrCond(leaf, leaf, span), span)) == 2
    assert cond_depth(leaf) == 0


def test_a_condition_just_inside_the_limit_is_accepted(tmp_path: Path) -> None:
    cond = " and ".join(["docked"] * (MAX_COND_DEPTH + 1))  # MAX_COND_DEPTH levels
    text = HEADER + f"main {{ if {cond} {{ dock }} }}\n"
    assert errors(check(tmp_path, text)) == []
    over = HEADER + f"main {{ if {cond} and docked {{ dock }} }}\n"
    d = only(check(tmp_path, over), "nested too deeply")
    assert d.message.startswith(f"this condition is nested too deeply: {MAX_COND_DEPTH + 1} levels")


def test_a_comparison_the_bounds_decide_is_a_warning_at_it(tmp_path: Path) -> None:
    """`battery < 150 %` was accepted silently (it always holds); `battery < 30 %`, `elapsed > 0 s`
    and a comparison with a task parameter depend on the run and are not warned of."""
    text = HEADER + ("task t(b: ratio) { if battery < b { sit } }\n"
                     "main { if battery < 150 % { stand }  if pitch > 200 deg { sit }\n"
                     "  if falls != -1 { sit }  if battery < 30 %  { sit }  if elapsed > 0 s { sit }"
                     "  t(20 %) }\n")
    report = check(tmp_path, text)
    assert errors(report) == [], report.render()
    warned = {d.message: where(d) for d in report.diagnostics if "holds" in d.message}
    assert warned == {
        "`battery < 150 %` always holds: `battery` is between 0 and 100 %":
            at(text, "battery < 150 %"),
        "`pitch > 200 deg` never holds: `pitch` is between -180 and 180 deg":
            at(text, "pitch > 200 deg"),
        "`falls != -1` always holds: `falls` is >= 0": at(text, "falls != -1"),
    }
