"""The one condition behaviour: evaluate a runtime expression against the robot's state view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import py_trees
from py_trees.common import Status

from bt_runtime.expressions import Expr, StateView

__all__ = ["NO_STATE", "Condition"]

NO_STATE = "not set up: no state view attached"


class Condition(py_trees.behaviour.Behaviour):
    """SUCCESS when the expression holds, FAILURE when not; never RUNNING.

    The state view comes from ``setup(state=...)`` (or ``robot=`` when the robot is a StateView).
    """

    action = "condition"

    def __init__(self, name: str, expr: Expr) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a behaviour needs a non-empty name, got {name!r}")
        if not hasattr(expr, "evaluate") or not hasattr(expr, "text"):
            raise ValueError(
                f"{name}: expr must be a bt_runtime.expressions expression, got {expr!r}"
            )
        super().__init__(name=name)
        self.expr = expr
        self.state: StateView | None = None

    def params(self) -> Mapping[str, Any]:
        return {"expression": self.expr.text()}

    def setup(self, **kwargs: Any) -> None:
        for key in ("state", "robot"):
            view = kwargs.get(key)
            if view is not None and isinstance(view, StateView):
                self.state = view
                return
        if kwargs.get("state") is not None:
            raise TypeError(f"{self.name}: state must implement bt_runtime.expressions.StateView")

    def update(self) -> Status:
        if self.state is None:
            self.feedback_message = NO_STATE
            return Status.FAILURE
        held = self.expr.evaluate(self.state)
        self.feedback_message = f"{self.expr.text()}: {'true' if held else 'false'}"
        return Status.SUCCESS if held else Status.FAILURE
