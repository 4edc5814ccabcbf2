"""The ``<BehaviorTree ID>`` each task is exported under.

A task's tree is named after the task, except where BehaviorTree.CPP would take the name for
something else: ``MainTree`` (a second tree of that ID replaced the mission's own, so the export
ran the task alone), a built-in node (``<SubTree ID="Sequence">`` is refused at load: "must not
use the name of a registered Node") or one of the export's own nodes (``GoTo``, ``AbortMission``,
which the host registers). Such a task is exported as ``NAME_task`` (with a number when that is
taken too).
"""

from __future__ import annotations

from collections.abc import Iterable

from bt_runtime.bindings import NODE_MODELS
from dsl.export.btcpp_policies import ABORT_ID

__all__ = ["BUILTIN_NODES", "MAIN_TREE", "SUBTREE_ATTRIBUTES", "tree_ids"]

MAIN_TREE = "MainTree"

#: BehaviorTree.CPP 4's built-in node IDs (bt_factory.cpp); tests/dsl/test_btcpp_accepts.py
#: checks that BehaviorTree.CPP refuses each as a SubTree ID.
BUILTIN_NODES = frozenset({
    "AlwaysFailure", "AlwaysSuccess", "AsyncFallback", "AsyncSequence", "Delay", "Fallback",
    "ForceFailure", "ForceSuccess", "IfThenElse", "Inverter", "KeepRunningUntilFailure",
    "LoopBool", "LoopDouble", "LoopInt", "LoopString", "Parallel", "ParallelAll", "Precondition",
    "ReactiveFallback", "ReactiveSequence", "Repeat", "RetryUntilSuccessful", "RunOnce",
    "Script", "ScriptCondition", "Sequence", "SequenceWithMemory", "SetBlackboard",
    "SkipUnlessUpdated", "Sleep", "SubTree", "Switch2", "Switch3", "Switch4", "Switch5",
    "Switch6", "Timeout", "UnsetBlackboard", "WaitValueUpdate", "WasEntryUpdated",
    "WhileDoElse",
})

#: Attributes BehaviorTree.CPP reads on every ``<SubTree>`` itself (xml_parsing.cpp, tree_node.h):
#: a task parameter of such a name would not arrive as a port (``ID`` even names the tree called).
SUBTREE_ATTRIBUTES = frozenset({
    "ID", "name", "_autoremap", "_failureIf", "_successIf", "_skipIf", "_while", "_onSuccess",
    "_onFailure", "_onHalted", "_post",
})

_TAKEN = frozenset({MAIN_TREE, ABORT_ID, *BUILTIN_NODES, *NODE_MODELS.values()})


def tree_ids(tasks: Iterable[str]) -> dict[str, str]:
    """The tree ID of each task name: the name itself unless BehaviorTree.CPP takes it."""
    names = set(tasks)
    ids: dict[str, str] = {}
    used = set(names) | _TAKEN
    for name in sorted(names):
        if name not in _TAKEN:
            ids[name] = name
            continue
        candidate, n = f"{name}_task", 2
        while candidate in used:
            candidate, n = f"{name}_task{n}", n + 1
        used.add(candidate)
        ids[name] = candidate
    return ids
