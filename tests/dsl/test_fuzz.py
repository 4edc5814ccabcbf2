"""Fuzzing the parser and checker: whatever the input, no exception escapes and every diagnostic
is well-formed (its line and column lie inside the text)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.api import check_paths
from dsl.checker import runnable_diagnostics
from dsl.compiler import compile_mission
from dsl.diagnostics import render
from dsl.export import render_tree, to_btcpp_xml, to_json
from dsl.parser import parse_bytes, parse_text
from tests.dsl.helpers import WORLD, write

SEED_MISSION = """\
mission "Fuzz" { tick_rate 10 Hz }
world "w.world"
robot a1 { battery 480 Wh  charge 90 % }
waypoint roof at (12, 4, 0.0)   # z written: it must match the (flat) ground
route loop: gate -> tower -> gate
area lot rect (0, 0) to (10, 6)
task sweep(r: route, laps: int) {
    repeat laps { follow r  scan radius 8 m for intruder }
} on failure { alert "sweep failed"  go to base }
main {
    guard battery < 25 % { go to base  charge until 90 % }
    sweep(loop, 3)
    if not docked and (carrying medkit or victims_found >= 2) { wait 10s } else { dock }
    parallel any { stand  wait 1 s }  search lot for victim  go to roof
}
require success >= 95 %
"""

TOKENS = re.findall(r'\s+|"[^"\n]*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|->|<=|>=|[^\w\s]',
                    SEED_MISSION)

WORLD_TOKENS = re.findall(r'\s+|"[^"\n]*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|->|[^\w\s]', WORLD)

FUZZ = settings(max_examples=int(__import__("os").environ.get("QM_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def assert_well_formed(text: str, path: str, diagnostics: tuple) -> None:  # type: ignore[type-arg]
    lines = text.split("\n")
    for d in diagnostics:
        assert d.message and d.span.line >= 1 and d.span.col >= 1
        if d.span.file == path:
            assert d.span.line <= len(lines), (d, len(lines))
            assert d.span.col <= len(lines[d.span.line - 1]) + 2, d
        render(d, text)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    result = parse_text(text, "r.mission")
    assert_well_formed(text, "r.mission", result.diagnostics)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data: bytes) -> None:
    text, result = parse_bytes(data, "b.mission")
    # a refused file (not UTF-8, NUL) is pointed at in the text its valid start decodes to
    shown = text if text is not None else data.decode("utf-8", "replace")
    assert_well_formed(shown, "b.mission", result.diagnostics)


@st.composite
def mutated(draw: st.DrawFn, source: list[str]) -> str:
    tokens = list(source)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "swap"]))
        i = draw(st.integers(0, len(tokens) - 1))
        if op == "delete":
            del tokens[i]
        elif op == "insert":
            tokens.insert(i, draw(st.sampled_from(source + ["}", "{", "(", "@", "1e9", "%"])))
        else:
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return "".join(tokens)


@FUZZ
@given(mutated(TOKENS))
def test_mutated_missions_check_without_exceptions(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"w.world": WORLD, "m.mission": text})
    path = str(tmp_path / "m.mission")
    report = check_paths([path])
    assert_well_formed(text, path, report.diagnostics)
    report.render()
    if report.has_errors or not report.programs:
        return
    checked = report.programs[0]
    if runnable_diagnostics(checked):
        return
    # whatever the checker accepts, the compiler and every exporter can build
    compiled = compile_mission(checked)
    render_tree(compiled.root)
    to_json(compiled)
    to_btcpp_xml(checked)


@FUZZ
@given(mutated(WORLD_TOKENS))
def test_mutated_worlds_check_without_exceptions(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"w.world": text})
    path = str(tmp_path / "w.world")
    report = check_paths([path])
    assert_well_formed(text, path, report.diagnostics)
    if not report.has_errors:
        assert report.programs[0].world is not None


def test_seed_mission_is_clean(tmp_path: Path) -> None:
    write(tmp_path, {"w.world": WORLD, "m.mission": SEED_MISSION})
    report = check_paths([str(tmp_path / "m.mission")])
    assert not report.has_errors, report.render()
