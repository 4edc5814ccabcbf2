"""Where the robot can stand before each motion: the legs a mission walks, in order.

:mod:`dsl.check_reach` judges a motion from every position the robot can statically be at when it
starts, not from the run's start alone: ``go to B`` after ``go to A`` is walked from A. The walk
follows the statements in order and carries a set of :class:`Origin` values:

- a motion with a goal known before the run (``go to A``, ``dock at A``, ``pick up X at A``,
  ``drop off X at A``, ``follow R`` stop by stop, a written point) is one :class:`Leg` from each
  origin, and leaves the robot at its goal;
- a motion whose end is not known statically (``search``, ``charge`` and a bare ``dock`` — the
  nearest dock —, a place held by a task parameter), a ``parallel`` or a ``fallback``
  leaves the robot somewhere: the walk falls back to the start (:data:`START`), as does the top of
  a task body and of a guard's handler; a task call leaves the robot where its body ends (where it
  stood, for a body that does not move it);
- ``if`` joins its branches' ends; a loop's body starts where the walk reached it or where the
  body ends (its second round); a retried step (``retry``, ``on failure retry``, ``retry later``)
  also starts from wherever its failed attempt stopped; after a skipped step or a failure handler
  the robot may be anywhere;
- under a guard every later statement may also start where the handler leaves the robot (the
  guard resumes the interrupted step from there).

An origin set only ever grows where the position is uncertain, so a leg is an error only when it
is one from every origin: no false errors from a position the robot may never be at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import Resolved

__all__ = ["START", "Leg", "Origin", "mission_legs"]


@dataclass(frozen=True)
class Origin:
    """Where a leg may start: a place or point a motion ended at, or the run's start."""

    xy: tuple[float, float] | None  # None: the run's start
    what: str = "the start"  # "`low`", "(4, 5)"
    line: int = 0  # the line of the motion that left the robot there (0: the start)


START = Origin(None)
_UNKNOWN = frozenset({START})
_X = Origin(None, "x", -1)  # the walk's input, symbolic: a loop body's own ends are found with it

Origins = frozenset[Origin]

_CALL_DEPTH = 16
"""How deep calls are followed to find where one leaves the robot (deeper: the start)."""


@dataclass(frozen=True)
class Leg:
    """One motion to a goal known statically, with every position it may start from."""

    goal: tuple[float, float]
    what: str
    span: A.Span
    origins: Origins


