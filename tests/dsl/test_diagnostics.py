"""Rendering of diagnostics: headline, source line, caret, hint; sorting; did-you-mean."""

from __future__ import annotations

from dsl.ast import Span
from dsl.diagnostics import (
    a_or_an,
    did_you_mean,
    error,
    render,
    render_all,
    sort_diagnostics,
    warning,
)


def test_render_shows_line_caret_and_hint() -> None:
    d = error(Span("m.mission", 2, 9, 2, 14), "unknown place `gatee`", "did you mean `gate`?")
    text = "main {\n  go to gatee\n}\n"
    assert render(d, text) == (
        "m.mission:2:9: error: unknown place `gatee`\n"
        "      go to gatee\n"
        "            ^~~~~\n"
        "  hint: did you mean `gate`?"
    )


def test_caret_keeps_tabs_aligned_and_is_at_least_one_wide() -> None:
    d = warning(Span("m", 1, 2, 1, 2), "x")
    assert render(d, "\tab").splitlines()[2] == "    \t^"


def test_render_without_source_or_past_the_end() -> None:
    d = error(Span("m", 9, 1, 9, 2), "gone")
    assert render(d, "one line") == "m:9:1: error: gone"
    assert render(d, None) == "m:9:1: error: gone"


def test_sorted_by_file_then_position_and_deduplicated() -> None:
    a = error(Span("b", 1, 1, 1, 2), "x")
    b = error(Span("a", 3, 1, 3, 2), "y")
    c = warning(Span("a", 1, 5, 1, 6), "z")
    assert sort_diagnostics([a, b, c, a]) == [c, b, a]


def test_render_all_counts() -> None:
    ds = [error(Span("a", 1, 1, 1, 2), "x"), warning(Span("a", 1, 1, 1, 2), "y")]
    assert render_all(ds, {}).endswith("1 error, 1 warning")
    assert render_all([], {}) == ""


def test_did_you_mean() -> None:
    assert did_you_mean("gatee", ["gate", "tower"]) == "did you mean `gate`?"
    assert did_you_mean("zzz", ["gate"]) is None


def test_article_follows_the_word() -> None:
    assert [a_or_an(w) for w in ("energy", "int", "area", "time", "unit", "ratio", "order")] == [
        "an energy", "an int", "an area", "a time", "a unit", "a ratio", "an order"]


def test_a_long_line_is_quoted_around_the_column_with_the_caret_under_it() -> None:
    line = "stand " * 40_000 + "go to gatee " + "stand " * 40_000  # a 480 kB one-line mission
    col = line.index("gatee") + 1
    d = error(Span("m", 1, col, 1, col + 5), "unknown place `gatee`")
    headline, quoted, caret = render(d, line).splitlines()
    assert headline == f"m:1:{col}: error: unknown place `gatee`"
    # before: the whole line, and a caret line as long, for every diagnostic on it
    assert len(quoted) <= 4 + 3 + 120 + 3 and quoted.startswith("    ...")
    assert quoted.endswith("...")
    assert quoted[caret.index("^"):caret.index("^") + 5] == "gatee"
    assert caret.strip() == "^~~~~"


def test_a_span_wider_than_the_window_is_cut_at_its_edge() -> None:
    line = "x" * 50 + "y" * 1000
    d = error(Span("m", 1, 51, 1, 1051), "long")
    _, quoted, caret = render(d, line).splitlines()
    assert quoted.startswith("    ...") and quoted.endswith("...")
    assert caret.index("^") == quoted.index("y") and caret.endswith("~")
    assert len(caret) <= len(quoted)


def test_a_short_line_is_quoted_whole() -> None:
    line = "x" * 160
    d = error(Span("m", 1, 150, 1, 151), "end")
    _, quoted, caret = render(d, line).splitlines()
    assert quoted == "    " + line and caret == "    " + " " * 149 + "^"
