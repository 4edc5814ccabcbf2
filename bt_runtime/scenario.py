"""The people and things of a world during a run: victims, intruders walking their paths, payloads.

A :class:`Scenario` is drawn once per run from the world and a seed (victims shift a little, intruders
start at a random point of their path and walk a little faster or slower), then answers "where is
everything at sim time t" as a pure function of t, so two runs with the same seed see the same world.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from locomotion.world import Intruder, Point, World

__all__ = ["Scenario", "ScenarioConfig", "Target", "draw_scenario", "intruder_position"]


@dataclass(frozen=True)
class Target:
    """Something a sensor can find: its kind ("victim", "intruder", "payload"), name and place."""

    kind: str
    name: str
    position: Point
    height: float


@dataclass(frozen=True)
class ScenarioConfig:
    """How much a seed may move things. Zero everywhere gives the world exactly as written."""

    victim_jitter: float = 0.5
    intruder_speed_spread: float = 0.2
    randomise_intruder_phase: bool = True


@dataclass(frozen=True)
class Scenario:
    """Scenario entities for one run. Payload positions change only through :meth:`with_payload_at`."""

    victims: tuple[Target, ...]
    intruders: tuple[Intruder, ...]
    intruder_phase: tuple[float, ...]
    payloads: dict[str, Point] = field(default_factory=dict)
    payload_mass: dict[str, float] = field(default_factory=dict)

    def targets_at(self, time: float) -> list[Target]:
        """Every target at sim ``time`` (carried payloads are not targets)."""
        found = list(self.victims)
        for intruder, phase in zip(self.intruders, self.intruder_phase):
            found.append(
                Target("intruder", intruder.name, intruder_position(intruder, time, phase), 1.7)
            )
        found.extend(Target("payload", name, pos, 0.3) for name, pos in self.payloads.items())
        return found

    def with_payload_at(self, name: str, position: Point | None) -> Scenario:
        """A copy where payload ``name`` lies at ``position`` (None: it is being carried)."""
        payloads = dict(self.payloads)
        if position is None:
            payloads.pop(name, None)
        else:
            payloads[name] = position
        return replace(self, payloads=payloads)


def _path_length(points: tuple[Point, ...]) -> list[float]:
    cumulative = [0.0]
    for (x0, y0), (x1, y1) in pairwise(points):
        cumulative.append(cumulative[-1] + math.hypot(x1 - x0, y1 - y0))
    return cumulative


def intruder_position(intruder: Intruder, time: float, phase: float = 0.0) -> Point:
    """Where ``intruder`` is at ``time`` s: walking its path at its speed, starting ``phase`` metres in.

    A looped path goes round; an open one is walked back and forth.
    """
    points = intruder.path + ((intruder.path[0],) if intruder.loop else ())
    if len(points) == 1:
        return points[0]
    cumulative = _path_length(points)
    total = cumulative[-1]
    if total <= 0.0:
        return points[0]
    travelled = phase + intruder.speed * max(time, 0.0)
    if intruder.loop:
        s = travelled % total
    else:
        s = travelled % (2 * total)
        s = s if s <= total else 2 * total - s
    index = int(np.searchsorted(cumulative, s, side="right")) - 1
    index = min(max(index, 0), len(points) - 2)
    seg = cumulative[index + 1] - cumulative[index]
    t = 0.0 if seg <= 0.0 else (s - cumulative[index]) / seg
    (x0, y0), (x1, y1) = points[index], points[index + 1]
    return (x0 + t * (x1 - x0), y0 + t * (y1 - y0))


def _jittered(world: World, position: Point, radius: float, rng: np.random.Generator) -> Point:
    """``position`` moved at most ``radius`` m, to a spot where a person can lie (tries, then keeps it)."""
    if radius <= 0.0:
        return position
    for _ in range(20):
        angle = rng.uniform(0.0, 2 * math.pi)
        r = radius * math.sqrt(rng.uniform(0.0, 1.0))
        candidate = (position[0] + r * math.cos(angle), position[1] + r * math.sin(angle))
        if not world.is_blocked(*candidate):
            return candidate
    return position


def draw_scenario(
    world: World, seed: int | np.random.SeedSequence, config: ScenarioConfig = ScenarioConfig()
) -> Scenario:
    """Draw the scenario of one run from ``world``; the same seed gives the same scenario.

    Args:
        world: the world of the run.
        seed: an integer or the run's ``scenario`` seed (:class:`bt_runtime.seeds.RunSeeds`).
        config: how much the seed may move victims and intruders.

    Returns:
        The scenario; the world's payloads lie at their stations.
    """
    rng = np.random.default_rng(seed)
    victims = tuple(
        Target("victim", v.name, _jittered(world, v.position, config.victim_jitter, rng), 0.3)
        for v in world.victims
    )
    intruders: list[Intruder] = []
    phases: list[float] = []
    for intruder in world.intruders:
        spread = config.intruder_speed_spread
        factor = 1.0 + rng.uniform(-spread, spread) if spread > 0 else 1.0
        intruders.append(replace(intruder, speed=max(0.0, intruder.speed * factor)))
        points = intruder.path + ((intruder.path[0],) if intruder.loop else ())
        length = _path_length(points)[-1]
        phases.append(rng.uniform(0.0, length) if config.randomise_intruder_phase else 0.0)
    stations = {s.name: s.position for s in world.stations}
    payloads = {p.name: stations[p.station] for p in world.payloads if p.station in stations}
    masses = {p.name: p.mass for p in world.payloads}
    return Scenario(victims, tuple(intruders), tuple(phases), payloads, masses)
