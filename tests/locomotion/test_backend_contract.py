"""Conformance of every backend to the LocomotionBackend protocol (like Gymnasium's check_env).

The pybullet case runs as soon as ``locomotion.pybullet_backend`` exists; until then it is skipped
with the reason.
"""

from __future__ import annotations

import importlib.util

import pytest

from locomotion.backend import (
    ContactInfo,
    LocomotionBackend,
    Pose,
    RobotState,
    TerrainEstimate,
    Velocity,
    make_backend,
)
from locomotion.course import standard_course

BACKENDS = ["kinematic", "pybullet"]


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "pybullet" and importlib.util.find_spec("locomotion.pybullet_backend") is None:
        pytest.skip("locomotion.pybullet_backend does not exist yet (built by another helper)")
    return name


def _run(name: str, seed: int, steps: int = 20) -> list[RobotState]:
    course = standard_course()
    b = make_backend(name)
    try:
        states = [b.reset(course.world, course.start, seed=seed)]
        b.command(Velocity(0.4, 0.0, 0.1))
        for i in range(steps):
            if i == 5:
                b.apply_push(5.0, 1.0)
            states.append(b.step(0.05))
        return states
    finally:
        b.close()


def test_types_returned(backend_name: str) -> None:
    course = standard_course()
    b = make_backend(backend_name)
    try:
        assert isinstance(b, LocomotionBackend)
        s0 = b.reset(course.world, course.start, seed=0)
        b.set_payload(2.0)
        b.command(Velocity(0.3))
        s = b.step(0.05)
        assert isinstance(s, RobotState) and isinstance(s.pose, Pose)
        assert isinstance(s.terrain, TerrainEstimate) and isinstance(s.contacts, ContactInfo)
        assert len(s.velocity) == 3 and all(isinstance(v, float) for v in s.velocity)
        assert isinstance(s.gait, str) and isinstance(s.energy_used, float)
        assert isinstance(s.fallen, bool) and isinstance(s.stuck, bool)
        assert s.time - s0.time == pytest.approx(0.05)
        assert s.payload_mass == pytest.approx(2.0)
        assert s.energy_used > 0
    finally:
        b.close()


def test_same_seed_same_states(backend_name: str) -> None:
    assert _run(backend_name, 7) == _run(backend_name, 7)


def test_close_twice_and_reset_twice(backend_name: str) -> None:
    course = standard_course()
    b = make_backend(backend_name)
    first = b.reset(course.world, course.start, seed=1)
    second = b.reset(course.world, course.start, seed=1)
    assert first == second
    b.close()
    b.close()


def test_unknown_backend_name() -> None:
    with pytest.raises(ValueError, match="unknown backend 'warp': choose one of kinematic, pybullet"):
        make_backend("warp")
