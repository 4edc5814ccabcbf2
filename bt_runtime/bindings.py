"""The runtime side of the vocabulary: each action key's behaviour class (the compiler's factory).

:mod:`bt_runtime.vocabulary` says what an action is (pure data, read by the checker); this module
says which py_trees behaviour runs it, and :data:`bt_runtime.actions.RUNNERS` what a robot action
does tick by tick. tests/bt_runtime/test_bindings.py keeps the three key sets in step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from py_trees.behaviour import Behaviour

from bt_runtime import behaviours as bh
from bt_runtime.vocabulary import ACTIONS

__all__ = ["BEHAVIOURS", "NODE_MODELS", "behaviour_factory"]

#: The behaviour class of every action key; ``cls(name=..., **canonical_params)`` builds the leaf.
BEHAVIOURS: Mapping[str, type[Behaviour]] = MappingProxyType(
    {
        "go_to": bh.GoTo,
        "follow": bh.FollowRoute,
        "search": bh.SearchArea,
        "scan": bh.Scan,
        "report": bh.Report,
        "alert": bh.Alert,
        "pick_up": bh.PickUp,
        "drop_off": bh.DropOff,
        "dock": bh.Dock,
        "charge": bh.Charge,
        "wait": bh.Wait,
        "stand": bh.Stand,
        "sit": bh.Sit,
        "set_speed": bh.SetSpeed,
        "set_gait": bh.SetGait,
        "succeed": bh.Succeed,
        "fail": bh.Fail,
    }
)

#: The node-model name of each action (its behaviour class name: ``GoTo``), as exporters print it.
NODE_MODELS: Mapping[str, str] = MappingProxyType(
    {key: cls.__name__ for key, cls in BEHAVIOURS.items()}
)


def behaviour_factory(
    key: str, behaviours: Mapping[str, type[Behaviour]] | None = None
) -> Callable[..., Behaviour]:
    """The factory that builds the leaf of action ``key``: ``factory(name=..., **params)``.

    Args:
        key: an action key of :data:`bt_runtime.vocabulary.ACTIONS`.
        behaviours: the mapping to look in (default :data:`BEHAVIOURS`).

    Raises:
        KeyError: no behaviour is bound to ``key``.
    """
    table = BEHAVIOURS if behaviours is None else behaviours
    try:
        return table[key]
    except KeyError:
        known = "known" if key in ACTIONS else "unknown"
        raise KeyError(f"no behaviour bound to the {known} action {key!r}") from None
