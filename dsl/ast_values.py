"""The leaves of the abstract syntax: spans, names, quantities, points, text, shapes, properties.

Split out of :mod:`dsl.ast` (which re-exports everything) so that each module stays short; like it,
this imports no lark. Quantities keep the number and unit as written; the checker converts them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Self

__all__ = [
    "CircleShape",
    "Ident",
    "Point",
    "PolygonShape",
    "Prop",
    "Quantity",
    "RectShape",
    "Shape",
    "Span",
    "Text",
    "fast_inits",
]


class Span(tuple):  # type: ignore[type-arg]
    """Where something is written: 1-based line and column of its first and one-past-last char.

    A tuple ``(file, line, col, end_line, end_col)`` read by name, not a dataclass: every node of
    every parsed file has one, and a tuple is a third of the cost to build (the parser builds it
    with ``tuple.__new__`` directly), holds no instance dict, and drops out of the garbage
    collector's tracking once it has been seen to hold only strings and numbers. It is immutable,
    equal, hashed and ordered field by field, as the frozen dataclass it replaces was.
    """

    __slots__ = ()
    _fields = ("file", "line", "col", "end_line", "end_col")

    def __new__(cls, file: str, line: int, col: int, end_line: int, end_col: int) -> Self:
        return _new_tuple(cls, (file, line, col, end_line, end_col))

    def __getnewargs__(self) -> tuple[str, int, int, int, int]:  # pickle and copy
        return tuple(self)  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (f"Span(file={self[0]!r}, line={self[1]!r}, col={self[2]!r}, "
                f"end_line={self[3]!r}, end_col={self[4]!r})")

    file: str = property(itemgetter(0))  # type: ignore[assignment]
    line: int = property(itemgetter(1))  # type: ignore[assignment]
    col: int = property(itemgetter(2))  # type: ignore[assignment]
    end_line: int = property(itemgetter(3))  # type: ignore[assignment]
    end_col: int = property(itemgetter(4))  # type: ignore[assignment]


_new_tuple = tuple.__new__


# ----------------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Ident:
    """A name as written."""

    name: str
    span: Span


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written; ``unit`` is None for a bare number."""

    value: float
    unit: str | None
    text: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.text.split()[0] and self.unit is None


@dataclass(frozen=True)
class Point:
    """``(x, y)`` or ``(x, y, z)``; each coordinate a quantity (bare or in a length unit)."""

    coords: tuple[Quantity, ...]
    span: Span


@dataclass(frozen=True)
class Text:
    """A string literal, escapes already resolved."""

    value: str
    span: Span


@dataclass(frozen=True)
class RectShape:
    lo: Point
    hi: Point
    span: Span


@dataclass(frozen=True)
class CircleShape:
    center: Point
    radius: Quantity
    span: Span


@dataclass(frozen=True)
class PolygonShape:
    points: tuple[Point, ...]
    span: Span


Shape = RectShape | CircleShape | PolygonShape


@dataclass(frozen=True)
class Prop:
    """``name value`` inside a mission/robot/terrain property block."""

    name: Ident
    value: Quantity
    span: Span


def fast_inits(namespace: dict[str, Any]) -> None:
    """Give each frozen dataclass of ``namespace`` an ``__init__`` that fills its ``__dict__``.

    A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__`` (a lookup
    and a call per field): about four times the cost of a plain class, paid for every node of every
    parsed file. The replacement has the same parameters and defaults and writes the instance dict
    directly; the class stays frozen (its ``__setattr__`` still refuses), and its equality, hash,
    ordering and repr are dataclasses' own. A class with ``__slots__``, a ``__post_init__``, a
    default factory, keyword-only fields or an ``InitVar`` keeps dataclasses' ``__init__``.

    Args:
        namespace: a module's ``globals()``; only classes defined in that module are changed.
    """
    module = namespace.get("__name__")
    for cls in list(namespace.values()):
        if isinstance(cls, type) and cls.__module__ == module and _plain_frozen(cls):
            init = _dict_init(cls)
            if init is not None:
                cls.__init__ = init  # type: ignore[misc]


def _plain_frozen(cls: type) -> bool:
    """A frozen dataclass with an instance dict, no ``__post_init__`` and no pseudo-fields."""
    params = getattr(cls, "__dataclass_params__", None)
    if not dataclasses.is_dataclass(cls) or params is None or not params.frozen:
        return False
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        return False
    declared = cls.__dataclass_fields__.keys()  # type: ignore[attr-defined]
    return not declared - {f.name for f in dataclasses.fields(cls)}  # no ClassVar, no InitVar


def _dict_init(cls: type) -> Any:
    """The ``__init__`` of :func:`fast_inits` for ``cls`` (None: a field it does not handle)."""
    fields = dataclasses.fields(cls)
    params, body, defaults = [], [], {}
    for f in fields:
        if (not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING
                or not f.name.isidentifier()):
            return None
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    d[{f.name!r}] = {f.name}")
    source = (f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n"
              + ("\n".join(body) or "    pass") + "\n")
    exec(source, defaults)  # noqa: S102 - our own text, built from field names
    init = defaults["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


fast_inits(globals())
