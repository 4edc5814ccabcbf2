"""BehaviorTree.CPP v4 XML of a compiled mission, that BehaviorTree.CPP itself loads and ticks.

Rendered from the one description of the compiled tree (:func:`bt_runtime.tree_model.describe`):
the node kinds, names, children and roles come from the description, and each node's source (the
construct it was compiled from, with the task parameters in scope) gives the values as written, so
that each task becomes ONE ``<BehaviorTree ID="task">`` whose parameters are ports (``{laps}``),
rendered from its first call, and each call a ``<SubTree>`` passing its arguments.
``<TreeNodesModel>`` declares every custom action and every task with their ports.
``tests/dsl/test_btcpp_accepts.py`` loads every example mission and golden construct in
BehaviorTree.CPP (``behaviortreepy``) and ticks it: keep to these rules and a new construct is
checked there by itself.

Mapping rules (follow them when you map a new construct):

1. **A value** is written in the canonical unit (m, s, m/s, deg, %, kg), numbers with ``%g``,
   points ``x;y`` or ``x;y;z``. A task parameter is ``{name}`` and must be a port's WHOLE value:
   BehaviorTree.CPP substitutes nothing inside a longer string. A literal given to a SubTree port
   arrives in the task as a *string*; typed ports (``Repeat num_cycles``, ``Timeout msec``, a
   host's ``getInput<double>``) convert it, but scripts do no arithmetic on it. So anything that
   must be *computed* from a parameter is computed here, at compile time, at each call site, and
   passed as one more port (``btcpp_ports``: ``limit_msec="120000"``; add a ``Derived`` kind).
   A text that is a whole ``{word}`` would be read as a blackboard entry: a construct that
   interpolates (``report "found {victim}"``) must render a port BT.CPP can fill, not the text.
2. **A fact** (battery, docked, carrying, victims_found, terrain, distance to a named place …) is
   read by a script from the ROOT blackboard as ``@name`` (``btcpp_script.FACTS``); the host
   keeps those entries current in canonical units, and the XML lists the ones it reads in a
   comment at the top. Mission state a mission writes (flags, counters) belongs there too:
   ``@name``, set with ``<Script code="@name := value"/>``.
3. **A condition** is a built-in ``<ScriptCondition code="..."/>`` (``btcpp_script
   .condition_script``): ``&&``, ``||``, ``!``, comparisons, strings in single quotes, task
   parameters by plain name. Never a custom node with an expression string.
4. **A control construct** maps to a BehaviorTree.CPP built-in node with literal or ``{param}``
   ports: block → Sequence; fallback → Fallback; parallel → Parallel (success_count -1 for all, 1
   for any; failure_count 1); repeat → Repeat num_cycles (-1 forever); retry →
   RetryUntilSuccessful num_attempts; timeout → Timeout msec; if → IfThenElse (AlwaysSuccess as
   the missing else); guard → ReactiveSequence[Fallback[Inverter[cond], handler], rest]; on
   failure → Fallback[body, handler]; succeed → AlwaysSuccess; a resuming guard keeps the
   rest's progress in the tree's blackboard with pre- and post-conditions on plain nodes
   (``btcpp_resume``: it resumes at the interrupted statement after its handler, and starts over
   after a failure or any other halt, as ours does; inside that statement BT.CPP starts over, so
   finer progress is ours only); ``set v = ...`` → ``Script code="@v := ..."``
   (a ``Script`` first in MainTree declares every mission variable with its start value, and a
   condition reads a variable as ``@v`` like a fact). Use a built-in (Delay,
   ForceSuccess, RetryUntilSuccessful, Precondition, Script …) before inventing a node; a new
   custom leaf must be declared in ``<TreeNodesModel>`` with its ports (the acceptance test
   registers stand-ins from that model, and fails on a port it does not declare).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import ClassVar

from bt_runtime import vocabulary as vocab
from bt_runtime.bindings import NODE_MODELS
from bt_runtime.requirements import CAMPAIGN_METRICS
from bt_runtime.specs import ParamKind
from bt_runtime.tree_model import NodeDescription, NodeSource, TaskInfo, describe
from bt_runtime.units import CANONICAL, Dimension, to_canonical
from dsl import ast as A
from dsl.checker import CheckedProgram
from dsl.compiler import CompiledMission, action_text, compile_mission, cond_text
from dsl.export.btcpp_ids import MAIN_TREE, SUBTREE_ATTRIBUTES, tree_ids
from dsl.export.btcpp_policies import POLICY_ROLES, init_deferrals, policy_models
from dsl.export.btcpp_ports import DERIVED, Needs, derived_ports, task_needs
from dsl.export.btcpp_resume import ResumeMarks
from dsl.export.btcpp_script import (
    DISTANCE_PREFIX,
    ExportError,
    Fact,
    condition_script,
    facts_read,
    place_distance_fact,
    var_key,
    where,
)

__all__ = ["CONDITION_ID", "MAIN_TREE", "ExportError", "to_btcpp_xml"]

#: The node every condition becomes: BehaviorTree.CPP's built-in script condition.
CONDITION_ID = "ScriptCondition"

#: The C++ type a host's node reads each kind of action parameter as (``getInput<T>``).
_PORT_TYPES = {ParamKind.QUANTITY: "double", ParamKind.NUMBER: "double", ParamKind.INT: "int"}

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

    def __init__(self, needs: Needs, variables: frozenset[str] = frozenset(),
                 ids: dict[str, str] | None = None) -> None:
        self.tasks: dict[str, NodeDescription] = {}
        self.ids = ids or {}  # each task's tree ID (dsl/export/btcpp_ids.py)
        self.needs = needs
        self.variables = variables
        self.facts: dict[str, Fact] = {}
        self.resume = ResumeMarks()  # resuming guards: dsl/export/btcpp_resume.py

    # ------------------------------------------------------------------------------ values
    @staticmethod
    def value(value: A.ArgValue, params: frozenset[str]) -> str:
        if isinstance(value, A.Ident):
            return "{" + value.name + "}" if value.name in params else value.name
        if isinstance(value, A.Quantity):
            return _num(to_canonical(value.value, value.unit))
        if isinstance(value, A.Text):
            text = value.value
            if len(text) > 1 and text[0] == "{" and text[-1] == "}":
                raise ExportError(
                    f"{where(value.span)}: BehaviorTree.CPP reads a port value that starts with "
                    f"`{{` and ends with `}}` as a blackboard entry, so {text!r} would not arrive "
                    "as text: start or end it with a word (e.g. \"found {victim} at {position}\")")
            return text
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
        return self._with_children(
            ET.Element("Sequence", {"name": node.name} if named else {}), node)

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
        reactive = self._with_children(ET.Element("ReactiveSequence", {"name": f"guard {text}"}),
                                       node)
        if not source.origin.resume:  # `then restart`: the rest forgets its place on every halt
            return reactive
        return self.resume.guard(reactive, f"guard {text}, resuming")

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
        for fact in facts_read(cond, params):  # type: ignore[arg-type]
            if fact.key not in self.variables:  # variables are declared by the first Script
                self.facts.setdefault(fact.key, fact)
        code = condition_script(cond, params)  # type: ignore[arg-type]
        name = cond_text(cond, refs=True) if params else cond_text(cond)  # type: ignore[arg-type]
        return ET.Element(CONDITION_ID, {"name": name, "code": code})

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
        if isinstance(stmt.duration, A.Ident):  # a task parameter: its callers pass it in msec
            port = DERIVED["msec"].port(stmt.duration.name)
            return self._with_children(ET.Element("Timeout", {"msec": "{" + port + "}"}), node)
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
        reserved = sorted(SUBTREE_ATTRIBUTES.intersection(order))
        if reserved:
            raise ExportError(
                f"{where(stmt.span)}: task `{node.task.name}` has a parameter `{reserved[0]}`, "
                "an attribute BehaviorTree.CPP reads on every <SubTree> itself, so the argument "
                "would not arrive as a port: rename the parameter")
        attrs = {"ID": self.ids.get(node.task.name, node.task.name)}
        for position, arg in enumerate(stmt.args):
            name = order[position] if arg.name is None else arg.name.name
            attrs[name] = self.value(arg.value, params)
        derived = derived_ports(node, self.needs, params)
        for value in derived.values():  # a place's distance remapped from the root: a fact read
            if value.startswith("{@" + DISTANCE_PREFIX):
                fact = place_distance_fact(value[2 + len(DISTANCE_PREFIX):-1])
                self.facts.setdefault(fact.key, fact)
        attrs.update(derived)
        return ET.Element("SubTree", attrs)

    def _set(self, node: NodeDescription, source: NodeSource,
             params: frozenset[str]) -> ET.Element:
        stmt = source.origin
        assert isinstance(stmt, A.SetVar)
        value = stmt.value
        if isinstance(value, A.VarStep):
            code = f"@{var_key(value.base.name)} {value.op} {int(value.step.value)}"
        else:
            code = _literal(value)
        return ET.Element("Script", {"code": f"@{var_key(stmt.name.name)} := {code}"})

    def _recover(self, node: NodeDescription, source: NodeSource,
                 params: frozenset[str]) -> ET.Element:
        return self._with_children(ET.Element("Fallback", {"name": node.name}), node)

    _BY_ROLE: ClassVar[dict[str, Callable[[_Builder, NodeDescription, NodeSource,
                                           frozenset[str]], ET.Element]]] = {
        "main": _sequence, "task": _sequence, "handler": _sequence, "rest": _sequence,
        "on_failure": _sequence, "block": _sequence, "statement": _statement, "guard": _guard,
        "when": _when, "not": _not, "condition": _condition, "repeat": _repeat, "retry": _retry,
        "timeout": _timeout, "if": _if, "action": _action, "call": _call, "recover": _recover,
        "set": _set,
        **POLICY_ROLES,  # failure policies: dsl/export/btcpp_policies.py
    }


def _literal(value: A.Quantity | A.BoolCond) -> str:
    if isinstance(value, A.BoolCond):
        return "true" if value.value else "false"
    return str(int(value.value))


def _models(tasks: list[TaskInfo], needs: Needs, ids: dict[str, str]) -> ET.Element:
    model = ET.Element("TreeNodesModel")
    for spec in vocab.ACTIONS.values():
        if spec.key == "succeed":
            continue
        node = ET.SubElement(model, "Action", {"ID": NODE_MODELS[spec.key]})
        for param in spec.params:
            port = {"name": param.name, "type": _PORT_TYPES.get(param.kind, "std::string")}
            ET.SubElement(node, "input_port", port).text = param.doc + (
                f" ({param.dimension.value}, {_unit(param.dimension)})" if param.dimension else "")
    for task in tasks:
        node = ET.SubElement(model, "SubTree", {"ID": ids.get(task.name, task.name)})
        for name, type_name in task.params:
            port = {"name": name, "type": "std::string"}
            ET.SubElement(node, "input_port", port).text = type_name
            for kind in sorted(needs.get(task.name, {}).get(name, ())):
                derived = DERIVED[kind]
                port = {"name": derived.port(name), "type": derived.type}
                ET.SubElement(node, "input_port", port).text = f"{name}: {derived.doc}"
    return model


def _unit(dimension: Dimension) -> str:
    return CANONICAL.get(dimension) or "no unit"


def _facts_comment(facts: dict[str, Fact]) -> ET.Element | None:
    if not facts:
        return None
    lines = "\n".join(f"    {facts[key].describe()}" for key in sorted(facts))
    return ET.Comment(" Facts the conditions read from the root blackboard (the host keeps "
                      f"them current):\n{lines}\n  ")


def _requirements_comment(mission: CompiledMission) -> ET.Element | None:
    """The ``require`` lines, which BehaviorTree.CPP has no node for: named in a comment so a
    host knows what quadmission judges over a run (and that the XML does not)."""
    lines = []
    for r in mission.requirements:
        spec = vocab.METRICS.get(r.metric)
        unit = CANONICAL.get(spec.dimension, "") if spec is not None else ""
        when = ("over a campaign of runs" if r.metric in CAMPAIGN_METRICS
                else "when a run ends")
        lines.append(f"require {r.metric} {r.op} {r.value:g}{' ' + unit if unit else ''}"
                     f"  (a metric, judged {when})")
    lines.extend(f"require {c.label()}  (line {c.line}: sampled after every tick)"
                 for c in mission.temporal)
    if not lines:
        return None
    text = "\n".join(f"    {line}".replace("--", "- -") for line in lines)  # `--` ends a comment
    return ET.Comment(" Requirements quadmission judges over a run; no node of this tree judges "
                      f"them (a host that wants them samples the facts after every tick):\n{text}"
                      "\n  ")


def to_btcpp_xml(mission: CheckedProgram | CompiledMission) -> str:
    """The mission as BehaviorTree.CPP v4 XML text.

    Args:
        mission: a compiled mission, or a checked program (compiled here; it needs a ``main``).

    Raises:
        ValueError: a checked program without ``main``.
        ExportError: a construct BehaviorTree.CPP can not be given as written (a point passed
            to a task that measures the distance to it), naming the file, line and column.
    """
    if isinstance(mission, CheckedProgram):
        if mission.main is None:
            raise ValueError(f"{mission.path}: no `main` block to export")
        mission = compile_mission(mission)
    description = describe(mission.root, mission.sources)
    needs = task_needs(description.root)
    ids = tree_ids(n.task.name for n in description.nodes() if n.task is not None)
    builder = _Builder(needs, frozenset(mission.variables), ids)
    root = ET.Element("root", {"BTCPP_format": "4", "main_tree_to_execute": MAIN_TREE})
    main = ET.Element("BehaviorTree", {"ID": MAIN_TREE})
    top = builder.element(description.root)
    init_deferrals(top, description.nodes())
    if builder.resume.used:  # nothing is being resumed when the mission starts
        top.insert(0, builder.resume.start())
    if mission.variables:  # declared on the root blackboard (`@`), seen by every SubTree
        start = "; ".join(f"@{var_key(name)} := {str(value).lower()}"
                          for name, value in mission.variables.items())
        top.insert(0, ET.Element("Script", {"code": start}))  # a BehaviorTree has one child
    main.append(top)
    done = 0
    while done < len(builder.tasks):  # tasks called from tasks are found as we go
        name, call = list(builder.tasks.items())[done]
        ET.SubElement(root, "BehaviorTree", {"ID": ids.get(name, name)}).append(
            builder.element(call.children[0]))
        done += 1
    subtrees = list(root)
    comments = [c for c in (_facts_comment(builder.facts), _requirements_comment(mission))
                if c is not None]
    root[:] = comments + [main] + subtrees
    models = _models([call.task for call in builder.tasks.values() if call.task is not None],
                     needs, ids)
    policy_models(models, description.nodes())
    root.append(models)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
