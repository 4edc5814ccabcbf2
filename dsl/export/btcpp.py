"""BehaviorTree.CPP v4 XML of a checked mission, openable in Groot2.

Built from the checked AST rather than the expanded py_trees tree, so that each task becomes ONE
``<BehaviorTree ID="task">`` whose parameters are ports (``{laps}``) and each call a ``<SubTree>``
passing its arguments. ``<TreeNodesModel>`` declares every custom action and the condition node with
their ports. Mapping: block → Sequence; fallback → Fallback; parallel → Parallel (success_count -1
for all, 1 for any; failure_count 1); repeat → Repeat num_cycles (-1 forever); retry →
RetryUntilSuccessful num_attempts; timeout → Timeout msec; if → IfThenElse (AlwaysSuccess as the
missing else); guard → ReactiveSequence[Fallback[Inverter[cond], handler], rest]; on failure →
Fallback[body, handler]; succeed → AlwaysSuccess. Values are canonical (m, s, m/s, deg, %, kg);
points are written ``x;y`` or ``x;y;z``. A timeout whose duration is a task parameter (seconds) is
preceded by a ``Script`` that converts it to the milliseconds BehaviorTree.CPP's Timeout wants.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from bt_runtime import vocabulary as vocab
from bt_runtime.bindings import NODE_MODELS
from bt_runtime.units import to_canonical
from dsl import ast as A
from dsl.checker import CheckedProgram
from dsl.compiler import action_text, cond_text

__all__ = ["CONDITION_ID", "MAIN_TREE", "to_btcpp_xml"]

MAIN_TREE = "MainTree"
CONDITION_ID = "MissionCondition"


def _num(value: float) -> str:
    return f"{value:g}"


class _Builder:
    def __init__(self, checked: CheckedProgram) -> None:
        self.checked = checked
        self.used_tasks: list[str] = []

    def value(self, value: A.ArgValue, params: frozenset[str]) -> str:
        if isinstance(value, A.Ident):
            return "{" + value.name + "}" if value.name in params else value.name
        if isinstance(value, A.Quantity):
            return _num(to_canonical(value.value, value.unit))
        if isinstance(value, A.Text):
            return value.value
        return ";".join(_num(to_canonical(c.value, c.unit)) for c in value.coords)

    def sequence(self, stmts: Iterable[A.Stmt], params: frozenset[str], tag: str = "Sequence",
                 name: str | None = None) -> ET.Element:
        element = ET.Element(tag, {"name": name} if name else {})
        element.extend(self.stmts(tuple(stmts), params))
        return element

    def stmts(self, stmts: tuple[A.Stmt, ...], params: frozenset[str]) -> list[ET.Element]:
        out: list[ET.Element] = []
        for index, stmt in enumerate(stmts):
            if isinstance(stmt, A.Guard):
                out.append(self.guard(stmt, stmts[index + 1:], params))
                break
            out.append(self.stmt(stmt, params))
        return out

    def condition(self, cond: A.Cond, params: frozenset[str]) -> ET.Element:
        text = cond_text(cond, refs=True) if params else cond_text(cond)
        return ET.Element(CONDITION_ID, {"expression": text})

    def guard(self, stmt: A.Guard, rest: tuple[A.Stmt, ...], params: frozenset[str]) -> ET.Element:
        text = cond_text(stmt.cond, refs=bool(params))
        reactive = ET.Element("ReactiveSequence", {"name": f"guard {text}"})
        check = ET.SubElement(reactive, "Fallback", {"name": f"when {text}"})
        ET.SubElement(check, "Inverter").append(self.condition(stmt.cond, params))
        check.append(self.sequence(stmt.handler.stmts, params, name="handler"))
        reactive.append(self.sequence(rest, params, name="rest"))
        return reactive

    def count(self, value: A.Quantity | A.Ident, params: frozenset[str]) -> str:
        if isinstance(value, A.Ident):
            return self.value(value, params)
        return str(int(value.value))

    def stmt(self, stmt: A.Stmt, params: frozenset[str]) -> ET.Element:
        if isinstance(stmt, A.Action):
            return self.action(stmt, params)
        if isinstance(stmt, A.Call):
            return self.call(stmt, params)
        if isinstance(stmt, A.Composite):
            if stmt.kind in ("sequence", "fallback"):
                tag = "Sequence" if stmt.kind == "sequence" else "Fallback"
                return self.sequence(stmt.body.stmts, params, tag)
            success = "-1" if stmt.kind == "parallel_all" else "1"
            element = ET.Element("Parallel", {"success_count": success, "failure_count": "1"})
            element.extend(self.stmts(stmt.body.stmts, params))
            return element
        if isinstance(stmt, A.Repeat):
            cycles = "-1" if stmt.count is None else self.count(stmt.count, params)
            element = ET.Element("Repeat", {"num_cycles": cycles})
        elif isinstance(stmt, A.Retry):
            element = ET.Element("RetryUntilSuccessful",
                                 {"num_attempts": self.count(stmt.count, params)})
        elif isinstance(stmt, A.Timeout):
            if isinstance(stmt.duration, A.Ident):  # a task parameter, in seconds: convert
                name = stmt.duration.name
                wrapper = ET.Element("Sequence")
                ET.SubElement(wrapper, "Script", {"code": f"{name}_msec := {name} * 1000"})
                timeout = ET.SubElement(wrapper, "Timeout", {"msec": "{" + name + "_msec}"})
                timeout.append(self.sequence(stmt.body.stmts, params))
                return wrapper
            msec = str(round(to_canonical(stmt.duration.value, stmt.duration.unit) * 1000))
            element = ET.Element("Timeout", {"msec": msec})
        else:
            assert isinstance(stmt, A.If)
            return self.if_(stmt.branches, stmt.orelse, params)
        element.append(self.sequence(stmt.body.stmts, params))
        return element

    def if_(self, branches: tuple[A.Branch, ...], orelse: A.Block | None,
            params: frozenset[str]) -> ET.Element:
        first = branches[0]
        element = ET.Element("IfThenElse")
        element.append(self.condition(first.cond, params))
        element.append(self.sequence(first.body.stmts, params))
        if branches[1:]:
            element.append(self.if_(branches[1:], orelse, params))
        elif orelse is not None:
            element.append(self.sequence(orelse.stmts, params))
        else:
            element.append(ET.Element("AlwaysSuccess"))
        return element

    def action(self, stmt: A.Action, params: frozenset[str]) -> ET.Element:
        if stmt.action == "succeed":
            return ET.Element("AlwaysSuccess")
        env = {p: A.Ident("{" + p + "}", stmt.span) for p in params}
        attrs = {"name": action_text(stmt, env)}
        attrs.update({arg.name: self.value(arg.value, params) for arg in stmt.args})
        return ET.Element(NODE_MODELS[stmt.action], attrs)

    def call(self, stmt: A.Call, params: frozenset[str]) -> ET.Element:
        task = self.checked.resolved.tasks[stmt.task.name]
        if task.name.name not in self.used_tasks:
            self.used_tasks.append(task.name.name)
        order = [p.name.name for p in task.params]
        attrs = {"ID": task.name.name}
        for position, arg in enumerate(stmt.args):
            name = order[position] if arg.name is None else arg.name.name
            attrs[name] = self.value(arg.value, params)
        return ET.Element("SubTree", attrs)

    def task_tree(self, name: str) -> ET.Element:
        task = self.checked.resolved.tasks[name]
        params = frozenset(p.name.name for p in task.params)
        tree = ET.Element("BehaviorTree", {"ID": name})
        body = self.sequence(task.body.stmts, params, name=name)
        if task.on_failure is None:
            tree.append(body)
        else:
            recover = ET.SubElement(tree, "Fallback", {"name": f"{name} or recover"})
            recover.append(body)
            recover.append(self.sequence(task.on_failure.stmts, params, name="on failure"))
        return tree


def _models(checked: CheckedProgram, tasks: list[str]) -> ET.Element:
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
    for name in tasks:
        task = checked.resolved.tasks[name]
        node = ET.SubElement(model, "SubTree", {"ID": name})
        for task_param in task.params:
            port = {"name": task_param.name.name, "type": "std::string"}
            ET.SubElement(node, "input_port", port).text = task_param.type.name
    return model


def to_btcpp_xml(checked: CheckedProgram) -> str:
    """The mission as BehaviorTree.CPP v4 XML text (needs a ``main``)."""
    if checked.main is None:
        raise ValueError(f"{checked.path}: no `main` block to export")
    builder = _Builder(checked)
    root = ET.Element("root", {"BTCPP_format": "4", "main_tree_to_execute": MAIN_TREE})
    main = ET.SubElement(root, "BehaviorTree", {"ID": MAIN_TREE})
    main.append(builder.sequence(checked.main.body.stmts, frozenset(), name=checked.name))
    done: list[str] = []
    while len(done) < len(builder.used_tasks):  # tasks called from tasks are found as we go
        name = builder.used_tasks[len(done)]
        root.append(builder.task_tree(name))
        done.append(name)
    root.append(_models(checked, builder.used_tasks))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
