"""The robot context's bookkeeping that needs no backend: facts, battery, cargo, closed regions.

Each part is a small stateful object with named changes, owned by one
:class:`~bt_runtime.robot.RobotContext`, which keeps them private and changes them only through
its own methods (so facts, the backend's payload and the stop reason follow every change).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from locomotion.world import Point, Shape

__all__ = ["Battery", "Cargo", "Change", "ClosedRegion", "Gates", "Tally"]


@dataclass(frozen=True)
class Change:
    """One fact or counter that changed in a step (``key`` is the vocabulary name)."""

    key: str
    old: Any
    new: Any


class Tally:
    """The vocabulary's facts (bool) and counters (int), the mission's variables, and which changed
    since the last report (so a variable's change is logged like a fact's).

    Args:
        facts: every fact name, in vocabulary order.
        counters: every counter name, in vocabulary order.
    """

    def __init__(self, facts: Iterable[str], counters: Iterable[str]) -> None:
        self._facts: dict[str, bool] = {name: False for name in facts}
        self._counters: dict[str, int] = {name: 0 for name in counters}
        #: The mission's variables (flags and counters it declared), after the vocabulary's.
        self._vars: dict[str, bool | int] = {}
        self._reported = self.values()
        #: whether anything was written since the last report (changes() is asked twice a tick,
        #: and most ticks write nothing new: a clean tally answers without merging its dicts)
        self._dirty = False

    def fact(self, name: str) -> bool:
        """A fact, or a flag variable. Raises KeyError (naming the known facts) otherwise."""
        if name not in self._facts:
            value = self._vars.get(name)
            if isinstance(value, bool):
                return value
            raise KeyError(f"unknown fact {name!r} (known: {', '.join(self._facts)})")
        return self._facts[name]

    def counter(self, name: str) -> int:
        """A counter, or a counter variable. Raises KeyError (naming the known counters)
        otherwise."""
        if name not in self._counters:
            value = self._vars.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise KeyError(f"unknown counter {name!r} (known: {', '.join(self._counters)})")
        return self._counters[name]

    def declare(self, name: str, value: bool | int) -> None:
        """Declare a mission variable with its start value (before the run starts).

        Raises:
            ValueError: ``name`` is a fact or counter of the vocabulary, or declared twice.
        """
        if name in self._facts or name in self._counters or name in self._vars:
            raise ValueError(f"variable {name!r} is already a fact, counter or variable")
        self._vars[name] = value
        self._reported[name] = value  # its start value is not a change

    def variable(self, name: str) -> bool | int:
        """Raises KeyError (naming the declared variables) for an unknown ``name``."""
        if name not in self._vars:
            raise KeyError(f"unknown variable {name!r} (declared: {', '.join(self._vars)})")
        return self._vars[name]

    def set_variable(self, name: str, value: bool | int) -> None:
        """Change a declared variable; its type (flag or counter) cannot change.

        Raises:
            KeyError: ``name`` is not declared.
            TypeError: ``value`` is not of the variable's type.
        """
        old = self.variable(name)
        if isinstance(old, bool) is not isinstance(value, bool):
            kind = "flag" if isinstance(old, bool) else "counter"
            raise TypeError(f"variable {name!r} is a {kind}, got {value!r}")
        self._vars[name] = value
        self._dirty = True

    def count(self, name: str) -> None:
        self._counters[name] += 1
        self._dirty = True

    def set_facts(self, values: Mapping[str, bool]) -> None:
        self._facts.update(values)
        self._dirty = True

    def values(self) -> dict[str, Any]:
        """Facts, counters, then the mission's variables, by name."""
        return {**self._facts, **self._counters, **self._vars}

    def mark_reported(self) -> None:
        """Forget the changes so far (the next :meth:`changes` starts from now)."""
        self._reported = self.values()
        self._dirty = False

    def changes(self) -> list[Change]:
        """What changed since the last call (or :meth:`mark_reported`), in vocabulary order."""
        if not self._dirty:
            return []
        self._dirty = False
        now = self.values()
        if now == self._reported:
            return []
        old, self._reported = self._reported, now
        return [Change(k, old[k], now[k]) for k in now if now[k] != old[k]]


