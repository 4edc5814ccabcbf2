"""Assembling one run: seeds, the terrain map, the world sim and the robot context, built once.

Everything random in a run derives from :class:`~bt_runtime.seeds.RunSeeds` (one child per
consumer), and everything that needs the ground reads the one
:class:`~locomotion.terrain.TerrainMap` built here from the ``terrain`` seed: the world sim's sight
raster now, the backend (its physics scene or surface raster, and its planner) when the context's
``start`` hands the map to ``reset``. So the robot, its planner and its line of sight stand on the
same stones, on every backend.
"""

from __future__ import annotations

from bt_runtime.robot import RobotContext
from bt_runtime.robot_config import RobotConfig
from bt_runtime.scenario import ScenarioConfig
from bt_runtime.seeds import RunSeeds
from bt_runtime.world_sim import WorldSim
from locomotion.backend import LocomotionBackend
from locomotion.terrain import TerrainMap
from locomotion.world import World

__all__ = ["build_context", "run_terrain"]


def run_terrain(world: World, seeds: RunSeeds) -> TerrainMap:
    """The run's one terrain map: ``world`` with the gravel/rubble texture of ``seeds.terrain``."""
    return TerrainMap(world, seed=seeds.terrain_seed)


def build_context(
    backend: LocomotionBackend,
    world: World,
    config: RobotConfig | None = None,
    seed: int = 0,
    *,
    scenario_config: ScenarioConfig | None = None,
) -> RobotContext:
    """The robot context of one run, with its seeds, terrain map and world sim.

    Args:
        backend: the locomotion backend, not yet reset (``ctx.start(pose)`` resets it with the
            run's backend seed and terrain map).
        world: the world of the run.
        config: the mission's robot declaration (default: ``RobotConfig()``).
        seed: the run seed.
        scenario_config: how much the seed may move victims and intruders.

    Returns:
        A context ready for ``start``.

    Raises:
        ValueError: ``seed`` is not a non-negative integer.
    """
    seeds = RunSeeds.derive(seed)
    sim = WorldSim.draw(run_terrain(world, seeds), seeds, scenario_config)
    return RobotContext(backend, sim, config, seeds)
