"""The keywords of the grammar, read from dsl/mission.lark itself (its alphabetic string terminals).

Keywords are contextual, so most names may still be keywords (a dock called `dock` is fine); a
task, however, is called where statements start. A task named like a statement's first word
(`stand`) could never be called; one named like a word that may continue a statement or follow
one elsewhere in the grammar (`at` after `dock`, `area` after a block, whose end the parser shares
with `main`'s) would be misread there; the checker refuses both. Any other keyword (`skip`,
`later`, `radius`) is read as a call everywhere, which :func:`misread_after` finds by parsing the
call after each way a statement can end. Reading them from the grammar means a new action's
keyword needs no second list here.
"""

from __future__ import annotations

from functools import cache

from lark import Lark
from lark.lexer import PatternStr

from dsl import ast as A
from dsl.parser import GRAMMAR, parse_text

__all__ = ["KEYWORDS", "keywords", "misread_after"]


def keywords(grammar: Lark) -> frozenset[str]:
    """Every alphabetic string terminal of ``grammar`` (``"go"``, ``"to"``, ``"forever"``...)."""
    return frozenset(t.pattern.value for t in grammar.terminals
                     if isinstance(t.pattern, PatternStr) and t.pattern.value.isalpha())


KEYWORDS: frozenset[str] = keywords(GRAMMAR)


#: A statement of each way a statement ends (a bare word, a block, an amount, a name, a string, a
#: policy), most common first: a call is read as one after all of them, or not everywhere.
_BEFORE = ("", "stand ", "repeat 2 { stand } ", "if true { stand } ", "guard true { stand } ",
           "wait 1 s ", "wait t ", "follow r ", "dock ", "go to g ", "search a for victim ",
           'report "x" ', "drop off at s ", "set x = true ", "set x = y + 1 ", "set gait trot ",
           "stand on failure skip ", "stand on failure retry 2 every 1 s ")


@cache
def misread_after(name: str) -> str | None:
    """The first statement after which ``name()`` is not read as a call of task ``name`` (""
    when not even at the start of a block), or None when it is read as one after every kind."""
    for before in _BEFORE:
        text = f'mission "k"\ntask {name}() {{ stand }}\nmain {{ {before}{name}() }}\n'
        file = parse_text(text, "keyword.mission").file
        main = [d for d in file.decls if isinstance(d, A.MainDecl)] if file else []
        last = main[0].body.stmts[-1] if main and main[0].body.stmts else None
        if not (isinstance(last, A.Call) and last.task.name == name):
            return before.strip()
    return None
