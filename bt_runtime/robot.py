"""The robot as the mission runtime sees it: backend state plus battery, payload, facts and senses.

:class:`RobotContext` wraps one :class:`~locomotion.backend.LocomotionBackend` and one
:class:`~bt_runtime.world_sim.WorldSim` for one run. After every backend step it updates what the
language can ask about (the vocabulary's state variables, facts and counters, in canonical units),
asks the world sim what the sensor found, and returns what changed so the executor can log it. It
implements :class:`bt_runtime.expressions.StateView`, so conditions read it directly.

The reading half (state, read-only properties, the StateView methods) is
:class:`bt_runtime.robot_view.RobotView`; this module adds the lifecycle and the changes.

Runners, behaviours and faults change the context only through its named methods (``dock``,
``pick_up``, ``override_speed``, ``close_region``, ``add_drain``, ``record_stop``...); everything
else is a read-only property or a frozen value. Build one with
:func:`bt_runtime.assembly.build_context`, which derives the run's seeds and its one terrain map.

Models and the numbers behind them (documented here because missions depend on them):

* **Battery** — capacity (Wh) and initial charge (%) come from the mission's ``robot`` declaration.
  It drains by the backend's ``energy_used`` (plus any injected drain) and charges at the config's
  ``charger_power_w`` while docked and charging. At 0 % the robot sits down and the context
  records a stop reason; every action then fails with it.
* **Detection** — see :mod:`bt_runtime.world_sim`.
* **Docked** — true after the dock action settled the robot on a dock, until it walks more than
  :data:`DOCK_RADIUS` metres away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from bt_runtime.robot_config import CHARGER_POWER_W, RobotConfig, start_pose
from bt_runtime.robot_parts import Change, ClosedRegion
from bt_runtime.robot_view import RobotView
from bt_runtime.sensors import SensorModel
from bt_runtime.world_sim import SightRaster
from locomotion.backend import Command, Pose, RobotState, SetGait, Sit, Stop, WorldChanges
from locomotion.world import Point, Shape

__all__ = [
    "CHARGER_POWER_W",
    "DOCK_RADIUS",
    "Change",
    "ClosedRegion",
    "RobotConfig",
    "RobotContext",
    "RobotView",
    "SightRaster",
    "start_pose",
]

DOCK_RADIUS = 0.5
"""How far (m) the robot may stand from a dock's point and still count as docked."""

_COUNTER_OF_KIND = {"victim": "victims_found", "intruder": "intruders_seen"}
#: The facts derived from the state and the counters, in the order _refresh_facts computes them.
_DERIVED_FACTS = ("victim_found", "intruder_seen", "docked", "carrying", "fallen", "stuck",
                  "payload_delivered")


