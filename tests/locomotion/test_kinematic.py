"""The kinematic twin: walking, terrain effects, energy, pushes, stalls, commands, batch form."""

from __future__ import annotations

import math

import pytest

from locomotion.backend import GoTo, NavStatus, Pose, SetGait, Sit, Stand, Stop, Velocity
from locomotion.course import standard_course
from locomotion.kinematic import KinematicBackend
from locomotion.params import load_calibration
from locomotion.variation import NOMINAL
from locomotion.world import (
    MudParams,
    ObstacleParams,
    Rect,
    TerrainKind,
    TerrainRegion,
    World,
)

CAL = load_calibration()
TROT_FALL = CAL.fall.impulse_threshold["trot"]
FLAT = World("flat", Rect(-1, -5, 40, 5))
DEEP_MUD = World("bog", Rect(-1, -5, 40, 5), (
    TerrainRegion("bog", TerrainKind.MUD, Rect(2, -5, 40, 5), MudParams(softness=1.0)),))


def _walk(b: KinematicBackend, seconds: float, dt: float = 0.05):
    state = None
    for _ in range(round(seconds / dt)):
        state = b.step(dt)
    return state


def test_walks_the_standard_course_with_the_right_gaits() -> None:
    course = standard_course()
    b = KinematicBackend()
    state = b.reset(course.world, course.start, seed=2)
    b.command(GoTo(course.goal))
    state = b.step(0.1)
    gaits: dict[str, set[str]] = {}
    seen: dict[str, list[str]] = {}
    while state.nav_status == NavStatus.ACTIVE and state.time < 200:
        state = b.step(0.1)
        seg = course.segment_at(state.pose.x)
        if seg is not None:
            gaits.setdefault(seg.name, set()).add(state.gait)
            seen.setdefault(seg.name, []).append(state.terrain.underfoot.value)
    assert state.nav_status == NavStatus.REACHED, state.nav_reason
    assert "stairs" in gaits["stairs_up"] and "stairs" in gaits["stairs_down"]
    assert "crawl" in gaits["mud"] and "crawl" in gaits["ramp_up"]
    assert "trot" in gaits["flat"] and "trot" in gaits["gravel"]
    assert 40 < state.time < 150
    for name, kind in [("mud", "mud"), ("gravel", "gravel"), ("ramp_up", "slope"),
                       ("stairs_up", "stairs"), ("flat", "flat")]:
        estimates = seen[name]
        assert estimates.count(kind) > 0.8 * len(estimates), (name, estimates)
    assert state.pose.z == pytest.approx(0.28, abs=0.02)


def test_speed_depends_on_terrain() -> None:
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(SetGait("crawl"))
    b.command(Velocity(0.3))
    flat = _walk(b, 10.0).pose.x
    b.reset(World("mud", FLAT.bounds, (TerrainRegion("m", TerrainKind.MUD, Rect(-1, -5, 40, 5),
                                                     MudParams(0.4)),)), Pose(0, 0), seed=1)
    b.command(SetGait("crawl"))
    b.command(Velocity(0.3))
    mud = _walk(b, 10.0).pose.x
    ratio = CAL.speed_ratio
    assert flat == pytest.approx(0.3 * ratio["flat"] * 10, rel=0.1)
    assert mud == pytest.approx(flat * ratio["mud"] / ratio["flat"], rel=0.15)


def test_velocity_is_capped_by_the_gait_and_walls_stop_the_robot() -> None:
    b = KinematicBackend()
    walled = World("w", Rect(-1, -5, 40, 5), (
        TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(3, -5, 4, 5), ObstacleParams()),))
    b.reset(walled, Pose(0, 0), seed=1)
    b.command(SetGait("crawl"))
    b.command(Velocity(5.0))
    s = _walk(b, 2.0)
    assert s.velocity[0] <= 0.35 + 1e-9
    s = _walk(b, 30.0)
    assert s.pose.x < 3.0 and s.stuck


def test_energy_grows_with_payload_and_sitting_is_cheapest() -> None:
    used = []
    for payload in (0.0, 5.0):
        b = KinematicBackend()
        b.reset(FLAT, Pose(0, 0), seed=1)
        b.set_payload(payload)
        b.command(Velocity(0.5))
        used.append(_walk(b, 10.0).energy_used)
    assert used[1] > used[0] > 0
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(Sit())
    sit = _walk(b, 10.0)
    b.command(Stand())
    stand = _walk(b, 10.0).energy_used - sit.energy_used
    assert sit.gait == "sit" and 0 < sit.energy_used < stand < used[0]


def test_hard_push_fells_the_robot_which_gets_up_after_a_while() -> None:
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(Velocity(0.5))
    _walk(b, 1.0)
    b.apply_push(TROT_FALL + 20.0, math.pi / 2)
    s = b.step(0.05)
    assert s.fallen and s.contacts.trunk and not any(s.contacts.feet)
    x_down = s.pose.x
    getup = CAL.fall.getup_time
    s = _walk(b, 0.8 * getup)
    assert s.fallen and s.pose.x == pytest.approx(x_down, abs=0.2)
    s = _walk(b, 0.2 * getup + 0.2)
    assert not s.fallen
    assert _walk(b, 1.0).pose.x > x_down + 0.2  # walks on


def test_small_push_only_slides() -> None:
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(Stand())
    impulse = min(3.0, 0.25 * CAL.fall.impulse_threshold["stand"])
    b.apply_push(impulse, math.pi / 2)
    s = _walk(b, 1.0)
    slide = impulse / 12.0 * CAL.push_slide_time  # v = J / m, decaying over the slide time
    assert not s.fallen and s.pose.y == pytest.approx(slide, rel=0.3)


