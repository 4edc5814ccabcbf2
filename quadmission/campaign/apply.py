"""A run's draw applied with what a run already has: faults, the robot, the scenario, the world.

Friction and softness are world data, so a drawn value rebuilds the world with that region's
parameters replaced (``dataclasses.replace`` on the frozen :class:`~locomotion.world.World`);
every backend builds its ground from the world at reset, so the twin and physics both see it. A
push is a :class:`~bt_runtime.faults.Push`, a closed region a
:class:`~bt_runtime.faults.BlockRegion` at 0 s, the charge a robot property, detection and range
the robot's :class:`~bt_runtime.sensors.SensorModel`, victim jitter and intruder speed spread the
:class:`~bt_runtime.scenario.ScenarioConfig`. The senses' noise level is the backend's to draw at
reset; a drawn ``sensor_noise`` fixes it through the backend's options
(:func:`locomotion.variation.with_sensor_noise`), so the twin and physics hear it alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bt_runtime.executor import Fault
from bt_runtime.faults import BlockRegion, Push
from bt_runtime.scenario import ScenarioConfig
from bt_runtime.sensors import SensorModel
from locomotion.variation import DEFAULT_TOLERANCES, with_sensor_noise
from locomotion.world import TerrainRegion, World
from quadmission.loading import Mission

__all__ = ["AppliedDraw", "apply_draw"]


@dataclass(frozen=True)
class AppliedDraw:
    """What :func:`quadmission.session.simulate` takes for one drawn run."""

    mission: Mission
    faults: tuple[Fault, ...]
    sensor: SensorModel
    scenario: ScenarioConfig
    backend_options: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for ``make_backend`` (the drawn sensor noise, as tolerances)."""


def _region(region: TerrainRegion, draw: Mapping[str, float]) -> TerrainRegion:
    names = {f.name for f in dataclasses.fields(region.params)}
    changes: dict[str, float] = {}
    if "friction" in names:
        friction = float(region.params.friction)
        friction *= draw.get("friction_scale", 1.0)
        changes["friction"] = draw.get(f"friction.{region.name}", friction)
    if "softness" in names and f"softness.{region.name}" in draw:
        changes["softness"] = draw[f"softness.{region.name}"]
    return replace(region, params=replace(region.params, **changes)) if changes else region


def _world(world: World, draw: Mapping[str, float]) -> World:
    regions = tuple(_region(r, draw) for r in world.regions)
    scale = draw.get("payload_mass", 1.0)
    payloads = tuple(replace(p, mass=p.mass * scale) for p in world.payloads)
    return replace(world, regions=regions, payloads=payloads)


def _robot(props: Mapping[str, float | None], draw: Mapping[str, float]) -> dict[str, float | None]:
    robot = dict(props)
    if "charge" in draw:
        robot["charge"] = draw["charge"]
    if "charge_drop" in draw:
        declared = robot.get("charge")
        start = 100.0 if declared is None else float(declared)
        robot["charge"] = max(0.0, start - draw["charge_drop"])
    return robot


def _faults(world: World, draw: Mapping[str, float]) -> tuple[Fault, ...]:
    faults: list[Fault] = []
    if draw.get("push_impulse", 0.0) > 0.0:
        faults.append(Push(draw["push_time"], draw["push_impulse"], draw["push_dir"]))
    shapes = {r.name: r.shape for r in world.regions}
    for key, value in draw.items():
        if key.startswith("closed.") and value >= 0.5:
            name = key.split(".", 1)[1]
            faults.append(BlockRegion(0.0, name, shapes[name]))
    return tuple(faults)


def apply_draw(mission: Mission, draw: Mapping[str, float]) -> AppliedDraw:
    """The run of ``mission`` that ``draw`` describes.

    Args:
        mission: the compiled mission as written.
        draw: drawn parameters (:func:`quadmission.campaign.plan.draw_for`).

    Returns:
        The mission with its world and robot replaced, the faults, the sensor and the scenario.
    """
    compiled = mission.compiled
    world = compiled.world
    assert world is not None  # to_mission refuses a mission without a world
    new_world = _world(world, draw)
    compiled = replace(compiled, world=new_world, robot=_robot(compiled.robot, draw))
    sensor = SensorModel()
    if "detection" in draw:
        sensor = replace(sensor, p_detect_per_s=draw["detection"] / 100.0)
    if "sensor_range" in draw:
        sensor = replace(sensor, range=draw["sensor_range"])
    scenario = ScenarioConfig()
    if "victim_jitter" in draw:
        scenario = replace(scenario, victim_jitter=draw["victim_jitter"])
    if "intruder_speed" in draw:
        scenario = replace(scenario, intruder_speed_spread=draw["intruder_speed"] / 100.0)
    options: dict[str, Any] = {}
    if "sensor_noise" in draw:
        options["tolerances"] = with_sensor_noise(DEFAULT_TOLERANCES, draw["sensor_noise"])
    return AppliedDraw(
        replace(mission, compiled=compiled), _faults(new_world, draw), sensor, scenario, options
    )
