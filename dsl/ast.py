"""The abstract syntax of mission and world files: frozen values, each carrying its source span.

Built by :mod:`dsl.parser` from lark's parse tree; read by the loader, checker and compiler. This
module imports no lark, so everything after parsing is independent of the parsing library.
Quantities keep the number and unit as written; the checker converts them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "PolygonShape",
    "Prop",
    "Quantity",
    "RectShape",
    "Repeat",
    "RequireDecl",
    "Retry",
    "RobotDecl",
    "RouteDecl",
    "Shape",
    "SourceFile",
    "Span",
    "Stmt",
    "TaskDecl",
    "TaskParam",
    "TerrainDecl",
    "TerrainIs",
    "Text",
    "Timeout",
    "WorldDecl",
]


@dataclass(frozen=True, order=True)
class Span:
    """Where something is written: 1-based line and column of its first and one-past-last char."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int


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


Decl = (
    ImportDecl
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
)


# ------------------------------------------------------------------------------- statements
@dataclass(frozen=True)
class Block:
    """``{ ... }``: a sequence (memory=True) of statements."""

    stmts: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class Composite:
    """``sequence``, ``fallback``, ``parallel_all`` or ``parallel_any`` over a block."""

    kind: str
    body: Block
    span: Span


@dataclass(frozen=True)
class Repeat:
    """``repeat N`` (count a literal or a task parameter) or ``repeat forever`` (count None)."""

    count: Quantity | Ident | None
    body: Block
    span: Span


@dataclass(frozen=True)
class Retry:
    count: Quantity | Ident
    body: Block
    span: Span


@dataclass(frozen=True)
class Timeout:
    duration: Quantity | Ident
    body: Block
    span: Span


@dataclass(frozen=True)
class Branch:
    cond: Cond
    body: Block
    span: Span


@dataclass(frozen=True)
class If:
    branches: tuple[Branch, ...]
    orelse: Block | None
    span: Span


@dataclass(frozen=True)
class Guard:
    cond: Cond
    handler: Block
    span: Span


ArgValue = Ident | Quantity | Point | Text


@dataclass(frozen=True)
class ActionArg:
    """A parameter of a built-in action, named as in the vocabulary."""

    name: str
    value: ArgValue
    span: Span


@dataclass(frozen=True)
class Action:
    """A built-in action statement; ``action`` is its vocabulary key (``go_to``, ``wait``, ...)."""

    action: str
    args: tuple[ActionArg, ...]
    span: Span


@dataclass(frozen=True)
class CallArg:
    """A task-call argument, positional (``name`` None) or named."""

    name: Ident | None
    value: ArgValue
    span: Span


@dataclass(frozen=True)
class Call:
    task: Ident
    args: tuple[CallArg, ...]
    span: Span


Stmt = Composite | Repeat | Retry | Timeout | If | Guard | Action | Call


# ------------------------------------------------------------------------------- conditions
@dataclass(frozen=True)
class BoolCond:
    value: bool
    span: Span


@dataclass(frozen=True)
class Compare:
    """``name op value``: a robot state variable or a counter compared with a value."""

    lhs: Ident
    op: str
    rhs: Quantity | Ident
    span: Span


@dataclass(frozen=True)
class DistanceCond:
    target: Ident | Point
    op: str
    rhs: Quantity | Ident
    span: Span


@dataclass(frozen=True)
class TerrainIs:
    kind: Ident
    span: Span


@dataclass(frozen=True)
class GaitIs:
    gait: Ident
    span: Span


@dataclass(frozen=True)
class FactCond:
    name: Ident
    arg: Ident | None
    span: Span


@dataclass(frozen=True)
class AndCond:
    left: Cond
    right: Cond
    span: Span


@dataclass(frozen=True)
class OrCond:
    left: Cond
    right: Cond
    span: Span


@dataclass(frozen=True)
class NotCond:
    item: Cond
    span: Span


Cond = (
    BoolCond
    | Compare
    | DistanceCond
    | TerrainIs
    | GaitIs
    | FactCond
    | AndCond
    | OrCond
    | NotCond
)


@dataclass(frozen=True)
class SourceFile:
    """One parsed file; ``kind`` is "world" for ``.world`` files and "mission" otherwise."""

    path: str
    kind: str
    decls: tuple[Decl, ...]
