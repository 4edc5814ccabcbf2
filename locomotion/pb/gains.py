"""What the A1 gait controller is told and how it is tuned: frozen values, no behaviour.

Kept apart from :mod:`locomotion.pb.controller` so the simulation and the backend can build
commands and gains without the controller's machinery, and so the controller module stays one job.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GAIT_OFFSETS", "BodyCommand", "ControlGains"]

GAIT_OFFSETS: dict[str, tuple[float, float, float, float]] = {
    "trot": (0.0, 0.5, 0.5, 0.0),
    "stairs": (0.0, 0.5, 0.5, 0.0),
    "crawl": (0.0, 0.5, 0.5, 0.0),
}
"""Per-leg phase offsets (FR, FL, RR, RL) by gait name; unknown names fall back to trot."""


@dataclass(frozen=True)
class ControlGains:
    """Tuning of the controller. Defaults are what the bench was measured with."""

    kp_height: float = 60.0
    kd_height: float = 10.0
    kp_attitude: float = 150.0
    kd_attitude: float = 18.0
    kd_yaw_rate: float = 10.0
    kp_yaw: float = 20.0
    max_yaw_error: float = 0.3
    foothold_clearance: float = 0.05
    max_period: float = 0.8
    max_pitch: float = 0.35
    balance_trigger: float = 0.25
    balance_settle: float = 0.8
    catch_trigger: float = 0.35
    catch_time: float = 1.0
    catch_period: float = 0.4
    foothold_search: float = 0.12
    level_search: float = 0.08
    level_spacing: float = 0.02
    level_distance_cost: float = 3.0
    kp_velocity: float = 6.0
    ki_velocity: float = 10.0
    velocity_integral_limit: float = 0.5
    raibert_gain: float = 0.12
    max_step: float = 0.16
    swing_kp: tuple[float, float, float] = (60.0, 60.0, 60.0)
    swing_kd: tuple[float, float, float] = (1.5, 1.5, 1.5)
    stance_kp: tuple[float, float, float] = (10.0, 10.0, 10.0)
    stance_kd: tuple[float, float, float] = (0.8, 0.8, 0.8)
    friction: float = 0.6
    early_touchdown: float = 0.8
    target_freeze: float = 0.7
    trunk_clearance: float = 0.05
    max_leg_extension: float = 0.33
    reach_speed: float = 0.6
    max_reach: float = 0.08
    max_normal_force: float = 220.0
    accel_limit: float = 3.0
    yaw_accel_limit: float = 4.0
    regularisation: float = 1e-4
    wrench_weights: tuple[float, ...] = (1.0, 1.0, 5.0, 20.0, 20.0, 5.0)


@dataclass(frozen=True)
class BodyCommand:
    """What the body should do: walk at (vx, vy) in its heading frame, turn at wz; or stand."""

    vx: float = 0.0
    vy: float = 0.0
    wz: float = 0.0
    walk: bool = True
