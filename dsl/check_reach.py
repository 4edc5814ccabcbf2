"""Can the robot get where the mission sends it? The planner's reachability, before any run.

Every place, point, area, route stop and dock the mission walks to (:class:`Needs`) is asked of
the runtime's own :class:`~locomotion.planner.Planner`, built with the robot model's calibrated
edge limits, from where a run starts (the first dock, else the first waypoint). The planner
refuses water, obstacles, gaps narrower than the robot, edges higher than every calibration trial
got over and flights steeper than the legs climb; what it refuses is reported at the first line
that needs it, naming the terrain to blame: the regions over the model's limits next to the
unreachable ground. Reachability is one connected-component labelling of the grid, so it is cheap;
a world without terrain regions is open ground and needs none. The planner's edges are the same
both ways, so a place reachable from the start is reachable from everywhere the robot can get to:
reachability is judged from the start.

A ramp steeper than the model walks up but not steep enough for the planner to refuse
(:data:`locomotion.terrain.MAX_SLOPE_DEG`) is the one case where reachability is not enough, and
where it matters where the robot stands: in worlds with such a ramp, each motion of ``main`` and
of the tasks it calls is a leg from every position the robot can statically be at before it
(:mod:`dsl.reach_legs`: where the previous motion of the sequence ends, the start where that is not
known), the way from each is planned, and the leg is an error only when every way crosses the ramp
(the message names where the robot stands and the line that put it there). A place needed
elsewhere (passed to a task) is judged from the start, and so is an area: it is an error when none
of its ground joins the start once the steep ramps are taken out (every way in crosses one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from bt_runtime.robot_config import start_pose
from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import Resolved
from dsl.reach_legs import START, Leg, Origin, mission_legs
from locomotion.capabilities import Capabilities
from locomotion.planner import Planner
from locomotion.terrain import MAX_SLOPE_DEG, TerrainMap, shape_contains
from locomotion.world import Shape, SlopeParams, StairsParams, TerrainKind, TerrainRegion, World

__all__ = ["Needs", "check_reach"]

_NOT_GROUND = (TerrainKind.OBSTACLE, TerrainKind.WATER, TerrainKind.HEDGE)
"""Regions whose elevation is not a floor the robot walks on (a wall standing on a slab)."""
_BLAME_MARGIN = 1.0
_WAYS_PLANNED = 100
"""How many ways (origin, goal) are planned to judge ramps, at most: each is a whole A* plan, so
a mission of thousands of distinct legs would take minutes to check; the rest get a warning."""
"""How close (m) a region over the limits must come to the unreachable ground to be blamed."""


@dataclass
class Needs:
    """What a mission walks to, carries and scans, each with where it is first named."""

    places: dict[str, A.Span] = field(default_factory=dict)
    points: list[A.Point] = field(default_factory=list)
    areas: dict[str, A.Span] = field(default_factory=dict)
    routes: dict[str, A.Span] = field(default_factory=dict)
    payloads: dict[str, A.Span] = field(default_factory=dict)
    #: ``charge`` and ``dock`` without a dock named: the nearest dock must be reachable.
    any_dock: list[tuple[str, A.Span]] = field(default_factory=list)
    scans: list[A.Quantity] = field(default_factory=list)
    #: The tasks ``main`` calls, through any depth of calls, in the order first called.
    tasks: list[str] = field(default_factory=list)


def _limit_breaches(caps: Capabilities, world: World) -> list[tuple[TerrainRegion, str]]:
    """Regions over the model's limits, each with a sentence saying why."""
    out = []
    flight, slope, step = caps["max_stair_rise"], caps["max_slope"], caps["planner_step"]
    up = caps["max_step_up"]
    model = caps.model.upper()
    for region in world.regions:
        p = region.params
        if isinstance(p, StairsParams) and p.rise > flight.value + 1e-9:
            out.append((region, (f"stairs `{region.name}` rise {p.rise * 100:.3g} cm a step; "
                                 f"the {model} climbs flights of at most {flight.shown()} a step "
                                 f"({flight.source})")))
        elif isinstance(p, SlopeParams) and abs(p.angle) > slope.value + 1e-9:
            out.append((region, (f"ramp `{region.name}` is {abs(p.angle):g} deg; the {model} "
                                 f"walks up at most {slope.shown()} ({slope.source})")))
        elif region.kind not in _NOT_GROUND and not isinstance(p, (StairsParams, SlopeParams)) \
                and region.elevation > step.value:
            out.append((region, (f"`{region.name}` stands at {region.elevation * 100:.3g} cm: a "
                                 f"path crosses edges of at most {step.shown()} ({step.source}; "
                                 f"the {model} climbs single steps up to {up.shown()}, not every "
                                 "time), so it is reached only by stairs or a ramp that meet it")))
    return out


