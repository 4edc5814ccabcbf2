"""BehaviorTree.CPP v4 XML of a compiled mission, openable in Groot2.

Rendered from the one description of the compiled tree (:func:`bt_runtime.tree_model.describe`):
the node kinds, names, children and roles come from the description, and each node's source (the
construct it was compiled from, with the task parameters in scope) gives the values as written, so
that each task becomes ONE ``<BehaviorTree ID="task">`` whose parameters are ports (``{laps}``),
rendered from its first call, and each call a ``<SubTree>`` passing its arguments.
``<TreeNodesModel>`` declares every custom action and the condition node with their ports.

Mapping: block → Sequence; fallback → Fallback; parallel → Parallel (success_count -1 for all, 1
for any; failure_count 1); repeat → Repeat num_cycles (-1 forever); retry → RetryUntilSuccessful
num_attempts; timeout → Timeout msec; if → IfThenElse (AlwaysSuccess as the missing else); guard →
ReactiveSequence[Fallback[Inverter[cond], handler], rest]; on failure → Fallback[body, handler];
succeed → AlwaysSuccess. Values are canonical (m, s, m/s, deg, %, kg); points are written ``x;y``
or ``x;y;z``. A timeout whose duration is a task parameter (seconds) is preceded by a ``Script``
that converts it to the milliseconds BehaviorTree.CPP's Timeout wants.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import ClassVar

from bt_runtime import vocabulary as vocab
from bt_runtime.bindings import NODE_MODELS
from bt_runtime.tree_model import NodeDescription, NodeSource, TaskInfo, describe
from bt_runtime.units import to_canonical
from dsl import ast as A
from dsl.checker import CheckedProgram
from dsl.compiler import CompiledMission, action_text, compile_mission, cond_text
from dsl.export.btcpp_policies import POLICY_ROLES, init_deferrals, policy_models

__all__ = ["CONDITION_ID", "MAIN_TREE", "to_btcpp_xml"]

MAIN_TREE = "MainTree"
CONDITION_ID = "MissionCondition"

#: Roles whose Sequence carries its name (the others are anonymous blocks).
_NAMED_SEQUENCES = frozenset({"main", "task", "handler", "rest", "on_failure"})


def _num(value: float) -> str:
    return f"{value:g}"


def _source(node: NodeDescription) -> NodeSource:
    if node.source is None:
        raise ValueError(f"node {node.id} ({node.name}) has no source: export a compiled mission")
    return node.source


class _Builder:
    """Turns described nodes into elements; collects the tasks called, in first-call order."""

    def __init__(self) -> None:
        self.tasks: dict[str, NodeDescription] = {}

    # ------------------------------------------------------------------------------ values
    @staticmethod
    def value(value: A.ArgValue, params: frozenset[str]) -> str:
        if isinstance(value, A.Ident):
            return "{" + value.name + "}" if value.name in params else value.name
        if isinstance(value, A.Quantity):
            return _num(to_canonical(value.value, value.unit))
        if isinstance(value, A.Text):
            return value.value
        return ";".join(_num(to_canonical(c.value, c.unit)) for c in value.coords)

    def count(self, value: A.Quantity | A.Ident, params: frozenset[str]) -> str:
        if isinstance(value, A.Ident):
            return self.value(value, params)
        return str(int(value.value))

    # ------------------------------------------------------------------------------- nodes
    def element(self, node: NodeDescription) -> ET.Element:
        source = _source(node)
        return self._BY_ROLE[source.role](self, node, source, frozenset(source.scope))

    def _with_children(self, element: ET.Element, node: NodeDescription) -> ET.Element:
        element.extend([self.element(child) for child in node.children])
        return element

    def _sequence(self, node: NodeDescription, source: NodeSource,
                  params: frozenset[str]) -> ET.Element:
        named = source.role in _NAMED_SEQUENCES
        return self._with_children(ET.Element("Sequence", {"name": node.name} if named else {}),
                                   node)

    def _statement(self, node: NodeDescription, source: NodeSource,
                   params: frozenset[str]) -> ET.Element:
        if node.kind == "Parallel":
            success = "-1" if str(node.settings["policy"]).startswith("SuccessOnAll") else "1"
            element = ET.Element("Parallel", {"success_count": success, "failure_count": "1"})
        else:
            element = ET.Element("Sequence" if node.kind == "Sequence" else "Fallback")
        return self._with_children(element, node)

    def _guard(self, node: NodeDescription, source: NodeSource,
               params: frozenset[str]) -> ET.Element:
        assert isinstance(source.origin, A.Guard)
        text = cond_text(source.origin.cond, refs=bool(params))
        return self._with_children(ET.Element("ReactiveSequence", {"name": f"guard {text}"}), node)

    def _when(self, node: NodeDescription, source: NodeSource,
              params: frozenset[str]) -> ET.Element:
        assert isinstance(source.origin, A.Guard)
        text = cond_text(source.origin.cond, refs=bool(params))
        return self._with_children(ET.Element("Fallback", {"name": f"when {text}"}), node)

    def _not(self, node: NodeDescription, source: NodeSource,
             params: frozenset[str]) -> ET.Element:
        return self._with_children(ET.Element("Inverter"), node)

    def _condition(self, node: NodeDescription, source: NodeSource,
                   params: frozenset[str]) -> ET.Element:
        cond = source.origin
        assert isinstance(cond, A.Cond)
        text = cond_text(cond, refs=True) if params else cond_text(cond)
        return ET.Element(CONDITION_ID, {"expression": text})

    def _repeat(self, node: NodeDescription, source: NodeSource,
                params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.Repeat)
        cycles = "-1" if stmt.count is None else self.count(stmt.count, params)
        return self._with_children(ET.Element("Repeat", {"num_cycles": cycles}), node)

    def _retry(self, node: NodeDescription, source: NodeSource,
               params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.Retry)
        element = ET.Element("RetryUntilSuccessful",
                             {"num_attempts": self.count(stmt.count, params)})
        return self._with_children(element, node)

    def _timeout(self, node: NodeDescription, source: NodeSource,
                 params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.Timeout)
        if isinstance(stmt.duration, A.Ident):  # a task parameter, in seconds: convert
            name = stmt.duration.name
            wrapper = ET.Element("Sequence")
            ET.SubElement(wrapper, "Script", {"code": f"{name}_msec := {name} * 1000"})
            timeout = ET.SubElement(wrapper, "Timeout", {"msec": "{" + name + "_msec}"})
            self._with_children(timeout, node)
            return wrapper
        msec = str(round(to_canonical(stmt.duration.value, stmt.duration.unit) * 1000))
        return self._with_children(ET.Element("Timeout", {"msec": msec}), node)

    def _if(self, node: NodeDescription, source: NodeSource,
            params: frozenset[str]) -> ET.Element:
        element = self._with_children(ET.Element("IfThenElse"), node)
        if len(node.children) == 2:
            element.append(ET.Element("AlwaysSuccess"))
        return element

    def _action(self, node: NodeDescription, source: NodeSource,
                params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.Action)
        if stmt.action == "succeed":
            return ET.Element("AlwaysSuccess")
        env = {p: A.Ident("{" + p + "}", stmt.span) for p in params}
        attrs = {"name": action_text(stmt, env)}
        attrs.update({arg.name: self.value(arg.value, params) for arg in stmt.args})
        return ET.Element(NODE_MODELS[stmt.action], attrs)

    def _call(self, node: NodeDescription, source: NodeSource,
              params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.Call) and node.task is not None
        self.tasks.setdefault(node.task.name, node)
        order = [name for name, _type in node.task.params]
        attrs = {"ID": node.task.name}
        for position, arg in enumerate(stmt.args):
            name = order[position] if arg.name is None else arg.name.name
            attrs[name] = self.value(arg.value, params)
        return ET.Element("SubTree", attrs)

    def _recover(self, node: NodeDescription, source: NodeSource,
                 params: frozenset[str]) -> ET.Element:
        return self._with_children(ET.Element("Fallback", {"name": node.name}), node)

    _BY_ROLE: ClassVar[dict[str, Callable[[_Builder, NodeDescription, NodeSource,
                                           frozenset[str]], ET.Element]]] = {
        "main": _sequence, "task": _sequence, "handler": _sequence, "rest": _sequence,
        "on_failure": _sequence, "block": _sequence, "statement": _statement, "guard": _guard,
        "when": _when, "not": _not, "condition": _condition, "repeat": _repeat, "retry": _retry,
        "timeout": _timeout, "if": _if, "action": _action, "call": _call, "recover": _recover,
        **POLICY_ROLES,  # failure policies: dsl/export/btcpp_policies.py
    }


def _models(tasks: list[TaskInfo]) -> ET.Element:
    model = ET.Element("TreeNodesModel")
    for spec in vocab.ACTIONS.values():
        if spec.key == "succeed":
            continue
        node = ET.SubElement(model, "Action", {"ID": NODE_MODELS[spec.key]})
        for param in spec.params:
            ET.SubElement(node, "input_port", {"name": param.name, "type": "std::string"}).text = (
                param.doc + (f" ({param.dimension.value})" if param.dimension else ""))
    condition = ET.SubElement(model, "Condition", {"ID": CONDITION_ID})
    ET.SubElement(condition, "input_port", {"name": "expression", "type": "std::string"}).text = (
        "a mission-language condition")
    for task in tasks:
        node = ET.SubElement(model, "SubTree", {"ID": task.name})
        for name, type_name in task.params:
            port = {"name": name, "type": "std::string"}
            ET.SubElement(node, "input_port", port).text = type_name
    return model


def to_btcpp_xml(mission: CheckedProgram | CompiledMission) -> str:
    """The mission as BehaviorTree.CPP v4 XML text.

    Args:
        mission: a compiled mission, or a checked program (compiled here; it needs a ``main``).

    Raises:
        ValueError: a checked program without ``main``.
    """
    if isinstance(mission, CheckedProgram):
        if mission.main is None:
            raise ValueError(f"{mission.path}: no `main` block to export")
        mission = compile_mission(mission)
    description = describe(mission.root, mission.sources)
    builder = _Builder()
    root = ET.Element("root", {"BTCPP_format": "4", "main_tree_to_execute": MAIN_TREE})
    main = builder.element(description.root)
    init_deferrals(main, description.nodes())
    ET.SubElement(root, "BehaviorTree", {"ID": MAIN_TREE}).append(main)
    done = 0
    while done < len(builder.tasks):  # tasks called from tasks are found as we go
        name, call = list(builder.tasks.items())[done]
        ET.SubElement(root, "BehaviorTree", {"ID": name}).append(builder.element(call.children[0]))
        done += 1
    models = _models([call.task for call in builder.tasks.values() if call.task is not None])
    policy_models(models, description.nodes())
    root.append(models)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
