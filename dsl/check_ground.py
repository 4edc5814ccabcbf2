"""Checking a world's ground against itself: floors that meet their stairs, heights, bounds.

A world is drawn by hand, region by region, and nothing but this check ties one region's height to
its neighbour's: a floor at 60 cm reached by five 10 cm steps is a 10 cm wall at the top of the
flight, which the planner refuses in silence at run time. So, before any run:

- **floors meet their stairs and ramps:** the ground just beyond the top of a flight or ramp (and
  just before its foot), where a declared walkable region lies, must be at the height the flight
  reaches (starts from), within :data:`FLOOR_TOLERANCE`;
- **heights of places:** a waypoint, station or dock written with a height ``(x, y, z)`` must stand
  on the ground there, within :data:`Z_TOLERANCE`; written without one, its height is taken from
  the ground (the mean surface, without gravel or rubble roughness), so it never needs writing;
- **inside the world:** areas, victims and intruders' paths lie inside the bounds (places are
  checked by :meth:`dsl.check_decls.DeclChecker.geometry`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

import numpy as np

from dsl import ast as A
from dsl import check_values as V
from dsl.check_decls import Resolved
from locomotion.terrain import TerrainMap
from locomotion.world import Shape, SlopeParams, StairsParams, TerrainKind, TerrainRegion, World

__all__ = ["FLOOR_TOLERANCE", "Z_TOLERANCE", "check_ground", "ground_heights"]

FLOOR_TOLERANCE = 0.02
"""Largest height difference (m) between a flight's (ramp's) end and the floor it meets."""
Z_TOLERANCE = 0.05
"""Largest difference (m) between a place's written height and the ground under it."""
_PROBE = 0.15
"""How far beyond a flight's end the floor is probed (m): past the edge, inside the next region."""
_WALKABLE_EXCLUDED = (TerrainKind.OBSTACLE, TerrainKind.WATER)
_D = TypeVar("_D")


def _cm(value: float) -> str:
    return f"{value * 100:.3g} cm"


