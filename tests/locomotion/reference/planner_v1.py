"""The planner as it was before its search moved to flat per-cell move tables (commit 3725178),
kept verbatim as the reference the equivalence tests compare the fast search with, plan for plan."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from locomotion.params import load_calibration
from locomotion.terrain import KINDS, STAIR_AXIS_TOLERANCE, TerrainMap, shape_contains
from locomotion.world import Point, Shape

__all__ = ["EXIT_COST", "Closure", "PlanResult", "Planner"]

EXIT_COST = 20.0
"""Extra cost per metre of the closed ground a robot standing in a closure walks out over."""

_MOVES = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
_SQRT2 = math.sqrt(2.0)


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
        for dr, dc in _MOVES:
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
        """Why ``goal`` cannot be stood on, or "" if it can."""
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
        """Grid A* on flat Python lists over a grid padded with one blocked cell all round (no
        bounds checks in the inner loop); ties broken towards deeper nodes."""
        w = self._cost.shape[1]
        wp = w + 2
        res = self.grid.resolution
        costs = self._cost if penalty is None else self._cost + penalty
        cost = np.pad(costs, 1, constant_values=np.inf).ravel().tolist()
        axis = np.pad(self.grid.stair_axis, 1, constant_values=np.nan).ravel().tolist()
        ramp_grid = self.grid.ramp_axis
        has_ramps = ramp_grid is not None and bool(np.isfinite(ramp_grid).any())
        ramp = (np.pad(ramp_grid, 1, constant_values=np.nan).ravel().tolist()
                if ramp_grid is not None and has_ramps else [])
        region = (np.pad(self.grid.region, 1, constant_values=-2).ravel().tolist() if has_ramps
                  else [])
        cos_tol = math.cos(STAIR_AXIS_TOLERANCE)
        isnan = math.isnan
        moves = [(dr * wp + dc, res * (_SQRT2 if dr and dc else 1.0), math.atan2(dr, dc))
                 for dr, dc in _MOVES]
        s = (start[0] + 1) * wp + start[1] + 1
        g = (goal[0] + 1) * wp + goal[1] + 1
        gr, gc = goal[0] + 1, goal[1] + 1
        hscale = res * self._min_cost
        diag = _SQRT2 - 1.0
        inf = math.inf
        best = [inf] * len(cost)
        parent = [-1] * len(cost)
        closed = bytearray(len(cost))
        best[s] = 0.0
        heap = [(0.0, -0.0, s)]
        expanded = 0
        push, pop = heapq.heappush, heapq.heappop
        while heap:
            _, neg_g, c = pop(heap)
            if closed[c]:
                continue
            closed[c] = 1
            expanded += 1
            if c == g:
                break
            gcost = -neg_g
            cc = cost[c]
            a_axis = axis[c]
            for dn, length, ang in moves:
                n = c + dn
                cn = cost[n]
                if cn == inf or closed[n]:
                    continue
                stair = axis[n] if isnan(a_axis) else a_axis
                if not isnan(stair) and abs(math.cos(ang - stair)) < cos_tol:
                    continue
                if has_ramps and region[n] != region[c]:
                    slope = ramp[n] if isnan(ramp[c]) else ramp[c]
                    if not isnan(slope) and abs(math.cos(ang - slope)) < cos_tol:
                        continue
                ng = gcost + length * 0.5 * (cc + cn)
                if ng < best[n]:
                    best[n] = ng
                    parent[n] = c
                    rr, qq = divmod(n, wp)
                    dy, dx = abs(rr - gr), abs(qq - gc)
                    hval = hscale * (dx + diag * dy if dx > dy else dy + diag * dx)
                    push(heap, (ng + hval, -ng, n))
        if not closed[g]:
            return [], math.inf, expanded
        out: list[tuple[int, int]] = []
        c = g
        while c != -1:
            r, q = divmod(c, wp)
            out.append((r - 1, q - 1))
            c = parent[c]
        out.reverse()
        return out, best[g], expanded

    # ------------------------------------------------------------------ smoothing
    def segment_cost(self, p: Point, q: Point, penalty: np.ndarray | None = None) -> float:
        """Cost of walking straight from ``p`` to ``q`` (inf if it crosses blocked cells or runs
        across a flight of stairs), with the optional per-cell ``penalty`` added."""
        grid = self.grid
        length = math.hypot(q[0] - p[0], q[1] - p[1])
        n = max(2, math.ceil(length / (grid.resolution * 0.5)) + 1)
        t = np.linspace(0.0, 1.0, n)
        xs = p[0] + (q[0] - p[0]) * t
        ys = p[1] + (q[1] - p[1]) * t
        rows = np.floor((ys - grid.y0) / grid.resolution).astype(int)
        cols = np.floor((xs - grid.x0) / grid.resolution).astype(int)
        h, w = grid.shape
        if rows.min() < 0 or cols.min() < 0 or rows.max() >= h or cols.max() >= w:
            return math.inf
        c = self._cost[rows, cols]
        if penalty is not None:
            c = c + penalty[rows, cols]
        if not np.all(np.isfinite(c)):
            return math.inf
        axis = grid.stair_axis[rows, cols]
        on_stairs = np.isfinite(axis)
        heading = math.atan2(q[1] - p[1], q[0] - p[0])
        cos_tol = math.cos(STAIR_AXIS_TOLERANCE)
        if (on_stairs.any() and length > 1e-9
                and np.any(np.abs(np.cos(heading - axis[on_stairs])) < cos_tol)):
            return math.inf
        if grid.ramp_axis is not None and length > 1e-9:
            ramp = grid.ramp_axis[rows, cols]
            region = grid.region[rows, cols]
            crossing = region[1:] != region[:-1]
            slope = np.where(np.isfinite(ramp[1:]), ramp[1:], ramp[:-1])[crossing]
            slope = slope[np.isfinite(slope)]
            if slope.size and np.any(np.abs(np.cos(heading - slope)) < cos_tol):
                return math.inf
        return float(c.mean() * length)

    def _no_dearer(self, pts: list[Point], cum: list[float], i: int, j: int,
                   penalty: np.ndarray | None) -> bool:
        return self.segment_cost(pts[i], pts[j], penalty) <= (cum[j] - cum[i]) * 1.01 + 1e-9

    def shortcut(self, pts: list[Point], penalty: np.ndarray | None = None) -> list[Point]:
        """String-pull a grid path: skip waypoints when the straight line is clear, respects the
        stair axis, and costs no more than the grid path it replaces (so it never cuts across mud
        to save a corner)."""
        if len(pts) <= 2:
            return list(pts)
        cum = [0.0]
        for a, b in itertools.pairwise(pts):
            seg = self.segment_cost(a, b, penalty)
            if seg == math.inf:  # a start or goal snapped out of an inflated margin
                seg = 50.0 * math.hypot(b[0] - a[0], b[1] - a[1])
            cum.append(cum[-1] + seg)
        out = [pts[0]]
        i = 0
        last = len(pts) - 1
        while i < last:
            if i + 1 < last and self._no_dearer(pts, cum, i, last, penalty):
                out.append(pts[last])  # the common case on open ground: straight to the end
                break
            best = i + 1
            for j in range(i + 2, len(pts)):
                seg = self.segment_cost(pts[i], pts[j], penalty)
                if seg <= (cum[j] - cum[i]) * 1.01 + 1e-9:
                    best = j
                elif seg == math.inf:
                    break
            out.append(pts[best])
            i = best
        return out