def _near(planner: Planner, shape: Shape, mask: np.ndarray) -> bool:
    """True if ``mask`` (cells) holds a cell within :data:`_BLAME_MARGIN` of ``shape``'s box."""
    grid = planner.grid
    x0, y0, x1, y1 = shape.bbox()
    r0, c0 = grid.cell_of(x0 - _BLAME_MARGIN, y0 - _BLAME_MARGIN)
    r1, c1 = grid.cell_of(x1 + _BLAME_MARGIN, y1 + _BLAME_MARGIN)
    h, w = mask.shape
    window = mask[max(r0, 0):min(r1 + 1, h), max(c0, 0):min(c1 + 1, w)]
    return bool(window.any())


@dataclass
class _Reach:
    sink: V.Sink
    caps: Capabilities
    planner: Planner
    start: tuple[float, float]
    where: str
    breaches: list[tuple[TerrainRegion, str]]
    steep: list[TerrainRegion]
    ways: dict[tuple[tuple[float, float], tuple[float, float]],
               tuple[TerrainRegion, bool] | None] = field(default_factory=dict)
    """The ways over ramps planned so far (origin, goal) -> the steep ramp crossed."""
    unjudged: A.Span | None = None
    """The first leg left unjudged once :data:`_WAYS_PLANNED` ways were planned."""
    _gentle: np.ndarray | None = None
    """Components of the free ground without the steep ramps (0: not free), made on first use."""

    def blame(self, g_cell: tuple[int, int] | None) -> str:
        """The breaches between the start's ground and the goal's: next to both components (next
        to the start's alone when the goal has no free cell)."""
        labels = self.planner.labels
        s_cell = self.planner.ends(self.start, self.start)[0]
        masks = [labels == labels[c] for c in (s_cell, g_cell) if c is not None]
        found = [b for b in self.breaches if all(_near(self.planner, b[0].shape, m) for m in masks)]
        return "; ".join(why for _region, why in found[:3])

    def point(self, xy: tuple[float, float], what: str, span: A.Span, ramps: bool = True) -> bool:
        """Report ``what`` at ``xy`` if the robot cannot get there; True if it can. ``ramps``:
        also judge the way from the start over ramps (False where its legs judge it)."""
        _s, g_cell, why = self.planner.ends(self.start, xy)
        if why:
            self.sink.error(span, f"{what} cannot be reached from the {self.where}",
                            self.blame(g_cell) or why)
            return False
        if self.steep and ramps:
            self.leg(Leg(xy, what, span, frozenset({START})))
        return True

    def steep_on_way(self, origin: Origin, goal: tuple[float, float],
                     judged: A.Span | None = None) -> tuple[TerrainRegion, bool] | None:
        """The first too-steep ramp the planned way from ``origin`` crosses, and whether it
        climbs it; None if the way crosses none or there is no way (reported elsewhere).
        Each way is planned once, and at most :data:`_WAYS_PLANNED` of them (then None, and
        ``judged``, the leg asking, is the first left unjudged unless one already is)."""
        key = (origin.xy or self.start, goal)
        if key in self.ways:
            return self.ways[key]
        if len(self.ways) >= _WAYS_PLANNED:
            self.unjudged = self.unjudged or judged
            return None
        self.ways[key] = found = self._steep_on(key[0], goal)
        return found

    def _steep_on(self, start: tuple[float, float], goal: tuple[float, float]
                  ) -> tuple[TerrainRegion, bool] | None:
        plan = self.planner.plan(start, goal)
        if not plan.ok:
            return None
        for region in self.steep:
            inside = _inside(plan.path, region.shape)
            if inside:
                heights = self.planner.terrain.height(*np.array([inside[0], inside[-1]]).T)
                return region, bool(heights[-1] >= heights[0])
        return None

    def leg(self, leg: Leg) -> None:
        """Report ``leg`` if the way from every origin crosses a ramp steeper than the model
        walks up (see :mod:`dsl.reach_legs`)."""
        origins: dict[tuple[float, float] | None, Origin] = {}
        for o in sorted(leg.origins, key=lambda o: (o.line, o.what)):  # the first line of each
            origins.setdefault(o.xy, o)
        found = []
        for origin in origins.values():
            steep = self.steep_on_way(origin, leg.goal, leg.span)
            if steep is None:
                return  # from here the robot gets there without it (or cannot: said elsewhere)
            found.append((origin, *steep))
        if not found:
            return
        origin, region, climbs = found[0]
        assert isinstance(region.params, SlopeParams)
        slope, model = self.caps["max_slope"], self.caps.model.upper()
        ramp = f"ramp `{region.name}` ({abs(region.params.angle):g} deg)"
        limit = f"the {model} walks up at most {slope.shown()} ({slope.source})"
        if climbs:
            way = f"climbs {ramp}: {limit}"
        else:
            way = f"descends {ramp}: {limit}, and no steeper ramp was calibrated down"
        if [o.xy for o, *_ in found] == [None]:
            self.sink.error(leg.span, f"the way to {leg.what} {way}",
                            "make the ramp gentler, or route round it with a waypoint")
            return
        starts = " or ".join(o.what if o.xy is not None else f"the {self.where}"
                             for o, *_ in found)
        stands = "the robot stands at " + ", or at ".join(
            f"{o.what} after line {o.line}" for o, *_ in found if o.xy is not None)
        hint = "make the ramp gentler, or route round it with a waypoint"
        if (START not in leg.origins and self.steep_on_way(START, leg.goal) is None
                and (self.start, leg.goal) in self.ways):  # planned, not left over the budget
            hint = (f"from the {self.where} the way to {leg.what} does not cross it: route back "
                    "that way with a waypoint, or make the ramp gentler")
        self.sink.error(leg.span, f"the way from {starts} to {leg.what} {way}", f"{stands}; {hint}")

    def area(self, name: str, shape: Shape, span: A.Span) -> None:
        inside = _cells_in(self.planner, shape)
        s_cell, _g, _why = self.planner.ends(self.start, self.start)
        if s_cell is None:
            return  # the start itself is reported by the pre-check and the run
        if np.any(inside & (self.planner.labels == self.planner.labels[s_cell])):
            if self.steep:
                self.area_over_ramp(name, inside, s_cell, span)
            return
        cells = np.argwhere(inside & (self.planner.labels >= 0))
        g_cell = (int(cells[0][0]), int(cells[0][1])) if len(cells) else None
        self.sink.error(span, f"area `{name}` cannot be reached from the {self.where}",
                        self.blame(g_cell) or "none of its free ground joins the start")

    def area_over_ramp(self, name: str, inside: np.ndarray, s_cell: tuple[int, int],
                       span: A.Span) -> None:
        """Report area ``name`` (its cells ``inside``) if every way in from the start crosses a
        ramp steeper than the model walks up: none of its cells joins the start once the steep
        ramps are taken out of the free ground. Judged from the start (a search ends and starts
        where the statements around it do not say); an area with ground on this side of the ramp
        is clean, whatever way the planner would pick."""
        if self._gentle is None:
            from scipy import ndimage

            free = ~self.planner.blocked
            for region in self.steep:
                free &= ~_cells_in(self.planner, region.shape)
            self._gentle = ndimage.label(free, structure=np.ones((3, 3), dtype=bool))[0]
        gentle = self._gentle
        if gentle[s_cell] == 0 or np.any(inside & (gentle == gentle[s_cell])):
            return  # the start stands on a steep ramp, or part of the area is this side of it
        labels = self.planner.labels
        r, c = np.argwhere(inside & (labels == labels[s_cell]))[0]
        self.leg(Leg(self.planner.grid.center(int(r), int(c)), f"area `{name}`", span,
                     frozenset({START})))


