"""Checks of ``vary { ... }`` blocks: known parameters, regions that carry them, bounds and units.

The parameters come from :data:`bt_runtime.variation.VARY_PARAMS` (the one table the campaign
draws from). A mission's block and its world's block are merged, the mission's items winning for
the same parameter and region; a mission without either gets ``None`` (the campaign then uses
:data:`bt_runtime.variation.DEFAULT_VARIATION`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from bt_runtime.variation import VARY_PARAMS, Variation, Varied
from dsl import ast as A
from dsl import check_values as V
from dsl.diagnostics import did_you_mean
from locomotion.world import World

__all__ = ["check_vary"]


def _region_params(world: World | None) -> dict[str, set[str]]:
    if world is None:
        return {}
    return {r.name: {f.name for f in fields(r.params)} for r in world.regions}


def _region(sink: V.Sink, item: A.VaryItem, world: World | None) -> str | None | bool:
    """The item's region name, None when it takes none, False when it is wrong (reported)."""
    spec = VARY_PARAMS[item.name.name]
    if not spec.per_region:
        if item.region is not None:
            sink.error(item.region.span, f"`{spec.name}` takes no region",
                       f"write `{spec.name} LOW .. HIGH`")
            return False
        return None
    if item.region is None:
        sink.error(item.name.span, f"`{spec.name}` needs a terrain region",
                   f"write `{spec.name} REGION ...`, e.g. `{spec.name} west_gap ...`")
        return False
    regions = _region_params(world)
    name = item.region.name
    if world is not None and name not in regions:
        sink.error(item.region.span, f"the world has no terrain region `{name}`",
                   did_you_mean(name, regions) or "regions: " + (", ".join(regions) or "none"))
        return False
    param = spec.name
    if param in ("friction", "softness") and world is not None and param not in regions[name]:
        having = sorted(r for r, p in regions.items() if param in p)
        sink.error(item.region.span, f"terrain region `{name}` has no {param} to vary",
                   f"regions with {param}: {', '.join(having) or 'none'}")
        return False
    return name


def _bounds(sink: V.Sink, item: A.VaryItem) -> tuple[float, float] | None:
    spec = VARY_PARAMS[item.name.name]
    what = f"vary `{spec.name}`"
    if spec.chance:
        if item.high is not None:
            sink.error(item.high.span, f"`{spec.name}` takes one chance, not a range",
                       f"write e.g. `{spec.name} REGION 20 %`")
            return None
        p = V.quantity(sink, item.low, spec.dimension, what, spec.range)
        return None if p is None else (p, p)
    if item.high is None:
        sink.error(item.low.span, f"`{spec.name}` needs a range LOW .. HIGH",
                   f"write e.g. `{spec.name} {item.low.text} .. {item.low.text}`")
        return None
    low = V.quantity(sink, item.low, spec.dimension, what, spec.range)
    high = V.quantity(sink, item.high, spec.dimension, what, spec.range)
    if low is None or high is None:
        return None
    if high < low:
        sink.error(item.span, f"vary `{spec.name}`: the range {item.low.text} .. "
                   f"{item.high.text} goes from high to low", "write the lower bound first")
        return None
    return low, high


def _item(sink: V.Sink, item: A.VaryItem, world: World | None) -> Varied | None:
    if item.name.name not in VARY_PARAMS:
        sink.error(item.name.span, f"unknown vary parameter `{item.name.name}`",
                   did_you_mean(item.name.name, VARY_PARAMS)
                   or "parameters: " + ", ".join(VARY_PARAMS))
        return None
    region = _region(sink, item, world)
    bounds = _bounds(sink, item)
    if region is False or bounds is None:
        return None
    return Varied(item.name.name, region if isinstance(region, str) else None, *bounds)


def check_vary(
    sink: V.Sink, blocks: Sequence[A.VaryDecl], world: World | None
) -> Variation | None:
    """Check every ``vary`` block (world file first, then the mission) and merge them.

    Args:
        sink: where diagnostics go.
        blocks: the blocks in order; a later item replaces an earlier one with the same key.
        world: the mission's world, to resolve region names (None: regions are not checked).

    Returns:
        The merged variation, or None when no block was declared.
    """
    if not blocks:
        return None
    items: dict[str, Varied] = {}
    seen: dict[str, A.VaryItem] = {}
    for block in blocks:
        for item in block.items:
            varied = _item(sink, item, world)
            if varied is None:
                continue
            earlier = seen.get(varied.key)
            if earlier is not None and earlier.span.file == item.span.file:
                sink.error(item.span, f"`{varied.key}` is varied twice (the first is at "
                           f"{earlier.span.line}:{earlier.span.col})", "keep only one")
            seen[varied.key] = item
            items[varied.key] = varied
    return Variation(tuple(items.values()))
