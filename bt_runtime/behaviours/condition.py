"""The one condition behaviour: evaluate a runtime expression against the robot's state view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import py_trees
from py_trees.common import Status

from bt_runtime.expressions import Expr, StateView, compile_expr

__all__ = ["NO_STATE", "Condition"]

NO_STATE = "not set up: no state view attached"


class Condition(py_trees.behaviour.Behaviour):
    """SUCCESS when the expression holds, FAILURE when not; never RUNNING.

    The state view comes from ``setup(state=...)`` (or ``robot=`` when the robot is a StateView).
    The expression is compiled once (:func:`bt_runtime.expressions.compile_expr`) and its two
    feedback lines written once, when it is set: a guard's condition is evaluated every tick.
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

    @property
    def expr(self) -> Expr:
        """The expression; setting it compiles it afresh."""
        return self._expr

    @expr.setter
    def expr(self, expr: Expr) -> None:
        self._expr = expr
        self._test = compile_expr(expr)
        text = expr.text()
        self._held, self._not_held = f"{text}: true", f"{text}: false"

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
        if self._test(self.state):
            self.feedback_message = self._held
            return Status.SUCCESS
        self.feedback_message = self._not_held
        return Status.FAILURE