def _cells_in(planner: Planner, shape: Shape) -> np.ndarray:
    """The planner's cells whose centres lie in ``shape``."""
    grid = planner.grid
    h, w = grid.shape
    xs = grid.x0 + (np.arange(w) + 0.5) * grid.resolution
    ys = grid.y0 + (np.arange(h) + 0.5) * grid.resolution
    return shape_contains(shape, xs[None, :], ys[:, None])


def _inside(path: tuple[tuple[float, float], ...], shape: Shape) -> list[tuple[float, float]]:
    """The points of ``path``, sampled every 0.2 m, that lie in ``shape``, in order."""
    out: list[tuple[float, float]] = []
    for (ax, ay), (bx, by) in pairwise(path):
        n = max(2, math.ceil(math.dist((ax, ay), (bx, by)) / 0.2) + 1)
        t = np.linspace(0.0, 1.0, n)
        xs, ys = ax + (bx - ax) * t, ay + (by - ay) * t
        hit = shape_contains(shape, xs, ys)
        out.extend(zip(xs[hit].tolist(), ys[hit].tolist()))
    return out


def _docks(sink: V.Sink, needs: Needs, resolved: Resolved) -> None:
    """``charge`` and a bare ``dock`` need a dock. A run starts on the first dock, so when there
    is one the nearest is always reachable; ``dock at NAME`` is checked as a place."""
    if any(kind == "dock" for kind, *_rest in resolved.places.values()):
        return
    for action, span in needs.any_dock[:1]:
        sink.error(span, f"`{action}` needs a dock, and neither the world nor the mission "
                   "declares one", "add `dock NAME at (x, y)` to the world or the mission")


