"""The planner's two hot loops, on flat Python lists: A* over the grid and the cost of a straight line.

A run plans about twenty times on one map (every goal, every replan), and a campaign plans on the
same map in every run; both loops used to redo per call what depends only on the map. Here:

* :class:`SearchGrid` holds the cost grid padded with one blocked cell all round (no bounds checks
  in the inner loop) and, per cell, its *moves*: the neighbours it may step to (finite cost, the
  stair and ramp axis rules of :mod:`locomotion.planner`) with the step's cost. A cell's moves are
  built the first time A* expands it and kept, so later searches on the same grid only look them
  up; and a search's answer is remembered per (start, goal) cell. The arithmetic and the order of
  the moves are those of the search it replaces, so every search expands the same cells and
  returns the same path, cell for cell.
* :class:`LineCost` is :meth:`locomotion.planner.Planner.segment_cost` sampled in plain Python
  (numpy's per-call overhead dominated lines of a few samples) with numpy kept for the one sum whose
  rounding must not change, and remembers the cost of each line on the grid it was built for.

Both are pure functions of the arrays they are built from; a :class:`SearchGrid` for a grid with
a per-call penalty is built for that call and dropped.
"""

from __future__ import annotations

import copy
import heapq
import math
from itertools import pairwise

import numpy as np

__all__ = ["MOVES", "LineCost", "SearchGrid"]

MOVES: tuple[tuple[int, int], ...] = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1),
                                      (1, 0), (1, 1))
"""The eight grid moves (row, col), in the order A* tries them (the order breaks cost ties)."""
_SQRT2 = math.sqrt(2.0)
_INF = math.inf
_SEARCH_MEMO_LIMIT = 4_096
"""Searches a :class:`SearchGrid` remembers before it forgets them all (a bound on memory)."""
_LINE_MEMO_LIMIT = 200_000
"""Lines a :class:`LineCost` remembers before it forgets them all (a bound on memory)."""


def _padded(a: np.ndarray, fill: float) -> list[float]:
    return np.pad(a, 1, constant_values=fill).ravel().tolist()  # type: ignore[no-any-return]


