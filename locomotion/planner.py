"""Global path planning: A* over the terrain cost grid, then shortcutting.

The grid comes from :class:`~locomotion.terrain.TerrainMap`. Impassable cells (water, obstacles,
steep slopes, dense hedges, outside the bounds) are inflated by the robot's half-width so that the
path keeps the whole body clear, not just its centre. A* is 8-connected with the octile heuristic
scaled by the cheapest cell cost, so it stays admissible and the path is cost-optimal on the grid.
Moves onto or off stair cells must run within 25 deg of the stair axis (up or down), because a
quadruped crossing a flight sideways puts its feet on different treads; a ramp is entered and left
the same way (moves across its boundary run along its axis), because its side is a step that
grows along the ramp (and where that step is too high it is an edge, below).

Edges are impassable too: a height change between neighbouring ground samples larger than
``max_step`` (the largest edge the physics controller always got over in the calibration's edge
sweep, :attr:`locomotion.params.EdgeParams.planner_step`; next to stairs the flight's limit,
``max_stair_rise``, so a flight too steep for the legs is no route either) marks the cells on both sides, which are
then inflated like walls. So a path never runs off a ledge or a bank's open side, never climbs a
step or the side of a ramp or flight the legs cannot, and a raised floor is reached only where
stairs or a ramp meet it at its own height.

Closed regions (:class:`Closure`, e.g. a route a fault closed mid-run) are a dynamic layer given
to each :meth:`Planner.plan`: they are inflated by the half-width and blocked, so the path walks
around them, and a goal fails only when no detour exists, saying which closures are in the way. A
robot standing inside a closure may leave it: the closed cells connected to its start stay
passable at a high cost, so the path takes the shortest way out.

Unreachable goals fail before any search: the goal's cell is checked (water, obstacle, outside) and
the free cells are labelled into connected components once per map, so a goal enclosed by walls or
edges is refused in constant time with a reason a person can act on.

Size: over 400 lines: the cost grid, edges, closures and A* share one grid representation; the
edge and closure layers are the next to move to their own module.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from locomotion.grid_search import MOVES, LineCost, SearchGrid
from locomotion.params import load_calibration
from locomotion.terrain import KINDS, STAIR_AXIS_TOLERANCE, TerrainMap, shape_contains
from locomotion.world import Point, Shape

__all__ = ["EXIT_COST", "Closure", "PlanResult", "Planner"]

EXIT_COST = 20.0
"""Extra cost per metre of the closed ground a robot standing in a closure walks out over."""



@dataclass(frozen=True)
class PlanResult:
    """Outcome of one planning request: a path (world points, start first) or a reason."""

    ok: bool
    path: tuple[Point, ...] = ()
    cost: float = math.inf
    reason: str = ""
    expanded: int = 0


@dataclass(frozen=True)
class Closure:
    """A region closed to walking from now on (by name, for the reasons given)."""

    name: str
    shape: Shape


def _dilate(mask: np.ndarray, radius_cells: float, outside: bool = True) -> np.ndarray:
    """Grow ``mask`` by a disc; outside the array counts as ``outside`` (set: the world's edge)."""
    r = math.floor(radius_cells)
    padded = np.pad(mask, r + 1, constant_values=outside)
    out = padded.copy()
    for di in range(-r, r + 1):
        for dj in range(-r, r + 1):
            if (di == 0 and dj == 0) or di * di + dj * dj > radius_cells * radius_cells:
                continue
            out |= np.roll(np.roll(padded, di, axis=0), dj, axis=1)
    h, w = mask.shape
    return out[r + 1 : r + 1 + h, r + 1 : r + 1 + w]


def _flood(mask: np.ndarray, seed: tuple[int, int]) -> np.ndarray:
    """The cells of ``mask`` 8-connected to ``seed`` (which is in ``mask``)."""
    h, w = mask.shape
    out = np.zeros(mask.shape, dtype=bool)
    out[seed] = True
    queue = deque([seed])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES:
            rr, cc = r + dr, c + dc
            if 0 <= rr < h and 0 <= cc < w and mask[rr, cc] and not out[rr, cc]:
                out[rr, cc] = True
                queue.append((rr, cc))
    return out


class Planner:
    """A* planner over one terrain map for a robot of a given half-width.

    Args:
        terrain: the map (its grid resolution is the planning resolution).
        half_width: robot half-width (m) by which impassable cells are inflated.
        max_step: the largest height change (m) a path may cross; None: the committed
            calibration's ``edges.planner_step``.
        max_stair_rise: the largest rise of a flight a path may climb; None: the calibration's
            ``edges.max_stair_rise``.
    """

    def __init__(self, terrain: TerrainMap, half_width: float = 0.25,
                 max_step: float | None = None, max_stair_rise: float | None = None) -> None:
        self.terrain = terrain
        self.grid = terrain.grid
        self.half_width = half_width
        if max_step is None or max_stair_rise is None:
            edges = load_calibration().edges
            max_step = edges.planner_step if max_step is None else max_step
            max_stair_rise = edges.max_stair_rise if max_stair_rise is None else max_stair_rise
        self.max_step = max_step
        self.max_stair_rise = max_stair_rise
        cost = self.grid.cost
        self.edges = terrain.edge_cells(self.max_step, self.max_stair_rise)
        self.core = ~np.isfinite(cost) | self.edges
        self.blocked = _dilate(self.core, half_width / self.grid.resolution) | self.core
        self._closure_masks: dict[Closure, np.ndarray] = {}
        self._cost = np.where(self.blocked, np.inf, cost)
        self._labels: np.ndarray | None = None
        self._min_cost = float(np.min(cost[np.isfinite(cost)])) if np.isfinite(cost).any() else 1.0
        self._search: SearchGrid | None = None
        self._goal_checks: dict[tuple[float, float], str] = {}
        self._lines: LineCost | None = None

    def warm(self) -> None:
        """Build now what the first plan would (components, the search grid, the line costs),
        so that copies made by :meth:`rebound` share them."""
        _ = self.labels
        self._search_grid(None)
        self._line_cost(None)

    def rebound(self, terrain: TerrainMap) -> Planner:
        """This planner for ``terrain``, a map of a world with the same grid (same shape, costs
        and edges: :class:`locomotion.ground_cache.GroundCache` keys on them): everything built
        so far is shared, and what the copy builds (moves, lines, closure masks) lands in the
        shared tables. Call :meth:`warm` first."""
        other = copy.copy(self)
        other.terrain = terrain
        return other

    # ------------------------------------------------------------------ reachability
    @property
    def labels(self) -> np.ndarray:
        """Connected-component label per free cell (-1 where blocked), computed once."""
        if self._labels is None:
            self._labels = self._label_components()
        return self._labels

    def _label_components(self) -> np.ndarray:
        """8-connected components of the free cells, numbered from 0 in raster order.

        scipy's labelling runs in C: a 400 m site (2000 x 2000 cells) takes tens of milliseconds,
        where the Python flood fill it replaces took over a minute; the checker asks it of every
        world with terrain. Imported here, on first use, so importing the planner stays light.
        """
        from scipy import ndimage

        labels, _count = ndimage.label(~self.blocked, structure=np.ones((3, 3), dtype=bool))
        return labels.astype(np.int64) - 1

    def _nearest_free(self, cell: tuple[int, int], max_dist: float) -> tuple[int, int] | None:
        """Closest unblocked cell within ``max_dist`` metres (rings of growing radius)."""
        r0, c0 = cell
        reach = math.ceil(max_dist / self.grid.resolution)
        best: tuple[float, tuple[int, int]] | None = None
        for dr in range(-reach, reach + 1):
            for dc in range(-reach, reach + 1):
                r, c = r0 + dr, c0 + dc
                if self.grid.inside(r, c) and not self.blocked[r, c]:
                    d = dr * dr + dc * dc
                    if best is None or d < best[0]:
                        best = (d, (r, c))
        return None if best is None else best[1]

    def _describe(self, x: float, y: float) -> str:
        idx = int(self.terrain.region_index(x, y))
        kind = KINDS[int(self.terrain.kind(x, y))].value
        if idx < 0:
            return kind
        return f"{kind} {self.terrain.world.regions[idx].name!r}"

    def check_goal(self, goal: Point) -> str:
        """Why ``goal`` cannot be stood on, or "" if it can (remembered per goal: a run asks it
        of the same few goals at every replan)."""
        key = (float(goal[0]), float(goal[1]))
        why = self._goal_checks.get(key)
        if why is None:
            if len(self._goal_checks) >= 10_000:  # a bound on memory: forget them all
                self._goal_checks.clear()
            why = self._goal_checks[key] = self._check_goal(goal)
        return why

    def _check_goal(self, goal: Point) -> str:
        gx, gy = goal
        b = self.terrain.world.bounds
        if not b.contains(gx, gy):
            return (f"goal ({gx:.2f}, {gy:.2f}) is outside the world bounds "
                    f"[{b.x_min:g}, {b.x_max:g}] x [{b.y_min:g}, {b.y_max:g}]")
        if not math.isfinite(float(self.terrain.cost(gx, gy))):
            return f"goal ({gx:.2f}, {gy:.2f}) is in impassable {self._describe(gx, gy)}"
        return ""

    def ends(self, start: Point, goal: Point
             ) -> tuple[tuple[int, int] | None, tuple[int, int] | None, str]:
        """The free cells a path from ``start`` to ``goal`` would join, or why there is none.

        The checks :meth:`plan` makes before it searches (the goal can be stood on, the start is
        not boxed in, both lie in one connected component), without the search: cheap enough for
        a checker to ask for every place a mission names.

        Returns:
            (start cell, goal cell, "") when a path exists (closures aside), else the cells found
            (None where there is none; both when they lie in different components) and the
            reason in words.
        """
        why = self.check_goal(goal)
        if why:
            return None, None, why
        grid = self.grid
        s_cell = self._nearest_free(grid.cell_of(*start), 1.0)
        if s_cell is None:
            return None, None, (f"start ({start[0]:.2f}, {start[1]:.2f}) is boxed in: "
                                "no free ground within 1 m")
        g_cell = self._nearest_free(grid.cell_of(*goal), 2 * self.half_width + grid.resolution)
        if g_cell is None:
            return s_cell, None, (f"goal ({goal[0]:.2f}, {goal[1]:.2f}) is too close to "
                                  f"impassable ground for a robot {2 * self.half_width:.2f} m wide")
        if self.labels[s_cell] != self.labels[g_cell]:
            return s_cell, g_cell, (
                f"goal ({goal[0]:.2f}, {goal[1]:.2f}) is unreachable from ({start[0]:.2f}, "
                f"{start[1]:.2f}): it is enclosed by impassable ground, by edges higher than the "
                f"robot can step ({self.max_step:.2f} m: ledges, drops, the sides of banks, ramps "
                "and flights, floors their stairs do not meet) or by gaps narrower than the robot "
                f"({2 * self.half_width:.2f} m)")
        return s_cell, g_cell, ""

    # ------------------------------------------------------------------ planning
    def plan(self, start: Point, goal: Point, penalty: np.ndarray | None = None,
             closed: tuple[Closure, ...] = ()) -> PlanResult:
        """Plan from ``start`` to ``goal``.

        Args:
            start: robot position (m).
            goal: target position (m).
            penalty: optional extra cost per cell (same shape as the grid), e.g. around a spot
                where the robot got stuck.
            closed: regions closed to walking: walked around (and out of, if the start is in one).

        Returns:
            A :class:`PlanResult`; on failure ``reason`` says why in words.
        """
        s_cell, g_cell, why = self.ends(start, goal)
        if why or s_cell is None or g_cell is None:
            return PlanResult(False, reason=why)
        if closed:
            layer, why = self._closed_layer(closed, start, goal, s_cell, g_cell)
            if why:
                return PlanResult(False, reason=why)
            penalty = layer if penalty is None else penalty + layer
        cells, cost, expanded = self._astar(s_cell, g_cell, penalty)
        if not cells and closed:
            names = ", ".join(sorted({c.name for c in closed}))
            return PlanResult(False, reason=f"no detour to ({goal[0]:.2f}, {goal[1]:.2f}): the "
                              f"closed region(s) {names} cut every route", expanded=expanded)
        if not cells:
            return PlanResult(False, reason=f"no route to ({goal[0]:.2f}, {goal[1]:.2f}) that "
                              "takes stairs along their axis", expanded=expanded)
        pts = [self.grid.center(r, c) for r, c in cells]
        pts[0], pts[-1] = (float(start[0]), float(start[1])), (float(goal[0]), float(goal[1]))
        smooth = self.shortcut(pts, penalty)
        return PlanResult(True, tuple(smooth), cost, "", expanded)

    def closure_mask(self, closure: Closure) -> np.ndarray:
        """Cells ``closure`` closes, inflated by the half-width (cached per closure)."""
        mask = self._closure_masks.get(closure)
        if mask is None:
            g = self.grid
            h, w = g.shape
            xs = g.x0 + (np.arange(w) + 0.5) * g.resolution
            ys = g.y0 + (np.arange(h) + 0.5) * g.resolution
            core = shape_contains(closure.shape, *np.meshgrid(xs, ys))
            mask = _dilate(core, self.half_width / g.resolution, outside=False) | core
            self._closure_masks[closure] = mask
        return mask

    def _closed_layer(self, closed: tuple[Closure, ...], start: Point, goal: Point,
                      s_cell: tuple[int, int], g_cell: tuple[int, int]) -> tuple[np.ndarray, str]:
        """The extra cost of the closures (inf where closed, :data:`EXIT_COST` on the closed
        ground the start stands in), or a reason the goal lies in a closure."""
        for c in closed:
            if c.shape.contains(*goal):
                return np.zeros(0), (f"goal ({goal[0]:.2f}, {goal[1]:.2f}) is inside a closed "
                                     f"region: {c.name} is closed")
        shut = np.zeros(self.grid.shape, dtype=bool)
        for c in closed:
            shut |= self.closure_mask(c)
        if shut[g_cell]:
            names = ", ".join(c.name for c in closed if self.closure_mask(c)[g_cell])
            return np.zeros(0), (f"goal ({goal[0]:.2f}, {goal[1]:.2f}) is too close to the closed "
                                 f"region {names} for a robot {2 * self.half_width:.2f} m wide")
        layer = np.where(shut, np.inf, 0.0)
        if shut[s_cell]:  # standing in a closure: the closed ground around the start may be left
            layer[_flood(shut, s_cell)] = EXIT_COST
        return layer, ""

    def _astar(self, start: tuple[int, int], goal: tuple[int, int],
               penalty: np.ndarray | None) -> tuple[list[tuple[int, int]], float, int]:
        """Grid A* (:meth:`SearchGrid.astar`): on the map's own grid, whose cells' moves are
        kept from search to search, or on one repriced by ``penalty`` for this search only."""
        return self._search_grid(penalty).astar(start, goal)

    def _search_grid(self, penalty: np.ndarray | None) -> SearchGrid:
        if penalty is not None:
            return self._search_grid(None).repriced(self._cost + penalty)
        if self._search is None:
            g = self.grid
            self._search = SearchGrid(self._cost, g.stair_axis, g.ramp_axis, g.region,
                                      g.resolution, self._min_cost,
                                      math.cos(STAIR_AXIS_TOLERANCE))
        return self._search

    def _line_cost(self, penalty: np.ndarray | None) -> LineCost:
        if penalty is not None:
            return self._line_cost(None).repriced(self._cost + penalty)
        if self._lines is None:
            g = self.grid
            self._lines = LineCost(self._cost, g.stair_axis, g.ramp_axis, g.region, g.x0, g.y0,
                                   g.resolution, math.cos(STAIR_AXIS_TOLERANCE))
        return self._lines

    # ------------------------------------------------------------------ smoothing
    def segment_cost(self, p: Point, q: Point, penalty: np.ndarray | None = None) -> float:
        """Cost of walking straight from ``p`` to ``q`` (inf if it crosses blocked cells or runs
        across a flight of stairs), with the optional per-cell ``penalty`` added."""
        return self._line_cost(penalty)(p, q)

    def shortcut(self, pts: list[Point], penalty: np.ndarray | None = None) -> list[Point]:
        """String-pull a grid path: skip waypoints when the straight line is clear, respects the
        stair axis, and costs no more than the grid path it replaces (so it never cuts across mud
        to save a corner)."""
        if len(pts) <= 2:
            return list(pts)
        line = self._line_cost(penalty)
        cum = [0.0]
        for a, b in itertools.pairwise(pts):
            seg = line(a, b)
            if seg == math.inf:  # a start or goal snapped out of an inflated margin
                seg = 50.0 * math.hypot(b[0] - a[0], b[1] - a[1])
            cum.append(cum[-1] + seg)
        out = [pts[0]]
        i = 0
        last = len(pts) - 1
        while i < last:
            if i + 1 < last and line(pts[i], pts[last]) <= (cum[last] - cum[i]) * 1.01 + 1e-9:
                out.append(pts[last])  # the common case on open ground: straight to the end
                break
            best = i + 1
            for j in range(i + 2, len(pts)):
                seg = line(pts[i], pts[j])
                if seg <= (cum[j] - cum[i]) * 1.01 + 1e-9:
                    best = j
                elif seg == math.inf:
                    break
            out.append(pts[best])
            i = best
        return out