def _fmt(xy: Iterable[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in xy) + ")"


def _decls(files: Iterable[A.SourceFile], kind: type[_D]) -> list[_D]:
    return [d for f in files for d in f.decls if isinstance(d, kind)]


def check_ground(sink: V.Sink, world: World, files: Iterable[A.SourceFile],
                 resolved: Resolved) -> None:
    """Check ``world`` and the places and areas of ``files`` (see the module docstring).

    Places written without a height get the ground's in ``resolved.places``.

    Args:
        sink: where diagnostics go.
        world: the built world.
        files: the world file and the mission's files (for the spans of what is checked).
        resolved: the checked names; place heights are filled in here.
    """
    files = list(files)
    terrain = TerrainMap(world)
    terrains = {d.name.name: d for d in _decls(files, A.TerrainDecl)}
    for region in world.regions:
        if region.name in terrains:
            _flight_ends(sink, terrain, world, region, terrains)
    _place_heights(sink, terrain, files, resolved)
    _inside(sink, world, files, resolved)


def ground_heights(terrain: TerrainMap, points: list[tuple[float, float]]) -> list[float]:
    """The mean ground height under each point (no gravel or rubble roughness)."""
    if not points:
        return []
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return [float(z) for z in terrain.height(xs, ys, roughness=False)]


def _across(region: TerrainRegion, ux: float, uy: float) -> tuple[float, float, float, float]:
    """The region's extent along (s) and across (t) its heading."""
    verts = region.shape.vertices()
    s = [x * ux + y * uy for x, y in verts]
    t = [-x * uy + y * ux for x, y in verts]
    return min(s), max(s), min(t), max(t)


def _flight_ends(sink: V.Sink, terrain: TerrainMap, world: World, region: TerrainRegion,
                 terrains: dict[str, A.TerrainDecl]) -> None:
    """A flight's or ramp's top and foot against the floors beyond them; reported at the floor's
    ``elevation`` when it has one (the height the floor claims), else at the flight."""
    p = region.params
    if not isinstance(p, (StairsParams, SlopeParams)):
        return
    h = math.radians(p.heading)
    ux, uy = math.cos(h), math.sin(h)
    s0, s1, t0, t1 = _across(region, ux, uy)
    what = "stairs" if isinstance(p, StairsParams) else "ramp"
    for end, s, outward in (("top", s1, 1.0), ("foot", s0, -1.0)):
        found = _mismatch(terrain, world, region, s, outward, t0, t1, ux, uy)
        if found is None:
            continue
        other, own, floor = found
        if end == "top":
            how = (f"{p.count} x {_cm(p.rise)}" if isinstance(p, StairsParams)
                   else f"{p.angle:g} deg over {s1 - s0:.3g} m")
            message = (f"the top of {what} `{region.name}` is at {_cm(own)} ({how} from "
                       f"{_cm(region.elevation)}), but `{other.name}` there is at {_cm(floor)}")
            hint = (f"set `elevation {own * 100:.3g} cm` on `{other.name}`, or change the "
                    f"{what} so that they meet it")
        else:
            message = (f"the foot of {what} `{region.name}` is at {_cm(own)}, but "
                       f"`{other.name}` there is at {_cm(floor)}")
            hint = f"set `elevation {floor * 100:.3g} cm` on `{region.name}`"
        claims = terrains.get(other.name) if end == "top" else terrains[region.name]
        sink.error(_elevation_span(claims) or terrains[region.name].span, message, hint)


def _elevation_span(decl: A.TerrainDecl | None) -> A.Span | None:
    if decl is None:
        return None
    return next((p.value.span for p in decl.props if p.name.name == "elevation"), None)


def _mismatch(terrain: TerrainMap, world: World, region: TerrainRegion, s: float,
              outward: float, t0: float, t1: float, ux: float, uy: float,
              ) -> tuple[TerrainRegion, float, float] | None:
    """The first declared walkable region beyond edge ``s`` whose ground misses the region's."""
    margin = min(0.1, (t1 - t0) / 4)
    for t in np.linspace(t0 + margin, t1 - margin, 9):
        inner = (ux * (s - outward * 0.05) - uy * t, uy * (s - outward * 0.05) + ux * t)
        outer = (ux * (s + outward * _PROBE) - uy * t, uy * (s + outward * _PROBE) + ux * t)
        if not region.shape.contains(*inner) or world.region_at(*inner) is not region:
            continue
        if not world.in_bounds(*outer):
            continue
        other = world.region_at(*outer)
        if other is None or other is region or other.kind in _WALKABLE_EXCLUDED:
            continue
        edge = (ux * (s - outward * 1e-3) - uy * t, uy * (s - outward * 1e-3) + ux * t)
        own, floor = ground_heights(terrain, [edge, outer])
        if isinstance(region.params, StairsParams) and outward < 0:
            own = region.elevation  # the foot of a flight is the ground it rises from
        if abs(own - floor) > FLOOR_TOLERANCE:
            return other, own, floor
    return None


def _place_heights(sink: V.Sink, terrain: TerrainMap, files: list[A.SourceFile],
                   resolved: Resolved) -> None:
    decls = {d.name.name: d for d in _decls(files, A.PlaceDecl)}
    names = [n for n, (kind, *_rest) in resolved.places.items() if n in decls]
    grounds = ground_heights(terrain, [resolved.places[n][1:3] for n in names])
    for name, ground in zip(names, grounds):
        kind, x, y, z = resolved.places[name]
        decl = decls[name]
        if len(decl.at.coords) < 3:
            resolved.places[name] = (kind, x, y, ground)
            continue
        if abs(z - ground) > Z_TOLERANCE:
            region = terrain.world.region_at(x, y)
            on = f"{region.kind.value} `{region.name}`" if region else "the default ground"
            sink.error(decl.at.coords[2].span,
                       f"{kind} `{name}` is written at z = {_cm(z)}, but the ground there "
                       f"({on}) is at {_cm(ground)}",
                       f"write ({x:g}, {y:g}, {ground:.3g}), or leave z out: it is then taken "
                       "from the ground")


def _outside(world: World, shape: Shape) -> bool:
    x0, y0, x1, y1 = shape.bbox()
    b = world.bounds
    return x0 < b.x_min or y0 < b.y_min or x1 > b.x_max or y1 > b.y_max


def _inside(sink: V.Sink, world: World, files: list[A.SourceFile], resolved: Resolved) -> None:
    b = world.bounds
    bounds = f"{_fmt((b.x_min, b.y_min))} to {_fmt((b.x_max, b.y_max))}"
    for decl in _decls(files, A.AreaDecl):
        shape = resolved.areas.get(decl.name.name)
        if shape is not None and _outside(world, shape):
            sink.error(decl.shape.span, f"area `{decl.name.name}` reaches outside the world "
                       f"bounds {bounds}", "keep areas inside the world's `bounds`")
    for decl in _decls(files, A.PlaceDecl):
        if decl.kind != "victim":
            continue
        xy = V.point(V.Sink(), decl.at, "")
        if xy is not None and not world.in_bounds(xy[0], xy[1]):
            sink.error(decl.at.span, f"victim `{decl.name.name}` at {_fmt(xy[:2])} is outside the "
                       f"world bounds {bounds}", "move it inside the world's `bounds`")
    for decl in _decls(files, A.IntruderDecl):
        for point in decl.path:
            xy = V.point(V.Sink(), point, "")
            if xy is not None and not world.in_bounds(xy[0], xy[1]):
                sink.error(point.span, f"intruder `{decl.name.name}` walks to {_fmt(xy[:2])}, "
                           f"outside the world bounds {bounds}",
                           "keep its path inside the world's `bounds`")
                break
