"""A small world and helpers shared by the runtime tests (robot, actions, executor, faults, run)."""

from __future__ import annotations

import py_trees
from py_trees.behaviour import Behaviour
from py_trees.common import Status

from bt_runtime.actions import ActionPort
from bt_runtime.assembly import build_context
from bt_runtime.behaviours import Place
from bt_runtime.robot import RobotConfig, RobotContext
from bt_runtime.scenario import ScenarioConfig
from locomotion.backend import Pose
from locomotion.backends import make_backend
from locomotion.world import (
    Dock,
    Intruder,
    ObstacleParams,
    PayloadItem,
    Rect,
    Station,
    TerrainKind,
    TerrainRegion,
    Victim,
    World,
)

# 30 x 20 m of flat ground; a wall with a gap, a closed box (unreachable inside), a dock, stations.
WORLD = World(
    name="test yard",
    bounds=Rect(0, 0, 30, 20),
    regions=(
        TerrainRegion("wall", TerrainKind.OBSTACLE, Rect(10, 0, 11, 14), ObstacleParams(2.0)),
        TerrainRegion("box_n", TerrainKind.OBSTACLE, Rect(20, 16, 26, 16.5), ObstacleParams(2.0)),
        TerrainRegion("box_s", TerrainKind.OBSTACLE, Rect(20, 12, 26, 12.5), ObstacleParams(2.0)),
        TerrainRegion("box_w", TerrainKind.OBSTACLE, Rect(20, 12, 20.5, 16.5), ObstacleParams(2.0)),
        TerrainRegion("box_e", TerrainKind.OBSTACLE, Rect(25.5, 12, 26, 16.5), ObstacleParams(2.0)),
    ),
    docks=(Dock("base", (2.0, 2.0)), Dock("far_dock", (28.0, 2.0))),
    stations=(Station("depot", (4.0, 6.0)), Station("shop", (7.0, 2.0))),
    victims=(Victim("v1", (6.0, 14.0)),),
    intruders=(Intruder("prowler", ((15.0, 5.0), (17.0, 5.0)), speed=0.3),),
    payloads=(
        PayloadItem("kit", 2.0, "depot"),
        PayloadItem("anvil", 9.0, "depot"),
    ),
)

INSIDE_BOX = Place("inside_box", 23.0, 14.25)
DEPOT = Place("depot", 4.0, 6.0)
SHOP = Place("shop", 7.0, 2.0)
EXACT = ScenarioConfig(victim_jitter=0.0, intruder_speed_spread=0.0, randomise_intruder_phase=False)


def make_context(
    seed: int = 1,
    start: tuple[float, float] = (2.0, 2.0),
    config: RobotConfig | None = None,
    world: World = WORLD,
) -> RobotContext:
    """A started context on the kinematic backend."""
    config = config or RobotConfig(battery_wh=100.0, initial_charge=80.0)
    ctx = build_context(make_backend("kinematic"), world, config, seed, scenario_config=EXACT)
    ctx.start(Pose(*start))
    return ctx


def run_leaf(
    behaviour: Behaviour, ctx: RobotContext, max_time: float = 300.0, dt: float = 0.1
) -> Status:
    """Tick one action behaviour (through an ActionPort) and step the robot until it finishes."""
    port = ActionPort(ctx)
    behaviour.setup(robot=port, state=ctx, clock=lambda: ctx.time)
    tree = py_trees.composites.Sequence("root", memory=True, children=[behaviour])
    while ctx.time < max_time:
        tree.tick_once()
        if behaviour.status != Status.RUNNING:
            return behaviour.status
        ctx.step(dt)
    return behaviour.status


def handler_takes_over(rest: Behaviour, handler: Behaviour, ctx: RobotContext,
                       max_time: float = 60.0, dt: float = 0.1) -> Status:
    """What a guard does when it fires while ``rest`` runs: the handler's first tick, then the
    rest halted, then the handler ticked with the robot stepping until it ends; its status."""
    handler.tick_once()
    rest.stop(Status.INVALID)
    while handler.status == Status.RUNNING and ctx.time < max_time:
        ctx.step(dt)
        handler.tick_once()
    return handler.status
