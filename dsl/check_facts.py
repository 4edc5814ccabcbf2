"""What the statement checker's walk finds in each body, for the checks that only collect.

:class:`dsl.check_tasks.StatementChecker` walks every statement of ``main`` and of every task once.
Three later checks only collect from those statements: what the robot must reach, carry and scan
(:func:`dsl.check_robot.mission_needs`), which tasks each body calls (the tree's size,
:class:`dsl.check_shape.ShapeChecker`), and ``retry later`` under ``repeat forever``
(:func:`dsl.check_policies.later_under_forever`). They read what that walk recorded here, one
:class:`BodyFacts` per body, instead of walking every statement again.

A body is ``main``'s or a task's; a task's failure handler has facts of its own, kept with its
body's (a task's own policy holds no statement). Each records in the order a reader meets the
statements, the statements inside one before those after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl import ast as A
from dsl.check_decls import Resolved
from dsl.check_reach import Needs

__all__ = ["MAIN", "BodyFacts", "FactRecorder"]

#: The key of ``main``'s facts (a task's are keyed by its name).
MAIN: str | None = None


@dataclass
class BodyFacts:
    """The calls, the needs and the ``retry later`` policies of one body (or failure handler)."""

    #: Every call, with whether it is under a ``repeat forever`` of this body.
    calls: list[tuple[A.Call, bool]] = field(default_factory=list)
    #: What the body names or writes to walk to, carry and scan (``tasks`` left empty).
    needs: Needs = field(default_factory=Needs)
    #: Every ``on failure retry later`` of a statement, with whether it is under a
    #: ``repeat forever`` of this body.
    laters: list[tuple[A.Policy, bool]] = field(default_factory=list)
    #: A task's failure handler (``on failure { ... }``), None if it has none.
    handler: BodyFacts | None = None

    def with_handler(self) -> tuple[BodyFacts, ...]:
        """This body's facts, then its failure handler's if it has one."""
        return (self,) if self.handler is None else (self, self.handler)

    def callees(self) -> list[str]:
        """The tasks this body and its failure handler call, in order, once per call."""
        return [call.task.name for part in self.with_handler() for call, _forever in part.calls]


@dataclass
class FactRecorder:
    """Records the facts of each body as the statement checker walks it."""

    resolved: Resolved
    bodies: dict[str | None, BodyFacts] = field(default_factory=dict)
    _body: BodyFacts = field(default_factory=BodyFacts)
    _forever: int = 0  # how many `repeat forever` of the body enclose the statement walked

    def start(self, task: str | None) -> None:
        """Record what follows as the body of ``task`` (:data:`MAIN` for ``main``)."""
        self._body = self.bodies[task] = BodyFacts()
        self._forever = 0

    def start_handler(self) -> None:
        """Record what follows as the failure handler of the task just walked."""
        handler = BodyFacts()
        self._body.handler = handler
        self._body = handler

    def enter_forever(self) -> None:
        self._forever += 1

    def leave_forever(self) -> None:
        self._forever -= 1

    def action(self, stmt: A.Action) -> None:
        needs = self._body.needs
        action = stmt.action
        if action == "charge" or (action == "dock" and not stmt.args):
            needs.any_dock.append((action, stmt.span))
        if action == "scan":
            needs.scans.extend(a.value for a in stmt.args if a.name == "radius"
                               and isinstance(a.value, A.Quantity))
        for arg in stmt.args:
            value = arg.value
            if isinstance(value, A.Point):
                needs.points.append(value)
            elif isinstance(value, A.Ident):
                self._named(needs, value)

    def call(self, stmt: A.Call) -> None:
        self._body.calls.append((stmt, self._forever > 0))
        needs = self._body.needs
        for arg in stmt.args:
            if isinstance(arg.value, A.Ident):
                self._named(needs, arg.value)

    def policy(self, policy: A.Policy) -> None:
        if policy.kind == "later":
            self._body.laters.append((policy, self._forever > 0))

    def _named(self, needs: Needs, ident: A.Ident) -> None:
        """A name given to an action or a task: a need if it is a place, area, route or payload
        (a name passed to a task counts wherever the task uses it)."""
        name, resolved = ident.name, self.resolved
        if name in resolved.places:
            needs.places.setdefault(name, ident.span)
        if name in resolved.areas:
            needs.areas.setdefault(name, ident.span)
        if name in resolved.routes:
            needs.routes.setdefault(name, ident.span)
        if name in resolved.payloads:
            needs.payloads.setdefault(name, ident.span)
