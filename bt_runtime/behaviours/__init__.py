"""One py_trees behaviour per mission action, plus the condition behaviour.

Constructors take the node name and parameters already resolved to canonical values and validate
them (``ValueError`` with the reason). Robot set-up happens in ``setup(robot=...)``.
"""

from bt_runtime.behaviours.base import NOT_SET_UP, ActionBehaviour, RobotPort
from bt_runtime.behaviours.basic import Alert, Fail, LogEntry, Report, Succeed, Wait
from bt_runtime.behaviours.condition import NO_STATE, Condition
from bt_runtime.behaviours.control import ClockTimeout, IfThenElse, TaskCall
from bt_runtime.behaviours.guard import GuardSequence, Suspendable
from bt_runtime.behaviours.motion import (
    Charge,
    Dock,
    DropOff,
    FollowRoute,
    GoTo,
    PickUp,
    Scan,
    SearchArea,
    SetGait,
    SetSpeed,
    Sit,
    Stand,
)
from bt_runtime.behaviours.values import GAITS, TARGET_KINDS, Place, Route
from bt_runtime.behaviours.variables import NO_VARIABLES, SetVariable, VariableStore

__all__ = [
    "GAITS",
    "NOT_SET_UP",
    "NO_STATE",
    "NO_VARIABLES",
    "TARGET_KINDS",
    "ActionBehaviour",
    "Alert",
    "Charge",
    "ClockTimeout",
    "Condition",
    "Dock",
    "DropOff",
    "Fail",
    "FollowRoute",
    "GoTo",
    "GuardSequence",
    "IfThenElse",
    "LogEntry",
    "PickUp",
    "Place",
    "Report",
    "RobotPort",
    "Route",
    "Scan",
    "SearchArea",
    "SetGait",
    "SetSpeed",
    "SetVariable",
    "Sit",
    "Stand",
    "Succeed",
    "Suspendable",
    "TaskCall",
    "VariableStore",
    "Wait",
]
