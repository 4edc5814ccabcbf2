"""Constructs as the operator wrote them: the text of values, conditions and actions.

Node names in the compiled tree, the exporters' expressions and the monitor's labels all read these,
so a value is spelt the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from bt_runtime import vocabulary as vocab
from dsl import ast as A

__all__ = ["Env", "action_text", "arg_prefixes", "cond_text", "spec_action_text", "subst",
           "value_text"]

Env = Mapping[str, A.ArgValue]


def value_text(value: A.ArgValue) -> str:
    """A written value as the operator wrote it (for node names)."""
    if isinstance(value, A.Ident):
        return value.name
    if isinstance(value, A.Quantity):
        return value.text
    if isinstance(value, A.Text):
        return '"' + value.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "(" + ", ".join(c.text for c in value.coords) + ")"


def cond_text(cond: A.Cond, env: Env | None = None, refs: bool = False) -> str:
    """A condition as text, parameters substituted from ``env`` (or ``{name}`` if ``refs``)."""
    env = env or {}
    if isinstance(cond, A.Compare):  # the commonest condition first
        return f"{cond.lhs.name} {cond.op} {_val(cond.rhs, env, refs)}"
    if isinstance(cond, A.OrCond):
        return f"{cond_text(cond.left, env, refs)} or {cond_text(cond.right, env, refs)}"
    if isinstance(cond, A.AndCond):
        parts = [cond_text(c, env, refs) for c in (cond.left, cond.right)]
        return " and ".join(f"({p})" if isinstance(c, A.OrCond) else p
                            for p, c in zip(parts, (cond.left, cond.right)))
    if isinstance(cond, A.NotCond):
        inner = cond_text(cond.item, env, refs)
        return f"not ({inner})" if isinstance(cond.item, (A.AndCond, A.OrCond)) else f"not {inner}"
    if isinstance(cond, A.DistanceCond):
        return f"distance to {_val(cond.target, env, refs)} {cond.op} {_val(cond.rhs, env, refs)}"
    if isinstance(cond, A.TerrainIs):
        return f"terrain is {cond.kind.name}"
    if isinstance(cond, A.GaitIs):
        return f"gait is {cond.gait.name}"
    if isinstance(cond, A.FactCond):
        if cond.arg is None:
            return cond.name.name
        return f"{cond.name.name} {_val(cond.arg, env, refs)}"
    assert isinstance(cond, A.BoolCond)
    return "true" if cond.value else "false"


def _val(value: A.ArgValue, env: Env, refs: bool) -> str:
    """A value in a condition: a task argument from ``env``, else ``{name}`` if ``refs``."""
    if isinstance(value, A.Ident):
        if value.name in env:
            return value_text(env[value.name])
        if refs:
            return "{" + value.name + "}"
    return value_text(value)


def action_text(action: A.Action, env: Env) -> str:
    """``go to dock``, ``scan radius 8 m for intruder``: an action as written, args substituted.

    The words come from the vocabulary (the action's :attr:`~bt_runtime.specs.ActionSpec.spelled`
    and each parameter's ``word``), so a new action needs no table here.
    """
    return spec_action_text(vocab.ACTIONS[action.action], action, env)


def spec_action_text(spec: vocab.ActionSpec, action: A.Action, env: Env) -> str:
    prefixes = arg_prefixes(spec)
    return spec.spelled + "".join(prefixes[arg.name] + value_text(subst(arg.value, env))
                                  for arg in action.args)


def arg_prefixes(spec: vocab.ActionSpec) -> dict[str, str]:
    """What stands before each argument's value in an action's name, by parameter name: its
    word between spaces (``" radius "``), or a space. The one rule of how an action is spelt:
    :class:`dsl.compile_actions.ActionBuilder` spells its leaves with it too."""
    return {p.name: f" {p.word} " if p.word else " " for p in spec.params}


def subst(value: A.ArgValue, env: Env) -> A.ArgValue:
    """``value`` with a task parameter replaced by its argument from ``env``."""
    return env.get(value.name, value) if type(value) is A.Ident else value
