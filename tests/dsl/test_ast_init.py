"""The AST's fast ``__init__`` (dsl.ast_values.fast_inits) builds what dataclasses' own would."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from dsl import ast as A
from dsl import ast_stmts, ast_values
from dsl.ast_values import fast_inits

NODES = [c for m in (A, ast_stmts, ast_values) for c in vars(m).values()
         if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__]


def test_every_frozen_node_has_the_fast_init() -> None:
    assert len(NODES) > 40
    for cls in NODES:
        assert "__dict__" in cls.__init__.__code__.co_names, cls.__name__


def test_the_signature_is_dataclasses_own() -> None:
    for cls in NODES:
        expected = [(f.name, f.default) for f in dataclasses.fields(cls)]
        got = [(p.name, dataclasses.MISSING if p.default is p.empty else p.default)
               for p in inspect.signature(cls.__init__).parameters.values()][1:]
        assert got == expected, cls.__name__


def test_a_node_is_still_frozen_equal_hashable_and_ordered() -> None:
    """A span is a tuple read by name (see :class:`dsl.ast_values.Span`); the nodes are frozen
    dataclasses with the fast init."""
    span = A.Span("m", 1, 2, 1, 5)
    same = A.Span(file="m", line=1, col=2, end_line=1, end_col=5)
    assert span == same and hash(span) == hash(same) and span < A.Span("m", 1, 3, 1, 5)
    assert (span.file, span.line, span.col, span.end_line, span.end_col) == ("m", 1, 2, 1, 5)
    assert repr(span) == "Span(file='m', line=1, col=2, end_line=1, end_col=5)"
    with pytest.raises(AttributeError):
        span.line = 3  # type: ignore[misc]
    ident = A.Ident("w1", span)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ident.name = "w2"  # type: ignore[misc]
    guard = A.Guard(A.BoolCond(True, span), A.Block((), span), span)
    assert guard.resume is True and dataclasses.replace(guard, resume=False).resume is False
    assert repr(A.Ident("w1", span)) == f"Ident(name='w1', span={span!r})"
    with pytest.raises(TypeError):
        A.Ident("w1")  # type: ignore[call-arg]


def test_classes_it_cannot_speed_up_keep_their_init() -> None:
    @dataclasses.dataclass(frozen=True)
    class Later:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        x: int

    @dataclasses.dataclass(frozen=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    before = {c: c.__init__ for c in (Later, Slotted, Checked)}
    fast_inits({"__name__": __name__, "Later": Later, "Slotted": Slotted, "Checked": Checked})
    assert {c: c.__init__ for c in before} == before
    assert Later().items == [] and Slotted(1).x == 1
    with pytest.raises(ValueError):
        Checked(-1)
