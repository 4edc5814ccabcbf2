"""Which telemetry samples a run records: the one place telemetry is decimated.

The robot's state changes every tick; recording all of it would swamp the log with near-identical
rows, so :class:`TelemetryFilter` keeps a sample every ``1 / hz`` simulated seconds (on a fixed
grid from the start), **and** at once on the tick where the terrain class underfoot, the gait, the
fallen flag or the stuck flag changes, so a replay shows each of those when it happened. The run log
records every sample the executor hands it (it does not decimate again); the executor adds the
final state at the end of the run if the last tick was not kept.

Monitors do not read this: they get the state inside every snapshot, rate-limited on wall time.
"""

from __future__ import annotations

from typing import Any

from locomotion.backend import RobotState

__all__ = ["TelemetryFilter", "telemetry_key"]


def telemetry_key(state: RobotState) -> tuple[Any, str, bool, bool]:
    """What must never change unrecorded: terrain class underfoot, gait, fallen, stuck."""
    return (state.terrain.underfoot, state.gait, state.fallen, state.stuck)


class TelemetryFilter:
    """Decides, tick by tick, whether the current state is a sample to record.

    Args:
        hz: regular samples per simulated second; 0 keeps every tick.

    Raises:
        ValueError: ``hz`` is negative.
    """

    def __init__(self, hz: float = 5.0) -> None:
        if hz < 0:
            raise ValueError(f"telemetry_hz must be >= 0, not {hz}")
        self.period = 1.0 / hz if hz > 0 else 0.0
        self._next = 0.0
        self._last_key: tuple[Any, str, bool, bool] | None = None

    def due(self, state: RobotState, now: float) -> bool:
        """Whether to record ``state`` at simulated time ``now``; if so, counts it as recorded.

        Args:
            state: the robot's state after this tick's step.
            now: the simulated time of that state (s).

        Returns:
            True when the regular sample is due or a tracked field changed since the last sample.
        """
        key = telemetry_key(state)
        on_grid = now + 1e-9 >= self._next
        if not on_grid and key == self._last_key:
            return False
        self._last_key = key
        if on_grid:
            period = self.period
            if period <= 0:
                self._next = now
            else:
                while self._next <= now + 1e-9:
                    self._next += period
        return True
