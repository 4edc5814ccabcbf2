"""The base class of every action behaviour and the port through which a robot runs it.

A behaviour is built offline (for rendering, exporting, checking) with its parameters already
resolved to canonical values; nothing touches a robot until :meth:`ActionBehaviour.setup` is called
with ``robot=``. The robot side (the runtime) implements :class:`RobotPort`: each tick the behaviour
asks the port to advance its action and reports what the port says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

import py_trees
from py_trees.common import Status

__all__ = ["NOT_SET_UP", "ActionBehaviour", "RobotPort", "SuspendablePort"]

NOT_SET_UP = "not set up: no robot attached"


@runtime_checkable
class RobotPort(Protocol):
    """What an action behaviour needs from the runtime that drives a robot."""

    def step_action(self, behaviour: ActionBehaviour) -> tuple[Status, str]:
        """Advance ``behaviour``'s action by one tick; return its status and a feedback line."""
        ...

    def halt_action(self, behaviour: ActionBehaviour) -> None:
        """``behaviour`` was interrupted (e.g. by a guard): stop whatever it commanded."""
        ...


@runtime_checkable
class SuspendablePort(Protocol):
    """A port that can keep an action's progress across a guard's interruption (optional)."""

    def suspend_action(self, behaviour: ActionBehaviour) -> None:
        """``behaviour`` is about to be halted by a guard and resumed later: keep its progress."""
        ...

    def resume_action(self, behaviour: ActionBehaviour) -> None:
        """``behaviour`` starts again after the handler: continue from the kept progress."""
        ...

    def discard_action(self, behaviour: ActionBehaviour) -> None:
        """The kept progress of ``behaviour`` will not be used: drop it."""
        ...


class ActionBehaviour(py_trees.behaviour.Behaviour):
    """A leaf that runs one vocabulary action on the robot attached in :meth:`setup`.

    Subclasses validate their parameters in ``__init__`` and list them in :meth:`params`.
    """

    action: ClassVar[str] = ""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a behaviour needs a non-empty name, got {name!r}")
        super().__init__(name=name)
        self.robot: RobotPort | None = None

    def params(self) -> Mapping[str, Any]:
        """The canonical parameters, by vocabulary parameter name (exporters print these)."""
        return {}

    def setup(self, **kwargs: Any) -> None:
        """Attach the robot (key ``robot``); other keys are for other behaviours and ignored.

        Raises:
            TypeError: ``robot`` does not implement :class:`RobotPort`.
        """
        robot = kwargs.get("robot")
        if robot is not None:
            if not isinstance(robot, RobotPort):
                raise TypeError(f"{self.name}: robot must implement RobotPort, got {type(robot)}")
            self.robot = robot

    def update(self) -> Status:
        if self.robot is None:
            self.feedback_message = NOT_SET_UP
            return Status.FAILURE
        status, message = self.robot.step_action(self)
        self.feedback_message = message
        return status

    # A guard's interruption (bt_runtime.behaviours.guard.Suspendable): the port decides whether
    # the action can continue where it stopped; otherwise it starts again.
    def suspend(self) -> None:
        if isinstance(self.robot, SuspendablePort):
            self.robot.suspend_action(self)

    def resume(self) -> None:
        if isinstance(self.robot, SuspendablePort):
            self.robot.resume_action(self)

    def discard(self) -> None:
        if isinstance(self.robot, SuspendablePort):
            self.robot.discard_action(self)

    def terminate(self, new_status: Status) -> None:
        if new_status == Status.INVALID and self.robot is not None:
            self.robot.halt_action(self)
