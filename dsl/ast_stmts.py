"""The statements and conditions of the abstract syntax (task and ``main`` bodies).

Split out of :mod:`dsl.ast` (which re-exports everything) so that each module stays short; like it,
this imports no lark. An action statement is one generic :class:`Action` carrying its vocabulary
key, whatever the action.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ast_values import Ident, Point, Quantity, Span, Text, fast_inits

__all__ = [
    "Action",
    "ActionArg",
    "AndCond",
    "ArgValue",
    "Block",
    "BoolCond",
    "Branch",
    "Call",
    "CallArg",
    "Compare",
    "Composite",
    "Cond",
    "DistanceCond",
    "FactCond",
    "GaitIs",
    "Guard",
    "If",
    "NotCond",
    "OrCond",
    "Policy",
    "Repeat",
    "Retry",
    "SetVar",
    "Stmt",
    "TerrainIs",
    "Timeout",
    "VarStep",
    "WithPolicy",
]


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
    """``guard C { H }`` (``then resume``, the default) or ``guard C { H } then restart``."""

    cond: Cond
    handler: Block
    span: Span
    #: False for ``then restart``: the guarded rest starts again from its beginning.
    resume: bool = True


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


@dataclass(frozen=True)
class VarStep:
    """``base + N`` / ``base - N``: a counter's value stepped."""

    base: Ident
    op: str
    step: Quantity
    span: Span


#: The kinds of a failure policy (``on failure ...`` after a statement or a task).
POLICY_KINDS = ("retry", "skip", "later", "abort", "handler")


@dataclass(frozen=True)
class Policy:
    """What to do when a step fails: ``retry N [every D]``, ``skip``, ``retry later``, ``abort``,
    or a handler block ``{ ... }`` (``kind`` is one of :data:`POLICY_KINDS`)."""

    kind: str
    count: Quantity | Ident | None
    delay: Quantity | Ident | None
    handler: Block | None
    span: Span


@dataclass(frozen=True)
class SetVar:
    """``set name = value``: a mission variable changed (to a flag, a number or a step)."""

    name: Ident
    value: Quantity | BoolCond | VarStep
    span: Span


@dataclass(frozen=True)
class WithPolicy:
    """``STATEMENT on failure POLICY``: the statement, and what to do when it fails."""

    stmt: Stmt
    policy: Policy
    span: Span


Stmt = Composite | Repeat | Retry | Timeout | If | Guard | Action | Call | SetVar | WithPolicy


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


fast_inits(globals())  # after every class: see dsl.ast_values.fast_inits
