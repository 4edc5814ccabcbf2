"""Grammar-aware fuzzing of valid-but-extreme missions: statements of every construct of the
grammar with extreme counts, depths and values. Whatever comes out, checking, compiling and
exporting answer with diagnostics or a tree: no traceback, no hang past a few seconds, memory
bounded (the peak resident size is measured with ``resource.getrusage``; tracemalloc would slow
the parser several times over)."""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dsl.api import check_paths
from dsl.compiler import compile_mission
from dsl.export import render_tree, to_btcpp_xml, to_dot, to_json
from tests.dsl.helpers import WORLD, write

#: Each example must finish in this long, and all of them in a few tens of seconds.
DEADLINE_S = 5.0
#: The peak resident size of the test process, in KiB (Linux ``ru_maxrss``): 1 GiB; before the
#: limits a 16-deep doubling task alone took 1.5 GB.
PEAK_KIB = 1 << 20

HUGE = st.sampled_from(["0", "1", "7", "999999", "1000000", "1000001", "10000", "10001",
                        "1000000000", "99999999999999999999", "0.0001", "-1", "240", "241"])
UNITS = st.sampled_from(["", " s", " min", " h", " m", " km", " Hz", " %", " m/s", " deg"])
COND = st.sampled_from(["docked", "battery < 25 %", "not docked", "true", "false",
                        "distance to gate < 3 m", "intruders_seen >= 1", "terrain is mud",
                        "docked and (battery > 5 % or not carrying medkit)"])
LEAF = st.one_of(
    st.sampled_from(["stand", "sit", "dock", "succeed", 'fail "x"', 'report "r"', "go to gate",
                     "search lot for victim", "scan lot for intruder", "follow loop",
                     "pick up medkit at depot", "drop off at depot", "set gait auto"]),
    st.builds(lambda n, u: f"wait {n}{u}", HUGE, UNITS),
    st.builds(lambda n: f"follow loop laps {n}", HUGE),
    st.builds(lambda n, u: f"scan radius {n}{u} for victim", HUGE, UNITS),
    st.builds(lambda n, u: f"set speed {n}{u}", HUGE, UNITS),
    st.builds(lambda n, u: f"charge until {n}{u}", HUGE, UNITS),
    st.sampled_from(["t0()", "t1()", "t2()"]),
)


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def block(items: list[str]) -> str:
        return "{ " + " ".join(items) + " }"

    body = st.lists(inner, min_size=0, max_size=3).map(block)
    return st.one_of(
        st.builds(lambda k, b: f"{k} {b}", st.sampled_from(
            ["sequence", "fallback", "parallel", "parallel any", "repeat forever"]), body),
        st.builds(lambda n, b: f"repeat {n} {b}", HUGE, body),
        st.builds(lambda n, b: f"retry {n} {b}", HUGE, body),
        st.builds(lambda n, u, b: f"timeout {n}{u} {b}", HUGE, UNITS, body),
        st.builds(lambda c, b: f"guard {c} {b}", COND, body),
        st.builds(lambda c, b, e: f"if {c} {b} else {e}", COND, body, body),
    )


STMT = st.recursive(LEAF, _wrap, max_leaves=12)

#: Shapes repeated to extreme counts: long `else if` chains, many guards, wide blocks.
EXTREME = st.one_of(
    st.builds(lambda n: "if docked { sit } " + "else if battery < 5 % { stand } " * n
              + "else { stand }", st.integers(0, 300)),
    st.builds(lambda n, c: f"guard {c} {{ sit }} " * n + "stand", st.integers(0, 400), COND),
    st.builds(lambda n, s: " ".join([s] * n), st.integers(0, 800), LEAF),
)


@st.composite
def missions(draw: st.DrawFn) -> str:
    tick = draw(HUGE)
    chain = draw(st.integers(1, 500))
    fan = draw(st.integers(1, 3))
    calls = " ".join([f"c{1}()"] * fan)
    tasks = "".join(f"task c{i}() {{ {calls.replace('c1', f'c{i + 1}')} }}\n"
                    for i in range(1, chain)) + f"task c{chain}() {{ stand }}\n"
    radius = draw(HUGE)
    body = " ".join(draw(st.lists(st.one_of(STMT, EXTREME), min_size=1, max_size=4)))
    return (f'mission "Extreme" {{ tick_rate {tick} Hz  time_limit {draw(HUGE)} min }}\n'
            'world "w.world"\nroute loop: gate -> tower -> gate\n'
            f"area lot circle (20, 10) radius {radius} m\n"
            "task t0() { t1() t1() }\ntask t1() { t2() t2() }\ntask t2() { stand }\n"
            f"{tasks}main {{ c1() {body} }}\n")


FUZZ = settings(max_examples=int(os.environ.get("QM_FUZZ_EXTREME_EXAMPLES", "25")),
                deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(missions())
def test_extreme_missions_answer_quickly_in_bounded_memory(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("x")
    write(folder, {"w.world": WORLD, "m.mission": text})
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer in {2 * DEADLINE_S:g} s: {text[:300]!r}")

    previous = signal.signal(signal.SIGALRM, hung)  # a hang fails the test, not the CI job
    signal.setitimer(signal.ITIMER_REAL, 2 * DEADLINE_S)
    started = time.perf_counter()
    try:
        report = check_paths([str(folder / "m.mission")])
        report.render()
        if not report.has_errors and report.programs:
            compiled = compile_mission(report.programs[0])
            render_tree(compiled.root)
            to_json(compiled)
            to_dot(compiled.root, compiled.name)
            to_btcpp_xml(report.programs[0])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert elapsed < DEADLINE_S, f"{elapsed:.1f} s, {len(text)} chars: {text[:300]!r}"
    assert peak < PEAK_KIB, f"peak {peak >> 10} MiB"