def _named(where: str) -> str:
    """``dock base`` -> ``dock `base```; "centre of the world" as it is."""
    kind, _, name = where.partition(" ")
    return f"{kind} `{name}`" if kind in ("dock", "waypoint") and name else where


def check_reach(sink: V.Sink, caps: Capabilities, world: World, needs: Needs,
                resolved: Resolved, main: A.MainDecl | None = None,
                tasks: Iterable[A.TaskDecl] = ()) -> None:
    """Report what the mission needs that the robot cannot reach (see the module docstring).

    Args:
        sink: where diagnostics go.
        caps: the robot model's capability table.
        world: the mission's world, with the docks, stations and waypoints the mission adds.
        needs: what the mission walks to.
        resolved: the checked names (for coordinates).
        main: the mission's ``main``, to judge ramps on each leg from where it starts
            (:mod:`dsl.reach_legs`); None: every way over ramps is judged from the start.
        tasks: the task bodies ``main`` calls, walked with it.
    """
    if not world.regions:  # open ground: every point inside the bounds is reachable
        _docks(sink, needs, resolved)
        return
    planner = Planner(TerrainMap(world), max_step=caps.value("planner_step"),
                      max_stair_rise=caps.value("max_stair_rise"))
    pose, where = start_pose(world)
    steep = [r for r in world.regions if isinstance(r.params, SlopeParams)
             and caps.value("max_slope") < abs(r.params.angle) <= MAX_SLOPE_DEG]
    reach = _Reach(sink, caps, planner, (pose.x, pose.y), _named(where),
                   _limit_breaches(caps, world), steep)
    if planner.ends(reach.start, reach.start)[0] is None:
        first = min([*needs.places.values(), *needs.areas.values(), *needs.routes.values(),
                     *(p.span for p in needs.points)], default=None)
        if first is not None:
            sink.error(first, f"the run starts boxed in on the {reach.where}: no free ground "
                       "within 1 m of it, so nothing can be reached",
                       "move the first dock (or waypoint) away from walls and edges")
        return
    try:
        legs = [] if main is None or not steep else mission_legs(main, tasks, resolved)
    except RecursionError:  # statements nested past what the parser admits: judge from the start
        legs = []
    walked = {leg.span for leg in legs}  # ways judged leg by leg, not from the start
    places = dict(needs.places)
    for route, span in needs.routes.items():
        for stop in resolved.routes[route][0]:
            places.setdefault(stop, span)
    for name, span in places.items():
        _kind, x, y, _z = resolved.places[name]
        if not world.is_blocked(x, y):  # else the place's declaration is reported already
            reach.point((x, y), f"`{name}`", span, span not in walked)
    for p in needs.points:
        xy = V.point(V.Sink(), p, "", allow_z=True)
        if xy is not None and not world.is_blocked(xy[0], xy[1]):
            reach.point((xy[0], xy[1]), f"({xy[0]:g}, {xy[1]:g})", p.span, p.span not in walked)
    for leg in legs:
        if not world.is_blocked(*leg.goal):
            reach.leg(leg)
    if reach.unjudged is not None:
        sink.warning(reach.unjudged, f"ramps steeper than the {caps.model.upper()} walks up are "
                     f"judged on the first {_WAYS_PLANNED} ways the mission walks; this one and "
                     "later ones are not", "split the mission, or check the ways over "
                     "the ramp in a run")
    for name, span in needs.areas.items():
        reach.area(name, resolved.areas[name], span)
    _docks(sink, needs, resolved)
