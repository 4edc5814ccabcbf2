"""``set name = value``: the behaviour that changes a mission variable.

A mission variable (``var searched_west = false``, ``var attempts = 0``) lives in the run's fact
registry beside the robot's facts and counters, so conditions read it like a fact or a counter,
and the executor logs every change as a ``FactChanged`` (the monitor's facts panel shows it).
The behaviour reaches the registry through ``setup(state=...)`` when the state implements
:class:`VariableStore` (the run's robot context does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import py_trees
from py_trees.common import Status

__all__ = ["COUNTER_LIMIT", "NO_VARIABLES", "SetVariable", "VariableStore"]

NO_VARIABLES = "not set up: no variable store attached"

#: A counter stays within ±this (the checker holds start values and steps to it; a step that
#: would leave it fails, instead of growing a number BehaviorTree.CPP's int could not hold).
COUNTER_LIMIT = 1_000_000_000


@runtime_checkable
class VariableStore(Protocol):
    """Where a run keeps its mission variables."""

    def variable(self, name: str) -> bool | int:
        """The variable's value."""
        ...

    def set_variable(self, name: str, value: bool | int) -> None:
        """Change the variable."""
        ...


class SetVariable(py_trees.behaviour.Behaviour):
    """Set ``variable`` to ``value``, or to ``base`` + ``step``; succeeds in one tick.

    Args:
        name: the node's name (``set attempts = attempts + 1``).
        variable: the variable to change.
        value: the new value (a flag or a whole number), or None to step ``base``.
        base: the counter variable stepped (with ``value`` None).
        step: what is added to ``base`` (negative to count down).

    Raises:
        ValueError: neither or both of ``value`` and ``base`` are given, or a value is not a
            flag or a whole number.
    """

    action = "set_variable"

    def __init__(self, name: str, variable: str, value: bool | int | None = None,
                 base: str | None = None, step: int = 0) -> None:
        if not isinstance(name, str) or not name or not variable:
            raise ValueError(f"a behaviour needs a non-empty name and variable, got {name!r}")
        if (value is None) == (base is None):
            raise ValueError(f"{name}: give either a value or a base variable to step")
        if value is not None and not isinstance(value, (bool, int)):
            raise ValueError(f"{name}: a variable holds true/false or a whole number, got "
                             f"{value!r}")
        if isinstance(step, bool) or not isinstance(step, int):
            # TRY004 wants a TypeError; every bad argument here is a ValueError, as documented,
            # and the compiler turns a behaviour's ValueError into a diagnostic
            raise ValueError(f"{name}: a step is a whole number, got {step!r}")  # noqa: TRY004
        super().__init__(name=name)
        self.variable, self.value, self.base, self.step = variable, value, base, step
        self.store: VariableStore | None = None

    def expression(self) -> str:
        """The new value as written (``true``, ``3``, ``attempts + 1``)."""
        if self.base is None:
            return str(self.value).lower() if isinstance(self.value, bool) else str(self.value)
        op = "-" if self.step < 0 else "+"
        return f"{self.base} {op} {abs(self.step)}"

    def params(self) -> Mapping[str, Any]:
        return {"variable": self.variable, "value": self.expression()}

    def setup(self, **kwargs: Any) -> None:
        state = kwargs.get("state")
        if isinstance(state, VariableStore):
            self.store = state

    def update(self) -> Status:
        if self.store is None:
            self.feedback_message = NO_VARIABLES
            return Status.FAILURE
        if self.base is None:
            assert self.value is not None
            new: bool | int = self.value
        else:
            base = self.store.variable(self.base)
            assert not isinstance(base, bool)
            new = base + self.step
            if abs(new) > COUNTER_LIMIT:
                self.feedback_message = (f"{self.variable} = {new} would leave the counter range "
                                         f"±{COUNTER_LIMIT:,}")
                return Status.FAILURE
        self.store.set_variable(self.variable, new)
        self.feedback_message = f"{self.variable} = {str(new).lower()}"
        return Status.SUCCESS
