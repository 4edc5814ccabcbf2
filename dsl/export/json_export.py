"""Stable JSON of a compiled mission: every node with its settings and full canonical parameters,
the `require` lines beside it (``requirements`` the metrics, ``temporal`` the always/within lines)."""

from __future__ import annotations

import json
from typing import Any

from bt_runtime.temporal import TemporalCriterion
from bt_runtime.tree_model import NodeDescription, describe
from dsl.compiler import CompiledMission
from dsl.export.values import jsonable

__all__ = ["FORMAT", "temporal_data", "to_json", "tree_data"]

FORMAT = "quadmission-tree/1"


def tree_data(info: NodeDescription) -> dict[str, Any]:
    """One described node and its subtree as plain data."""
    data: dict[str, Any] = {"type": info.kind, "name": info.name}
    if info.settings:
        data["settings"] = jsonable(info.settings)
    if info.action:
        data["action"] = info.action
        data["params"] = jsonable(info.params)
    if info.children:
        data["children"] = [tree_data(child) for child in info.children]
    return data


def temporal_data(criterion: TemporalCriterion) -> dict[str, Any]:
    """One temporal ``require`` line as plain data: its kind, the condition (and trigger) as
    written canonically, the ``within`` duration in s (None for ``always``) and its line."""
    return {"kind": criterion.kind, "condition": criterion.text, "duration": criterion.duration,
            "trigger": criterion.trigger_text, "line": criterion.line, "label": criterion.label()}


def to_json(mission: CompiledMission) -> str:
    """The mission as JSON text (sorted keys, 2-space indent, trailing newline): same input, same
    bytes, so it can be diffed and kept as a golden file."""
    doc = {
        "format": FORMAT,
        "mission": mission.name,
        "tick_rate": mission.tick_rate,
        "time_limit": mission.time_limit,
        "robot": {"model": mission.robot_model, **jsonable(dict(mission.robot))},
        "requirements": [
            {"metric": r.metric, "op": r.op, "value": r.value} for r in mission.requirements
        ],
        "temporal": [temporal_data(c) for c in mission.temporal],
        "world": None if mission.world is None else mission.world.name,
        "tree": tree_data(describe(mission.root, mission.sources).root),
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
