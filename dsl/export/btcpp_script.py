"""A mission condition as BehaviorTree.CPP script, and the facts it reads from the blackboard.

BehaviorTree.CPP substitutes ``{key}`` only when it is a port's whole value, so a condition can not
be a string with parameters spliced in (``expression="not carrying {item}"`` reaches the node
verbatim). It becomes a built-in ``ScriptCondition`` instead, whose script reads

- the robot's facts from the ROOT blackboard (``@battery``, ``@docked``, ``@carrying``, …): the
  host that runs the tree keeps them current, in the canonical unit of the language (battery in
  percent, lengths in m, times in s); the exported XML lists the ones it reads in a comment;
- task parameters as plain names (``item``), which are the SubTree's own blackboard entries.

BehaviorTree.CPP's script compares a numeric string with a number (it converts), but refuses
arithmetic on strings (``Operation not permitted``), and a SubTree port given a literal arrives
as a string. So the scripts written here never do arithmetic on a task parameter: a distance to a
place parameter is read from a value the call site passes (``p_distance``, remapped to the root
fact ``@distance_to_<place>``), a distance to a point is compared squared (no square root) with
a bound the call site squares (``r_sq``), and arithmetic appears only on facts and literals.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from bt_runtime import vocabulary as vocab
from bt_runtime.units import CANONICAL, to_canonical
from dsl import ast as A

__all__ = ["DISTANCE_PREFIX", "VAR_PREFIX", "ExportError", "Fact", "condition_script",
           "distance_fact", "distance_port", "facts_read", "place_distance_fact", "script_number",
           "var_key", "walk_condition", "where"]

DISTANCE_PREFIX = "distance_to_"
#: Mission variables live on the root blackboard beside the robot's facts and the export's own
#: entries; the prefix keeps ``var x`` off ``@x`` (a coordinate the host writes), ``var
#: distance_to_gate`` off that fact and ``var qm_resuming`` off the resume flag.
VAR_PREFIX = "var_"


def var_key(name: str) -> str:
    """The root-blackboard key of the mission variable ``name`` (``@var_searched_west``)."""
    return VAR_PREFIX + name


def _root(name: str) -> str:
    """``@key`` of a name a condition reads: a robot fact by its own name, a variable (a name the
    vocabulary does not know: the checker allows no other) by :func:`var_key`."""
    known = name in vocab.FACTS or name in vocab.STATE_VARS or name in vocab.COUNTERS
    return f"@{name}" if known else f"@{var_key(name)}"


class ExportError(ValueError):
    """A mission BehaviorTree.CPP can not be given as written; the message names file:line:col."""


def where(span: A.Span) -> str:
    """``file:line:col`` of ``span``."""
    return f"{span.file}:{span.line}:{span.col}"


@dataclass(frozen=True)
class Fact:
    """A root-blackboard entry a script reads: its key (without ``@``), C++ type, unit, meaning."""

    key: str
    type: str
    unit: str
    doc: str

    def describe(self) -> str:
        """``@battery (double, %): battery charge left``: one line of the XML's fact list."""
        unit = f", {self.unit}" if self.unit else ""
        return f"@{self.key} ({self.type}{unit}): {self.doc}"


def _facts() -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for var in vocab.STATE_VARS.values():
        facts[var.name] = Fact(var.name, "double", CANONICAL.get(var.dimension, ""), var.doc)
    for counter in vocab.COUNTERS.values():
        facts[counter.name] = Fact(counter.name, "int", "", counter.doc)
    for fact in vocab.FACTS.values():
        kind = "std::string" if fact.arg_kind is not None else "bool"
        doc = fact.doc + (" ('' when none)" if fact.arg_kind is not None else "")
        facts[fact.name] = Fact(fact.name, kind, "", doc)
    facts["terrain"] = Fact("terrain", "std::string", "", "terrain kind under the robot")
    facts["gait"] = Fact("gait", "std::string", "", "the gait in use")
    facts["x"] = Fact("x", "double", "m", "robot position, x")
    facts["y"] = Fact("y", "double", "m", "robot position, y")
    return facts


#: Every fact a script may read, by key (distances to named places are added per place).
FACTS = _facts()


def script_number(value: float) -> str:
    """A number as BehaviorTree.CPP's script reads it (no exponent: the script has none).

    Raises:
        ValueError: ``value`` is not finite.
    """
    if not math.isfinite(value):
        raise ExportError(f"{value} can not be written in a BehaviorTree.CPP script")
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def distance_port(param: str) -> str:
    """The SubTree port that carries the distance to the place parameter ``param``."""
    return f"{param}_distance"


def distance_fact(place: str) -> str:
    """The root-blackboard key of the distance from the robot to the named place ``place``."""
    return DISTANCE_PREFIX + place


