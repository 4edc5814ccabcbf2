"""Load an exported XML in BehaviorTree.CPP itself (``behaviortreepy``) and tick it with stand-ins.

The stand-ins are read from the XML's own ``<TreeNodesModel>``, so a new action is covered by
itself. ``behaviortreepy`` registers Python leaves without ports (its ``register_simple_*`` take
no port list, and BehaviorTree.CPP refuses an XML attribute its node does not declare). So each
custom leaf ``<GoTo name=".." target="{p}"/>`` is loaded as ``<SubTree ID="StandIn_GoTo"
name=".." target="{p}"/>``: BehaviorTree.CPP itself does the remapping, the literal-to-string
conversion and the ``{param}`` lookups through every SubTree level, and the stand-in inside reads
each declared port from its SubTree's blackboard. The one check BehaviorTree.CPP would have done
on the leaf (every attribute is a declared port, xml_parsing.cpp "is found in the XML ... but
not in the providedPorts()") is done here, before loading.

Facts (``@battery`` …) are seeded on the root blackboard from what the scripts read: conditions
are BehaviorTree.CPP's own ``ScriptCondition`` and return what the fixed facts make them.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import behaviortreepy as bt

from dsl.export.btcpp_script import FACTS

STAND_IN = "StandIn_"  # the SubTree each custom leaf becomes
LEAF = "StandInLeaf_"  # the Python leaf inside it (a SubTree ID may not name a registered node)
_FACT_RE = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")
_NUMERIC = {"double", "int", "unsigned"}
#: The pre- and post-condition attributes BehaviorTree.CPP takes on every node, ports or not
#: (tree_node.h, PreCond and PostCond).
CONDITIONS = frozenset({"_failureIf", "_successIf", "_skipIf", "_while", "_onSuccess",
                        "_onFailure", "_onHalted", "_post"})


@dataclass(frozen=True)
class Call:
    """One stand-in start: the node ID, its instance name and the port values it read."""

    node: str
    name: str
    ports: Mapping[str, float | str]


@dataclass
class Outcome:
    """What a load and tick did."""

    status: str
    ticks: int
    calls: list[Call] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def of(self, node: str) -> list[Call]:
        """The calls of the stand-in for ``node``."""
        return [c for c in self.calls if c.node == node]


def declared_actions(root: ET.Element) -> dict[str, dict[str, str]]:
    """Action ID -> port name -> type, from the XML's ``<TreeNodesModel>``."""
    model = root.find("TreeNodesModel")
    assert model is not None, "the export has no <TreeNodesModel>"
    return {a.attrib["ID"]: {p.attrib["name"]: p.attrib.get("type", "") for p in a}
            for a in model.findall("Action")}


def _rewrite(root: ET.Element, actions: dict[str, dict[str, str]]) -> None:
    for tree in root.findall("BehaviorTree"):
        for element in tree.iter():
            if element.tag not in actions:
                continue
            undeclared = set(element.attrib) - set(actions[element.tag]) - {"name"} - CONDITIONS
            assert not undeclared, (f"<{element.tag}> has attributes {sorted(undeclared)} that its "
                                    "<TreeNodesModel> entry does not declare")
            attrs = {"ID": STAND_IN + element.tag, **element.attrib}
            element.tag = "SubTree"
            element.attrib.clear()
            element.attrib.update(attrs)
    for action in actions:
        ET.SubElement(ET.SubElement(root, "BehaviorTree", {"ID": STAND_IN + action}),
                      LEAF + action)


def _fact_value(key: str, overrides: Mapping[str, object]) -> object:
    if key in overrides:
        return overrides[key]
    kind = FACTS[key].type if key in FACTS else "double"
    if key == "battery":
        return 80.0
    if key.startswith("distance_to_"):
        return 100.0
    return {"double": 0.0, "int": 0, "bool": False}.get(kind, "")


