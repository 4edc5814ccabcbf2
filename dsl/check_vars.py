"""Checks of mission variables: ``var`` declarations, ``set`` statements, and their use in
conditions.

A variable is a flag (declared ``= true``/``= false``) or a counter (declared ``= N``, a whole
number); its type never changes. Variables share the mission's one namespace (the symbol table,
kind "variable"), so a name clashing with a place, area, route or task is the usual "duplicate
name" error; here are the clashes with the robot's own facts, counters and state, and keywords.
Conditions read a flag alone (``if not searched_west``) and compare a counter with a whole number
(``attempts < 3``).
"""

from __future__ import annotations

from collections.abc import Mapping

from bt_runtime import vocabulary as vocab
from dsl import ast as A
from dsl import check_values as V
from dsl.diagnostics import did_you_mean

__all__ = ["CLASHING_KEYWORDS", "COUNTER_RANGE", "check_set", "counter_alone", "declare",
           "flag_compared", "var_kind"]

#: The values a counter may hold (its start, a step, what it is compared with).
COUNTER_RANGE = vocab.Range(-1e9, 1e9)  # = bt_runtime.behaviours.variables.COUNTER_LIMIT (no py_trees here)

Variables = Mapping[str, bool | int]

#: Keywords the grammar expects where a variable's name is read or set (after `set`, at the start
#: of a condition, between conditions): a variable so named could not be written there. Other
#: keywords are contextual and make fine names (`var laps = 0`).
CLASHING_KEYWORDS = frozenset({"speed", "gait", "distance", "terrain", "not", "and", "or", "true",
                               "false"})


def var_kind(variables: Variables, name: str) -> str | None:
    """"flag", "counter", or None if ``name`` is not a declared variable."""
    if name not in variables:
        return None
    return "flag" if isinstance(variables[name], bool) else "counter"


def _whole(sink: V.Sink, q: A.Quantity, what: str) -> int | None:
    """A whole number in :data:`COUNTER_RANGE` (the grammar admits no unit here)."""
    # the range first: int() of a number past the largest float (read as inf) raises
    if not COUNTER_RANGE.contains(q.value) or q.value != int(q.value):
        sink.error(q.span, f"{what} must be a whole number in {COUNTER_RANGE.describe()}, got "
                   f"{V.written(q)}")
        return None
    return int(q.value)


def _robot_word(name: str) -> str | None:
    if name in vocab.FACTS:
        return "a fact of the robot"
    if name in vocab.COUNTERS:
        return "a counter of the robot"
    if name in vocab.STATE_VARS:
        return "a state of the robot"
    return None


def declare(sink: V.Sink, decl: A.VarDecl, variables: dict[str, bool | int]) -> None:
    """Check ``var name = value`` and record it in ``variables`` (its start value)."""
    name = decl.name.name
    robot = _robot_word(name)
    if robot is not None:
        sink.error(decl.name.span, f"`{name}` is {robot}: a variable cannot take its name",
                   f"choose another name, e.g. `my_{name}`")
        return
    if name in CLASHING_KEYWORDS:
        sink.error(decl.name.span, f"`{name}` is a keyword of conditions or of `set`: a variable "
                   "with this name could not be read or set", "choose another name")
        return
    if isinstance(decl.value, A.BoolCond):
        variables[name] = decl.value.value
        return
    start = _whole(sink, decl.value, f"the start value of counter `{name}`")
    variables[name] = 0 if start is None else start  # a bad start still declares a counter


def check_set(sink: V.Sink, stmt: A.SetVar, variables: Variables) -> None:
    """Check ``set name = value``: a declared variable, a value of its type."""
    name = stmt.name.name
    kind = var_kind(variables, name)
    if kind is None:
        robot = _robot_word(name)
        if robot is not None:
            sink.error(stmt.name.span, f"`{name}` is {robot}: only the robot changes it",
                       f"declare a variable of your own, e.g. `var my_{name} = "
                       f"{'false' if name in vocab.FACTS else '0'}`")
        else:
            sink.error(stmt.name.span, f"unknown variable `{name}`",
                       did_you_mean(name, variables)
                       or f"declare it at the top of the mission, e.g. `var {name} = false`")
        return
    value = stmt.value
    if kind == "flag":
        if not isinstance(value, A.BoolCond):
            sink.error(value.span, f"`{name}` is a flag: set it to `true` or `false`")
        return
    if isinstance(value, A.BoolCond):
        sink.error(value.span, f"`{name}` is a counter: set it to a whole number",
                   f"e.g. `set {name} = 0` or `set {name} = {name} + 1`")
    elif isinstance(value, A.Quantity):
        _whole(sink, value, f"the value of counter `{name}`")
    else:
        _whole(sink, value.step, "a counter's step")
        base = value.base.name
        base_kind = var_kind(variables, base)
        if base_kind != "counter":
            what = "a flag" if base_kind == "flag" else "not a variable"
            sink.error(value.base.span, f"`{base}` is {what}: only a counter can be stepped",
                       did_you_mean(base, [n for n in variables
                                           if var_kind(variables, n) == "counter"])
                       or f"e.g. `set {name} = {name} + 1`")


def flag_compared(sink: V.Sink, cond: A.Compare) -> None:
    """A flag variable compared (``searched_west == 1``): say how to read it."""
    name = cond.lhs.name
    sink.error(cond.lhs.span, f"`{name}` is a flag (true or false): it cannot be compared",
               f"use it alone, e.g. `if {name}` or `if not {name}`")


def counter_alone(sink: V.Sink, cond: A.FactCond) -> None:
    """A counter variable used as a flag (``if attempts``): say how to read it."""
    name = cond.name.name
    sink.error(cond.name.span, f"`{name}` is a counter: compare it", f"e.g. `{name} > 0`")
