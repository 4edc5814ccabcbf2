"""What the mission runtime may read of the robot: the read-only half of the robot context.

:class:`RobotView` holds one run's robot state (backend state, battery, cargo, docking, overrides,
facts and counters, the world sim) and exposes it only through read-only properties, frozen values
and the :class:`bt_runtime.expressions.StateView` methods conditions use. The writing half,
:class:`bt_runtime.robot.RobotContext`, adds the lifecycle (``start``/``step``) and every named
change. The split keeps each module under the house size and makes the read surface one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from bt_runtime.detections import Sighting
from bt_runtime.robot_config import RobotConfig
from bt_runtime.robot_parts import Battery, Cargo, ClosedRegion, Gates, Tally
from bt_runtime.scenario import Target
from bt_runtime.seeds import RunSeeds
from bt_runtime.sensors import SensorModel
from bt_runtime.vocabulary import COUNTERS, FACTS, STATE_VARS
from bt_runtime.world_sim import WorldSim
from locomotion.backend import Command, LocomotionBackend, RobotState
from locomotion.variation import drawn_physics
from locomotion.world import Point, World

__all__ = ["TIME_DIGITS", "RobotView"]

#: Decimal digits the run's clock is read to (a nanosecond): far below any tick, far above the
#: rounding error a backend's sum of steps gathers in a day of simulated time.
TIME_DIGITS = 9


class RobotView:
    """One run's robot state, read-only (see the module docstring).

    Args:
        backend: the locomotion backend (not yet reset).
        sim: the run's world sim (its terrain map is handed to the backend at reset).
        config: the mission's robot declaration.
        seeds: the run's seeds (the backend is reset with their ``backend`` child).
    """

    def __init__(
        self,
        backend: LocomotionBackend,
        sim: WorldSim,
        config: RobotConfig | None = None,
        seeds: RunSeeds | None = None,
    ) -> None:
        config = config if config is not None else RobotConfig()
        self._backend = backend
        self._sim = sim
        self._config = config
        self._seeds = seeds if seeds is not None else RunSeeds.derive(0)
        self._state: RobotState | None = None
        self._steps = 0
        self._start_time = 0.0
        self._battery = Battery(config.battery_wh, config.initial_charge, config.charger_power_w)
        self._cargo = Cargo()
        self._gates = Gates()
        self._docked_at: Point | None = None
        self._docked_name: str | None = None
        self._speed_override: float | None = None
        self._gait_override: str | None = None
        self._distance = 0.0
        self._stop_reason: str | None = None
        self._look: SensorModel | None = None  # a scan's sensor mode while it runs
        self._last_energy = 0.0
        self._motion: Command | None = None  # the command the legs follow now (see command())
        self._tally = Tally(FACTS, COUNTERS)

    def _require_state(self) -> RobotState:
        if self._state is None:
            raise RuntimeError("RobotContext.start(pose) must be called before stepping")
        return self._state

    def snapshot_values(self) -> dict[str, Any]:
        """Facts and counters by vocabulary name (what the event log records as facts)."""
        return self._tally.values()

    # ------------------------------------------------------------------ read-only state
    @property
    def backend(self) -> LocomotionBackend:
        return self._backend

    @property
    def world(self) -> World:
        return self._sim.world

    @property
    def world_sim(self) -> WorldSim:
        """Scenario, detector and sight raster of the run."""
        return self._sim

    @property
    def config(self) -> RobotConfig:
        return self._config

    @property
    def seeds(self) -> RunSeeds:
        return self._seeds

    @property
    def physics(self) -> dict[str, float]:
        """What the backend's seed drew at reset (:func:`locomotion.variation.drawn_physics`)."""
        return drawn_physics(self._backend)

    @property
    def motion(self) -> Command | None:
        """The last command that replaced what the legs do (a walk's GoTo, a stand...), or None.

        A walk compares it with its own GoTo by identity: when another action has commanded the
        legs since, the backend's goal and "reached" flag are no longer the walk's.
        """
        return self._motion

    @property
    def state(self) -> RobotState | None:
        """The backend's last state (None before :meth:`start`)."""
        return self._state

    @property
    def steps(self) -> int:
        """Backend steps taken since :meth:`start`."""
        return self._steps

    @property
    def time(self) -> float:
        """Seconds of simulated time since :meth:`start`, to the nanosecond.

        A backend's clock is a sum of steps (``0.1`` ten times is ``0.9999999999999999``); read raw,
        a ``wait 1 s`` would end a tick late and two ``wait 3 s`` in a row at 6.1 s. Rounded to
        :data:`TIME_DIGITS` digits the clock reads the step boundaries it has reached exactly.
        """
        if self._state is None:
            return 0.0
        return round(self._state.time - self._start_time, TIME_DIGITS)

    @property
    def battery(self) -> float:
        """Charge left, percent of capacity."""
        return self._battery.percent

    @property
    def min_battery(self) -> float:
        """Lowest charge (%) of the run so far."""
        return self._battery.min_percent

    @property
    def energy_wh(self) -> float:
        """Energy drawn from the battery so far (Wh), injected drain included."""
        return self._battery.used_wh

    @property
    def extra_drain_w(self) -> float:
        """Drain (W) injected by faults on top of what the backend uses."""
        return self._battery.extra_drain_w

    @property
    def charging(self) -> bool:
        return self._battery.charging

    @property
    def distance(self) -> float:
        """Planar distance walked since :meth:`start` (m)."""
        return self._distance

    @property
    def docked_at(self) -> Point | None:
        return self._docked_at

    @property
    def docked_name(self) -> str | None:
        return self._docked_name

    @property
    def carried(self) -> Mapping[str, float]:
        """Payloads on the robot: name to mass (kg), read-only."""
        return self._cargo.carried

    @property
    def delivered(self) -> tuple[str, ...]:
        """Payloads delivered so far, in order."""
        return self._cargo.delivered

    @property
    def payload_mass(self) -> float:
        return self._cargo.mass

    @property
    def found(self) -> Mapping[str, Target]:
        """Every target the sensor found so far, by name (read-only)."""
        return self._sim.found

    @property
    def sightings(self) -> tuple[Sighting, ...]:
        """Every detection so far, in the order found (what the report placeholders name)."""
        return self._sim.sightings

    @property
    def stop_reason(self) -> str | None:
        """Why the robot cannot go on (battery empty...), or None."""
        return self._stop_reason

    @property
    def closed_regions(self) -> tuple[ClosedRegion, ...]:
        return self._gates.closed

    @property
    def sensor(self) -> SensorModel:
        """The sensor in use now: a scan's mode while it runs, else the robot's own."""
        return self._look if self._look is not None else self._config.sensor

    @property
    def speed_override(self) -> float | None:
        """The ``set speed`` cap, or None."""
        return self._speed_override

    @property
    def gait_override(self) -> str | None:
        """The forced gait, or None (the gait adapts to the terrain)."""
        return self._gait_override

    @property
    def speed_limit(self) -> float:
        """The walking speed cap now: the robot's max speed, lowered by ``set speed``."""
        if self._speed_override is None:
            return self._config.max_speed
        return min(self._config.max_speed, self._speed_override)

    def distance_to(self, point: Point) -> float:
        """Planar distance (m) from the robot to ``point``."""
        pose = self._require_state().pose
        return math.hypot(pose.x - point[0], pose.y - point[1])

    def blocked_region_on(self, path: tuple[Point, ...],
                          planned_at: int | None = None) -> str | None:
        """The name of a region closed by a fault that ``path`` crosses, if any.

        ``path[0]`` is where the robot stands and the rest the path ahead of it; a robot inside a
        closed region may walk out of it (the part of the path before it first leaves the region it
        stands in is not checked against that region). ``planned_at``: the backend step whose state
        holds ``path``; regions closed after it are not checked (the backend had not replanned).
        """
        return self._gates.blocking(path, planned_at)

    # ------------------------------------------------------------------ StateView
    def value(self, name: str) -> float:
        """A vocabulary state variable in its canonical unit (``battery`` %, ``pitch`` deg...)."""
        state = self._require_state()
        if name == "battery":
            return self.battery
        if name == "speed":
            return math.hypot(state.velocity[0], state.velocity[1])
        if name == "payload_mass":
            return self.payload_mass
        if name == "elapsed":
            return self.time
        if name == "distance_travelled":
            return self._distance
        if name == "pitch":
            return math.degrees(state.pose.pitch)
        known = ", ".join(STATE_VARS)
        raise KeyError(f"unknown robot state variable {name!r} (known: {known})")

    def fact(self, name: str, arg: str | None = None) -> bool:
        value = self._tally.fact(name)
        if name == "carrying" and arg is not None:
            return arg in self._cargo.carried
        return value

    def counter(self, name: str) -> int:
        return self._tally.counter(name)

    def variable(self, name: str) -> bool | int:
        """A mission variable's value (KeyError naming the declared ones if unknown)."""
        return self._tally.variable(name)

    def position(self) -> tuple[float, float, float]:
        pose = self._require_state().pose
        return (pose.x, pose.y, pose.z)

    def terrain(self) -> str:
        kind = self._require_state().terrain.underfoot
        return str(getattr(kind, "value", kind))

    def gait(self) -> str:
        return self._require_state().gait