def test_fall_probability_rises_with_impulse() -> None:
    def falls(impulse: float) -> int:
        n = 0
        for seed in range(30):
            b = KinematicBackend()
            b.reset(FLAT, Pose(0, 0), seed=seed)
            b.command(Velocity(0.5))
            b.step(0.05)
            b.apply_push(impulse, 0.0)
            n += b.step(0.05).fallen
        return n
    assert falls(TROT_FALL - 10.0) < falls(TROT_FALL) < falls(TROT_FALL + 10.0)


def test_stalls_in_deep_mud() -> None:
    b = KinematicBackend()
    b.reset(DEEP_MUD, Pose(3, 0), seed=1)
    b.command(Velocity(0.3))
    stuck = 0
    for _ in range(400):
        stuck += b.step(0.05).stuck
    assert stuck > 40


def test_goto_unreachable_fails_with_reason_and_stop_cancels() -> None:
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(GoTo((100.0, 0.0)))
    s = b.step(0.05)
    assert s.nav_status == NavStatus.FAILED and "outside the world bounds" in s.nav_reason
    b.command(GoTo((5.0, 0.0)))
    s = b.step(0.05)
    assert s.nav_status == NavStatus.ACTIVE and s.path
    b.command(Stop())
    s = _walk(b, 1.0)
    assert s.nav_status == NavStatus.IDLE and s.velocity == (0.0, 0.0, 0.0)


def test_set_gait_override_is_honoured() -> None:
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0), seed=1)
    b.command(SetGait("stairs"))
    b.command(Velocity(1.0))
    s = _walk(b, 1.0)
    assert s.gait == "stairs" and s.velocity[0] <= 0.25
    b.command(SetGait(None))
    s = _walk(b, 2.0)
    assert s.gait == "trot"
    with pytest.raises(ValueError, match="unknown gait"):
        b.command(SetGait("moonwalk"))


def test_bad_input_is_refused_with_a_message() -> None:
    b = KinematicBackend()
    with pytest.raises(RuntimeError, match="call reset"):
        b.step(0.1)
    with pytest.raises(TypeError, match="World"):
        b.reset("flat", Pose(0, 0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="walkable"):
        b.reset(FLAT, Pose(100, 0))
    b.reset(FLAT, Pose(0, 0))
    with pytest.raises(ValueError, match="dt"):
        b.step(-1.0)
    with pytest.raises(ValueError, match="payload"):
        b.set_payload(float("nan"))
    with pytest.raises(TypeError, match="not a locomotion command"):
        b.command("walk")  # type: ignore[arg-type]
    b.close()
    with pytest.raises(RuntimeError, match="closed"):
        b.step(0.1)


def test_twin_energy_matches_the_documented_energy_model() -> None:
    from locomotion.energy import EnergyModel

    b = KinematicBackend(tolerances=NOMINAL)  # the model's equations, for the nominal mass
    start = b.reset(FLAT, Pose(0, 0), seed=1)
    b.set_payload(3.0)
    b.command(SetGait("crawl"))
    b.command(Velocity(0.3))
    s = _walk(b, 20.0)
    model = EnergyModel.from_calibration(CAL)
    speed = s.velocity[0]
    expected = model.energy_wh(speed * 20.0, 20.0, 15.0, TerrainKind.FLAT, "crawl")
    assert s.energy_used - start.energy_used == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("dt", [float("nan"), float("inf"), -0.1, 0.0, 1e-7, "0.1", None])
def test_every_bad_step_length_is_refused_naming_dt(dt: object) -> None:
    # step's fast path for a plain float in range must refuse what _check_number refuses
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0))
    with pytest.raises(ValueError, match="dt must be a finite number >= 1e-06"):
        b.step(dt)  # type: ignore[arg-type]
    assert b.step(1).time == pytest.approx(1.0)  # an int is a number: taken as a float
    b.close()


def test_the_state_built_positionally_lands_in_the_named_fields() -> None:
    # _robot_state passes RobotState's and ContactInfo's fields by position: pin their order
    import dataclasses

    from locomotion.backend import ContactInfo, RobotState, TerrainEstimate

    assert [f.name for f in dataclasses.fields(RobotState)] == [
        "time", "pose", "velocity", "terrain", "gait", "energy_used", "fallen", "stuck",
        "contacts", "nav_status", "nav_reason", "path", "payload_mass", "extras"]
    assert [f.name for f in dataclasses.fields(ContactInfo)] == ["feet", "trunk", "slip"]
    b = KinematicBackend()
    b.reset(FLAT, Pose(0, 0))
    b.set_payload(2.5)
    b.command(Velocity(0.4, 0.0, 0.1))
    for _ in range(5):
        s = b.step(0.1)
    assert s.time == pytest.approx(0.5) and s.pose.x > 0 and isinstance(s.pose, Pose)
    assert s.velocity[0] > 0 and s.velocity[2] > 0
    assert isinstance(s.terrain, TerrainEstimate) and s.gait == "trot"
    assert s.energy_used > 0 and s.fallen is False and s.stuck is False
    assert s.contacts.feet == (True, True, True, True) and s.contacts.trunk is False
    assert s.contacts.slip >= 0 and isinstance(s.nav_status, str) and s.payload_mass == 2.5
    assert set(s.extras) == {"speed_cap", "body_pitch_target", "swing_height", "distance",
                             "terrain_confidence"}
    assert s.extras["distance"] > 0
    b.close()
