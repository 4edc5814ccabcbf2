"""The report's PNG figures, drawn with matplotlib's Agg backend (no display, nothing shown).

Three figures: duration and energy histograms split by outcome, and the world map with its
terrain regions, the run's start, the points where failed runs ended up failing (their last fall
point when they fell) and every fall.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from locomotion.world import Circle, Polygon, Rect, World
from quadmission.campaign.result import RunResult

__all__ = ["distributions", "world_map"]

_KIND_COLOURS = {
    "water": "#7fb3e0", "obstacle": "#555555", "hedge": "#3d7a3d", "mud": "#8b6b3d",
    "gravel": "#b8b0a0", "grass": "#9fd08a", "rubble": "#a08060", "stairs": "#d0a050",
    "slope": "#e0c080", "flat": "#eeeeee",
}


def _figure(width: float = 8.0, height: float = 3.5):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, plt.figure(figsize=(width, height))


def distributions(results: Sequence[RunResult], path: Path) -> Path:
    """Histograms of duration (s) and energy (Wh), successes and failures apart.

    Args:
        results: the campaign's rows.
        path: the PNG to write.

    Returns:
        ``path``.
    """
    plt, fig = _figure()
    done = [r for r in results if r.status == "done"]
    for i, (attr, label) in enumerate((("duration", "duration (s)"), ("energy", "energy (Wh)"))):
        ax = fig.add_subplot(1, 2, i + 1)
        ok = [getattr(r, attr) for r in done if r.success]
        bad = [getattr(r, attr) for r in done if not r.success]
        ax.hist([ok, bad], bins=20, stacked=True, color=["#4c9a4c", "#c84c4c"],
                label=["success", "failure"])
        ax.set_xlabel(label)
        ax.set_ylabel("runs")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _draw_shape(ax, shape, colour: str) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.patches as mp

    if isinstance(shape, Rect):
        patch = mp.Rectangle((shape.x_min, shape.y_min), shape.x_max - shape.x_min,
                             shape.y_max - shape.y_min)
    elif isinstance(shape, Circle):
        patch = mp.Circle(shape.center, shape.radius)
    elif isinstance(shape, Polygon):
        patch = mp.Polygon(list(shape.points), closed=True)
    else:
        return
    patch.set_facecolor(colour)
    patch.set_alpha(0.6)
    patch.set_edgecolor("none")
    ax.add_patch(patch)


def world_map(world: World, results: Sequence[RunResult], path: Path) -> Path:
    """The world's regions with every fall (x) and each failed run's last fall (red dot).

    Args:
        world: the mission's world.
        results: the campaign's rows.
        path: the PNG to write.

    Returns:
        ``path``.
    """
    plt, fig = _figure(7.0, 7.0 * (world.bounds.y_max - world.bounds.y_min)
                       / max(1e-6, world.bounds.x_max - world.bounds.x_min) + 0.8)
    ax = fig.add_subplot(1, 1, 1)
    for region in world.regions:
        _draw_shape(ax, region.shape, _KIND_COLOURS.get(region.kind.value, "#dddddd"))
        ax.annotate(region.name, _label_point(region.shape), fontsize=6, ha="center")
    falls = [p for r in results for p in r.falls]
    if falls:
        ax.scatter([p.x for p in falls], [p.y for p in falls], marker="x", c="black", s=18,
                   label=f"falls ({len(falls)})")
    failed = [r.falls[-1] for r in results if not r.success and r.falls]
    if failed:
        ax.scatter([p.x for p in failed], [p.y for p in failed], c="red", s=12,
                   label="failed runs' last fall")
    for dock in world.docks:
        ax.scatter([dock.position[0]], [dock.position[1]], marker="s", c="blue", s=30,
                   label=f"start ({dock.name})")
        break
    b = world.bounds
    ax.set_xlim(b.x_min, b.x_max)
    ax.set_ylim(b.y_min, b.y_max)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _label_point(shape) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    if isinstance(shape, Rect):
        return ((shape.x_min + shape.x_max) / 2, (shape.y_min + shape.y_max) / 2)
    if isinstance(shape, Circle):
        return tuple(shape.center)  # type: ignore[return-value]
    if isinstance(shape, Polygon):
        xs, ys = zip(*shape.points)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    return (0.0, 0.0)
