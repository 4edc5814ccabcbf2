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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from re import _parser as re_parser  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from lark import Lark, Token, Tree
from lark.exceptions import VisitError
from lark.lexer import BasicLexer, ContextualLexer, PatternStr
from lark.parse_tree_builder import maybe_create_child_filter
from lark.parsers.lalr_analysis import Shift

__all__ = ["EMPTY_META", "FAILED", "Driver", "Meta"]

#: Returned by :meth:`Driver.parse` when the text has a lexical or syntax error.
FAILED = object()


class Meta(tuple):  # type: ignore[type-arg]
    """The span of one rule's text, read as lark's ``Meta`` (1-based line and column).

    A tuple ``(line, column, start_pos, end_line, end_column, end_pos)``: building one per
    reduction costs a third of a ``__slots__`` object with seven attributes.
    """

    __slots__ = ()
    empty = False
    line = property(itemgetter(0))
    column = property(itemgetter(1))
    start_pos = property(itemgetter(2))
    end_line = property(itemgetter(3))
    end_column = property(itemgetter(4))
    end_pos = property(itemgetter(5))


class _EmptyMeta:
    """The meta of a rule that matched no text (lark's ``Meta`` with ``empty`` set)."""

    __slots__ = ()
    empty = True


EMPTY_META = _EmptyMeta()


class _Inline:
    """The children of an inlined ``_rule`` (spliced into its parent, as lark does)."""

    __slots__ = ("children",)

    def __init__(self, children: list[Any]) -> None:
        self.children = children


# How a reduction builds its value (the fast paths of the driver's loop, cheapest first).
UNIT = 0  # a ``?rule`` over one kept symbol: value and span stay, only the state changes
APPEND = 1  # ``_x: _x y``, the left-recursive list: append y to x's children in place
ALL = 2  # every child, in order, to the method
PICK = 3  # some children (keywords filtered out), in order, to the method
SPLICE = 4  # one inlined ``_rule``'s children to the method (``block: "{" statement* "}"``)
INLINE = 5  # a ``_rule`` whose children are picked without splicing or Nones
GENERAL = 6  # lark's child filter in full: splice ``_rule``s, insert ``[x]`` Nones, expand1


@dataclass(frozen=True, slots=True)
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
    mode: int
    single: int = -1  # the one child ``plain`` picks (-1: none, or several)


class _Lexer(NamedTuple):
    """One contextual lexer: its compiled alternatives and the keyword of each matched word.

    ``skip_then_match`` (when the grammar allows it) matches the ignored text before a token and
    the token in one call: see :func:`_skip_then_match`. A tuple, so the driver's loop unpacks
    it in one step per token.
    """

    regexes: tuple[Any, ...]
    keywords: Mapping[str, Mapping[str, str] | Callable[[str], str | None]]
    skip_then_match: Callable[[str, int], Any] | None = None


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
    origin = str(rule.origin.name)
    name = str(rule.alias or rule.options.template_source or origin)
    if origin.startswith("_"):
        kind = "inline"
    elif options.expand1 and not rule.alias:
        kind = "expand1"
    else:
        kind = "call"
    plain = None if tail or any(x or n for _i, x, n in pick) else tuple(i for i, _x, _n in pick)
    if kind == "expand1" and size == 1 and plain == (0,):
        mode = UNIT
    elif kind == "inline" and pick == ((0, True, 0), (1, False, 0)) and not tail:
        mode = APPEND
    elif kind == "call" and plain == tuple(range(size)):
        mode = ALL
    elif kind == "call" and plain is not None:
        mode = PICK
    elif kind == "call" and len(pick) == 1 and pick[0][1] and not pick[0][2] and not tail:
        mode = SPLICE
    elif kind == "inline" and plain is not None:
        mode = INLINE
    else:
        mode = GENERAL
    single = plain[0] if plain is not None and len(plain) == 1 else -1
    return _Rule(size, origin, name, kind, pick, tail, plain, mode, single)


def _lexer_of(lexer: BasicLexer) -> _Lexer:
    scanner = lexer.scanner  # builds it (and lexer.callback) on first use
    keywords: dict[str, Mapping[str, str] | Callable[[str], str | None]] = {}
    for type_, callback in lexer.callback.items():
        terms = callback.scanner.terminals
        if all(isinstance(t.pattern, PatternStr) and not t.pattern.flags for t in terms):
            keywords[type_] = {t.pattern.value: t.name for t in terms}
        else:
            keywords[type_] = callback.scanner.fullmatch
    return _Lexer(tuple(scanner._mres), keywords, _skip_then_match(lexer, scanner))