class SearchGrid:
    """A cost grid ready for repeated A* searches (see the module docstring).

    Args:
        cost: traversal cost per metre per cell, ``inf`` where blocked (penalties included).
        stair_axis: ascent heading (rad) on stair cells, NaN elsewhere.
        ramp_axis: ascent heading (rad) on slope cells, NaN elsewhere (None: no slopes).
        region: owning region index per cell.
        resolution: cell size (m).
        min_cost: the cheapest finite cell cost of the map (scales the admissible heuristic).
        cos_tol: cosine of the largest angle between a move and a stair or ramp axis.
    """

    def __init__(self, cost: np.ndarray, stair_axis: np.ndarray, ramp_axis: np.ndarray | None,
                 region: np.ndarray, resolution: float, min_cost: float, cos_tol: float) -> None:
        h, w = cost.shape
        self.wp = w + 2
        self.size = (h + 2) * self.wp
        self.resolution = resolution
        self.hscale = resolution * min_cost
        self.cos_tol = cos_tol
        self.cost = _padded(cost, _INF)
        self.axis = _padded(stair_axis, math.nan)
        self.has_ramps = ramp_axis is not None and bool(np.isfinite(ramp_axis).any())
        self.ramp = _padded(ramp_axis, math.nan) if self.has_ramps and ramp_axis is not None else []
        self.region = _padded(region, -2) if self.has_ramps else []
        self.steps = [(dr * self.wp + dc, resolution * (_SQRT2 if dr and dc else 1.0),
                       math.atan2(dr, dc)) for dr, dc in MOVES]
        self._moves: list[list[tuple[int, float, int, int]] | None] = [None] * self.size
        self._found: dict[tuple[tuple[int, int], tuple[int, int]],
                          tuple[tuple[tuple[int, int], ...], float, int]] = {}

    def repriced(self, cost: np.ndarray) -> SearchGrid:
        """This grid with the cell costs ``cost`` (e.g. with a penalty added) and no moves yet;
        the stair, ramp and region layers are shared."""
        other = copy.copy(self)
        other.cost = _padded(cost, _INF)
        other._moves = [None] * self.size
        other._found = {}
        return other

    def moves(self, c: int) -> list[tuple[int, float, int, int]]:
        """The moves of flat cell ``c``: (neighbour, step cost, its padded row and column), in
        :data:`MOVES` order."""
        cost, axis, isnan = self.cost, self.axis, math.isnan
        cc = cost[c]
        a_axis = axis[c]
        cos_tol = self.cos_tol
        out: list[tuple[int, float, int, int]] = []
        for dn, length, ang in self.steps:
            n = c + dn
            cn = cost[n]
            if cn == _INF:
                continue
            stair = axis[n] if isnan(a_axis) else a_axis
            if not isnan(stair) and abs(math.cos(ang - stair)) < cos_tol:
                continue
            if self.has_ramps and self.region[n] != self.region[c]:
                ramp = self.ramp
                slope = ramp[n] if isnan(ramp[c]) else ramp[c]
                if not isnan(slope) and abs(math.cos(ang - slope)) < cos_tol:
                    continue
            out.append((n, length * 0.5 * (cc + cn), *divmod(n, self.wp)))
        self._moves[c] = out
        return out

    def astar(self, start: tuple[int, int], goal: tuple[int, int]
              ) -> tuple[list[tuple[int, int]], float, int]:
        """Cheapest 8-connected path from ``start`` to ``goal`` (grid cells), ties broken towards
        deeper nodes.

        Returns:
            (cells start first, or [] if none; its cost; nodes expanded). Remembered per (start,
            goal): a run walks the same legs lap after lap, and a campaign's runs walk them again.
        """
        key = (start, goal)
        found = self._found.get(key)
        if found is None:
            found = self._search(start, goal)
            if len(self._found) >= _SEARCH_MEMO_LIMIT:
                self._found.clear()
            self._found[key] = found
        cells, cost, expanded = found
        return list(cells), cost, expanded

    def _search(self, start: tuple[int, int], goal: tuple[int, int]
                ) -> tuple[tuple[tuple[int, int], ...], float, int]:
        wp = self.wp
        s = (start[0] + 1) * wp + start[1] + 1
        g = (goal[0] + 1) * wp + goal[1] + 1
        gr, gc = goal[0] + 1, goal[1] + 1
        hscale = self.hscale
        diag = _SQRT2 - 1.0
        best = [_INF] * self.size
        parent = [-1] * self.size
        closed = bytearray(self.size)
        table = self._moves
        build = self.moves
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
            moves = table[c]
            if moves is None:
                moves = build(c)
            for n, step, rr, qq in moves:
                if closed[n]:
                    continue
                ng = gcost + step
                if ng < best[n]:
                    best[n] = ng
                    parent[n] = c
                    dy, dx = abs(rr - gr), abs(qq - gc)
                    hval = hscale * (dx + diag * dy if dx > dy else dy + diag * dx)
                    push(heap, (ng + hval, -ng, n))
        if not closed[g]:
            return (), _INF, expanded
        out: list[tuple[int, int]] = []
        c = g
        while c != -1:
            r, q = divmod(c, wp)
            out.append((r - 1, q - 1))
            c = parent[c]
        out.reverse()
        return tuple(out), best[g], expanded


