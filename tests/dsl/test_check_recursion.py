"""Recursion on the task call graph: each cycle reported once, at the call that closes it."""

from __future__ import annotations

from pathlib import Path

from dsl import ast as A
from dsl.check_recursion import report_recursion
from dsl.check_values import Sink
from tests.dsl.helpers import HEADER, at, check, errors, only, where


def _span(line: int) -> A.Span:
    return A.Span("m.mission", line, 1, line, 2)


def test_direct_recursion(tmp_path: Path) -> None:
    text = HEADER + "task a() { wait 1 s  a() }\nmain { a() }\n"
    d = only(check(tmp_path, text), "recursive")
    assert d.message == "recursive task: a -> a"
    assert where(d) == at(text, "a()", 2)


def test_mutual_recursion_prints_the_path(tmp_path: Path) -> None:
    text = HEADER + "task a() { b() }\ntask b() { c() }\ntask c() { a() }\nmain { a() }\n"
    d = only(check(tmp_path, text), "recursive")
    assert d.message == "recursive task: a -> b -> c -> a"
    assert where(d) == at(text, "b()")

def test_a_cycle_deep_in_a_long_chain_is_found_without_recursion() -> None:
    # t0 -> t1 -> ... -> t4999 -> t2500: far deeper than Python's stack, one cycle
    n = 5000
    calls = {f"t{i}": [(f"t{i + 1}", _span(i + 1))] for i in range(n - 1)}
    calls[f"t{n - 1}"] = [("t2500", _span(n))]
    sink = Sink()
    assert report_recursion(calls, sink) is True
    [d] = sink.diagnostics
    assert d.message.startswith("recursive task: t2500 -> t2501 -> ")
    assert d.message.endswith(f"t{n - 1} -> t2500")
    assert d.message.count("->") == n - 2500


def test_a_long_chain_without_a_cycle_reports_nothing() -> None:
    calls = {f"t{i}": [(f"t{i + 1}", _span(i + 1))] for i in range(5000)}
    sink = Sink()
    assert report_recursion(calls, sink) is False
    assert sink.diagnostics == []


def test_two_separate_cycles_are_two_reports() -> None:
    calls = {"a": [("b", _span(1))], "b": [("a", _span(2))], "c": [("c", _span(3))],
             "d": [("a", _span(4))]}
    sink = Sink()
    assert report_recursion(calls, sink) is True
    assert sorted(d.message for d in sink.diagnostics) == [
        "recursive task: a -> b -> a", "recursive task: c -> c"]


def test_a_task_called_twice_without_a_cycle_is_not_recursion(tmp_path: Path) -> None:
    text = HEADER + "task a() { b()  b() }\ntask b() { wait 1 s }\nmain { a()  a() }\n"
    assert errors(check(tmp_path, text)) == []