def _skip_then_match(lexer: BasicLexer, scanner: Any) -> Callable[[str, int], Any] | None:
    """One regex ``(?:ignored)*+(?:alternatives)`` for a lexer, when that is what lark does.

    lark matches the first alternative (in its order) at each position, skips it if it is ignored
    (whitespace, comments) and matches again in the same parser state. Folding the skips into a
    possessive prefix gives the same tokens when no kept alternative can start with a character an
    ignored one starts with, so at any position exactly one side can match. The first characters
    come from the parsed regexes; anything this analysis does not understand disables the fold
    (the lexer then skips one match at a time, as lark does).
    """
    if len(scanner._mres) != 1 or lexer.g_regex_flags:
        return None
    ignored = [t for t in scanner.terminals if t.name in lexer.ignore_types]
    skipped: set[int] = set()
    for term in ignored:
        chars = _first_chars(term.pattern.to_regexp())
        if chars is None:
            return None
        skipped |= chars
    for term in scanner.terminals:
        if term.name not in lexer.ignore_types:
            chars = _first_chars(term.pattern.to_regexp())
            if chars is None or chars & skipped:
                return None
    prefix = "|".join(f"(?:{t.pattern.to_regexp()})" for t in ignored)
    regex = re.compile(f"(?:{prefix})*+(?:{scanner._mres[0].pattern})")
    return regex.match  # type: ignore[no-any-return]


@lru_cache(maxsize=1024)
def _first_chars(regexp: str) -> frozenset[int] | None:
    """The code points a match of ``regexp`` can start with (None: unknown or any).

    Cached: the 91 contextual lexers of the grammar share a few dozen terminals.
    """
    try:
        chars, nullable = _first(re_parser.parse(regexp))
    except re.error:
        return None
    return None if nullable or chars is None else frozenset(chars)


