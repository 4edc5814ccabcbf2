"""Temporal requirements: sampled on the state at each tick, judged at the end of the run."""

from __future__ import annotations

import pytest

from bt_runtime import expressions as E
from bt_runtime.requirements import Verdict, verdict_from_json
from bt_runtime.temporal import TemporalCriterion, TemporalJudge


class State:
    """A fake StateView: battery and one fact."""

    def __init__(self) -> None:
        self.battery = 100.0
        self.found = False
        self.docked = False

    def value(self, name: str) -> float:
        return self.battery

    def fact(self, name: str, arg: str | None = None) -> bool:
        return self.found if name == "victim_found" else self.docked

    def counter(self, name: str) -> int:
        return 0

    def position(self) -> tuple[float, float, float]:
        return (0.0, 0.0, 0.0)

    def terrain(self) -> str:
        return "flat"

    def gait(self) -> str:
        return "trot"


ALWAYS = TemporalCriterion("always", "battery >= 15 %", E.Compare("battery", ">=", 15.0, "%"),
                           unit="%")
FOUND = E.FactIs("victim_found")
DOCKED = E.FactIs("docked")


def _run(criterion: TemporalCriterion, samples: list[tuple[float, dict[str, object]]],
         succeeded: bool = True) -> Verdict:
    judge, state = TemporalJudge([criterion]), State()
    for t, values in samples:
        for key, value in values.items():
            setattr(state, key, value)
        judge.sample(t, state)
    (verdict,) = judge.verdicts(succeeded)
    return verdict


def test_always_is_missed_with_the_lowest_value_and_when() -> None:
    v = _run(ALWAYS, [(0, {"battery": 40.0}), (312, {"battery": 12.0}), (320, {"battery": 30.0})])
    assert v.met is False and v.measured == 12.0 and v.at == 312
    assert v.line() == "always battery >= 15 %: MISSED (lowest 12 % at 312 s)"
    assert v.kind == "always" and v.criterion() == "always battery >= 15 %"


def test_always_is_met_when_every_sample_held() -> None:
    v = _run(ALWAYS, [(0, {"battery": 40.0}), (10, {"battery": 15.0})])
    assert v.met is True and v.line() == "always battery >= 15 %: met (lowest 15 % at 10 s)"


def test_always_of_a_fact_counts_the_ticks_it_was_false() -> None:
    c = TemporalCriterion("always", "not victim_found", E.Not(FOUND))
    v = _run(c, [(0, {}), (1, {"found": True}), (2, {})])
    assert v.met is False and v.measured == 2.0 and v.at == 1
    assert v.note == "false at 2 samples, first at 1 s"


def test_within_from_the_start() -> None:
    c = TemporalCriterion("within", "victim_found", FOUND, duration=600.0)
    assert _run(c, [(0, {}), (245, {"found": True})]).line() == (
        "victim_found within 600 s: met (true 245 s after the start, at 245 s)")
    late = _run(c, [(0, {}), (601, {"found": True})])
    assert late.met is False and late.note == "not true within 600 s of the start"
    # the run ended 32 s in: missed (it can no longer hold), and the note does not claim 600 s
    short = _run(c, [(0, {}), (32, {})])
    assert short.met is False
    assert short.note == ("not true in the 32 s from the start to the run's end, before the "
                          "600 s had passed")


def test_within_of_a_trigger_starts_the_clock_when_the_trigger_first_holds() -> None:
    c = TemporalCriterion("within", "docked", DOCKED, 300.0, FOUND, "victim_found")
    v = _run(c, [(0, {}), (100, {"found": True}), (350, {"docked": True})])
    assert v.met is True and v.measured == 250.0 and v.at == 350
    missed = _run(c, [(0, {}), (100, {"found": True}), (401, {"docked": True})])
    assert missed.met is False
    assert missed.note == "not true within 300 s of victim_found at 100 s"


def test_within_of_a_trigger_that_never_held_is_met_and_says_so() -> None:
    c = TemporalCriterion("within", "docked", DOCKED, 300.0, FOUND, "victim_found")
    v = _run(c, [(0, {}), (10, {})])
    assert v.met is True and v.note == "victim_found never became true: nothing to answer"


def test_a_run_that_did_not_succeed_misses_them_all() -> None:
    v = _run(ALWAYS, [(0, {"battery": 90.0})], succeeded=False)
    assert v.met is False and v.unfinished
    assert v.line().endswith("; the run did not succeed)")


def test_temporal_verdicts_survive_the_run_log() -> None:
    v = _run(ALWAYS, [(0, {"battery": 40.0}), (312, {"battery": 12.0})])
    data = v.to_json()
    assert data["kind"] == "always" and data["at"] == 312 and data["label"] == v.label
    assert {"metric", "op", "value", "measured", "met", "unfinished"} <= set(data)
    assert verdict_from_json(data) == v
    assert verdict_from_json({**data, "kind": "sometimes"}) is None
    assert verdict_from_json({**data, "note": 3}) is None


def test_a_metric_verdict_keeps_its_record_shape() -> None:
    v = Verdict("falls", "==", 0.0, 1.0, False)
    assert set(v.to_json()) == {"metric", "op", "value", "measured", "met", "unfinished"}


@pytest.mark.parametrize("duration", [None, 0.0, -1.0])
def test_within_needs_a_positive_duration(duration: float | None) -> None:
    with pytest.raises(ValueError, match="duration"):
        TemporalCriterion("within", "docked", DOCKED, duration)
