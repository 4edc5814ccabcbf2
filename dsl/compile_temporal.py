"""Checked temporal ``require`` lines → :class:`bt_runtime.temporal.TemporalCriterion` values.

The conditions are compiled by the statement compiler's own condition compiler (``expr``), so a
``require always`` line reads the robot exactly as a ``guard`` with the same condition would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bt_runtime import expressions as E
from bt_runtime.temporal import TemporalCriterion
from bt_runtime.units import to_canonical
from dsl import ast as A

__all__ = ["temporal_criteria"]


def temporal_criteria(decls: Iterable[A.TemporalRequireDecl],
                      expr: Callable[[A.Cond], E.Expr],
                      text: Callable[[A.Cond], str]) -> tuple[TemporalCriterion, ...]:
    """Compile each checked temporal line, in the order written.

    Args:
        decls: the checked lines (``CheckedProgram.temporal``).
        expr: compiles a condition (no task parameters are in scope at the top level).
        text: a condition as written.

    Returns:
        One criterion per line.
    """
    criteria = []
    for decl in decls:
        compiled = expr(decl.cond)
        unit = compiled.unit if isinstance(compiled, E.Compare) else ""
        duration = (None if decl.duration is None
                    else to_canonical(decl.duration.value, decl.duration.unit))
        trigger = None if decl.trigger is None else expr(decl.trigger)
        criteria.append(TemporalCriterion(
            decl.kind, text(decl.cond), compiled, duration, trigger,
            None if decl.trigger is None else text(decl.trigger), unit,
            "" if decl.duration is None else decl.duration.text, decl.span.line))
    return tuple(criteria)
