"""Diagnostics quote the line lark counted (``\\n`` only) and render in time linear in the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dsl.ast import Span
from dsl.diagnostics import render_all, source_lines, warning
from tests.dsl.helpers import HEADER, at, check, only


@pytest.mark.parametrize("separator", ["\f", "\u2028", "\x1c", "\x85", "\v"])
def test_a_line_separator_in_a_comment_does_not_shift_the_quoted_line(
        tmp_path: Path, separator: str) -> None:
    text = HEADER + f"# a comment{separator}with a separator\nmain {{ go to gatee }}\n"
    report = check(tmp_path, text)
    d = only(report, "unknown place `gatee`")
    assert (d.span.line, d.span.col) == at(text, "gatee")
    rendered = report.render()
    assert "    main { go to gatee }\n" in rendered, rendered


def test_source_lines_splits_at_newlines_only() -> None:
    assert source_lines("a\fb\u2028c\r\nd") == ["a\fb\u2028c", "d"]


def test_twenty_thousand_warnings_render_in_linear_time() -> None:
    lines = [f"waypoint w{i} at (1, 1)" for i in range(20_000)]
    text = "\n".join(lines) + "\n"
    diags = [warning(Span("m.mission", i + 1, 10, i + 1, 12), f"w{i} is never used")
             for i in range(20_000)]
    started = time.perf_counter()
    out = render_all(diags, {"m.mission": text})
    assert time.perf_counter() - started < 2.0  # 17 s when each diagnostic re-split the file
    assert "m.mission:20000:10: warning: w19999 is never used\n    waypoint w19999" in out


def test_thirty_thousand_waypoints_check_in_time_linear_in_the_file(tmp_path: Path) -> None:
    """Checking and rendering cost a small multiple of lark's own parse (measured here, so a busy
    machine slows both alike); with one re-split per diagnostic it did not answer in 30 s."""
    from dsl.parser import GRAMMAR

    points = "".join(f"waypoint w{i} at ({i % 40 + 0.5}, {i // 2000 + 0.5})\n"
                     for i in range(30_000))
    text = HEADER + points + "main { stand }\n"
    started = time.perf_counter()
    GRAMMAR.parse(text)
    parse = time.perf_counter() - started
    started = time.perf_counter()
    report = check(tmp_path, text)
    out = report.render()
    total = time.perf_counter() - started
    assert out.endswith("0 errors, 30000 warnings")
    print(f"check {total:.1f} s, lark parse {parse:.1f} s")
    assert total < 3 * parse + 2, f"check {total:.1f} s, lark parse {parse:.1f} s"
