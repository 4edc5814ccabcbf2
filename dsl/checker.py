"""Check a loaded program and produce a :class:`CheckedProgram` the compiler can trust.

The order matters only for readability of the code: structure of every file, then the symbol table
(world, imports, the mission itself — so a duplicate is reported in the later file), then values,
then bodies, recursion, the compiled tree's size and depth, geometry against the world, and finally warnings for unused definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from bt_runtime import vocabulary as vocab
from bt_runtime.variation import Variation
from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import DeclChecker, Resolved
from dsl.check_facts import BodyFacts
from dsl.check_ground import check_ground
from dsl.check_policies import check_temporal, later_under_forever
from dsl.check_robot import check_robot
from dsl.check_shape import ShapeChecker
from dsl.check_tasks import StatementChecker
from dsl.check_vars import declare as declare_var
from dsl.check_vary import check_vary
from dsl.diagnostics import Diagnostic, error
from dsl.loader import Program
from dsl.worldbuild import build_world
from locomotion.world import Dock, PayloadItem, Station, World

__all__ = ["UNUSED_KINDS", "CheckedProgram", "Requirement", "check_program", "runnable_diagnostics"]

#: Kinds of definitions that get an "is never used" warning when declared in the mission file.
UNUSED_KINDS = ("waypoint", "route", "area", "task", "station", "payload")


@dataclass(frozen=True)
class Requirement:
    """``require metric op value`` with the value canonical."""

    metric: str
    op: str
    value: float


@dataclass(frozen=True)
class CheckedProgram:
    """Everything the compiler and the simulator need from a checked file."""

    path: str
    kind: str
    file: A.SourceFile
    resolved: Resolved
    mission: A.MissionDecl | None
    main: A.MainDecl | None
    mission_props: Mapping[str, float | None]
    robot_model: str
    robot_props: Mapping[str, float | None]
    requirements: tuple[Requirement, ...]
    world: World | None
    world_path: str | None
    #: What a campaign varies (its ``vary`` blocks merged), None when none is declared.
    variation: Variation | None = None
    #: The ``require always ...`` / ``require ... within ...`` lines that checked clean.
    temporal: tuple[A.TemporalRequireDecl, ...] = ()
    #: What the statement checker found in ``main`` (key None) and in each task: the calls each
    #: body makes and what it needs (:mod:`dsl.check_facts`).
    bodies: Mapping[str | None, BodyFacts] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def name(self) -> str:
        """The mission's name (its ``mission "..."``), else the file name."""
        if self.mission is not None:
            return self.mission.name.value
        return self.path.rsplit("/", 1)[-1].removesuffix(".mission")

    def sim_world(self) -> World | None:
        """The world with the stations, docks, waypoints and payloads the mission file adds."""
        if self.world is None:
            return None
        from_world = {d.name for d in self.world.docks} | {s.name for s in self.world.stations}
        from_world |= {w[0] for w in self.world.waypoints}
        docks, stations, waypoints = [], [], []
        for name, (kind, x, y, _z) in self.resolved.places.items():
            if name in from_world:
                continue
            if kind == "dock":
                docks.append(Dock(name, (x, y)))
            elif kind == "station":
                stations.append(Station(name, (x, y)))
            else:
                waypoints.append((name, (x, y)))
        known = {p.name for p in self.world.payloads}
        payloads = [PayloadItem(n, m, s) for n, (m, s) in self.resolved.payloads.items()
                    if n not in known]
        return replace(
            self.world,
            docks=self.world.docks + tuple(docks),
            stations=self.world.stations + tuple(stations),
            waypoints=self.world.waypoints + tuple(waypoints),
            payloads=self.world.payloads + tuple(payloads),
        )


@dataclass
class _Parts:
    mission: A.MissionDecl | None = None
    robot: A.RobotDecl | None = None
    main: A.MainDecl | None = None
    requires: list[A.RequireDecl] = field(default_factory=list)
    temporal: list[A.TemporalRequireDecl] = field(default_factory=list)


def _parts(file: A.SourceFile) -> _Parts:
    parts = _Parts()
    for decl in file.decls:
        if isinstance(decl, A.MissionDecl) and parts.mission is None:
            parts.mission = decl
        elif isinstance(decl, A.RobotDecl) and parts.robot is None:
            parts.robot = decl
        elif isinstance(decl, A.MainDecl) and parts.main is None:
            parts.main = decl
        elif isinstance(decl, A.RequireDecl):
            parts.requires.append(decl)
        elif isinstance(decl, A.TemporalRequireDecl):
            parts.temporal.append(decl)
    return parts


def _world(program: Program, sink: V.Sink) -> World | None:
    if program.root.ast is not None and program.root.ast.kind == "world":
        return build_world(program.root.ast, sink)
    if program.world is None or program.world.ast is None:
        return None
    if program.world.ast.kind != "world":
        return None
    return build_world(program.world.ast, sink)