@dataclass
class _Walk:
    resolved: Resolved
    legs: list[Leg] = field(default_factory=list)
    #: A loop body's ends, walked from the symbolic input :data:`_X` (once per body and guard).
    ends: dict[tuple[int, Origins], Origins] = field(default_factory=dict)
    calling: set[str] = field(default_factory=set)  # the tasks whose ends are being found

    def goal(self, value: A.ArgValue) -> Origin | None:
        """The place or point ``value`` names, as an origin (None: not known statically)."""
        if isinstance(value, A.Ident) and value.name in self.resolved.places:
            _kind, x, y, _z = self.resolved.places[value.name]
            return Origin((x, y), f"`{value.name}`", value.span.line)
        if isinstance(value, A.Point):
            xy = V.point(V.Sink(), value, "", allow_z=True)
            if xy is not None:
                return Origin((xy[0], xy[1]), f"({xy[0]:g}, {xy[1]:g})", value.span.line)
        return None

    def leg(self, to: Origin, span: A.Span, origins: Origins, emit: bool) -> Origins:
        if emit and to.xy is not None:
            self.legs.append(Leg(to.xy, to.what, span, origins))
        return frozenset({to})

    def action(self, stmt: A.Action, here: Origins, emit: bool) -> Origins:
        args = {a.name: a for a in stmt.args}
        key = {"go_to": "target", "dock": "dock", "pick_up": "station",
               "drop_off": "station"}.get(stmt.action)
        if key is not None:
            arg = args.get(key)
            if arg is None:  # a bare `dock` (the nearest), `pick up X` where it stands
                return _UNKNOWN if stmt.action == "dock" else here
            to = self.goal(arg.value)
            return _UNKNOWN if to is None else self.leg(to, arg.value.span, here, emit)
        if stmt.action == "follow" and "route" in args:
            return self.follow(args["route"].value, args.get("laps"), here, emit)
        if stmt.action in ("search", "charge"):
            return _UNKNOWN
        return here

    def follow(self, route: A.ArgValue, laps: A.ActionArg | None, here: Origins,
               emit: bool) -> Origins:
        if not isinstance(route, A.Ident) or route.name not in self.resolved.routes:
            return _UNKNOWN  # a task parameter
        stops = [self.goal(A.Ident(name, route.span)) for name in self.resolved.routes[route.name][0]]
        if not stops or any(s is None for s in stops):
            return _UNKNOWN
        more = laps is not None and not (isinstance(laps.value, A.Quantity)
                                         and laps.value.value == 1)
        for stop in stops + stops[:1] * more:  # one more leg, last stop -> first, for more laps
            assert stop is not None
            here = self.leg(Origin(stop.xy, stop.what, route.span.line), route.span, here, emit)
        return here

    def block(self, block: A.Block, here: Origins, guarded: Origins, emit: bool) -> Origins:
        """Walk ``block`` from ``here``; ``guarded``: where an enclosing guard's handler may
        leave the robot before any statement (resumed from there)."""
        for stmt in block.stmts:
            if isinstance(stmt, A.Guard):
                handler = self.block(stmt.handler, _UNKNOWN, frozenset(), emit)
                guarded = guarded | handler
                continue
            here = self.stmt(stmt, here | guarded, guarded, emit)
        return here

    def stmt(self, stmt: A.Stmt, here: Origins, guarded: Origins, emit: bool) -> Origins:
        if isinstance(stmt, A.Action):
            return self.action(stmt, here, emit)
        if isinstance(stmt, A.If):
            ends = [self.block(b.body, here, guarded, emit) for b in stmt.branches]
            ends.append(here if stmt.orelse is None
                        else self.block(stmt.orelse, here, guarded, emit))
            return frozenset().union(*ends)
        if isinstance(stmt, A.Composite):
            if stmt.kind == "sequence":
                return self.block(stmt.body, here, guarded, emit)
            for child in stmt.body.stmts:  # fallback: after a failed child; parallel: at once
                self.stmt(child, here | (_UNKNOWN if stmt.kind == "fallback" else frozenset()),
                          guarded, emit)
            return _UNKNOWN
        if isinstance(stmt, A.Repeat):
            return self.block(stmt.body, here | self.loop_ends(stmt.body, guarded), guarded, emit)
        if isinstance(stmt, A.Retry):
            return self.block(stmt.body, here | _UNKNOWN, guarded, emit)
        if isinstance(stmt, A.Timeout):
            return self.block(stmt.body, here, guarded, emit)
        if isinstance(stmt, A.WithPolicy):
            return self.policy(stmt, here, guarded, emit)
        if isinstance(stmt, A.Call):
            return self.call(stmt, here)
        return here  # `set`

    def call(self, stmt: A.Call, here: Origins) -> Origins:
        """Where a call leaves the robot: its body's ends (its legs are walked on their own, from
        the start); where it stood if the body may not move it; the start for a recursive call
        (an error of its own), past :data:`_CALL_DEPTH` calls, or for a task with a failure
        handler or policy."""
        task = self.resolved.tasks.get(stmt.task.name)
        if task is None or task.on_failure is not None or task.policy is not None \
                or stmt.task.name in self.calling or len(self.calling) >= _CALL_DEPTH:
            return _UNKNOWN
        key: tuple[int, Origins] = (id(task.body), frozenset())
        if key not in self.ends:
            self.calling.add(stmt.task.name)
            self.ends[key] = self.block(task.body, frozenset({_X}), frozenset(), False)
            self.calling.discard(stmt.task.name)
        ends = self.ends[key]
        return (ends - {_X}) | (here if _X in ends else frozenset())

    def policy(self, stmt: A.WithPolicy, here: Origins, guarded: Origins, emit: bool) -> Origins:
        kind = stmt.policy.kind
        again = kind in ("retry", "later")  # a later attempt starts where the failed one stopped
        end = self.stmt(stmt.stmt, here | (_UNKNOWN if again else frozenset()), guarded, emit)
        if stmt.policy.handler is not None:
            end |= self.block(stmt.policy.handler, _UNKNOWN, guarded, emit)
        return end if kind == "abort" else end | _UNKNOWN

    def loop_ends(self, body: A.Block, guarded: Origins) -> Origins:
        """Where a round of ``body`` may end, whatever it started from (the second round's
        origins); found once per body by walking it from the symbolic :data:`_X`."""
        key = (id(body), guarded)
        if key not in self.ends:
            self.ends[key] = self.block(body, frozenset({_X}), guarded, False)
        return self.ends[key] - {_X}


def mission_legs(main: A.MainDecl, tasks: Iterable[A.TaskDecl], resolved: Resolved) -> list[Leg]:
    """Every leg of ``main`` and of ``tasks``, in the order written, each with its origins.

    Args:
        main: the mission's ``main``.
        tasks: the task bodies to walk (each from the start: where it is called is not followed).
        resolved: the checked names (places and routes, for coordinates).

    Returns:
        The legs; a goal named twice from the same origins is one leg, at its first line.
    """
    walk = _Walk(resolved)
    walk.block(main.body, _UNKNOWN, frozenset(), True)
    for task in tasks:
        walk.block(task.body, _UNKNOWN, frozenset(), True)
        if task.on_failure is not None:
            walk.block(task.on_failure, _UNKNOWN, frozenset(), True)
    seen: set[tuple[tuple[float, float], frozenset[tuple[float, float] | None]]] = set()
    legs = []
    for leg in walk.legs:
        key = (leg.goal, frozenset(o.xy for o in leg.origins))
        if key not in seen:
            seen.add(key)
            legs.append(leg)
    return legs
