"""The seed varies the physics (start pose, friction, softness, mass) on both backends, and the
same seed still gives the same run (issue 11: three pybullet seeds on smooth ground used to walk
the same trajectory to the millimetre)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from locomotion.backend import GoTo, LocomotionBackend, Pose
from locomotion.backends import make_backend
from locomotion.variation import (
    DEFAULT_TOLERANCES,
    NOMINAL,
    draw_variation,
    drawn_physics,
    varied_world,
)
from locomotion.world import MudParams, ObstacleParams, Rect, TerrainKind, TerrainRegion, World

SMOOTH = World(name="smooth", bounds=Rect(0, 0, 20, 10))
SITE = World(
    name="site", bounds=Rect(0, 0, 20, 10),
    regions=(TerrainRegion("bog", TerrainKind.MUD, Rect(8, 0, 12, 10), MudParams(0.9, 0.4)),),
)


def test_draws_stay_within_the_declared_tolerances_and_repeat_for_a_seed() -> None:
    t = DEFAULT_TOLERANCES
    for seed in range(50):
        v = draw_variation(SITE, seed)
        assert v == draw_variation(SITE, seed)
        assert abs(v.start_dx) <= t.start_xy and abs(v.start_dy) <= t.start_xy
        assert abs(math.degrees(v.start_dyaw)) <= t.start_yaw
        assert t.added_mass[0] <= v.added_mass <= t.added_mass[1]
        assert t.payload[0] <= v.payload_scale <= t.payload[1]
        assert all(t.friction[0] <= f <= t.friction[1] for f in (v.ground_friction, *v.friction))
        assert t.softness[0] <= v.softness[0] <= t.softness[1]
    assert draw_variation(SITE, 1) != draw_variation(SITE, 2)


def test_no_seed_or_nominal_tolerances_draw_nothing() -> None:
    for v in (draw_variation(SITE, None), draw_variation(SITE, 7, NOMINAL)):
        assert (v.start_dx, v.start_dy, v.start_dyaw, v.added_mass) == (0.0, 0.0, 0.0, 0.0)
        assert v.payload_scale == 1.0 and v.ground_friction == 1.0
        assert v.friction == (1.0,) and v.softness == (1.0,)
        assert varied_world(SITE, v) == SITE


def test_the_varied_world_scales_friction_and_clips_softness() -> None:
    v = draw_variation(SITE, 3)
    params = varied_world(SITE, v).regions[0].params
    assert isinstance(params, MudParams)
    assert params.friction == pytest.approx(0.4 * v.friction[0])
    assert params.softness == pytest.approx(min(0.9 * v.softness[0], 1.0))
    record = v.to_json(SITE)
    assert set(record) == {"start_dx_m", "start_dy_m", "start_dyaw_deg", "added_mass_kg",
                           "payload_scale", "friction_scale.ground", "friction_scale.bog",
                           "softness_scale.bog", "sensor_noise_scale"}


def _walk(backend: LocomotionBackend, seed: int, seconds: float) -> list[tuple[float, float]]:
    backend.reset(SMOOTH, Pose(2.0, 5.0), seed)
    backend.command(GoTo((15.0, 5.0)))
    return [(s.pose.x, s.pose.y) for s in (backend.step(0.1) for _ in range(round(seconds * 10)))]


@pytest.fixture(params=["kinematic", "pybullet"])
def backend(request: pytest.FixtureRequest) -> Iterator[LocomotionBackend]:
    b = make_backend(request.param)
    yield b
    b.close()


def test_seeds_give_different_trajectories_on_smooth_ground(backend: LocomotionBackend) -> None:
    runs = {seed: _walk(backend, seed, 3.0) for seed in (1, 2, 3)}
    for a, b in ((1, 2), (1, 3), (2, 3)):
        apart = max(math.dist(p, q) for p, q in zip(runs[a], runs[b]))
        assert apart > 0.01, f"seeds {a} and {b} walked within {apart * 1000:.1f} mm"
    assert _walk(backend, 2, 3.0) == runs[2]  # and one seed is one run, exactly
    physics = drawn_physics(backend)
    assert physics["start_dx_m"] == pytest.approx(draw_variation(SMOOTH, 2).start_dx, abs=1e-6)


def test_both_backends_draw_the_same_physics_for_a_seed() -> None:
    twin, physics = make_backend("kinematic"), make_backend("pybullet")
    try:
        a = twin.reset(SITE, Pose(2.0, 5.0), 42)
        b = physics.reset(SITE, Pose(2.0, 5.0), 42)
        assert drawn_physics(twin) == drawn_physics(physics)
        v = draw_variation(SITE, 42)
        assert (a.pose.x, a.pose.y) == pytest.approx((2.0 + v.start_dx, 5.0 + v.start_dy))
        assert math.dist(b.pose.xy, a.pose.xy) < 0.05  # pybullet's settling moves it a little
    finally:
        twin.close()
        physics.close()


def test_a_jittered_start_never_lands_in_a_wall() -> None:
    walled = World(name="walled", bounds=Rect(0, 0, 10, 10), regions=(
        TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(2.02, 0, 3, 10), ObstacleParams(2.0)),))
    twin = make_backend("kinematic")
    for seed in range(40):
        state = twin.reset(walled, Pose(2.0, 5.0), seed)
        assert state.pose.x < 2.02