class LineCost:
    """The cost of walking straight between two points on one grid (see the module docstring).

    Args:
        cost: traversal cost per metre per cell, ``inf`` where blocked (penalties included).
        stair_axis: ascent heading (rad) on stair cells, NaN elsewhere.
        ramp_axis: ascent heading (rad) on slope cells, NaN elsewhere (None: no slopes).
        region: owning region index per cell.
        x0: x of the grid's lower-left corner (m).
        y0: y of the grid's lower-left corner (m).
        resolution: cell size (m).
        cos_tol: cosine of the largest angle between a move and a stair or ramp axis.
    """

    def __init__(self, cost: np.ndarray, stair_axis: np.ndarray, ramp_axis: np.ndarray | None,
                 region: np.ndarray, x0: float, y0: float, resolution: float,
                 cos_tol: float) -> None:
        self.h, self.w = cost.shape
        self.x0, self.y0, self.resolution = x0, y0, resolution
        self.cos_tol = cos_tol
        self.cost = cost.ravel().tolist()
        self.axis = stair_axis.ravel().tolist()
        self.ramp = None if ramp_axis is None else ramp_axis.ravel().tolist()
        self.region = region.ravel().tolist()
        self._memo: dict[tuple[float, float, float, float], float] = {}

    def repriced(self, cost: np.ndarray) -> LineCost:
        """This line cost with the cell costs ``cost`` (e.g. with a penalty added), nothing
        remembered; the stair, ramp and region layers are shared."""
        other = copy.copy(self)
        other.cost = cost.ravel().tolist()
        other._memo = {}
        return other

    def __call__(self, p: tuple[float, float], q: tuple[float, float]) -> float:
        """Cost of walking straight from ``p`` to ``q``: the mean cell cost of samples every
        half cell times the length; inf if a sample is outside or blocked, or the line runs
        across a flight of stairs or up a ramp's side."""
        key = (p[0], p[1], q[0], q[1])
        memo = self._memo
        found = memo.get(key)
        if found is None:
            found = self._cost(*key)
            if len(memo) >= _LINE_MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        return found

    def _cells(self, px: float, py: float, qx: float, qy: float, length: float) -> list[int] | None:
        """Flat cells of the samples along the line (as ``np.linspace`` places them), or None if
        one falls outside the grid."""
        res = self.resolution
        n = max(2, math.ceil(length / (res * 0.5)) + 1)
        step = 1.0 / (n - 1)
        dx, dy = qx - px, qy - py
        x0, y0, h, w = self.x0, self.y0, self.h, self.w
        floor = math.floor
        cells = []
        for i in range(n):
            t = 1.0 if i == n - 1 else i * step + 0.0
            row = floor((py + dy * t - y0) / res)
            col = floor((px + dx * t - x0) / res)
            if row < 0 or col < 0 or row >= h or col >= w:
                return None
            cells.append(row * w + col)
        return cells

    def _cost(self, px: float, py: float, qx: float, qy: float) -> float:
        length = math.hypot(qx - px, qy - py)
        cells = self._cells(px, py, qx, qy, length)
        if cells is None:
            return _INF
        cost = self.cost
        values = [cost[k] for k in cells]
        isfinite = math.isfinite
        if not all(isfinite(v) for v in values):
            return _INF
        if length > 1e-9 and self._crosses(cells, math.atan2(qy - py, qx - px)):
            return _INF
        # numpy's own sum (pairwise), so the mean rounds exactly as ndarray.mean did
        return float(np.add.reduce(np.array(values)) / len(values) * length)

    def _crosses(self, cells: list[int], heading: float) -> bool:
        """Whether a line of ``heading`` through ``cells`` runs across stairs or up a ramp's side."""
        axis = self.axis
        isfinite = math.isfinite
        on_stairs = [axis[k] for k in cells if isfinite(axis[k])]
        if on_stairs and self._off_axis(heading, on_stairs):
            return True
        ramp = self.ramp
        if ramp is None:
            return False
        region = self.region
        slopes = []
        for a, b in pairwise(cells):
            if region[a] != region[b]:
                slope = ramp[b] if isfinite(ramp[b]) else ramp[a]
                if isfinite(slope):
                    slopes.append(slope)
        return bool(slopes) and self._off_axis(heading, slopes)

    def _off_axis(self, heading: float, axes: list[float]) -> bool:
        # numpy's cos, as before, so a move at the tolerance is judged exactly as it was
        return bool(np.any(np.abs(np.cos(heading - np.array(axes))) < self.cos_tol))
