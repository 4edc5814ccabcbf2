"""The table of runners: each action key of the vocabulary to the factory of its runner.

A module of its own so that :class:`~bt_runtime.actions.port.ActionPort` can default to it without
importing the package that imports the port.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bt_runtime.actions.base import RunnerFactory
from bt_runtime.actions.handling import ChargeRunner, DropOffRunner, PickUpRunner
from bt_runtime.actions.looking import ScanRunner, SearchRunner
from bt_runtime.actions.posture import SetGaitRunner, SetSpeedRunner, SitRunner, StandRunner
from bt_runtime.actions.walking import DockRunner, FollowRunner, GoToRunner

__all__ = ["RUNNERS"]

RUNNERS: Mapping[str, RunnerFactory] = MappingProxyType(
    {
        "go_to": GoToRunner,
        "follow": FollowRunner,
        "search": SearchRunner,
        "scan": ScanRunner,
        "pick_up": PickUpRunner,
        "drop_off": DropOffRunner,
        "dock": DockRunner,
        "charge": ChargeRunner,
        "stand": StandRunner,
        "sit": SitRunner,
        "set_speed": SetSpeedRunner,
        "set_gait": SetGaitRunner,
    }
)
