"""Text → AST in one pass: an LALR driver over lark's own tables that calls :class:`ToAst` on reduce.

lark's ``Lark.parse`` builds a parse tree (a ``Tree`` and a ``Meta`` per rule, a ``Token`` per
terminal, keywords included) that :class:`dsl.to_ast.ToAst` then walks once more; for a mission of a
thousand behaviours the two cost several times building the behaviour tree itself. This driver runs
the same LALR(1) automaton (``parse_table``) with the same contextual lexer (each parser state's own
compiled scanner, keyword callbacks included) and the same tree shaping as lark's parse-tree builder
(``?rule`` pass-through, ``_rule`` inlining, filtered tokens, ``[x]`` placeholders, positions
propagated from containers), but calls the AST builder of each alias directly with
``(meta, children)``, so no parse tree exists. Everything is derived from the ``Lark`` object, so a
new grammar rule needs nothing here.

It only parses valid input. On any lexing or parsing error it returns :data:`FAILED` and
:mod:`dsl.parser` re-parses the text with lark itself, whose exception carries the parser state the
syntax diagnostics (:mod:`dsl.syntax_errors`) are matched on: every message stays lark's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import VisitError
from lark.lexer import BasicLexer, ContextualLexer, PatternStr
from lark.parse_tree_builder import maybe_create_child_filter
from lark.parsers.lalr_analysis import Shift

__all__ = ["FAILED", "Driver", "Meta"]

#: Returned by :meth:`Driver.parse` when the text has a lexical or syntax error.
FAILED = object()


class Meta:
    """The span of one rule's text, as lark's ``Meta`` gives it (1-based line and column)."""

    __slots__ = ("column", "empty", "end_column", "end_line", "end_pos", "line", "start_pos")

    def __init__(self, span: tuple[int, int, int, int, int, int] | None) -> None:
        if span is None:
            self.empty = True
            return
        self.empty = False
        (self.line, self.column, self.start_pos, self.end_line, self.end_column,
         self.end_pos) = span


class _Inline:
    """The children of an inlined ``_rule`` (spliced into its parent, as lark does)."""

    __slots__ = ("children",)

    def __init__(self, children: list[Any]) -> None:
        self.children = children


@dataclass(frozen=True)
class _Rule:
    """How one grammar rule's reduction builds its value.

    ``pick`` lists (child index, splice it, Nones to insert before it); ``tail`` is the Nones after
    the last child; ``kind`` is "call" (build with the method named ``name``), "inline" (a
    ``_rule``) or "expand1" (a ``?rule``: pass a lone child through, else call ``name``).
    """

    size: int
    origin: str
    name: str
    kind: str
    pick: tuple[tuple[int, bool, int], ...]
    tail: int
    plain: tuple[int, ...] | None  # ``pick`` when nothing is spliced or inserted


@dataclass(frozen=True)
class _Lexer:
    """One contextual lexer: its compiled alternatives and the keyword of each matched word."""

    regexes: tuple[Any, ...]
    keywords: Mapping[str, Mapping[str, str] | Callable[[str], str | None]]


def _rule_of(rule: Any) -> _Rule:
    options = rule.options
    made = maybe_create_child_filter(rule.expansion, options.keep_all_tokens, False,
                                     options.empty_indices)
    size = len(rule.expansion)
    if made is None:
        pick: tuple[tuple[int, bool, int], ...] = tuple((i, False, 0) for i in range(size))
        tail = 0
    elif len(made.args) == 2:
        pick, tail = tuple(made.args[0]), made.args[1]
    else:
        pick, tail = tuple((i, x, 0) for i, x in made.args[0]), 0
    origin = rule.origin.name
    name = rule.alias or rule.options.template_source or origin
    if origin.startswith("_"):
        kind = "inline"
    elif options.expand1 and not rule.alias:
        kind = "expand1"
    else:
        kind = "call"
    plain = None if tail or any(x or n for _i, x, n in pick) else tuple(i for i, _x, _n in pick)
    return _Rule(size, origin, name, kind, pick, tail, plain)


def _lexer_of(lexer: BasicLexer) -> _Lexer:
    scanner = lexer.scanner  # builds it (and lexer.callback) on first use
    keywords: dict[str, Mapping[str, str] | Callable[[str], str | None]] = {}
    for type_, callback in lexer.callback.items():
        terms = callback.scanner.terminals
        if all(isinstance(t.pattern, PatternStr) and not t.pattern.flags for t in terms):
            keywords[type_] = {t.pattern.value: t.name for t in terms}
        else:
            keywords[type_] = callback.scanner.fullmatch
    return _Lexer(tuple(scanner._mres), keywords)


class Driver:
    """The parser of one grammar, built once per process from its ``Lark`` object.

    Args:
        grammar: a ``Lark`` built with ``parser="lalr"``, the contextual lexer,
            ``propagate_positions=True`` and no postlexer or lexer callbacks.

    Raises:
        ValueError: ``grammar`` was built with options this driver does not reproduce.
    """

    def __init__(self, grammar: Lark) -> None:
        options = grammar.options
        lexer = grammar.parser.lexer
        if (options.parser != "lalr" or not isinstance(lexer, ContextualLexer)
                or options.postlex is not None or grammar.lexer_conf.callbacks
                or options.propagate_positions is not True or len(options.start) != 1):
            raise ValueError("the driver needs an LALR grammar with the contextual lexer, "
                             "propagate_positions=True, one start rule and no lexer callbacks")
        table = grammar.parser.parser.parser.parse_table
        start = options.start[0]
        self.start_state: int = table.start_states[start]
        self.end_state: int = table.end_states[start]
        rules = {rule: _rule_of(rule) for rule in grammar.rules}
        # state → token/rule name → (True, next state) | (False, rule)
        self.actions: dict[int, dict[str, tuple[bool, Any]]] = {
            state: {sym: ((True, arg) if action is Shift else (False, rules[arg]))
                    for sym, (action, arg) in row.items()}
            for state, row in table.states.items()}
        built: dict[int, _Lexer] = {}
        self.lexers: dict[int, _Lexer] = {}
        for state, basic in lexer.lexers.items():
            if id(basic) not in built:
                built[id(basic)] = _lexer_of(basic)
            self.lexers[state] = built[id(basic)]
        first = next(iter(lexer.lexers.values()))
        self.ignore = frozenset(first.ignore_types)
        self.newline_types = frozenset().union(*(b.newline_types for b in lexer.lexers.values()))
        # Terminals some rule keeps as a child: only these become lark Tokens.
        self.kept = frozenset(rule.expansion[i].name for rule, r in rules.items()
                              for i, _x, _n in r.pick if rule.expansion[i].is_term)

    def parse(self, text: str, builder: Any) -> Any:
        """Parse ``text``, building each rule's value with ``builder.method(name)(meta, children)``.

        Returns:
            The value of the start rule, or :data:`FAILED` if the text has a syntax error.

        Raises:
            VisitError: a builder method failed (``orig_exc`` is its exception), as lark's
                ``Transformer`` reports it.
        """
        actions, lexers, ignore, kept = self.actions, self.lexers, self.ignore, self.kept
        newline_types, end_state = self.newline_types, self.end_state
        methods: dict[str, Callable[[Any, list[Any]], Any]] = {}
        states = [self.start_state]
        values: list[Any] = []
        spans: list[tuple[int, int, int, int, int, int] | None] = []
        pos, line, line_start, size = 0, 1, 0, len(text)
        last: tuple[int, int, int, int, int, int] = (1, 1, 0, 1, 1, 0)
        while True:
            if pos < size:
                lexer = lexers[states[-1]]
                for regex in lexer.regexes:
                    match = regex.match(text, pos)
                    if match is not None:
                        break
                else:
                    return FAILED
                value = match.group(0)
                type_ = match.lastgroup
                start_line, start_col, start_pos = line, pos - line_start + 1, pos
                pos += len(value)
                if type_ in newline_types:
                    newlines = value.count("\n")
                    if newlines:
                        line += newlines
                        line_start = start_pos + value.rindex("\n") + 1
                if type_ in ignore:
                    continue
                keyword = lexer.keywords.get(type_)
                if keyword is not None:
                    type_ = (keyword.get(value, type_) if isinstance(keyword, dict)
                             else keyword(value) or type_)
                span = last = (start_line, start_col, start_pos, line, pos - line_start + 1, pos)
                token: Any = (Token(type_, value, start_pos, start_line, start_col, line,
                                    span[4], pos) if type_ in kept else None)
                is_end = False
            else:
                type_, token, span, is_end = "$END", None, last, True
            while True:
                action = actions[states[-1]].get(type_)
                if action is None:
                    return FAILED
                shift, arg = action
                if shift:
                    states.append(arg)
                    values.append(token)
                    spans.append(span)
                    break
                rule: _Rule = arg
                n = rule.size
                if n:
                    children = values[-n:]
                    child_spans = spans[-n:]
                    del states[-n:], values[-n:], spans[-n:]
                    first = next((s for s in child_spans if s is not None), None)
                    if first is None:
                        here = None
                    else:
                        end = next(s for s in reversed(child_spans) if s is not None)
                        here = (first[0], first[1], first[2], end[3], end[4], end[5])
                else:
                    children, here = [], None
                value = self._reduce(rule, children, here, methods, builder)
                if rule.kind == "expand1" and type(value) is Token:
                    here = (value.line, value.column, value.start_pos, value.end_line,
                            value.end_column, value.end_pos)
                elif value is None and rule.kind == "expand1":
                    here = None
                states.append(actions[states[-1]][rule.origin][1])
                values.append(value)
                spans.append(here)
                if is_end and states[-1] == end_state:
                    return value

    @staticmethod
    def _reduce(rule: _Rule, children: list[Any], here: Any,
                methods: dict[str, Callable[[Any, list[Any]], Any]], builder: Any) -> Any:
        """One rule's value from its children, shaped as lark's parse-tree builder shapes it."""
        if rule.plain is not None:
            picked = [children[i] for i in rule.plain]
        else:
            picked = []
            for i, splice, nones in rule.pick:
                if nones:
                    picked += [None] * nones
                if splice:
                    picked += children[i].children
                else:
                    picked.append(children[i])
            if rule.tail:
                picked += [None] * rule.tail
        if rule.kind == "inline":
            return _Inline(picked)
        if rule.kind == "expand1" and len(picked) == 1:
            return picked[0]
        meta = Meta(here)
        try:
            method = methods.get(rule.name)
            if method is None:
                method = methods[rule.name] = builder.method(rule.name)
            return method(meta, picked)
        except (VisitError, RecursionError):
            raise
        except Exception as exc:
            raise VisitError(rule.name, Tree(rule.name, picked, meta), exc) from exc  # type: ignore[arg-type]