def _seed(root: ET.Element, overrides: Mapping[str, object]) -> tuple[object, dict[str, object]]:
    keys: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "code" or value.startswith("{@"):
                keys.update(_FACT_RE.findall(value))
    board = bt.Blackboard.create()
    facts = {key: _fact_value(key, overrides) for key in sorted(keys)}
    for key, value in facts.items():
        if isinstance(value, bool):
            board.set_bool(key, value)
        elif isinstance(value, int):
            board.set_int(key, value)
        elif isinstance(value, float):
            board.set_double(key, value)
        else:
            board.set_string(key, str(value))
    return board, facts


Reader = Callable[[bt.TreeNode], dict[str, float | str]]


def _reader(ports: dict[str, str]) -> Reader:
    def read(node: bt.TreeNode) -> dict[str, float | str]:
        board = node.config().blackboard
        seen: dict[str, float | str] = {}
        for port, kind in ports.items():
            try:
                seen[port] = board.get_double(port) if kind in _NUMERIC else board.get_string(port)
            except RuntimeError:  # not passed (an optional port)
                continue
        return seen
    return read


@dataclass
class Prepared:
    """An export made loadable: the factory with the stand-ins, the XML to load, the facts."""

    factory: bt.BehaviorTreeFactory
    text: str
    board: bt.Blackboard
    outcome: Outcome

    def load(self) -> bt.Tree:
        """The tree, as BehaviorTree.CPP builds it from :attr:`text`."""
        return self.factory.create_tree_from_text(self.text, self.board)


def prepare(xml: str, facts: Mapping[str, object] | None = None, *,
            endless: frozenset[str] = frozenset()) -> Prepared:
    """Register stand-ins for the XML's declared actions and rewrite its leaves to call them.

    Args:
        xml: an exported mission.
        facts: root-blackboard facts to use instead of the defaults (battery 80 %, …).
        endless: action IDs whose stand-in stays RUNNING (to let a Timeout fire).
    """
    root = ET.fromstring(xml.split("\n", 1)[1] if xml.startswith("<?xml") else xml)
    actions = declared_actions(root)
    _rewrite(root, actions)
    board, seeded = _seed(root, facts or {})
    outcome = Outcome(status="IDLE", ticks=0, facts=seeded)
    factory = bt.BehaviorTreeFactory()
    for action, ports in actions.items():
        read = _reader(ports)

        def start(node: bt.TreeNode, action: str = action, read: Reader = read) -> bt.NodeStatus:
            outcome.calls.append(Call(action, node.full_path(), read(node)))
            return bt.NodeStatus.RUNNING

        def running(node: bt.TreeNode, action: str = action) -> bt.NodeStatus:
            if action in endless:
                return bt.NodeStatus.RUNNING
            return bt.NodeStatus.FAILURE if action == "Fail" else bt.NodeStatus.SUCCESS

        factory.register_simple_stateful_action(LEAF + action, start, running)
    return Prepared(factory, ET.tostring(root, encoding="unicode"), board, outcome)


def run(xml: str, facts: Mapping[str, object] | None = None, *, max_ticks: int = 2000,
        endless: frozenset[str] = frozenset(), tick_sleep: float = 0.0) -> Outcome:
    """Load ``xml`` in BehaviorTree.CPP with stand-ins and tick it until it ends or ``max_ticks``.

    Args:
        xml: an exported mission.
        facts: root-blackboard facts to use instead of the defaults (battery 80 %, …).
        max_ticks: ticks before giving up (a ``repeat forever`` never ends).
        endless: action IDs whose stand-in stays RUNNING (to let a Timeout fire).
        tick_sleep: seconds between ticks.
    """
    prepared = prepare(xml, facts, endless=endless)
    outcome = prepared.outcome
    tree = prepared.load()
    status = bt.NodeStatus.RUNNING
    while status == bt.NodeStatus.RUNNING and outcome.ticks < max_ticks:
        status = tree.tick_exactly_once()
        outcome.ticks += 1
        if tick_sleep:
            time.sleep(tick_sleep)
    outcome.status = status.name
    tree.halt_tree()
    return outcome
