"""The keywords of the grammar, read from dsl/mission.lark itself (its alphabetic string terminals).

Keywords are contextual, so most names may still be keywords (a dock called `dock` is fine); a
task, however, is called where statements start, so a task named like a keyword could never be
called and the checker refuses it. Reading them from the grammar means a new action's keyword
needs no second list here.
"""

from __future__ import annotations

from lark import Lark
from lark.lexer import PatternStr

from dsl.parser import GRAMMAR

__all__ = ["KEYWORDS", "keywords"]


def keywords(grammar: Lark) -> frozenset[str]:
    """Every alphabetic string terminal of ``grammar`` (``"go"``, ``"to"``, ``"forever"``...)."""
    return frozenset(t.pattern.value for t in grammar.terminals
                     if isinstance(t.pattern, PatternStr) and t.pattern.value.isalpha())


KEYWORDS: frozenset[str] = keywords(GRAMMAR)
