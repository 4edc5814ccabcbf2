"""World files: terrain diagnostics and the conversion to locomotion.world.World."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.api import check_paths, load_world
from dsl.worldbuild import terrain_param_dims
from locomotion.world import (
    Circle,
    MudParams,
    Polygon,
    Rect,
    StairsParams,
    TerrainKind,
)
from tests.dsl.helpers import WORLD, at, errors, only, where, write

FULL = """\
world "Industrial park"
bounds (-5, -5) to (60, 40)
terrain canal: water rect (10, 20) to (50, 24) { depth 2 m }
terrain ramp: slope rect (20, 0) to (24, 3) { angle 15 deg  heading 0 deg }
terrain steps: stairs rect (30, 0) to (31.5, 2) { rise 10 cm  tread 30 cm  count 5  heading 0 deg }
terrain landing: flat rect (31.5, 0) to (35, 2) { elevation 50 cm }
terrain bog: mud polygon (40, 5) (45, 5) (44, 9) { softness 0.6  friction 0.4 }
terrain yard: gravel circle (8, 30) radius 4 m
terrain shed: obstacle rect (2, 30) to (6, 34) { height 3 m }
dock dock at (1, 1)
station depot at (3, 2)
waypoint canal at (30, 18)
victim v1 at (14, 12)
intruder prowler path (50, 30) -> (55, 35) -> (50, 38) loop speed 0.8 m/s
payload medkit 2.5 kg at depot
"""


def check_world(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    write(tmp_path, {"site.world": text})
    return check_paths([str(tmp_path / "site.world")])


def test_full_world_converts(tmp_path: Path) -> None:
    write(tmp_path, {"site.world": FULL})
    world = load_world(tmp_path / "site.world")
    assert world.name == "Industrial park"
    assert world.bounds == Rect(-5, -5, 60, 40)
    kinds = [r.kind for r in world.regions]
    assert kinds == [TerrainKind.WATER, TerrainKind.SLOPE, TerrainKind.STAIRS, TerrainKind.FLAT,
                     TerrainKind.MUD, TerrainKind.GRAVEL, TerrainKind.OBSTACLE]
    steps = world.regions[2]
    assert steps.params == StairsParams(rise=0.1, tread=0.3, count=5, heading=0.0)
    assert isinstance(steps.params.count, int)
    assert world.regions[3].elevation == pytest.approx(0.5)
    assert world.regions[4].params == MudParams(softness=0.6, friction=0.4)
    assert isinstance(world.regions[4].shape, Polygon)
    assert world.regions[5].shape == Circle((8.0, 30.0), 4.0)
    assert world.docks[0].position == (1.0, 1.0)
    assert world.waypoints == (("canal", (30.0, 18.0)),)
    prowler = world.intruders[0]
    assert prowler.loop and prowler.speed == pytest.approx(0.8) and len(prowler.path) == 3
    assert world.payloads[0].station == "depot" and world.payloads[0].mass == 2.5
    assert world.is_blocked(20, 22) and not world.is_blocked(1, 1)


def test_params_follow_locomotion_metadata() -> None:
    dims = terrain_param_dims(TerrainKind.STAIRS)
    assert set(dims) == {"rise", "tread", "count", "heading", "friction", "elevation"}
    assert dims["count"].value == "count" and dims["heading"].value == "angle"


def test_unknown_terrain_kind(tmp_path: Path) -> None:
    text = WORLD + "terrain pit: lava rect (0, 0) to (1, 1)\n"
    d = only(check_world(tmp_path, text), "terrain kind")
    assert d.message == "unknown terrain kind `lava`"
    assert where(d) == at(text, "lava")


def test_unknown_terrain_param_suggests(tmp_path: Path) -> None:
    text = WORLD + "terrain pit: mud rect (0, 0) to (1, 1) { sofness 0.2 }\n"
    d = only(check_world(tmp_path, text), "parameter")
    assert d.message == "unknown parameter `sofness` for mud terrain"
    assert d.hint == "did you mean `softness`?"
    assert where(d) == at(text, "sofness")


def test_negative_friction_is_out_of_range(tmp_path: Path) -> None:
    text = WORLD + "terrain ice: flat rect (0, 0) to (1, 1) { friction -0.1 }\n"
    d = only(check_world(tmp_path, text), "friction")
    assert d.message == "value out of range: friction must be >= 0, got -0.1"
    assert where(d) == at(text, "-0.1")


def test_terrain_units_are_checked(tmp_path: Path) -> None:
    text = WORLD + "terrain r: slope rect (0, 0) to (1, 1) { angle 15 }\n"
    d = only(check_world(tmp_path, text), "expected a unit")
    assert d.message == "expected a unit after 15"
    assert d.hint is not None and "`15 deg`" in d.hint


def test_stair_count_is_whole(tmp_path: Path) -> None:
    text = WORLD + "terrain s: stairs rect (0, 0) to (1, 1) { count 2.5 }\n"
    d = only(check_world(tmp_path, text), "whole number")
    assert d.message == "count must be a whole number, got 2.5"


def test_rect_corners_must_be_ordered(tmp_path: Path) -> None:
    text = WORLD + "terrain s: mud rect (5, 5) to (1, 1)\n"
    d = only(check_world(tmp_path, text), "first corner")
    assert where(d) == at(text, "rect (5, 5)")


def test_duplicate_terrain_name(tmp_path: Path) -> None:
    text = WORLD + "terrain bog: mud rect (0, 0) to (1, 1)\n"
    d = only(check_world(tmp_path, text), "duplicate terrain")
    assert where(d) == at(text, "bog", 2)


def test_load_world_raises_with_rendered_diagnostics(tmp_path: Path) -> None:
    write(tmp_path, {"bad.world": WORLD + "terrain pit: lava rect (0, 0) to (1, 1)\n"})
    with pytest.raises(ValueError, match="unknown terrain kind `lava`"):
        load_world(tmp_path / "bad.world")


def test_clean_world_has_no_errors(tmp_path: Path) -> None:
    assert errors(check_world(tmp_path, FULL)) == []
