"""BehaviorTree.CPP v4 elements of failure policies (dsl/compile_policies.py), with built-in nodes.

* ``retry N every D`` → ``Fallback[step, RetryUntilSuccessful(num_attempts=N)[Sequence[
  Delay(delay_msec=D)[AlwaysSuccess], step]]]``: the first attempt, then at most N retries, each
  after the delay (no delay: ``RetryUntilSuccessful[step]`` directly). The step is written twice.
* ``skip`` → ``Fallback[step, Alert]``: the alert line succeeds.
* ``retry later`` → ``Fallback[step, Sequence[Script(@deferred_k := true), Alert]]`` in place and,
  in the main tree's ``retry later`` section, ``Sequence[copy]`` with
  ``_skipIf="@deferred_k == false"``; the main tree starts with a Script setting every
  ``@deferred_k`` to false. ``@`` names the root blackboard, shared with SubTrees (BT.CPP ≥ 4.5).
* ``abort`` → ``Fallback[step, Sequence[ForceSuccess[Sit], AbortMission(reason)]]``; AbortMission
  is the one custom node (declared in the TreeNodesModel).
* ``{ H }`` → ``Fallback[step, H]`` (the role "recover" of dsl/export/btcpp.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Protocol

from bt_runtime.bindings import NODE_MODELS
from bt_runtime.tree_model import NodeDescription, NodeSource
from dsl import ast as A

__all__ = ["ABORT_ID", "POLICY_ROLES", "init_deferrals", "policy_models"]

#: The custom node that ends a run as aborted.
ABORT_ID = "AbortMission"


class _Builder(Protocol):
    def element(self, node: NodeDescription) -> ET.Element: ...

    def _with_children(self, element: ET.Element, node: NodeDescription) -> ET.Element: ...


def _alert(text: str) -> ET.Element:
    return ET.Element(NODE_MODELS["alert"], {"text": text})


def _delay_msec(source: NodeSource, node: NodeDescription) -> tuple[list[ET.Element], str]:
    """(Scripts to run first, the delay_msec attribute) of a retry's delay."""
    policy = getattr(source.origin, "policy", None)
    delay = getattr(policy, "delay", None)
    if isinstance(delay, A.Ident) and delay.name in source.scope:  # a task parameter, seconds
        name = delay.name
        return [ET.Element("Script", {"code": f"{name}_msec := {name} * 1000"})], \
            "{" + name + "_msec}"
    return [], str(round(float(node.settings.get("delay", 0.0)) * 1000))


def _policy(builder: _Builder, node: NodeDescription, source: NodeSource,
            params: frozenset[str]) -> ET.Element:
    step = node.children[0]
    if node.kind == "BackoffRetry":
        return _retry(builder, node, source)
    if node.kind == "SkipOnFailure":
        element = ET.Element("Fallback", {"name": node.name})
        element.extend([builder.element(step), _alert(f"skipped `{step.name}`")])
        return element
    if node.kind == "DeferOnFailure":
        key = str(node.settings["key"])
        element = ET.Element("Fallback", {"name": node.name})
        element.append(builder.element(step))
        mark = ET.SubElement(element, "Sequence")
        ET.SubElement(mark, "Script", {"code": f"@{key} := true"})
        mark.append(_alert(f"deferred `{step.name}` to after the rest of the mission"))
        return element
    return builder._with_children(ET.Element("Fallback", {"name": node.name}), node)  # abort


def _retry(builder: _Builder, node: NodeDescription, source: NodeSource) -> ET.Element:
    step = node.children[0]
    policy = getattr(source.origin, "policy", None)
    count = getattr(policy, "count", None)
    if isinstance(count, A.Ident) and count.name in source.scope:
        attempts = "{" + count.name + "}"
    else:
        attempts = str(node.settings["retries"])
    retry = ET.Element("RetryUntilSuccessful", {"num_attempts": attempts})
    scripts, msec = _delay_msec(source, node)
    if float(node.settings.get("delay", 0.0)) > 0:
        again = ET.SubElement(retry, "Sequence")
        ET.SubElement(ET.SubElement(again, "Delay", {"delay_msec": msec}), "AlwaysSuccess")
        again.append(builder.element(step))
    else:
        retry.append(builder.element(step))
    element = ET.Element("Fallback", {"name": node.name})
    element.extend([builder.element(step), retry])
    if not scripts:
        return element
    wrapper = ET.Element("Sequence")
    wrapper.extend([*scripts, element])
    return wrapper


def _named(tag: str) -> Callable[[_Builder, NodeDescription, NodeSource, frozenset[str]],
                                 ET.Element]:
    def build(builder: _Builder, node: NodeDescription, source: NodeSource,
              params: frozenset[str]) -> ET.Element:
        attrs = {"name": node.name} if tag == "Sequence" else {}
        return builder._with_children(ET.Element(tag, attrs), node)
    return build


def _later_step(builder: _Builder, node: NodeDescription, source: NodeSource,
                params: frozenset[str]) -> ET.Element:
    key = str(node.settings["key"])
    element = ET.Element("Sequence", {"name": node.name, "_skipIf": f"@{key} == false"})
    return builder._with_children(element, node)


def _abort(builder: _Builder, node: NodeDescription, source: NodeSource,
           params: frozenset[str]) -> ET.Element:
    return ET.Element(ABORT_ID, {"name": node.name, "reason": str(node.params.get("reason", ""))})


#: Exporters of the roles dsl/compile_policies.py marks, merged into btcpp's table of roles.
POLICY_ROLES = {
    "policy": _policy, "abort_safely": _named("Sequence"), "force_success": _named("ForceSuccess"),
    "abort": _abort, "later": _named("Sequence"), "later_step": _later_step,
}


def init_deferrals(main: ET.Element, nodes: Iterable[NodeDescription]) -> None:
    """Start the main tree by clearing every deferral flag (a ``_skipIf`` reads them)."""
    keys = [str(n.settings["key"]) for n in nodes if n.kind == "LaterStep"]
    if keys:
        code = "; ".join(f"@{key} := false" for key in keys)
        main.insert(0, ET.Element("Script", {"code": code}))


def policy_models(model: ET.Element, nodes: Iterable[NodeDescription]) -> None:
    """Declare :data:`ABORT_ID` and its port in the TreeNodesModel, if the tree uses it."""
    if not any(n.kind == ABORT_ID for n in nodes):
        return
    node = ET.SubElement(model, "Action", {"ID": ABORT_ID})
    ET.SubElement(node, "input_port", {"name": "reason", "type": "std::string"}).text = (
        "why the mission is aborted (the robot has sat down)")
