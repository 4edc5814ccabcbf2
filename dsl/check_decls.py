"""Checks of declarations: which may appear where, names and duplicates, properties, places.

Fills a :class:`Resolved` with every named place, area, route, payload and task in canonical units,
which the statement checker and the compiler then read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bt_runtime import vocabulary as vocab
from bt_runtime.units import Dimension
from dsl import ast as A
from dsl import check_values as V
from dsl.diagnostics import did_you_mean
from dsl.keywords import KEYWORDS, misread_after
from dsl.symbols import PLACE_KINDS, Symbol, SymbolTable, describe_kind
from locomotion.world import Shape, World

__all__ = ["MISSION_DECLS", "WORLD_DECLS", "DeclChecker", "Resolved", "decl_keyword"]

_KEYWORD: dict[type, str] = {
    A.ImportDecl: "import", A.MissionDecl: "mission", A.RobotDecl: "robot", A.WorldDecl: "world",
    A.BoundsDecl: "bounds", A.PayloadDecl: "payload", A.AreaDecl: "area",
    A.TerrainDecl: "terrain", A.IntruderDecl: "intruder", A.RouteDecl: "route",
    A.TaskDecl: "task", A.MainDecl: "main", A.RequireDecl: "require", A.VaryDecl: "vary",
    A.VarDecl: "var",
    A.TemporalRequireDecl: "require",
}

WORLD_DECLS = frozenset({"world", "bounds", "terrain", "dock", "station", "waypoint", "area",
                         "victim", "intruder", "payload", "vary"})
MISSION_DECLS = frozenset({"import", "mission", "robot", "world", "waypoint", "station", "dock",
                           "payload", "area", "route", "task", "main", "require",
                           "vary", "var"})
_SINGLE_IN_MISSION = ("mission", "robot", "world", "main")
_SINGLE_IN_WORLD = ("world", "bounds")


def decl_keyword(decl: A.Decl) -> str:
    """The keyword a declaration starts with (``waypoint``, ``task``, ...)."""
    if isinstance(decl, A.PlaceDecl):
        return decl.kind
    return _KEYWORD[type(decl)]


@dataclass
class Resolved:
    """Named things in canonical units, by name (only the ones that checked clean)."""

    places: dict[str, tuple[str, float, float, float]] = field(default_factory=dict)
    areas: dict[str, Shape] = field(default_factory=dict)
    routes: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    payloads: dict[str, tuple[float, str]] = field(default_factory=dict)
    tasks: dict[str, A.TaskDecl] = field(default_factory=dict)
    place_spans: dict[str, A.Span] = field(default_factory=dict)
    #: Mission variables and their start values (see :mod:`dsl.check_vars`).
    variables: dict[str, bool | int] = field(default_factory=dict)


def _fmt_point(xyz: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in xyz[:2]) + ")"


@dataclass
class DeclChecker:
    """Checks declarations file by file into one symbol table."""

    sink: V.Sink
    table: SymbolTable = field(default_factory=SymbolTable)
    resolved: Resolved = field(default_factory=Resolved)
    #: The mission's world file is missing: a name a world could declare is not reported unknown.
    world_missing: bool = False

    # ---------------------------------------------------------------------------- structure
    def structure(self, file: A.SourceFile) -> None:
        """Declarations allowed in this kind of file, and at most one of each singleton."""
        allowed = WORLD_DECLS if file.kind == "world" else MISSION_DECLS
        singles = _SINGLE_IN_WORLD if file.kind == "world" else _SINGLE_IN_MISSION
        first: dict[str, A.Decl] = {}
        for decl in file.decls:
            word = decl_keyword(decl)
            if word not in allowed:
                where = "a mission file" if file.kind == "world" else "a world file"
                self.sink.error(decl.span, f"`{word}` is not allowed in a {file.kind} file",
                                f"it belongs in {where}")
                continue
            if word in singles and word in first:
                earlier = first[word].span
                self.sink.error(decl.span, f"duplicate `{word}` declaration (the first is at "
                                f"{earlier.line}:{earlier.col})", "keep only one")
            first.setdefault(word, decl)
        if file.kind == "world":
            start = A.Span(file.path, 1, 1, 1, 2)
            examples = (("world", 'world "Site name"'), ("bounds", "bounds (0, 0) to (50, 30)"))
            for word, example in examples:
                if word not in first:
                    self.sink.error(start, f"a world file needs a `{word}` declaration",
                                    f"add `{example}`")

    # ------------------------------------------------------------------------------ symbols
    def collect(self, file: A.SourceFile, origin: str) -> None:
        """Add the named things of ``file`` (world entities, or tasks and named places)."""
        terrain_names: dict[str, A.Span] = {}
        for decl in file.decls:
            if isinstance(decl, A.TerrainDecl):
                earlier = terrain_names.get(decl.name.name)
                if earlier is not None:
                    self.sink.error(decl.name.span, f"duplicate terrain `{decl.name.name}`: also "
                                    f"declared at {earlier.file}:{earlier.line}:{earlier.col}")
                terrain_names.setdefault(decl.name.name, decl.name.span)
                continue
            kind = self._symbol_kind(decl)
            if kind is None:
                continue
            symbol = Symbol(decl.name.name, kind, decl, origin)  # type: ignore[union-attr]
            earlier_symbol = self.table.add(symbol)
            if earlier_symbol is not None and earlier_symbol.decl is not decl:
                where = earlier_symbol.span
                self.sink.error(symbol.span, f"duplicate name `{symbol.name}`: already declared "
                                f"as {describe_kind(earlier_symbol.kind)} at "
                                f"{where.file}:{where.line}:{where.col}", "rename one of them")

    @staticmethod
    def _symbol_kind(decl: A.Decl) -> str | None:
        if isinstance(decl, A.PlaceDecl):
            return decl.kind
        kinds = {A.PayloadDecl: "payload", A.AreaDecl: "area", A.IntruderDecl: "intruder",
                 A.RouteDecl: "route", A.TaskDecl: "task", A.VarDecl: "variable"}
        return kinds.get(type(decl))

    # ------------------------------------------------------------------------------- values
    def values(self, file: A.SourceFile) -> None:
        """Check and resolve places, areas, payloads, routes and task signatures of ``file``."""
        for decl in file.decls:
            name = getattr(decl, "name", None)
            symbol = self.table.get(name.name) if isinstance(name, A.Ident) else None
            if symbol is None or symbol.decl is not decl:
                continue  # not a named thing, or a duplicate (already reported)
            if isinstance(decl, A.PlaceDecl) and decl.kind in PLACE_KINDS:
                self._place(decl)
            elif isinstance(decl, A.AreaDecl):
                shape = V.shape(self.sink, decl.shape, f"area `{decl.name.name}`")
                if shape is not None:
                    self.resolved.areas[decl.name.name] = shape
            elif isinstance(decl, A.PayloadDecl):
                self._payload(decl)
            elif isinstance(decl, A.TaskDecl):
                self._task_signature(decl)
        for decl in file.decls:  # routes after places, so their points can be looked up
            if isinstance(decl, A.RouteDecl) and self.table.get(decl.name.name) is not None \
                    and self.table.get(decl.name.name).decl is decl:  # type: ignore[union-attr]
                self._route(decl)

    def _place(self, decl: A.PlaceDecl) -> None:
        xyz = V.point(self.sink, decl.at, f"position of {decl.kind} `{decl.name.name}`",
                      allow_z=True)
        if xyz is None:
            return
        z = xyz[2] if len(xyz) > 2 else 0.0
        self.resolved.places[decl.name.name] = (decl.kind, xyz[0], xyz[1], z)
        self.resolved.place_spans[decl.name.name] = decl.at.span

    def _payload(self, decl: A.PayloadDecl) -> None:
        mass = V.quantity(self.sink, decl.mass, Dimension.MASS, "payload mass",
                          vocab.Range(0.0, low_open=True))
        station = self.ref(decl.station, frozenset({"station"}), "the payload's station")
        if mass is not None and station is not None:
            self.resolved.payloads[decl.name.name] = (mass, decl.station.name)

    def _route(self, decl: A.RouteDecl) -> None:
        names = [p.name for p in decl.points]
        ok = all(self.ref(p, PLACE_KINDS, "a route point") is not None for p in decl.points)
        if len(set(names)) < 2:
            self.sink.error(decl.span, f"route `{decl.name.name}` needs at least two distinct "
                            f"points, got {len(set(names))}",
                            "list them joined by `->`, e.g. `route r: a -> b -> a`")
            return
        if ok:
            closed = len(names) > 2 and names[0] == names[-1]
            self.resolved.routes[decl.name.name] = (tuple(names), closed)

    def _task_signature(self, decl: A.TaskDecl) -> None:
        after = misread_after(decl.name.name) if decl.name.name in KEYWORDS else None
        if after == "":
            self.sink.error(decl.name.span, f"`{decl.name.name}` is a keyword: a task with this "
                            "name could not be called", "choose another name")
        elif after is not None:
            self.sink.error(decl.name.span, f"`{decl.name.name}` is a keyword: a call of this "
                            f"task would be misread after a statement such as `{after}`",
                            "choose another name")
        seen: set[str] = set()
        for param in decl.params:
            if param.name.name in seen:
                self.sink.error(param.name.span, f"duplicate parameter `{param.name.name}`")
            seen.add(param.name.name)
            if param.type.name not in vocab.TASK_PARAM_TYPES:
                self.sink.error(param.type.span, f"unknown parameter type `{param.type.name}`",
                                did_you_mean(param.type.name, vocab.TASK_PARAM_TYPES)
                                or "types: " + ", ".join(vocab.TASK_PARAM_TYPES))
        self.resolved.tasks[decl.name.name] = decl

    def ref(self, ident: A.Ident, kinds: frozenset[str], what: str) -> Symbol | None:
        """Look ``ident`` up as one of ``kinds``; report unknown names and wrong kinds."""
        symbol = self.table.get(ident.name)
        if symbol is not None and symbol.kind in kinds:  # the common case: no message to spell
            self.table.use(ident.name)
            return symbol
        places = kinds == PLACE_KINDS
        if symbol is None:
            if self.world_missing and kinds & WORLD_DECLS:
                return None  # the missing world is the one error: it may declare this name
            wanted = "place" if places else " or ".join(sorted(kinds))
            self.sink.error(ident.span, f"unknown {wanted} `{ident.name}`",
                            did_you_mean(ident.name, self.table.names(kinds))
                            or did_you_mean(ident.name, self.table.names()))
            return None
        self.table.use(ident.name)
        if symbol.kind not in kinds:
            must = "a place (waypoint, station or dock)" if places else " or ".join(
                describe_kind(k) for k in sorted(kinds))
            self.sink.error(ident.span, f"`{ident.name}` is {describe_kind(symbol.kind)}, but "
                            f"{what} must be {must}")
            return None
        return symbol

    # ----------------------------------------------------------------- mission-level values
    def props(self, props: tuple[A.Prop, ...], specs: Mapping[str, vocab.PropertySpec],
              owner: str) -> dict[str, float | None]:
        """Check a property block; return every property (defaults filled in), canonical."""
        values: dict[str, float | None] = {name: spec.default for name, spec in specs.items()}
        seen: set[str] = set()
        for prop in props:
            name = prop.name.name
            spec = specs.get(name)
            if spec is None:
                self.sink.error(prop.name.span, f"unknown {owner} property `{name}`",
                                did_you_mean(name, specs) or f"{owner} properties: "
                                + ", ".join(specs))
                continue
            if name in seen:
                self.sink.error(prop.name.span, f"{owner} property `{name}` is given twice")
            seen.add(name)
            value = V.quantity(self.sink, prop.value, spec.dimension, f"{owner} {name}",
                               spec.range)
            if value is not None:
                values[name] = value
        return values

    def robot(self, decl: A.RobotDecl) -> dict[str, float | None]:
        if decl.model.name not in vocab.ROBOT_MODELS:
            self.sink.error(decl.model.span, f"unknown robot model `{decl.model.name}`",
                            f"known models: {', '.join(vocab.ROBOT_MODELS)}")
        return self.props(decl.props, vocab.ROBOT_PROPERTIES, "robot")

    def require(self, decl: A.RequireDecl) -> tuple[str, str, float] | None:
        spec = vocab.METRICS.get(decl.metric.name)
        if spec is None:
            self.sink.error(decl.metric.span, f"unknown metric `{decl.metric.name}`",
                            did_you_mean(decl.metric.name, vocab.METRICS)
                            or "metrics: " + ", ".join(vocab.METRICS))
            return None
        value = V.quantity(self.sink, decl.value, spec.dimension, f"metric {spec.name}",
                           spec.range)
        return None if value is None else (spec.name, decl.op, value)

    # ------------------------------------------------------------------------------ geometry
    def geometry(self, world: World) -> None:
        """Every waypoint, station and dock must be inside the bounds, on ground one can stand."""
        for name, (kind, x, y, _z) in self.resolved.places.items():
            self.check_position(world, self.resolved.place_spans[name], f"{kind} `{name}`", x, y)

    def check_position(self, world: World, span: A.Span, what: str, x: float, y: float) -> None:
        """Report ``what`` at (x, y) if it is outside the bounds, in water or in an obstacle."""
        b = world.bounds
        if not world.in_bounds(x, y):
            self.sink.error(span, f"{what} at {_fmt_point((x, y))} is outside the world bounds "
                            f"{_fmt_point((b.x_min, b.y_min))} to {_fmt_point((b.x_max, b.y_max))}")
        elif world.is_blocked(x, y):
            region = world.region_at(x, y)
            inside = f"{region.kind.value} `{region.name}`" if region else "a blocked area"
            self.sink.error(span, f"{what} at {_fmt_point((x, y))} is inside {inside}",
                            "move it onto ground the robot can stand on")
