"""The ``{placeholders}`` of a written text: unknown names, stray braces and ambiguity, each at
its own line and column.

The rules are the runtime's (:mod:`bt_runtime.detections`), read from there so the checker and the
run cannot disagree; this module only places each problem in the source. A string literal is one
line and its only escapes are ``\\"`` and ``\\\\`` (two characters written for one), so a
placeholder's column is exact.
"""

from __future__ import annotations

from bt_runtime.detections import placeholder_problems
from dsl import ast as A
from dsl import check_values as V

__all__ = ["check_placeholders"]


def _column(text: A.Text, offset: int) -> int:
    """The source column of character ``offset`` of the text (after the opening quote)."""
    escaped = sum(1 for ch in text.value[:offset] if ch in '"\\')
    return text.span.col + 1 + offset + escaped


def check_placeholders(sink: V.Sink, text: A.Text) -> None:
    """Report every placeholder problem of ``text`` (a ``report``/``alert``/``fail`` text, or a
    string a task passes on as its ``text`` parameter) as an error at the placeholder itself.

    Args:
        sink: where the diagnostics go.
        text: the string literal as parsed.
    """
    if "{" not in text.value and "}" not in text.value:
        return
    for problem in placeholder_problems(text.value):
        col = _column(text, problem.offset)
        end = _column(text, problem.offset + problem.length)
        span = A.Span(text.span.file, text.span.line, col, text.span.line, end)
        sink.error(span, problem.message, problem.hint)
