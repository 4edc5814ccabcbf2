"""Turn lark's parse errors into messages an operator understands.

LALR parsing stops at the first error. Specific mistakes are recognised with lark's
``UnexpectedInput.match_examples`` (the parser state of the error is compared with the states in
which known bad snippets fail); the rest get a general "unexpected X" with the expected tokens in
words. A missing ``}`` names the brace it should close; an error at the end of the text is reported
at the end of the text (lark gives it no useful position).
"""

from __future__ import annotations

import re

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from bt_runtime.units import UNIT_NAMES, UNITS
from dsl.ast import Span
from dsl.diagnostics import Diagnostic, did_you_mean, error

__all__ = ["EXAMPLES", "end_span", "span_at", "syntax_diagnostic", "too_deep", "unclosed_brace"]

#: Known mistakes, each with snippets that fail in the same parser state as the mistake.
EXAMPLES: dict[str, list[str]] = {
    "missing '{' to open the block": [
        "main go to dock }",
        "main { repeat 3 dock }",
        "main { repeat forever dock }",
        "main { retry 2 dock }",
        "main { sequence dock }",
        "main { fallback dock }",
        "main { parallel dock }",
        "main { parallel any dock }",
        "main { timeout 5 s dock }",
        "main { if true dock }",
        "main { guard true dock }",
        "task t() dock }",
        "task t() { dock } on failure dock",
    ],
    "`go` must be followed by `to`, as in `go to gate`": ["main { go dock }", "main { go (1, 2) }"],
    "a task call needs parentheses, as in `patrol()`": [
        "main { patrol }",
        "main { patrol go to x }",
        "main { patrol dock }",
    ],
    "missing ':' after the route name, as in `route r: a -> b`": ["route r a -> b"],
    "expected a point such as `(3, 4)`": [
        "waypoint a at 3",
        "station a at 3",
        "dock a at 3",
        "victim a at 3",
        "bounds 0 to (1, 1)",
        "bounds (0, 0) to 1",
        "main { go to 3 }",
    ],
    "missing `at` before the position, as in `waypoint gate at (0, 0)`": [
        "waypoint a (0, 0)",
        "station a (0, 0)",
        "dock a (0, 0)",
        "victim a (0, 0)",
    ],
    "a condition is missing": ["main { if { } }", "main { guard { } }"],
    "a task needs a parameter list, as in `task name() { ... }`": ["task t { }"],
    "expected a string in double quotes": [
        "mission Patrol",
        "import lib",
        "world x",
        "main { report 3 }",
        "main { alert (1, 2) }",
        "main { fail }",
    ],
    "missing ',' between arguments": ["main { t(a b) }", "main { t(1 2) }"],
}

_WORDS: dict[str, str] = {
    "NAME": "a name",
    "NUMBER": "a number",
    "UNIT": "a unit",
    "STRING": "a string in double quotes",
    "COMP_OP": "a comparison (< <= > >= == !=)",
    "_ARROW": "'->'",
    "$END": "the end of the file",
}

_DECLARATION_WORDS = {
    "IMPORT", "MISSION", "ROBOT", "WORLD", "BOUNDS", "WAYPOINT", "STATION", "VICTIM", "PAYLOAD",
    "AREA", "TERRAIN", "INTRUDER", "ROUTE", "TASK", "MAIN", "REQUIRE",
}

_PREVIOUS_WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*$")
#: Other languages' spellings of `else if`, read by the parser as a task name.
_ELSE_IF_WORDS = ("elif", "elsif", "elseif")
#: `} elif` with what follows it up to the error: a condition, maybe in parentheses.
_ELSE_IF_BEFORE = re.compile(r"\}\s*(" + "|".join(_ELSE_IF_WORDS) + r")\b[^{}\n]*$")
_NUMBER_THEN_WORD = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)[ \t]*([A-Za-z_][A-Za-z0-9_/]*)[ \t]*$")
#: ``nan s`` / ``inf m`` written as a quantity just before the error: read as a name and a call.
_NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)[ \t]+([A-Za-z_][A-Za-z0-9_/]*)[ \t]*$",
                           re.IGNORECASE)


def end_span(text: str, path: str) -> Span:
    """A one-character span just after the last non-blank character of ``text`` (its end)."""
    lines = text.rstrip().split("\n")
    line = len(lines)
    col = len(lines[-1]) + 1
    return Span(path, line, col, line, col + 1)


