"""The compiler's one error: a checked program that still cannot be built."""

from __future__ import annotations

from dsl import ast as A

__all__ = ["CompileError", "where"]


class CompileError(ValueError):
    """A checked program that still cannot be built (a bug: the checker should have said so)."""


def where(span: A.Span) -> str:
    """``file:line:col`` of ``span``, as a compile error starts."""
    return f"{span.file}:{span.line}:{span.col}"
