"""Turn a world file into a :class:`locomotion.world.World` — what the simulator gets.

:func:`build_world` both checks and converts: terrain kinds and their parameters are those of
``locomotion.world.PARAMS_BY_KIND`` (units from each field's ``metadata["unit"]``), plus
``elevation`` for every kind. Problems go to the given sink; the world is None if there were any.
"""

from __future__ import annotations

from dataclasses import fields, replace

from bt_runtime.units import Dimension
from bt_runtime.vocabulary import Range
from dsl import ast as A
from dsl import check_values as V
from dsl.diagnostics import did_you_mean
from locomotion.world import (
    PARAMS_BY_KIND,
    Dock,
    Intruder,
    PayloadItem,
    Rect,
    Station,
    TerrainKind,
    TerrainRegion,
    Victim,
    World,
)

__all__ = ["PARAM_RANGES", "UNIT_DIMENSIONS", "build_world", "terrain_param_dims"]

#: ``metadata["unit"]`` of a terrain parameter → the dimension the language checks it against.
UNIT_DIMENSIONS = {"m": Dimension.LENGTH, "deg": Dimension.ANGLE, "": Dimension.NUMBER,
                   "count": Dimension.COUNT}

#: Allowed values of terrain parameters (canonical units); parameters not listed are unbounded.
PARAM_RANGES: dict[str, Range] = {
    "friction": Range(0.0),
    "softness": Range(0.0, 1.0),
    "density": Range(0.0, 1.0),
    "count": Range(1.0),
    "rise": Range(0.0, low_open=True),
    "tread": Range(0.0, low_open=True),
    "depth": Range(0.0),
    "height": Range(0.0),
    "roughness": Range(0.0),
    "angle": Range(0.0, 80.0),
}


def terrain_param_dims(kind: TerrainKind) -> dict[str, Dimension]:
    """Parameters a terrain kind takes (with ``elevation``) and the dimension of each."""
    dims = {f.name: UNIT_DIMENSIONS[f.metadata["unit"]] for f in fields(PARAMS_BY_KIND[kind])}
    dims["elevation"] = Dimension.LENGTH
    return dims


def _terrain(sink: V.Sink, decl: A.TerrainDecl) -> TerrainRegion | None:
    kinds = [k.value for k in TerrainKind]
    if decl.kind.name not in kinds:
        sink.error(decl.kind.span, f"unknown terrain kind `{decl.kind.name}`",
                   did_you_mean(decl.kind.name, kinds) or f"terrain kinds: {', '.join(kinds)}")
        return None
    kind = TerrainKind(decl.kind.name)
    shape = V.shape(sink, decl.shape, f"terrain `{decl.name.name}`")
    dims = terrain_param_dims(kind)
    values: dict[str, float] = {}
    ok = shape is not None
    for prop in decl.props:
        name = prop.name.name
        if name not in dims:
            sink.error(prop.name.span, f"unknown parameter `{name}` for {kind.value} terrain",
                       did_you_mean(name, dims) or f"{kind.value} takes: {', '.join(dims)}")
            ok = False
            continue
        if name in values:
            sink.error(prop.name.span, f"parameter `{name}` is given twice")
            ok = False
            continue
        value = V.quantity(sink, prop.value, dims[name], f"{name}", PARAM_RANGES.get(name))
        if value is None:
            ok = False
            continue
        values[name] = value
    if not ok or shape is None:
        return None
    elevation = values.pop("elevation", 0.0)
    params = PARAMS_BY_KIND[kind](**values)
    if "count" in values:
        params = replace(params, count=int(values["count"]))
    return TerrainRegion(decl.name.name, kind, shape, params, elevation)


def _intruder(sink: V.Sink, decl: A.IntruderDecl) -> Intruder | None:
    path = [V.point(sink, p, f"path point of intruder `{decl.name.name}`") for p in decl.path]
    speed, loop, ok = 1.0, False, all(p is not None for p in path)
    seen: set[str] = set()
    for option in decl.options:
        if option.name in seen:
            sink.error(option.span, f"`{option.name}` is given twice")
            ok = False
        seen.add(option.name)
        if option.name == "loop":
            loop = True
        elif option.value is not None:
            value = V.quantity(sink, option.value, Dimension.SPEED, "intruder speed",
                               Range(0.0, low_open=True))
            ok = ok and value is not None
            speed = value if value is not None else speed
    if not ok:
        return None
    return Intruder(decl.name.name, tuple((p[0], p[1]) for p in path if p is not None), speed, loop)


def _xy(sink: V.Sink, p: A.Point, what: str) -> tuple[float, float] | None:
    xyz = V.point(sink, p, what, allow_z=True)
    return None if xyz is None else (xyz[0], xyz[1])


def build_world(file: A.SourceFile, sink: V.Sink) -> World | None:
    """Check the world-specific declarations of ``file`` and build its World (None on errors).

    Entity names and cross-references (e.g. a payload's station) are checked by the checker.
    """
    before = len(sink.diagnostics)
    name: str | None = None
    bounds: Rect | None = None
    regions: list[TerrainRegion] = []
    entities: dict[str, list[object]] = {"dock": [], "station": [], "victim": [], "intruder": [],
                                         "payload": [], "waypoint": []}
    for decl in file.decls:
        if isinstance(decl, A.WorldDecl) and name is None:
            name = decl.value.value
        elif isinstance(decl, A.BoundsDecl) and bounds is None:
            bounds = V.rect_from(sink, decl.lo, decl.hi, decl.span, "the world bounds")
        elif isinstance(decl, A.TerrainDecl):
            region = _terrain(sink, decl)
            if region is not None:
                regions.append(region)
        elif isinstance(decl, A.PlaceDecl):
            xy = _xy(sink, decl.at, f"position of {decl.kind} `{decl.name.name}`")
            if xy is not None:
                entity = {"dock": Dock, "station": Station, "victim": Victim}.get(decl.kind)
                entities[decl.kind].append(
                    (decl.name.name, xy) if entity is None else entity(decl.name.name, xy))
        elif isinstance(decl, A.IntruderDecl):
            entities["intruder"].append(_intruder(sink, decl))
        elif isinstance(decl, A.PayloadDecl):
            mass = V.quantity(sink, decl.mass, Dimension.MASS, "payload mass",
                              Range(0.0, low_open=True))
            if mass is not None:
                entities["payload"].append(PayloadItem(decl.name.name, mass, decl.station.name))
    if len(sink.diagnostics) > before or name is None or bounds is None:
        return None
    return World(
        name=name,
        bounds=bounds,
        regions=tuple(regions),
        docks=tuple(entities["dock"]),  # type: ignore[arg-type]
        stations=tuple(entities["station"]),  # type: ignore[arg-type]
        victims=tuple(entities["victim"]),  # type: ignore[arg-type]
        intruders=tuple(entities["intruder"]),  # type: ignore[arg-type]
        payloads=tuple(entities["payload"]),  # type: ignore[arg-type]
        waypoints=tuple(entities["waypoint"]),  # type: ignore[arg-type]
    )
