"""parser.nesting_over gives exactly syntax_errors.too_deep's answer, only faster on valid files."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.parser import MAX_NESTING, nesting_over, parse_text
from dsl.syntax_errors import too_deep

TEXTS = st.text(alphabet='{}()"#\\\nab ', max_size=200)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=6))
def test_nesting_over_agrees_with_too_deep(text: str, limit: int) -> None:
    assert nesting_over(text, limit) == too_deep(text, limit)


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    text = 'a { b "((((((" # ((((((\n c }\n'
    assert nesting_over(text, 2) is None and too_deep(text, 2) is None
    assert nesting_over("{ { {", 2) == too_deep("{ { {", 2) == (1, 5)
    assert nesting_over("}}}} { {", 1) == too_deep("}}}} { {", 1) == (1, 8)


def test_a_file_nested_too_deeply_is_still_reported_where_it_overflows() -> None:
    text = "main {\n" + "sequence { " * MAX_NESTING + "}" * MAX_NESTING + "\n}\n"
    result = parse_text(text, "deep.mission")
    assert result.file is None
    (diag,) = result.diagnostics
    assert "nested too deeply" in diag.message
    line, col = too_deep(text, MAX_NESTING)  # type: ignore[misc]
    assert (diag.span.line, diag.span.col) == (line, col)