def _operand(value: A.Quantity | A.Ident, params: frozenset[str], what: str) -> str:
    if isinstance(value, A.Quantity):
        return script_number(to_canonical(value.value, value.unit))
    if value.name in params:
        return value.name
    raise ExportError(f"{where(value.span)}: {what} compared with {value.name!r}, which is no "
                      "number")


def _distance(cond: A.DistanceCond, params: frozenset[str]) -> str:
    target = cond.target
    if isinstance(target, A.Ident):
        lhs = (distance_port(target.name) if target.name in params
               else "@" + distance_fact(target.name))
        return f"{lhs} {cond.op} {_operand(cond.rhs, params, 'a distance')}"
    if isinstance(cond.rhs, A.Ident):  # no square root in the script: the call squares the bound
        if cond.rhs.name not in params:
            _operand(cond.rhs, params, "a distance")  # raises
        bound = f"{cond.rhs.name}_sq"
    else:
        value = to_canonical(cond.rhs.value, cond.rhs.unit)
        bound = script_number(value * abs(value))
    x, y = (script_number(to_canonical(c.value, c.unit)) for c in target.coords[:2])
    return f"((@x - {x})*(@x - {x}) + (@y - {y})*(@y - {y})) {cond.op} {bound}"


def _name(value: A.Ident, params: frozenset[str]) -> str:
    return value.name if value.name in params else f"'{value.name}'"


def condition_script(cond: A.Cond, params: frozenset[str]) -> str:
    """``cond`` as BehaviorTree.CPP script, task parameters ``params`` read as SubTree entries.

    Args:
        cond: a checked condition.
        params: the task parameters in scope.

    Returns:
        The script, e.g. ``@battery < 30 || (@battery < 45 && @distance_to_base > 20)``.

    Raises:
        ExportError: a comparison with a name that is no number, naming the file, line and
            column (the checker refuses those first).
    """
    if isinstance(cond, A.OrCond):
        return f"{_grouped(cond.left, params)} || {_grouped(cond.right, params)}"
    if isinstance(cond, A.AndCond):
        return f"{_grouped(cond.left, params)} && {_grouped(cond.right, params)}"
    if isinstance(cond, A.NotCond):
        return f"!({condition_script(cond.item, params)})"
    if isinstance(cond, A.Compare):
        return f"{_root(cond.lhs.name)} {cond.op} {_operand(cond.rhs, params, cond.lhs.name)}"
    if isinstance(cond, A.DistanceCond):
        return _distance(cond, params)
    if isinstance(cond, A.TerrainIs):
        return f"@terrain == '{cond.kind.name}'"
    if isinstance(cond, A.GaitIs):
        return f"@gait == '{cond.gait.name}'"
    if isinstance(cond, A.FactCond):
        spec = vocab.FACTS.get(cond.name.name)  # None: a mission flag, also on the root blackboard
        if spec is None or spec.arg_kind is None:
            return _root(cond.name.name)
        if cond.arg is None:
            return f"@{cond.name.name} != ''"
        return f"@{cond.name.name} == {_name(cond.arg, params)}"
    assert isinstance(cond, A.BoolCond)
    return "true" if cond.value else "false"


def _grouped(cond: A.Cond, params: frozenset[str]) -> str:
    text = condition_script(cond, params)
    return f"({text})" if isinstance(cond, (A.AndCond, A.OrCond)) else text


def walk_condition(cond: A.Cond) -> Iterator[A.Cond]:
    """``cond`` and every condition inside it, in reading order."""
    yield cond
    if isinstance(cond, (A.AndCond, A.OrCond)):
        yield from walk_condition(cond.left)
        yield from walk_condition(cond.right)
    elif isinstance(cond, A.NotCond):
        yield from walk_condition(cond.item)


def facts_read(cond: A.Cond, params: frozenset[str]) -> list[Fact]:
    """The root-blackboard facts ``condition_script(cond, params)`` reads, in order of reading."""
    found: list[Fact] = []
    for item in walk_condition(cond):
        if isinstance(item, A.Compare):
            found.append(_fact(item.lhs.name))
        elif isinstance(item, A.FactCond):
            found.append(_fact(item.name.name))
        elif isinstance(item, (A.TerrainIs, A.GaitIs)):
            found.append(FACTS["terrain" if isinstance(item, A.TerrainIs) else "gait"])
        elif isinstance(item, A.DistanceCond):
            if isinstance(item.target, A.Point):
                found.extend([FACTS["x"], FACTS["y"]])
            elif item.target.name not in params:
                found.append(place_distance_fact(item.target.name))
    return found


def _fact(key: str) -> Fact:
    return FACTS.get(key) or Fact(key, "double", "", "")


def place_distance_fact(place: str) -> Fact:
    """The fact holding the distance from the robot to the named place ``place``."""
    return Fact(distance_fact(place), "double", "m", f"distance from the robot to {place}")