class Battery:
    """A battery of ``capacity_wh`` at ``initial_percent``: drains, charges, remembers its low.

    Args:
        capacity_wh: capacity (Wh), positive.
        initial_percent: charge at the start (%).
        charger_power_w: what a dock puts in while charging (W).
    """

    def __init__(self, capacity_wh: float, initial_percent: float, charger_power_w: float) -> None:
        self.capacity_wh = capacity_wh
        self.charger_power_w = charger_power_w
        self._wh = capacity_wh * initial_percent / 100.0
        self._min = initial_percent
        self._used_wh = 0.0
        self._extra_drain_w = 0.0
        self._charging = False

    @property
    def percent(self) -> float:
        return 100.0 * self._wh / self.capacity_wh

    @property
    def min_percent(self) -> float:
        return self._min

    @property
    def used_wh(self) -> float:
        """Energy drawn so far (Wh), injected drain included."""
        return self._used_wh

    @property
    def extra_drain_w(self) -> float:
        return self._extra_drain_w

    @property
    def charging(self) -> bool:
        return self._charging

    @property
    def empty(self) -> bool:
        return self._wh <= 0.0

    def step(self, used_wh: float, dt: float, docked: bool) -> None:
        """Account one step: ``used_wh`` drawn, the extra drain, the charger if ``docked``."""
        drain = used_wh + self._extra_drain_w * dt / 3600.0
        self._used_wh += drain
        self._wh -= drain
        if self._charging and docked:
            self._wh += self.charger_power_w * dt / 3600.0
        self._wh = min(max(self._wh, 0.0), self.capacity_wh)
        self._min = min(self._min, self.percent)

    def set_percent(self, percent: float) -> None:
        """Set the charge, clamped to 0..100 % (fault injection, tests)."""
        self._wh = self.capacity_wh * min(max(percent, 0.0), 100.0) / 100.0
        self._min = min(self._min, self.percent)

    def add_drain(self, watts: float) -> None:
        self._extra_drain_w += watts

    def set_charging(self, on: bool) -> None:
        self._charging = on


class Cargo:
    """What the robot carries, where each payload was picked up, and what was delivered."""

    def __init__(self) -> None:
        self._carried: dict[str, float] = {}
        self._picked_from: dict[str, str] = {}
        self._delivered: list[str] = []

    @property
    def carried(self) -> Mapping[str, float]:
        return MappingProxyType(self._carried)

    @property
    def delivered(self) -> tuple[str, ...]:
        return tuple(self._delivered)

    @property
    def mass(self) -> float:
        return float(sum(self._carried.values()))

    def load(self, name: str, mass: float, station: str) -> None:
        self._carried[name] = mass
        self._picked_from[name] = station

    def unload(self, name: str, station: str) -> bool:
        """Take ``name`` off at ``station``; True if that is a delivery (not where it came from)."""
        self._carried.pop(name, None)
        delivered = self._picked_from.pop(name, None) != station
        if delivered:
            self._delivered.append(name)
        return delivered


@dataclass(frozen=True)
class ClosedRegion:
    """A region a fault closed at run time ``since`` (s): walks may not cross it any more."""

    name: str
    shape: Shape
    since: float


class Gates:
    """The regions closed so far, and which of them a planned path crosses."""

    def __init__(self) -> None:
        self._closed: list[ClosedRegion] = []
        self._closed_at: list[int] = []

    @property
    def closed(self) -> tuple[ClosedRegion, ...]:
        return tuple(self._closed)

    def close(self, region: ClosedRegion, step: int = 0) -> None:
        """Close ``region`` after backend step ``step`` (the state of that step predates it)."""
        self._closed.append(region)
        self._closed_at.append(step)

    def blocking(self, path: tuple[Point, ...], step: int | None = None) -> str | None:
        """The first closed region ``path`` (starting where the robot stands) enters, or None;
        walking out of the region the robot stands in is no crossing. Given the ``step`` that
        produced ``path``, regions closed at or after it are not checked: the backend had no
        chance to plan around them yet."""
        if not path:
            return None
        for region, at in zip(self._closed, self._closed_at):
            if step is not None and at >= step:
                continue
            leaving = region.shape.contains(*path[0])
            for (x0, y0), (x1, y1) in pairwise(path):
                n = max(1, int(math.hypot(x1 - x0, y1 - y0) / 0.2))
                for i in range(n + 1):
                    inside = region.shape.contains(x0 + i / n * (x1 - x0), y0 + i / n * (y1 - y0))
                    if inside and not leaving:
                        return region.name
                    leaving = leaving and inside
        return None
