"""Behaviours that make the robot move or change how it moves; the robot port runs them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bt_runtime.behaviours.base import ActionBehaviour
from bt_runtime.behaviours.values import (
    GAITS,
    SHAPE_TYPES,
    TARGET_KINDS,
    Place,
    Route,
    check_finite,
)
from locomotion.world import Shape

__all__ = [
    "Charge",
    "Dock",
    "DropOff",
    "FollowRoute",
    "GoTo",
    "PickUp",
    "Scan",
    "SearchArea",
    "SetGait",
    "SetSpeed",
    "Sit",
    "Stand",
]


def _place(owner: str, what: str, value: object, optional: bool = False) -> Place | None:
    if value is None and optional:
        return None
    if not isinstance(value, Place):
        raise ValueError(f"{owner}: {what} must be a Place, got {value!r}")  # noqa: TRY004 - the contract: bad values raise ValueError
    return value


def _kind(owner: str, kind: object) -> str:
    if kind not in TARGET_KINDS:
        raise ValueError(f"{owner}: kind must be one of {', '.join(TARGET_KINDS)}, got {kind!r}")
    return str(kind)


def _shape(owner: str, area: object) -> Shape:
    if not isinstance(area, SHAPE_TYPES):
        raise ValueError(f"{owner}: area must be a Rect, Circle or Polygon, got {area!r}")  # noqa: TRY004 - the contract: bad values raise ValueError
    return area


class GoTo(ActionBehaviour):
    """Walk to a place."""

    action = "go_to"

    def __init__(self, name: str, target: Place) -> None:
        super().__init__(name)
        self.target = _place(name, "target", target)

    def params(self) -> Mapping[str, Any]:
        return {"target": self.target}


class FollowRoute(ActionBehaviour):
    """Walk a route's places in order, ``laps`` times."""

    action = "follow"

    def __init__(self, name: str, route: Route, laps: int = 1) -> None:
        super().__init__(name)
        if not isinstance(route, Route):
            raise ValueError(f"{name}: route must be a Route, got {route!r}")  # noqa: TRY004 - the contract: bad values raise ValueError
        if isinstance(laps, bool) or not isinstance(laps, int) or laps < 1:
            raise ValueError(f"{name}: laps must be a whole number >= 1, got {laps!r}")
        self.route = route
        self.laps = laps

    def params(self) -> Mapping[str, Any]:
        return {"route": self.route, "laps": self.laps}


class SearchArea(ActionBehaviour):
    """Cover an area looking for a kind of target."""

    action = "search"

    def __init__(self, name: str, area: Shape, kind: str) -> None:
        super().__init__(name)
        self.area = _shape(name, area)
        self.kind = _kind(name, kind)

    def params(self) -> Mapping[str, Any]:
        return {"area": self.area, "kind": self.kind}


class Scan(ActionBehaviour):
    """Look around without walking: within ``radius`` metres, or over ``area``."""

    action = "scan"

    def __init__(
        self, name: str, kind: str, radius: float | None = None, area: Shape | None = None
    ) -> None:
        super().__init__(name)
        if (radius is None) == (area is None):
            raise ValueError(f"{name}: give exactly one of radius and area")
        if radius is not None:
            radius = check_finite(f"{name}: radius", radius)
            if radius <= 0:
                raise ValueError(f"{name}: radius must be > 0 m, got {radius}")
        self.radius = radius
        self.area = None if area is None else _shape(name, area)
        self.kind = _kind(name, kind)

    def params(self) -> Mapping[str, Any]:
        return {"radius": self.radius, "area": self.area, "kind": self.kind}


class PickUp(ActionBehaviour):
    """Walk to a station and load the named payload."""

    action = "pick_up"

    def __init__(self, name: str, payload: str, station: Place) -> None:
        super().__init__(name)
        if not isinstance(payload, str) or not payload:
            raise ValueError(f"{name}: payload must be a payload name, got {payload!r}")
        self.payload = payload
        self.station = _place(name, "station", station)

    def params(self) -> Mapping[str, Any]:
        return {"payload": self.payload, "station": self.station}


class DropOff(ActionBehaviour):
    """Walk to a station and unload (the named payload, or whatever is carried)."""

    action = "drop_off"

    def __init__(self, name: str, station: Place, payload: str | None = None) -> None:
        super().__init__(name)
        if payload is not None and (not isinstance(payload, str) or not payload):
            raise ValueError(f"{name}: payload must be a payload name or None, got {payload!r}")
        self.payload = payload
        self.station = _place(name, "station", station)

    def params(self) -> Mapping[str, Any]:
        return {"payload": self.payload, "station": self.station}


class Dock(ActionBehaviour):
    """Walk onto a dock (the named one, or the nearest) and settle."""

    action = "dock"

    def __init__(self, name: str, dock: Place | None = None) -> None:
        super().__init__(name)
        self.dock = _place(name, "dock", dock, optional=True)

    def params(self) -> Mapping[str, Any]:
        return {"dock": self.dock}


class Charge(ActionBehaviour):
    """Charge on a dock until the battery reaches ``until`` percent."""

    action = "charge"

    def __init__(self, name: str, until: float) -> None:
        super().__init__(name)
        until = check_finite(f"{name}: until", until)
        if not 0.0 < until <= 100.0:
            raise ValueError(f"{name}: until must be between 0 and 100 %, got {until}")
        self.until = until

    def params(self) -> Mapping[str, Any]:
        return {"until": self.until}


class Stand(ActionBehaviour):
    """Stand still on four feet."""

    action = "stand"


class Sit(ActionBehaviour):
    """Lower the trunk and rest."""

    action = "sit"


class SetSpeed(ActionBehaviour):
    """Cap the walking speed (m/s) for the rest of the run."""

    action = "set_speed"

    def __init__(self, name: str, speed: float) -> None:
        super().__init__(name)
        speed = check_finite(f"{name}: speed", speed)
        if speed <= 0:
            raise ValueError(f"{name}: speed must be > 0 m/s, got {speed}")
        self.speed = speed

    def params(self) -> Mapping[str, Any]:
        return {"speed": self.speed}


class SetGait(ActionBehaviour):
    """Force a gait (or ``auto``) for the rest of the run."""

    action = "set_gait"

    def __init__(self, name: str, gait: str) -> None:
        super().__init__(name)
        if gait not in GAITS:
            raise ValueError(f"{name}: gait must be one of {', '.join(GAITS)}, got {gait!r}")
        self.gait = gait

    def params(self) -> Mapping[str, Any]:
        return {"gait": self.gait}