class RobotContext(RobotView):
    """One run's robot: the read-only :class:`RobotView` plus its lifecycle and named changes.

    Args:
        backend: the locomotion backend (not yet reset; :meth:`start` resets it).
        sim: the run's world sim (its terrain map is handed to the backend at reset).
        config: the mission's robot declaration.
        seeds: the run's seeds (the backend is reset with their ``backend`` child).
    """

    _facts_set: tuple[bool, ...] | None = None
    """The derived facts as last written to the tally (None: not yet)."""

    # ------------------------------------------------------------------ lifecycle
    def start(self, pose: Pose) -> RobotState:
        """Reset the backend at ``pose`` on the run's terrain map; the run's clock starts here.

        Raises:
            ValueError: the backend refuses ``pose`` (in water, an obstacle...).
        """
        self._state = self._backend.reset(
            self.world, pose, self._seeds.backend_seed, terrain=self._sim.terrain
        )
        self._start_time = self._state.time
        self._last_energy = self._state.energy_used
        self._refresh_facts()
        self._tally.mark_reported()
        return self._state

    def step(self, dt: float) -> list[Change]:
        """Step the backend by ``dt`` s and update battery, distance, facts and detections.

        Returns:
            The facts and counters that changed, in vocabulary order.
        """
        prev = self._require_state()
        state = self._backend.step(dt)
        self._steps += 1
        broken = _non_finite(state)
        if broken is not None:  # the physics diverged: keep the last true state, end the run
            self.record_stop(
                f"the simulation diverged at {self.time:.1f} s: the backend reported a "
                f"non-finite {broken}; the run's results stop at the last finite state"
            )
            return self.changes()
        self._state = state
        self._distance += math.hypot(state.pose.x - prev.pose.x, state.pose.y - prev.pose.y)
        used = max(0.0, state.energy_used - self._last_energy)
        self._last_energy = state.energy_used
        self._battery.step(used, dt, docked=self._docked_at is not None)
        if self._docked_at is not None and self.distance_to(self._docked_at) > DOCK_RADIUS:
            self.undock()
        now = self.time
        if self._battery.empty and self._stop_reason is None:
            self.record_stop(
                f"battery empty at {now:.1f} s: the robot sat down at "
                f"({state.pose.x:.1f}, {state.pose.y:.1f})"
            )
            self.command(Sit())
        for target in self._sim.sense(state.pose, now, self.sensor, dt):
            counter = _COUNTER_OF_KIND.get(target.kind)
            if counter is not None:  # payloads are found (search feedback) but not counted
                self._tally.count(counter)
        if state.fallen and not self._tally.fact("fallen"):
            self._tally.count("falls")
        self._refresh_facts()
        return self.changes()

    def changes(self) -> list[Change]:
        """Facts and counters changed since the last call (by actions or by stepping)."""
        return self._tally.changes()

    def _refresh_facts(self) -> None:
        state, counter = self._require_state(), self._tally.counter
        facts = (
            counter("victims_found") > 0,
            counter("intruders_seen") > 0,
            self._docked_at is not None,
            bool(self._cargo.carried),
            bool(state.fallen),
            bool(state.stuck),
            counter("deliveries") > 0,
        )
        if facts == self._facts_set:  # as set last time: the tally stays clean
            return
        self._facts_set = facts
        self._tally.set_facts(dict(zip(_DERIVED_FACTS, facts)))

    # ------------------------------------------------------------------ changes
    def command(self, command: Command) -> None:
        """Send ``command`` to the backend (it replaces the current one; see :attr:`motion`)."""
        if not isinstance(command, SetGait):  # a gait change leaves the current motion on
            self._motion = command
        self._backend.command(command)

    def halt(self) -> None:
        """Stop walking (zero velocity keeps the robot standing)."""
        self.command(Stop())

    def push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        """Shove the trunk: ``impulse`` N·s towards world heading ``direction`` (rad)."""
        self._backend.apply_push(impulse, direction, duration)

    def set_gait(self, gait: str | None) -> None:
        """Force a gait (None: adapt to the terrain again)."""
        self._gait_override = gait
        self._backend.command(SetGait(gait))

    def override_speed(self, speed: float | None) -> None:
        """Cap the walking speed at ``speed`` m/s (never above the robot's max; None: no cap)."""
        self._speed_override = speed

    def use_sensor(self, sensor: SensorModel | None) -> None:
        """Detect with ``sensor`` (a scan's mode) until called with None (the robot's own)."""
        self._look = sensor

    def pick_up(self, name: str, station: str) -> float:
        """Put payload ``name`` on the robot (the caller checked place and capacity).

        Returns:
            The payload's mass (kg).
        """
        mass = self._sim.payload_mass(name)
        self._cargo.load(name, mass, station)
        self._sim.place_payload(name, None)
        self._backend.set_payload(self.payload_mass)
        self._refresh_facts()
        return mass

    def drop_off(self, name: str, station: str, position: Point) -> bool:
        """Take payload ``name`` off at ``station``, leaving it at ``position``.

        Returns:
            True if that counts as a delivery (a station other than the one it came from).
        """
        delivered = self._cargo.unload(name, station)
        self._sim.place_payload(name, position)
        self._backend.set_payload(self.payload_mass)
        if delivered:
            self._tally.count("deliveries")
        self._refresh_facts()
        return delivered

    def dock(self, name: str, position: Point) -> None:
        """The robot settled on dock ``name`` at ``position``."""
        self._docked_at, self._docked_name = position, name
        self._refresh_facts()

    def undock(self) -> None:
        """The robot left its dock (charging stops)."""
        self._docked_at, self._docked_name = None, None
        self._battery.set_charging(False)
        self._refresh_facts()

    def start_charging(self) -> None:
        """Charge from the dock the robot stands on.

        Raises:
            RuntimeError: the robot is not docked.
        """
        if self._docked_at is None:
            raise RuntimeError("cannot charge: not docked")
        self._battery.set_charging(True)

    def stop_charging(self) -> None:
        self._battery.set_charging(False)

    def set_battery(self, percent: float) -> None:
        """Set the charge (fault injection, tests)."""
        self._battery.set_percent(percent)

    def add_drain(self, watts: float) -> None:
        """Drain ``watts`` more from now on (fault injection)."""
        self._battery.add_drain(watts)

    def close_region(self, name: str, shape: Shape, since: float) -> None:
        """Close region ``name``: the backend plans around ``shape`` from now on (an active walk
        replans, and fails only if no detour exists); walks whose path ahead still crosses it fail
        (the gate, all a backend without :class:`~locomotion.backend.WorldChanges` gets)."""
        self._gates.close(ClosedRegion(name, shape, since), self._steps)
        if isinstance(self._backend, WorldChanges):
            self._backend.close_region(name, shape)

    def record_stop(self, reason: str) -> None:
        """The robot cannot go on, because ``reason``; the first reason recorded is kept."""
        if self._stop_reason is None:
            self._stop_reason = reason

    def declare_variables(self, values: Mapping[str, bool | int]) -> None:
        """Declare the mission's variables with their start values (before :meth:`start`, so the
        start values are the first snapshot's and every later change is logged).

        Raises:
            ValueError: a name is a fact or counter of the vocabulary, or declared twice.
        """
        for name, value in values.items():
            self._tally.declare(name, value)

    def set_variable(self, name: str, value: bool | int) -> None:
        """``set name = value``: change a mission variable (logged as a fact change).

        Raises:
            KeyError: ``name`` is not declared.
            TypeError: ``value`` is not of the variable's type.
        """
        self._tally.set_variable(name, value)

    def count_alert(self) -> None:
        """An ``alert`` line was written (the ``alerts`` counter)."""
        self._tally.count("alerts")


def _non_finite(state: RobotState) -> str | None:
    """The first quantity of ``state`` that is NaN or infinite (None: all are finite).

    A blown-up physics step (an extreme push, a solver failure) reports NaN; taken as a state it
    would carry a success with "distance: nan m" to the report.
    """
    pose = state.pose
    values = (("time", state.time), ("x", pose.x), ("y", pose.y), ("z", pose.z),
              ("roll", pose.roll), ("pitch", pose.pitch), ("yaw", pose.yaw),
              ("velocity", sum(state.velocity)), ("energy", state.energy_used))
    return next((name for name, value in values if not math.isfinite(value)), None)

