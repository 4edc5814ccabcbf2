"""Action statements → their leaf behaviours; written values → the canonical values they take.

A mission writes the same few actions many times (``go to dock``, ``wait 2 s``), and a task's body
is compiled afresh for every call. Resolving an action's arguments is most of the compiler's own
work on a leaf, so :class:`ActionBuilder` resolves them once per distinct action as written and
builds a fresh behaviour from those values for every occurrence. The leaf's name is the key: it
spells every argument as written (task arguments substituted), and what is written decides what it
resolves to. The values shared that way (places, routes, numbers, names) are immutable, so leaves
that share them cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from py_trees.behaviour import Behaviour

from bt_runtime import vocabulary as vocab
from bt_runtime.behaviours import Place, Route
from bt_runtime.units import to_canonical
from bt_runtime.vocabulary import ParamKind
from dsl import ast as A
from dsl.compile_error import CompileError, where
from dsl.compile_text import Env, arg_prefixes, value_text

if TYPE_CHECKING:
    from dsl.check_decls import Resolved

__all__ = ["ActionBuilder"]

_PLACE_KINDS = frozenset((ParamKind.PLACE, ParamKind.STATION, ParamKind.DOCK))
_Ident, _Quantity = A.Ident, A.Quantity


class _Form(NamedTuple):
    """What one compilation knows of an action: how to spell it, and what it has resolved."""

    #: the leading words (``go to``)
    spelled: str
    #: what comes before each argument's value in the name, by parameter name (``" radius "``)
    prefixes: Mapping[str, str]
    #: the keyword arguments of each leaf name met so far
    kwargs_by_name: dict[str, dict[str, Any]]


class ActionBuilder:
    """Builds the leaves of one compilation and resolves the values they take.

    Args:
        resolved: the checked program's symbol table (places, routes, areas).
        behaviours: the factory of each action key.
    """

    def __init__(self, resolved: Resolved,
                 behaviours: Mapping[str, Callable[..., Behaviour]]) -> None:
        self.resolved = resolved
        self.behaviours = behaviours
        # One Place per name (a mission names the same few places hundreds of times).
        self._places: dict[str, Place] = {}
        self._forms: dict[str, _Form] = {}

    def leaf(self, stmt: A.Action, env: Env) -> Behaviour:
        """A fresh behaviour for the action ``stmt``, task arguments from ``env`` substituted.

        Its name is as :func:`~dsl.compile_text.action_text` spells it, from the same
        :func:`~dsl.compile_text.arg_prefixes`, with the commonest values spelt inline because
        this runs for most nodes of a tree.

        Raises:
            CompileError: an argument cannot be resolved, or the behaviour refuses its values.
        """
        action = stmt.action
        form = self._forms.get(action)
        if form is None:
            form = self._forms[action] = _form(vocab.ACTIONS[action])
        name, prefixes, kwargs_by_name = form
        for arg in stmt.args:
            value = arg.value
            kind = type(value)
            if kind is _Ident and env:
                value = env.get(value.name, value)
                kind = type(value)
            name += prefixes[arg.name] + (value.name if kind is _Ident else value.text
                                          if kind is _Quantity else value_text(value))
        kwargs = kwargs_by_name.get(name)
        if kwargs is None:
            kwargs = kwargs_by_name[name] = self._kwargs(stmt, env)
        try:
            return self.behaviours[action](name=name, **kwargs)
        except ValueError as exc:
            raise CompileError(f"{where(stmt.span)}: {exc}") from exc

    def _kwargs(self, stmt: A.Action, env: Env) -> dict[str, Any]:
        """The canonical value of each argument of ``stmt``, by parameter name."""
        params = vocab.ACTIONS[stmt.action].by_name
        kwargs: dict[str, Any] = {}
        for arg in stmt.args:
            value = arg.value
            if type(value) is _Ident:
                value = env.get(value.name, value)
            kwargs[arg.name] = self.resolve(value, params[arg.name])
        return kwargs

    def place(self, value: A.ArgValue) -> Place:
        """A named place or a written point as a :class:`Place`."""
        if isinstance(value, A.Point):
            xyz = [to_canonical(c.value, c.unit) for c in value.coords]
            return Place(value_text(value), xyz[0], xyz[1], xyz[2] if len(xyz) > 2 else 0.0)
        assert isinstance(value, A.Ident)
        place = self._places.get(value.name)
        if place is not None:
            return place
        try:
            _kind, x, y, z = self.resolved.places[value.name]
        except KeyError:
            raise CompileError(f"place `{value.name}` has no position") from None
        place = self._places[value.name] = Place(value.name, x, y, z)
        return place

    def resolve(self, value: A.ArgValue, spec: vocab.ParamSpec) -> Any:
        """A written value → the canonical value the behaviour takes for ``spec``."""
        kind = spec.kind
        if kind in _PLACE_KINDS:
            return self.place(value)
        if kind is ParamKind.ROUTE:
            assert isinstance(value, A.Ident)
            names, closed = self.resolved.routes[value.name]
            return Route(value.name, tuple(self.place(A.Ident(n, value.span)) for n in names),
                         closed)
        if kind is ParamKind.AREA:
            assert isinstance(value, A.Ident)
            return self.resolved.areas[value.name]
        if kind in (ParamKind.PAYLOAD, ParamKind.CHOICE):
            assert isinstance(value, A.Ident)
            return value.name
        if kind is ParamKind.TEXT:
            assert isinstance(value, A.Text)
            return value.value
        assert isinstance(value, A.Quantity)
        canonical = int(value.value) if kind is ParamKind.INT else to_canonical(value.value,
                                                                                value.unit)
        if spec.range is not None and not spec.range.contains(canonical):
            # a task argument the checker could not see at the use site (`follow r laps n`)
            raise CompileError(f"{where(value.span)}: value out of range: {spec.name} must be "
                               f"{spec.range.describe()}, got {value.text}")
        return canonical


def _form(spec: vocab.ActionSpec) -> _Form:
    return _Form(spec.spelled, MappingProxyType(arg_prefixes(spec)), {})
