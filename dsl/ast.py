"""The abstract syntax of mission and world files: frozen values, each carrying its source span.

Built by :mod:`dsl.parser` from lark's parse tree; read by the loader, checker and compiler. This
module imports no lark, so everything after parsing is independent of the parsing library.
Quantities keep the number and unit as written; the checker converts them.

The declarations and the parsed file live here; the leaves (spans, values, shapes) are in
:mod:`dsl.ast_values` and the statements and conditions in :mod:`dsl.ast_stmts`, re-exported so
that ``from dsl import ast as A`` names every node.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ast_stmts import (
    Action,
    ActionArg,
    AndCond,
    ArgValue,
    Block,
    BoolCond,
    Branch,
    Call,
    CallArg,
    Compare,
    Composite,
    Cond,
    DistanceCond,
    FactCond,
    GaitIs,
    Guard,
    If,
    NotCond,
    OrCond,
    Policy,
    Repeat,
    Retry,
    SetVar,
    Stmt,
    TerrainIs,
    Timeout,
    VarStep,
    WithPolicy,
)
from dsl.ast_values import (
    CircleShape,
    Ident,
    Point,
    PolygonShape,
    Prop,
    Quantity,
    RectShape,
    Shape,
    Span,
    Text,
    fast_inits,
)

__all__ = [
    "Action",
    "ActionArg",
    "AndCond",
    "AreaDecl",
    "ArgValue",
    "Block",
    "BoolCond",
    "BoundsDecl",
    "Branch",
    "Call",
    "CallArg",
    "CircleShape",
    "Compare",
    "Composite",
    "Cond",
    "Decl",
    "DistanceCond",
    "FactCond",
    "GaitIs",
    "Guard",
    "Ident",
    "If",
    "ImportDecl",
    "IntruderDecl",
    "IntruderOption",
    "MainDecl",
    "MissionDecl",
    "NotCond",
    "OrCond",
    "PayloadDecl",
    "PlaceDecl",
    "Point",
    "Policy",
    "PolygonShape",
    "Prop",
    "Quantity",
    "RectShape",
    "Repeat",
    "RequireDecl",
    "Retry",
    "RobotDecl",
    "RouteDecl",
    "SetVar",
    "Shape",
    "SourceFile",
    "Span",
    "Stmt",
    "TaskDecl",
    "TaskParam",
    "TemporalRequireDecl",
    "TerrainDecl",
    "TerrainIs",
    "Text",
    "Timeout",
    "VarDecl",
    "VarStep",
    "VaryDecl",
    "VaryItem",
    "WithPolicy",
    "WorldDecl",
]



# ----------------------------------------------------------------------------- declarations
@dataclass(frozen=True)
class ImportDecl:
    path: Text
    span: Span


@dataclass(frozen=True)
class MissionDecl:
    name: Text
    props: tuple[Prop, ...]
    span: Span


@dataclass(frozen=True)
class RobotDecl:
    model: Ident
    props: tuple[Prop, ...]
    span: Span


@dataclass(frozen=True)
class WorldDecl:
    """``world "..."``: a path in a mission file, the world's name in a world file."""

    value: Text
    span: Span


@dataclass(frozen=True)
class BoundsDecl:
    lo: Point
    hi: Point
    span: Span


@dataclass(frozen=True)
class PlaceDecl:
    """``waypoint|station|dock|victim NAME at POINT``."""

    kind: str
    name: Ident
    at: Point
    span: Span


@dataclass(frozen=True)
class PayloadDecl:
    name: Ident
    mass: Quantity
    station: Ident
    span: Span


@dataclass(frozen=True)
class AreaDecl:
    name: Ident
    shape: Shape
    span: Span


@dataclass(frozen=True)
class TerrainDecl:
    name: Ident
    kind: Ident
    shape: Shape
    props: tuple[Prop, ...]
    span: Span


@dataclass(frozen=True)
class IntruderOption:
    """``loop`` (value None) or ``speed <value>``."""

    name: str
    value: Quantity | None
    span: Span


@dataclass(frozen=True)
class IntruderDecl:
    name: Ident
    path: tuple[Point, ...]
    options: tuple[IntruderOption, ...]
    span: Span


@dataclass(frozen=True)
class RouteDecl:
    name: Ident
    points: tuple[Ident, ...]
    span: Span


@dataclass(frozen=True)
class TaskParam:
    name: Ident
    type: Ident
    span: Span


@dataclass(frozen=True)
class TaskDecl:
    name: Ident
    params: tuple[TaskParam, ...]
    body: Block
    on_failure: Block | None
    span: Span
    #: ``on failure retry 3 every 10 s`` / ``skip`` / ``retry later`` / ``abort`` after the body
    #: (a handler block stays in ``on_failure``).
    policy: Policy | None = None


@dataclass(frozen=True)
class MainDecl:
    body: Block
    span: Span


@dataclass(frozen=True)
class RequireDecl:
    metric: Ident
    op: str
    value: Quantity
    span: Span


@dataclass(frozen=True)
class TemporalRequireDecl:
    """``require always COND`` (kind "always") or ``require COND within D [of TRIGGER]`` (kind
    "within"): a condition judged over the run's ticks, not a metric measured at its end."""

    kind: str
    cond: Cond
    duration: Quantity | None
    trigger: Cond | None
    span: Span


@dataclass(frozen=True)
class VaryItem:
    """``name [region] low [.. high]`` inside a ``vary`` block (``high`` None for a chance)."""

    name: Ident
    region: Ident | None
    low: Quantity
    high: Quantity | None
    span: Span


@dataclass(frozen=True)
class VaryDecl:
    """``vary { ... }``: what a campaign draws per run (see :mod:`bt_runtime.variation`)."""

    items: tuple[VaryItem, ...]
    span: Span


@dataclass(frozen=True)
class VarDecl:
    """``var name = true|false|N``: a mission variable (a flag or a counter) and its start value."""

    name: Ident
    value: Quantity | BoolCond
    span: Span


Decl = (
    ImportDecl
    | TemporalRequireDecl
    | MissionDecl
    | RobotDecl
    | WorldDecl
    | BoundsDecl
    | PlaceDecl
    | PayloadDecl
    | AreaDecl
    | TerrainDecl
    | IntruderDecl
    | RouteDecl
    | TaskDecl
    | MainDecl
    | RequireDecl
    | VaryDecl
    | VarDecl
)


@dataclass(frozen=True)
class SourceFile:
    """One parsed file; ``kind`` is "world" for ``.world`` files and "mission" otherwise."""

    path: str
    kind: str
    decls: tuple[Decl, ...]


fast_inits(globals())  # after every class: see dsl.ast_values.fast_inits