def _first(items: Any) -> tuple[set[int] | None, bool]:
    """First code points of a parsed sequence, and whether it can match the empty string."""
    out: set[int] = set()
    for op, av in items:
        chars, nullable = _first_item(str(op), av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_item(op: str, av: Any) -> tuple[set[int] | None, bool]:
    if op == "LITERAL":
        return {av}, False
    if op == "IN":
        chars: set[int] = set()
        for item, value in av:
            if str(item) == "LITERAL":
                chars.add(value)
            elif str(item) == "RANGE" and value[1] - value[0] < 4096:
                chars.update(range(value[0], value[1] + 1))
            else:  # a negated set or a category: too many to list
                return None, False
        return chars, False
    if op == "SUBPATTERN":
        if av[1] & re.IGNORECASE:
            return None, False
        return _first(av[3])
    if op == "BRANCH":
        union: set[int] = set()
        any_empty = False
        for alternative in av[1]:
            chars_, empty = _first(alternative)
            if chars_ is None:
                return None, False
            union |= chars_
            any_empty = any_empty or empty
        return union, any_empty
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        chars_, empty = _first(av[2])
        return chars_, empty or av[0] == 0
    if op in ("ASSERT", "ASSERT_NOT", "AT"):  # zero width: narrows a match, starts none
        return set(), True
    return None, False


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
        self.rules: list[_Rule] = []
        index: dict[Any, int] = {}
        for rule in grammar.rules:
            index[rule] = len(self.rules)
            self.rules.append(_rule_of(rule))
        count = max(table.states) + 1
        # state → terminal → the next state (>= 0, a shift) or ~rule index (< 0, a reduction)
        self.actions: list[dict[str, int]] = [{} for _ in range(count)]
        # state → rule name → the state after reducing to it
        self.goto: list[dict[str, int]] = [{} for _ in range(count)]
        for state, row in table.states.items():
            for sym, (action, arg) in row.items():
                if action is not Shift:
                    self.actions[state][str(sym)] = ~index[arg]
                elif str(sym).isupper() or str(sym) == "$END":
                    self.actions[state][str(sym)] = arg
                else:
                    self.goto[state][str(sym)] = arg
        # Each state's lexer is built on first use (lark's are too): most states never lex.
        self._basic: dict[int, BasicLexer] = dict(lexer.lexers)
        self._built: dict[int, _Lexer] = {}
        self.lexers: list[_Lexer | None] = [None] * count
        first = next(iter(lexer.lexers.values()))
        self.ignore = frozenset(first.ignore_types)
        # Terminals some rule keeps as a child: only these become lark Tokens.
        self.kept = frozenset(str(rule.expansion[i].name) for rule in grammar.rules
                              for i, _x, _n in self.rules[index[rule]].pick
                              if rule.expansion[i].is_term)

    def lexer(self, state: int) -> _Lexer:
        """The lexer of parser state ``state`` (built once, shared by states that accept alike)."""
        basic = self._basic[state]
        built = self._built.get(id(basic))
        if built is None:
            built = self._built[id(basic)] = _lexer_of(basic)
        self.lexers[state] = built
        return built

    def parse(self, text: str, builder: Any) -> Any:
        """Parse ``text``, building each rule's value with ``builder.method(name)(meta, children)``.

        ``meta`` is a :class:`Meta` (or :data:`EMPTY_META`); a builder whose ``raw_spans`` is True
        gets the plain tuple ``(line, column, start_pos, end_line, end_column, end_pos)`` instead,
        one allocation fewer per node.

        Returns:
            The value of the start rule, or :data:`FAILED` if the text has a syntax error.

        Raises:
            VisitError: a builder method failed (``orig_exc`` is its exception), as lark's
                ``Transformer`` reports it.

        One flat loop, past the house limit of complexity on purpose: it runs once per token and
        once per reduction, and a function call for each lexing or reducing step would cost more
        than the step.
        """
        actions, goto, rules, lexers = self.actions, self.goto, self.rules, self.lexers
        ignore, kept, end_state = self.ignore, self.kept, self.end_state
        new_str = str.__new__
        # A builder that reads spans by index takes the driver's own tuple, not a Meta copy of it.
        raw = getattr(builder, "raw_spans", False) is True
        token: Any
        methods: dict[str, Callable[[Any, list[Any]], Any]] = {}
        states = [self.start_state]
        values: list[Any] = []
        spans: list[tuple[int, int, int, int, int, int] | None] = []
        pos, line, line_start, size = 0, 1, 0, len(text)
        # The first newline at or after ``pos`` (``size`` when none is left): a token whose blank
        # prefix ends before it starts on the current line, with no count of the newlines.
        next_nl = text.find("\n")
        if next_nl < 0:
            next_nl = size
        last: tuple[int, int, int, int, int, int] = (1, 1, 0, 1, 1, 0)
        while True:
            if pos < size:
                lexer = lexers[states[-1]]
                if lexer is None:
                    lexer = self.lexer(states[-1])
                regexes, keywords, fold = lexer
                match = None if fold is None else fold(text, pos)
                if match is not None:  # the ignored text, then a token: one match for both
                    type_ = match.lastgroup
                    start, end_of = match.span(type_)  # the token's group ends the match
                    if start > next_nl:
                        line += text.count("\n", pos, start)
                        line_start = text.rindex("\n", pos, start) + 1
                        next_nl = text.find("\n", start)
                        if next_nl < 0:
                            next_nl = size
                    pos = end_of
                else:
                    for regex in regexes:
                        match = regex.match(text, pos)
                        if match is not None:
                            break
                    else:
                        return FAILED
                    type_ = match.lastgroup
                    start = pos
                    pos = match.end()
                    if type_ in ignore:
                        if pos > next_nl:
                            line += text.count("\n", start, pos)
                            line_start = text.rindex("\n", start, pos) + 1
                            next_nl = text.find("\n", pos)
                            if next_nl < 0:
                                next_nl = size
                        continue
                value = text[start:pos]
                start_line, start_col = line, start - line_start + 1
                if pos > next_nl:  # a token that holds a newline (of a newline type)
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
                    next_nl = text.find("\n", pos)
                    if next_nl < 0:
                        next_nl = size
                keyword = keywords.get(type_)
                if keyword is not None:
                    type_ = (keyword.get(value, type_) if type(keyword) is dict
                             else keyword(value) or type_)  # type: ignore[operator]
                span = last = (start_line, start_col, start, line, pos - line_start + 1, pos)
                if type_ in kept:  # lark's Token, its slots filled here: Token() is two calls
                    token = new_str(Token, value)
                    token.type = type_
                    token.value = value
                    token.start_pos = start
                    token.line = start_line
                    token.column = start_col
                    token.end_line = line
                    token.end_column = span[4]
                    token.end_pos = pos
                else:
                    token = None
                is_end = False
            else:
                type_, token, span, is_end = "$END", None, last, True
            while True:
                action = actions[states[-1]].get(type_)  # type: ignore[arg-type]
                if action is None:
                    return FAILED
                if action >= 0:
                    states.append(action)
                    values.append(token)
                    spans.append(span)
                    break
                rule = rules[~action]
                mode = rule.mode
                if mode == UNIT:
                    states[-1] = goto[states[-2]][rule.origin]
                    continue
                if mode == APPEND:  # in place: the list stays where it is on the stacks
                    item = values.pop()
                    end = spans.pop()
                    states.pop()
                    values[-1].children.append(item)
                    here = spans[-1]
                    if here is None or end is None:
                        spans[-1] = _cover([here, end])
                    elif here is not end:
                        spans[-1] = (here[0], here[1], here[2], end[3], end[4], end[5])
                    states[-1] = goto[states[-2]][rule.origin]
                    continue
                n = rule.size
                if n == 1:
                    children = [values.pop()]
                    here = spans.pop()
                    states.pop()
                elif n:
                    children = values[-n:]
                    here = spans[-n]
                    end = spans[-1]
                    if here is None or end is None:
                        here = _cover(spans[-n:])
                    elif here is not end:
                        here = (here[0], here[1], here[2], end[3], end[4], end[5])
                    del states[-n:], values[-n:], spans[-n:]
                else:
                    children, here = [], None
                if mode <= SPLICE:  # ALL, PICK, SPLICE: the builder's method
                    if mode == PICK:  # one child picked, mostly: no comprehension for it
                        plain = rule.plain
                        children = ([children[rule.single]] if rule.single >= 0
                                    else [children[i] for i in plain])  # type: ignore[union-attr]
                    elif mode == SPLICE:
                        children = children[rule.pick[0][0]].children
                    try:
                        method = methods.get(rule.name)
                        if method is None:
                            method = methods[rule.name] = builder.method(rule.name)
                        value = method(EMPTY_META if here is None else here if raw else Meta(here),
                                       children)
                    except (VisitError, RecursionError):
                        raise
                    except Exception as exc:
                        raise _visit_error(rule, children, here, exc) from exc
                elif mode == INLINE:
                    plain = rule.plain
                    value = _Inline([children[rule.single]] if rule.single >= 0
                                    else [children[i] for i in plain])  # type: ignore[union-attr]
                else:
                    value = _reduce(rule, children, here, methods, builder, raw)
                    if rule.kind == "expand1" and type(value) is Token:
                        here = (value.line, value.column, value.start_pos, value.end_line,
                                value.end_column, value.end_pos)
                    elif value is None and rule.kind == "expand1":
                        here = None
                states.append(goto[states[-1]][rule.origin])
                values.append(value)
                spans.append(here)
                if is_end and states[-1] == end_state:
                    return value


def _reduce(rule: _Rule, children: list[Any], here: Any,
            methods: dict[str, Callable[[Any, list[Any]], Any]], builder: Any, raw: bool) -> Any:
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
    try:
        method = methods.get(rule.name)
        if method is None:
            method = methods[rule.name] = builder.method(rule.name)
        return method(EMPTY_META if here is None else here if raw else Meta(here), picked)
    except (VisitError, RecursionError):
        raise
    except Exception as exc:
        raise _visit_error(rule, picked, here, exc) from exc


def _cover(spans: list[Any]) -> tuple[int, int, int, int, int, int] | None:
    """The span from the first child's start to the last child's end (None: no child has one)."""
    first = next((s for s in spans if s is not None), None)
    if first is None:
        return None
    end = next(s for s in reversed(spans) if s is not None)
    return first if end is first else (first[0], first[1], first[2], end[3], end[4], end[5])


def _visit_error(rule: _Rule, children: list[Any], here: Any, exc: Exception) -> VisitError:
    """lark's report of a failed builder method, with the node (and its meta) it failed on."""
    meta = EMPTY_META if here is None else Meta(here)
    return VisitError(rule.name, Tree(rule.name, children, meta), exc)  # type: ignore[arg-type]