def too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column of the first ``{`` or ``(`` nested deeper than ``limit``, if any."""
    return _scan(text, limit)[1]


def unclosed_brace(text: str) -> tuple[int, int] | None:
    """Line and column of the innermost ``{`` left open in ``text`` (strings, comments skipped)."""
    return _scan(text, None)[0]


#: What the brace scan looks at: a string (to its closing quote or the end of its line), a
#: comment, a bracket, a newline. Everything else is skipped by the regex engine, not by Python.
_SCAN_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[{}()\n]')


def _scan(text: str, limit: int | None) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    stack: list[tuple[int, int]] = []
    depth = 0
    line, line_start = 1, 0
    for match in _SCAN_TOKEN.finditer(text):
        ch = match.group()[0]
        if ch == "\n":
            line, line_start = line + 1, match.end()
        elif ch in "{(":
            depth += 1
            col = match.start() - line_start + 1
            if limit is not None and depth > limit:
                return None, (line, col)
            if ch == "{":
                stack.append((line, col))
        elif ch in "})":
            depth = max(depth - 1, 0)
            if ch == "}" and stack:
                stack.pop()
    return (stack[-1] if stack else None), None


def _describe_terminals(grammar: Lark, names: set[str]) -> str:
    patterns = {t.name: t.pattern for t in grammar.terminals}
    words = []
    for name in names:
        if name in _WORDS:
            words.append(_WORDS[name])
        elif isinstance(patterns.get(name), PatternStr):
            words.append(f"'{patterns[name].value}'")
        else:
            words.append(name.lower())
    words.sort()
    if len(words) > 8:
        words = words[:8] + ["..."]
    return ", ".join(words)


def _token_words(token_type: str, value: str) -> str:
    if token_type == "$END":
        return "end of file"
    if token_type in _WORDS and token_type != "NAME":
        return f"{_WORDS[token_type].removeprefix('a ')} {value!r}".replace("'", "`", 2)
    return f"`{value}`"


def _missing_brace(text: str, upto: int) -> str:
    opened = unclosed_brace(text[:upto])
    if opened is None:
        return "missing '}' to close a block"
    return f"missing '}}' to close the block opened at {opened[0]}:{opened[1]}"


def _top_state(exc: UnexpectedInput) -> object:
    state = getattr(exc, "state", None)
    return getattr(state, "position", None)


def _label(grammar: Lark, exc: UnexpectedInput) -> str | None:
    """The label of the example that fails in the same parser state as ``exc``.

    lark's ``match_examples`` compares the whole parser stack (its length included), so a snippet
    only matches a mistake at the same depth: the first declaration of a file, never a later one or
    a nested block. The LALR state on top of the stack alone says what the parser was reading (its
    items), so that is what is compared here, with the acceptable tokens; an example failing on the
    same token wins over one that only shares the state.
    """
    if not isinstance(exc, UnexpectedToken):
        return None
    position = _top_state(exc)
    if position is None:
        return None
    accepts = exc.accepts or exc.expected
    fallback: str | None = None
    for label, snippets in EXAMPLES.items():
        for snippet in snippets:
            try:
                grammar.parse(snippet)
            except UnexpectedToken as ut:
                if _top_state(ut) != position or (ut.accepts or ut.expected) != accepts:
                    continue
                if ut.token.type == exc.token.type:
                    return label
                fallback = fallback or label
            except UnexpectedInput:
                continue
    return fallback


def _unexpected_token(grammar: Lark, text: str, path: str, exc: UnexpectedToken) -> Diagnostic:
    tok = exc.token
    at_end = tok.type == "$END"
    start = len(text) if at_end else (tok.start_pos or 0)
    if at_end:
        span = end_span(text, path)
    else:
        span = Span(path, tok.line or 1, tok.column or 1, tok.end_line or 1, tok.end_column or 1)
    expected = set(exc.expected or ())
    expected_words = _describe_terminals(grammar, expected)
    if "RBRACE" in expected and (at_end or tok.type in _DECLARATION_WORDS):
        return error(span, _missing_brace(text, start), "add '}' before this point")
    if tok.type == "RBRACE" and "RBRACE" not in expected and unclosed_brace(text[:start]) is None:
        return error(span, "unmatched '}': no block is open here", "remove it")
    word = _PREVIOUS_WORD.search(text[:start])
    if word and word.group(1).upper() in _DECLARATION_WORDS and unclosed_brace(text[: word.start(1)]):
        wspan = span_at(text, path, word.start(1), word.end(1))
        return error(wspan, _missing_brace(text, word.start(1)), "add '}' before this declaration")
    elif_word = _ELSE_IF_BEFORE.search(text[:start])
    if elif_word is not None:
        word = elif_word.group(1)
        return error(span_at(text, path, elif_word.start(1), elif_word.end(1)),
                     f"`{word}` is not a word of the language: did you mean `else if`?",
                     f"write `}} else if <condition> {{` instead of `}} {word} <condition> {{`")
    # `wait nan s` reads as `wait nan` and a call of `s`; `radius inf m` fails at the `m`
    not_number = _not_a_number(text, path, start)
    if not_number is not None:
        return not_number
    if "UNIT" not in expected:
        unit = _unknown_unit(text, path, len(text[:start].rstrip()))
        if unit is not None:
            return unit
    label = _label(grammar, exc)
    if label is not None:
        return error(span, label, f"found {_token_words(tok.type, str(tok))}")
    if at_end:
        return error(span, "unexpected end of file", f"expected {expected_words}")
    return error(span, f"unexpected {_token_words(tok.type, str(tok))}",
                 f"expected {expected_words}")


def span_at(text: str, path: str, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` (at least one character), by line and column."""
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Span(path, line, col, line, col + max(end - start, 1))


def _word_end(text: str, pos: int) -> int:
    """Where the word (or unit, ``m/s``) running through ``pos`` ends."""
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] in "_/"):
        end += 1
    return end


def _not_a_number(text: str, path: str, pos: int) -> Diagnostic | None:
    """``nan s``/``inf m`` ending at ``pos``: a quantity whose number is not one."""
    found = _NOT_A_NUMBER.search(text[:_word_end(text, pos)])
    if found is None or found.group(2) not in UNIT_NAMES:
        return None
    return error(span_at(text, path, found.start(1), found.end(1)),
                 f"`{found.group(1)}` is not a number: a quantity is a finite number and a unit",
                 f"write a number, e.g. `5 {found.group(2)}`")


def _unknown_unit(text: str, path: str, pos: int) -> Diagnostic | None:
    """``2 sec``/``2 m/sec`` ending at (or running through) ``pos``: an unknown unit."""
    found = _NUMBER_THEN_WORD.search(text[:_word_end(text, pos)])
    if not found or found.group(2) in UNIT_NAMES:
        return None
    number, word = found.group(1), found.group(2)
    hint = did_you_mean(word, UNIT_NAMES) or f"units are: {' '.join(UNITS)}"
    return error(span_at(text, path, found.start(2), found.end(2)),
                 f"unknown unit `{word}` after {number}", hint)


def _unexpected_char(text: str, path: str, exc: UnexpectedCharacters) -> Diagnostic:
    line, col = exc.line or 1, exc.column or 1
    span = Span(path, line, col, line, col + 1)
    pos = exc.pos_in_stream or 0
    char = text[pos] if 0 <= pos < len(text) else ""
    if char == "/":
        not_number = _not_a_number(text, path, pos)
        if not_number is not None:
            return not_number
        unit = _unknown_unit(text, path, pos)
        if unit is not None:
            return unit
    if char == '"':
        rest = text[pos:].split("\n", 1)[0]
        return error(Span(path, line, col, line, col + len(rest)),
                     "unterminated string", 'close it with `"` on the same line')
    if char in "-." or char.isdigit():
        return error(span, f"cannot read `{char}` here", "numbers look like 12, -3.5 or 0.25")
    return error(span, f"unexpected character {char!r}",
                 "names are letters, digits and `_`; comments start with `#`")


def syntax_diagnostic(grammar: Lark, text: str, path: str, exc: UnexpectedInput) -> Diagnostic:
    """One diagnostic describing the syntax error ``exc`` raised while parsing ``text``."""
    if isinstance(exc, UnexpectedToken):
        return _unexpected_token(grammar, text, path, exc)
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_char(text, path, exc)
    if isinstance(exc, UnexpectedEOF):
        span = end_span(text, path)
        if "RBRACE" in set(exc.expected or ()):
            return error(span, _missing_brace(text, len(text)))
        return error(span, "unexpected end of file")
    return error(Span(path, 1, 1, 1, 2), f"cannot parse this file: {exc}")
