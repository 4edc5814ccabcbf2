"""Problems found in mission files, as values with a span, and how they are shown to an operator.

Every stage (reading, parsing, loading, checking) returns diagnostics instead of raising, so one run
reports all problems of all files, sorted by file then position. Rendering follows the compilers
operators know::

    missions/patrol.mission:12:8: error: unknown place `gatee`
        go to gatee
              ^~~~~
      hint: did you mean `gate`?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from dsl.ast import Span

__all__ = [
    "Diagnostic",
    "Severity",
    "a_or_an",
    "did_you_mean",
    "error",
    "has_errors",
    "render",
    "render_all",
    "sort_diagnostics",
    "source_lines",
    "warning",
]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: how bad, where, what, and optionally what to do about it."""

    severity: Severity
    span: Span
    message: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        """``path:line:col: severity: message`` (the first line of the rendering)."""
        s = self.span
        return f"{s.file}:{s.line}:{s.col}: {self.severity.value}: {self.message}"


def error(span: Span, message: str, hint: str | None = None) -> Diagnostic:
    """An error diagnostic (the file cannot be run)."""
    return Diagnostic(Severity.ERROR, span, message, hint)


def warning(span: Span, message: str, hint: str | None = None) -> Diagnostic:
    """A warning diagnostic (the file can be run, but something looks unintended)."""
    return Diagnostic(Severity.WARNING, span, message, hint)


def a_or_an(word: str) -> str:
    """``word`` with its indefinite article: "a time", "an energy", "an int", "a unit".

    Chosen by the sound of the word's start (a vowel letter, except a "you"/"w" sound), so
    messages built from vocabulary names read as English whatever the name.
    """
    lower = word.lower()
    vowel = lower[:1] in ("a", "e", "i", "o", "u")
    if lower.startswith(("uni", "use", "usu", "one", "eu")):
        vowel = False
    return f"{'an' if vowel else 'a'} {word}"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean `x`?" hint for the closest of ``choices`` to ``word``, or None."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Distinct diagnostics sorted by file, then position, then message."""
    unique = set(diagnostics)
    return sorted(unique, key=lambda d: (d.span.file, d.span.line, d.span.col, d.message))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True if any diagnostic is an error (warnings alone still let a mission run)."""
    return any(d.is_error for d in diagnostics)


def _caret(line: str, col: int, end_line: int, end_col: int, start_line: int) -> str:
    start = max(col - 1, 0)
    start = min(start, len(line))
    end = end_col - 1 if end_line == start_line else len(line)
    width = max(end - start, 1)
    prefix = "".join(ch if ch == "\t" else " " for ch in line[:start])
    return prefix + "^" + "~" * (width - 1)


def source_lines(source: str) -> list[str]:
    """``source`` split into lines the way lark counts them: at ``\\n`` only.

    ``str.splitlines`` also breaks at form feeds, U+2028 and other separators, which would shift
    every line a diagnostic quotes after one of them in a comment.
    """
    return [line.removesuffix("\r") for line in source.split("\n")]


def render(diagnostic: Diagnostic, source: str | list[str] | None) -> str:
    """Render one diagnostic.

    Args:
        diagnostic: what to render.
        source: its file's text, or that text already split by :func:`source_lines` (callers
            rendering many diagnostics split once); None shows no source line.
    """
    parts = [diagnostic.headline()]
    span = diagnostic.span
    if source is not None:
        lines = source_lines(source) if isinstance(source, str) else source
        if 1 <= span.line <= len(lines):
            line = lines[span.line - 1]
            parts.append("    " + line)
            parts.append("    " + _caret(line, span.col, span.end_line, span.end_col, span.line))
    if diagnostic.hint:
        parts.append(f"  hint: {diagnostic.hint}")
    return "\n".join(parts)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> str:
    """Render every diagnostic, sorted, followed by a count line ("2 errors, 1 warning")."""
    ordered = sort_diagnostics(diagnostics)
    if not ordered:
        return ""
    split: dict[str, list[str] | None] = {}  # each file split once: linear in the sources

    def lines_of(file: str) -> list[str] | None:
        if file not in split:
            text = sources.get(file)
            split[file] = None if text is None else source_lines(text)
        return split[file]

    body = "\n".join(render(d, lines_of(d.span.file)) for d in ordered)
    errors = sum(1 for d in ordered if d.is_error)
    warnings = len(ordered) - errors
    summary = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    return body + "\n" + summary