def check_program(program: Program) -> tuple[CheckedProgram | None, list[Diagnostic]]:
    """Check ``program``; return the checked program (None if the root could not be parsed)."""
    sink = V.Sink(list(program.diagnostics))
    root = program.root.ast
    if root is None:
        return None, sink.diagnostics
    try:
        return _check(program, root, sink), sink.diagnostics
    except RecursionError:
        sink.error(A.Span(root.path, 1, 1, 1, 2), "this file is nested too deeply to check",
                   "split deeply nested blocks into tasks")
        return None, sink.diagnostics


def _check(program: Program, root: A.SourceFile, sink: V.Sink) -> CheckedProgram:
    world_file = program.world.ast if program.world is not None else None
    imported = [f.ast for f in program.imports if f.ast is not None]
    decls = DeclChecker(sink, world_missing=program.world_missing)
    for file in [root, *imported, *([world_file] if world_file else [])]:
        decls.structure(file)
    if world_file is not None:
        decls.collect(world_file, "world")
    for file in imported:
        decls.collect(_library_part(file), "import")
    decls.collect(root, "mission")
    for decl in root.decls:
        if isinstance(decl, A.VarDecl) and getattr(decls.table.get(decl.name.name), "decl",
                                                   None) is decl:
            declare_var(sink, decl, decls.resolved.variables)
    for file in [*([world_file] if world_file else []), *imported, root]:
        decls.values(file if file is root or file is world_file else _library_part(file))
    world = _world(program, sink)
    statements = StatementChecker(decls, world)
    for task in decls.resolved.tasks.values():
        statements.task(task)
    parts = _parts(root)
    if parts.main is not None:
        statements.main(parts.main)
    statements.arguments.check(sink)
    if not statements.recursion() and parts.main is not None:
        ShapeChecker(decls.resolved.tasks, statements.facts.bodies, sink).main(parts.main)
    if world is not None:
        decls.geometry(world)
    mission_props = decls.props(parts.mission.props if parts.mission else (),
                                vocab.MISSION_PROPERTIES, "mission")
    robot_props = decls.robot(parts.robot) if parts.robot else decls.props((), vocab.ROBOT_PROPERTIES,
                                                                          "robot")
    requirements = [r for d in parts.requires if (r := decls.require(d)) is not None]
    temporal = tuple(d for d in parts.temporal if check_temporal(statements, d))
    if parts.main is not None:
        later_under_forever(statements.facts.bodies, decls.resolved.tasks, sink)
    vary_blocks = [d for f in [*([world_file] if world_file else []), root] for d in f.decls
                   if isinstance(d, A.VaryDecl)]
    variation = check_vary(sink, vary_blocks, world)
    if parts.main is not None and root.kind == "mission":
        _unused(decls, root, sink)
    checked = CheckedProgram(
        path=root.path,
        kind=root.kind,
        file=root,
        resolved=decls.resolved,
        mission=parts.mission,
        main=parts.main,
        mission_props=MappingProxyType(mission_props),
        robot_model=parts.robot.model.name if parts.robot else vocab.ROBOT_MODELS[0],
        robot_props=MappingProxyType(robot_props),
        requirements=tuple(Requirement(*r) for r in requirements),
        world=world,
        world_path=program.world.path if program.world is not None else None,
        variation=variation,
        temporal=temporal,
        bodies=MappingProxyType(statements.facts.bodies),
    )
    if world is not None:
        own = [f for f in (world_file, root) if f is not None]
        check_ground(sink, world, [*own, *(_library_part(f) for f in imported)], decls.resolved)
    if root.kind == "mission":
        check_robot(sink, checked.robot_model, parts.robot, robot_props, parts.main,
                    checked.bodies, decls.resolved, checked.sim_world())
    return checked


def _library_part(file: A.SourceFile) -> A.SourceFile:
    """What an import brings: tasks and named places (its mission, robot, world, main and
    require are ignored)."""
    kept = tuple(d for d in file.decls if isinstance(d, (A.PlaceDecl, A.PayloadDecl, A.AreaDecl,
                                                         A.RouteDecl, A.TaskDecl)))
    return replace(file, decls=kept)


def _unused(decls: DeclChecker, root: A.SourceFile, sink: V.Sink) -> None:
    for symbol in decls.table.symbols.values():
        if symbol.origin != "mission" or symbol.kind not in UNUSED_KINDS:
            continue
        if symbol.name not in decls.table.used:
            sink.warning(symbol.span, f"{symbol.kind} `{symbol.name}` is never used",
                         "remove it, or use it")


def runnable_diagnostics(checked: CheckedProgram) -> list[Diagnostic]:
    """Errors that stop ``mission show``/``compile``/``run`` but not ``check``."""
    start = A.Span(checked.path, 1, 1, 1, 2)
    if checked.kind == "world":
        return [error(start, "this is a world file: there is no mission to show or compile",
                      "give the .mission file that names this world")]
    problems = []
    if checked.main is None:
        problems.append(error(start, "this mission has no `main` block: it is a task library",
                              "add `main { ... }` to make it runnable"))
    if checked.mission is None:
        problems.append(error(start, "this mission has no `mission` declaration",
                              'add `mission "Name"` at the top'))
    return problems
