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
    "Note",
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
class Note:
    """A second place a diagnostic is about (the other motion of a conflict), shown after it."""

    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One problem: how bad, where, what, and optionally what to do about it and where else."""

    severity: Severity
    span: Span
    message: str
    hint: str | None = None
    notes: tuple[Note, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        """``path:line:col: severity: message`` (the first line of the rendering)."""
        s = self.span
        return f"{s.file}:{s.line}:{s.col}: {self.severity.value}: {self.message}"


def error(span: Span, message: str, hint: str | None = None,
          notes: tuple[Note, ...] = ()) -> Diagnostic:
    """An error diagnostic (the file cannot be run), with ``notes`` at the other places involved."""
    return Diagnostic(Severity.ERROR, span, message, hint, notes)


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


Source = str | list[str] | None
"""A file's text, the same already split by :func:`source_lines`, or None (no source line)."""


def _lines(source: Source) -> list[str] | None:
    return source_lines(source) if isinstance(source, str) else source


#: Lines up to this long are quoted whole; a longer one (a 200 kB one-line file) is quoted as
#: a window of :data:`_WINDOW` characters that starts :data:`_BEFORE` before the column.
_QUOTE_MAX = 160
_WINDOW = 120
_BEFORE = 40


def _quote(span: Span, source: Source) -> list[str]:
    """The source line of ``span`` and a caret under it (nothing when the line is unknown)."""
    lines = _lines(source)
    if lines is None or not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1]
    if len(line) <= _QUOTE_MAX:
        return ["    " + line,
                "    " + _caret(line, span.col, span.end_line, span.end_col, span.line)]
    start = max(0, min(span.col - 1 - _BEFORE, len(line) - _WINDOW))
    end = min(len(line), start + _WINDOW)
    lead = "..." if start else ""
    shown = lead + line[start:end] + ("..." if end < len(line) else "")
    span_end = span.end_col if span.end_line == span.line else len(line) + 1
    shift = len(lead) - start  # a column of ``line`` -> the same column of ``shown``
    col = min(max(span.col, start + 1), end) + shift
    end_col = min(span_end, end + 1) + shift
    return ["    " + shown, "    " + _caret(shown, col, span.line, end_col, span.line)]


def render(diagnostic: Diagnostic, source: Source,
           sources: Mapping[str, Source] | None = None) -> str:
    """Render one diagnostic.

    Args:
        diagnostic: what to render.
        source: its file's text, or that text already split by :func:`source_lines` (callers
            rendering many diagnostics split once); None shows no source line.
        sources: the texts (or split lines) by file, for notes in other files.

    Its notes follow as ``path:line:col: note: message`` with their own source line.
    """
    parts = [diagnostic.headline(), *_quote(diagnostic.span, source)]
    if diagnostic.hint:
        parts.append(f"  hint: {diagnostic.hint}")
    for note in diagnostic.notes:
        s = note.span
        parts.append(f"{s.file}:{s.line}:{s.col}: note: {note.message}")
        text = sources.get(s.file) if sources is not None else None
        if text is None and s.file == diagnostic.span.file:
            text = source
        parts.extend(_quote(s, text))
    return "\n".join(parts)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> str:
    """Render every diagnostic, sorted, followed by a count line ("2 errors, 1 warning")."""
    ordered = sort_diagnostics(diagnostics)
    if not ordered:
        return ""
    split = {file: source_lines(text) for file, text in sources.items()}  # each file once: linear
    body = "\n".join(render(d, split.get(d.span.file), split) for d in ordered)
    errors = sum(1 for d in ordered if d.is_error)
    warnings = len(ordered) - errors
    summary = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    return body + "\n" + summary
