"""Text → AST: read a file safely, parse it with the LALR grammar, shape it into dsl.ast values.

Reading refuses binary or oversized input with a diagnostic rather than an exception. Parsing is
one pass: :mod:`dsl.lalr_driver` runs the grammar's LALR tables (built once, at import) and calls
:class:`dsl.to_ast.ToAst`'s builders on each reduction, so no parse tree is built. Text the driver
refuses is parsed again by lark itself, whose error (with its parser state) becomes a human message
(:mod:`dsl.syntax_errors`); so a valid file costs one pass and an invalid one keeps lark's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark
from lark.exceptions import UnexpectedInput, VisitError

from dsl import ast as A
from dsl.diagnostics import Diagnostic, error
from dsl.lalr_driver import FAILED, Driver
from dsl.syntax_errors import span_at, syntax_diagnostic, too_deep
from dsl.to_ast import ToAst

__all__ = ["GRAMMAR", "MAX_BYTES", "MAX_NESTING", "ParseResult", "driver", "kind_of_path",
           "nesting_over", "parse_bytes", "parse_text"]

#: Files larger than this are refused unparsed (a mission is a few kilobytes).
MAX_BYTES = 1 << 20
#: Deepest nesting of blocks and parentheses accepted (keeps every later stage's recursion safe).
MAX_NESTING = 64

GRAMMAR: Lark = Lark.open_from_package(
    "dsl", "mission.lark", ("",), parser="lalr", propagate_positions=True, maybe_placeholders=True
)


@lru_cache(maxsize=4)
def driver(grammar: Lark) -> Driver:
    """The one-pass parser of ``grammar``, built once per grammar (tests may swap the grammar)."""
    return Driver(grammar)


@dataclass(frozen=True)
class ParseResult:
    """The parsed file (None when it could not be parsed) and the problems found on the way."""

    file: A.SourceFile | None
    diagnostics: tuple[Diagnostic, ...]


def kind_of_path(path: str) -> str:
    """"world" for ``.world`` files, "mission" for anything else (the contract's rule)."""
    return "world" if path.endswith(".world") else "mission"


#: Strings (to their closing quote or the end of their line) and comments: what the nesting scan
#: of :func:`dsl.syntax_errors.too_deep` skips. Anything else but a bracket is dropped too.
_NOT_CODE = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*')
_NOT_BRACKET = re.compile(r"[^{}()]+")


def nesting_over(text: str, limit: int) -> tuple[int, int] | None:
    """:func:`dsl.syntax_errors.too_deep`, answered without a Python step per line and bracket.

    The regex engine drops strings, comments and everything but brackets; Python then walks only
    the brackets. Only a text that is too deep is scanned again by ``too_deep``, for the line and
    column of its report, so the answer is always ``too_deep``'s own.
    """
    brackets = _NOT_BRACKET.sub("", _NOT_CODE.sub("", text))
    if len(brackets) <= limit:
        return None
    depth = 0
    for ch in brackets:
        if ch == "{" or ch == "(":
            depth += 1
            if depth > limit:
                return too_deep(text, limit)
        elif depth:
            depth -= 1
    return None


def _start_span(path: str) -> A.Span:
    return A.Span(path, 1, 1, 1, 2)


def parse_bytes(data: bytes, path: str) -> tuple[str | None, ParseResult]:
    """Decode ``data`` (UTF-8, size-limited) and parse it.

    Returns:
        The decoded text (None if it was refused) and the parse result.
    """
    if len(data) > MAX_BYTES:
        diag = error(
            _start_span(path),
            f"file too large: {len(data)} bytes (the limit is {MAX_BYTES} bytes, 1 MiB)",
            "a mission is a few kilobytes: is this the right file?",
        )
        return None, ParseResult(None, (diag,))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # what comes before the bad byte decodes: point at the character after it
        before = data[:exc.start].decode("utf-8")
        diag = error(
            span_at(before, path, len(before), len(before) + 1),
            f"not a text file: invalid UTF-8 at byte {exc.start}",
            "mission files are UTF-8 text",
        )
        return None, ParseResult(None, (diag,))
    nul = text.find("\x00")
    if nul >= 0:
        diag = error(
            span_at(text, path, nul, nul + 1),
            f"not a text file: NUL character at byte {len(text[:nul].encode('utf-8'))}",
            "mission files are UTF-8 text",
        )
        return None, ParseResult(None, (diag,))
    text = text.removeprefix("\ufeff")
    return text, parse_text(text, path)


def parse_text(text: str, path: str) -> ParseResult:
    """Parse ``text`` (the contents of ``path``) into a :class:`dsl.ast.SourceFile`.

    Never raises for bad input: syntax errors come back as one diagnostic.
    """
    if len(text) > MAX_BYTES:
        return ParseResult(None, (error(_start_span(path), "file too large (over 1 MiB)"),))
    deep = nesting_over(text, MAX_NESTING)
    if deep is not None:
        span = A.Span(path, deep[0], deep[1], deep[0], deep[1] + 1)
        return ParseResult(None, (error(span, f"nested too deeply (more than {MAX_NESTING} levels "
                                        "of blocks and parentheses)", "move inner blocks into "
                                        "tasks"),))
    grammar = GRAMMAR
    try:
        decls = driver(grammar).parse(text, ToAst(path))
        if decls is FAILED:  # a syntax error: lark itself names it, with the state to match on
            decls = ToAst(path).transform(grammar.parse(text))
    except UnexpectedInput as exc:
        return ParseResult(None, (syntax_diagnostic(grammar, text, path, exc),))
    except RecursionError:
        span = A.Span(path, 1, 1, 1, 2)
        return ParseResult(None, (error(span, "a condition or block is nested too deeply",
                                        "split long `and`/`or`/`not` chains"),))
    except VisitError as exc:  # a bug in a transformer method: report it at its node
        inner = exc.orig_exc
        meta = getattr(exc.obj, "meta", None)
        line = getattr(meta, "line", 1) if meta is not None else 1
        col = getattr(meta, "column", 1) if meta is not None else 1
        span = A.Span(path, line, col, line, col + 1)
        return ParseResult(None, (error(span, f"cannot read this construct: {inner}"),))
    return ParseResult(A.SourceFile(path, kind_of_path(path), tuple(decls)), ())
