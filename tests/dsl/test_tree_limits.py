"""The compiled tree is bounded before it is built: its size and depth are counted from the AST
(matching what the compiler builds), and trees over the limits are errors naming the limit at the
construct that crosses it; trees just inside the limits compile and export without RecursionError."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from py_trees.behaviour import Behaviour

from dsl.check_shape import MAX_TREE_DEPTH, MAX_TREE_NODES, ShapeChecker
from dsl.check_values import Sink
from dsl.compiler import compile_mission
from dsl.export import render_tree, to_btcpp_xml, to_dot, to_json
from tests.dsl.helpers import HEADER, check, errors, only


def else_ifs(n: int) -> str:
    chain = "".join(f"    else if battery < {i % 99 + 1} % {{ sit }}\n" for i in range(n))
    return HEADER + "main {\n    if docked { stand }\n" + chain + "    else { stand }\n}\n"


def guards(n: int) -> str:
    chain = "".join(f"    guard battery < {i % 99 + 1} % {{ sit }}\n" for i in range(n))
    return HEADER + "main {\n" + chain + "    stand\n}\n"


def task_chain(n: int) -> str:
    tasks = "".join(f"task t{i}() {{ t{i + 1}() }}\n" for i in range(n))
    return HEADER + tasks + f"task t{n}() {{ stand }}\nmain {{ t0() }}\n"


def doubling(n: int) -> str:
    tasks = "".join(f"task t{i}() {{ t{i + 1}() t{i + 1}() }}\n" for i in range(n))
    return HEADER + tasks + f"task t{n}() {{ stand }}\nmain {{ t0() }}\n"


def size_and_depth(root: Behaviour) -> tuple[int, int]:
    nodes, deepest, pending = 0, 0, [(root, 1)]
    while pending:
        node, depth = pending.pop()
        nodes, deepest = nodes + 1, max(deepest, depth)
        pending.extend((child, depth + 1) for child in node.children)
    return nodes, deepest


MIXED = HEADER + """\
task fetch(p: payload, at: station) {
    go to at
    guard battery < 20 % { dock  charge until 80 % }
    retry 2 { timeout 1 min { pick up p at at } }
    stand
} on failure { alert "no"  guard docked { sit } stand }
main {
    guard battery < 25 % { go to base }
    fetch(medkit, depot)
    if docked { sit } else if battery < 5 % { stand  fetch(medkit, depot) } else { stand }
    parallel any { sequence { wait 2 s  alert "x" } repeat 2 { fetch(medkit, depot) } }
    fallback { fail "x"  succeed }
    guard not docked { sit }
}
"""


@pytest.mark.parametrize("text", [MIXED, else_ifs(7), guards(6), task_chain(5), doubling(4)])
def test_the_counted_shape_is_the_compiled_shape(tmp_path: Path, text: str) -> None:
    report = check(tmp_path, text)
    assert errors(report) == [], report.render()
    program = report.programs[0]
    assert program.main is not None
    shape = ShapeChecker(program.resolved.tasks, program.bodies, Sink()).main(program.main)
    assert (shape.nodes, shape.depth) == size_and_depth(compile_mission(program).root)


@pytest.mark.parametrize(("build", "what"), [(else_ifs, "this `else if`"), (guards, "this guard"),
                                             (task_chain, "this call of")])
def test_deep_chains_are_refused_at_the_construct_that_crosses_the_limit(
        tmp_path: Path, build: Callable[[int], str], what: str) -> None:
    d = only(check(tmp_path, build({"this guard": 900}.get(what, 600))), "levels deep")
    assert d.message.startswith(what)
    assert d.message.endswith(f"(the limit is {MAX_TREE_DEPTH} levels)")


def test_a_400_deep_task_chain_is_refused_at_a_call(tmp_path: Path) -> None:
    text = task_chain(400)
    d = only(check(tmp_path, text), "levels deep")
    line = text.split("\n")[d.span.line - 1]
    assert line.startswith("task t") and line[d.span.col - 1:].startswith("t")


@pytest.mark.parametrize(("n", "expected"), [(16, "327,679"), (40, "5,497,558,138,879")])
def test_a_task_doubling_itself_is_counted_not_built(tmp_path: Path, n: int, expected: str) -> None:
    started = time.perf_counter()
    d = only(check(tmp_path, doubling(n)), "behaviours")
    assert time.perf_counter() - started < 3  # 26 s and 1.5 GB (16 deep) or a hang (40) before
    assert d.message == (f"this mission compiles to {expected} behaviours (the limit is "
                         f"{MAX_TREE_NODES:,})")
    assert d.span.line == n + 4  # at `main`


def largest(build: Callable[[int], str], folder: Path) -> int:
    """The largest ``n`` whose mission is inside the depth limit (bisection)."""
    low, high = 1, 1000
    while low < high:
        mid = (low + high + 1) // 2
        sub = folder / str(mid)
        sub.mkdir()
        if errors(check(sub, build(mid))):
            high = mid - 1
        else:
            low = mid
    return low


@pytest.mark.parametrize("build", [else_ifs, guards, task_chain])
def test_the_deepest_legal_tree_compiles_and_exports(tmp_path: Path,
                                                     build: Callable[[int], str]) -> None:
    n = largest(build, tmp_path)
    assert n >= 30
    report = check(tmp_path, build(n))
    compiled = compile_mission(report.programs[0])
    assert size_and_depth(compiled.root)[1] in (MAX_TREE_DEPTH, MAX_TREE_DEPTH - 1)
    render_tree(compiled.root)
    to_json(compiled)
    to_dot(compiled.root, compiled.name)
    to_btcpp_xml(report.programs[0])


def test_a_3000_task_chain_is_checked_without_recursion(tmp_path: Path) -> None:
    report = check(tmp_path, task_chain(3000))
    assert [d.message for d in errors(report)] == [
        "this call of `t2951` compiles 101 levels deep (the limit is 100 levels)"]


@pytest.mark.parametrize("n", [300, 1000, 3000])
def test_a_long_condition_chain_is_refused_at_its_span(tmp_path: Path, n: int) -> None:
    text = HEADER + "main { if " + " and ".join(["docked"] * n) + " { stand } guard " + \
        " or ".join(["not docked"] * n) + " { sit } stand }\n"
    report = check(tmp_path, text)
    found = [d for d in errors(report) if "condition is nested too deeply" in d.message]
    assert len(found) == 2, report.render()[:1000]
    assert found[0].message == (f"this condition is nested too deeply: {n - 1} levels of "
                                "`and`/`or`/`not` (the limit is 32)")
    assert (found[0].span.line, found[0].span.col) == (3, 11)


def test_a_condition_inside_the_limit_compiles_and_exports(tmp_path: Path) -> None:
    text = HEADER + "main { if " + " and ".join(["docked"] * 33) + " { stand } }\n"
    report = check(tmp_path, text)
    compiled = compile_mission(report.programs[0])
    render_tree(compiled.root)
    to_json(compiled)
    to_btcpp_xml(report.programs[0])
