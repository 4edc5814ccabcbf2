"""The pybullet scene: terrain built from a World is where the terrain map says it is, rays do not
see the robot, and rough ground is the same for the same seed."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pybullet
import pybullet_data
import pytest
from pybullet_utils.bullet_client import BulletClient

from locomotion.pb.robot import A1Robot
from locomotion.pb.scene import Scene, _tiles, mud_sink_depth
from locomotion.terrain import TerrainMap
from locomotion.world import (
    GravelParams,
    MudParams,
    ObstacleParams,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)

WORLD = World(
    "scene",
    Rect(-2, -2, 14, 2),
    regions=(
        TerrainRegion("stairs", TerrainKind.STAIRS, Rect(1, -1, 2.2, 1), StairsParams()),
        TerrainRegion("ramp", TerrainKind.SLOPE, Rect(3, -1, 5, 1), SlopeParams(angle=15.0)),
        TerrainRegion("down", TerrainKind.STAIRS, Rect(6, -1, 7.2, 1), StairsParams(heading=180)),
        TerrainRegion("mud", TerrainKind.MUD, Rect(8, -1, 9, 1), MudParams(softness=0.5)),
        TerrainRegion("gravel", TerrainKind.GRAVEL, Rect(10, -1, 12, 1), GravelParams()),
        TerrainRegion("box", TerrainKind.OBSTACLE, Rect(13, -1, 13.5, 1), ObstacleParams(0.4)),
    ),
)


@pytest.fixture
def client() -> Iterator[BulletClient]:
    c = BulletClient(pybullet.DIRECT)
    c.setAdditionalSearchPath(pybullet_data.getDataPath())
    yield c
    c.disconnect()


def _scene(client: BulletClient, seed: int = 0) -> Scene:
    client.resetSimulation()
    scene = Scene(client, WORLD, TerrainMap(WORLD, seed=seed))
    scene.mark_scene_group()
    return scene


def test_stairs_and_slope_heights_match_the_terrain_map(client: BulletClient) -> None:
    scene = _scene(client)
    terrain = TerrainMap(WORLD)
    xs = np.array([0.5, 1.15, 1.45, 1.75, 2.05, 3.5, 4.0, 4.9, 6.15, 6.5, 7.05])
    pts = np.stack([xs, np.zeros_like(xs)], axis=1)
    assert np.allclose(scene.heights_at(pts), terrain.height(xs, np.zeros_like(xs)), atol=1e-3)
    assert scene.heights_at(np.array([[4.0, 0.0]]))[0] == pytest.approx(math.tan(math.radians(15)))


def test_mud_is_a_soft_pad_and_obstacles_stand_up(client: BulletClient) -> None:
    scene = _scene(client)
    mud, box = scene.heights_at(np.array([[8.5, 0.0], [13.2, 0.0]]))
    assert mud == pytest.approx(mud_sink_depth(0.5), abs=1e-3)
    assert box == pytest.approx(0.4, abs=1e-3)


def test_rays_do_not_see_the_robot(client: BulletClient) -> None:
    scene = _scene(client)
    A1Robot(client, (0.0, 0.0, 0.3), 0.0)
    assert scene.heights_at(np.array([[0.0, 0.0], [0.15, 0.0]])) == pytest.approx([0.0, 0.0])


def test_gravel_is_the_terrain_maps_rough_surface_and_seeded(client: BulletClient) -> None:
    xs = np.linspace(10.1, 11.9, 40)
    pts = np.stack([xs, np.full(40, 0.3)], axis=1)
    first = _scene(client, seed=3).heights_at(pts)
    again = _scene(client, seed=3).heights_at(pts)
    other = _scene(client, seed=4).heights_at(pts)
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)
    expected = TerrainMap(WORLD, seed=3).height(xs, np.full(40, 0.3))
    # Exact at the 2 cm heightfield vertices, linear (triangles) in between.
    assert float(np.mean(np.abs(first - expected))) < 0.006
    assert float(np.max(np.abs(first - expected))) < 0.02
    assert float(np.std(first)) > 0.01
    # Level ground continues right up to the heightfield (tiles with a hole, not a plane).
    assert scene_heights_at(client, [[9.9, 0.3], [12.1, 0.3], [11.0, 1.5]]) == pytest.approx(
        [0.0, 0.0, 0.0], abs=1e-6
    )


def scene_heights_at(client: BulletClient, points: list[list[float]]) -> list[float]:
    return list(_scene(client, seed=3).heights_at(np.array(points)))


def test_ground_tiles_cover_everything_but_the_holes() -> None:
    outer = (0.0, 0.0, 10.0, 6.0)
    holes = [(2.0, 1.0, 4.0, 3.0), (3.0, 2.0, 5.0, 5.0), (8.0, -1.0, 11.0, 1.0)]
    tiles = _tiles(outer, holes)
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in tiles)
    assert area == pytest.approx(60.0 - (4.0 + 6.0 - 1.0) - 2.0)  # overlap once, clipped at edge
    rng = np.random.default_rng(0)
    for x, y in rng.uniform((0, 0), (10, 6), size=(500, 2)):
        in_hole = any(h[0] < x < h[2] and h[1] < y < h[3] for h in holes)
        in_tile = sum(t[0] <= x <= t[2] and t[1] <= y <= t[3] for t in tiles)
        assert in_tile == (0 if in_hole else 1)
