"""Exporters: stable JSON, Graphviz dot, BehaviorTree.CPP v4 XML (Groot2), the text tree."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from bt_runtime import vocabulary as vocab
from bt_runtime.bindings import NODE_MODELS
from dsl.compiler import compile_mission
from dsl.export import render_tree, to_btcpp_xml, to_dot, to_json
from tests.dsl.helpers import check, errors

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("QM_UPDATE_GOLDEN") == "1"

MISSION = """\
mission "Export sample" { tick_rate 5 Hz }
world "w.world"
route loop: gate -> tower -> gate
task sweep(r: route, laps: int) {
    repeat laps { follow r  scan radius 8 m for intruder }
} on failure {
    alert "sweep failed"
    dock at base
}
task visit(p: place) { go to p  wait 2 s }
main {
    guard battery < 25 % { dock at base  charge until 90 % }
    sweep(loop, 2)
    if victims_found >= 1 { report "found" } else { visit(tower)  visit((4, 4)) }
    parallel any { timeout 1 min { stand }  retry 2 { wait 1 s } }
}
require success >= 90 %
require always battery >= 15 %
require docked within 5 min of victims_found >= 1
"""


def program(tmp_path: Path):  # type: ignore[no-untyped-def]
    report = check(tmp_path, MISSION)
    assert errors(report) == [], report.render()
    return report.programs[0]


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with QM_UPDATE_GOLDEN=1 and review"
    return path.read_text(encoding="utf-8")


def test_json_is_stable_and_complete(tmp_path: Path) -> None:
    checked = program(tmp_path)
    first = to_json(compile_mission(checked))
    assert first == to_json(compile_mission(checked))
    assert first == golden("export_sample.json", first)
    doc = json.loads(first)
    assert doc["format"] == "quadmission-tree/1" and doc["tick_rate"] == 5.0
    leaves = []

    def walk(node: dict) -> None:  # type: ignore[type-arg]
        if "action" in node:
            leaves.append(node)
        for child in node.get("children", []):
            walk(child)

    walk(doc["tree"])
    follow = next(n for n in leaves if n["action"] == "follow")
    assert follow["params"]["route"]["closed"] is True
    assert [p["name"] for p in follow["params"]["route"]["places"]] == ["gate", "tower", "gate"]
    goto = next(n for n in leaves if n["action"] == "go_to")
    assert goto["params"]["target"] == {"name": "tower", "x": 20.0, "y": 10.0, "z": 0.0}


def test_dot_is_well_formed(tmp_path: Path) -> None:
    compiled = compile_mission(program(tmp_path))
    dot = to_dot(compiled.root, compiled.name)
    assert dot == golden("export_sample.dot", dot)
    nodes = [line for line in dot.splitlines() if "[shape=" in line]
    edges = [line for line in dot.splitlines() if "->" in line]
    assert dot.startswith('digraph "Export sample" {') and dot.rstrip().endswith("}")
    assert len(nodes) == len(list(compiled.root.iterate()))
    assert len(edges) == len(nodes) - 1


def test_btcpp_xml_for_groot2(tmp_path: Path) -> None:
    xml = to_btcpp_xml(program(tmp_path))
    assert xml == golden("export_sample.btcpp.xml", xml)
    root = ET.fromstring(xml.split("\n", 1)[1])
    assert root.tag == "root" and root.attrib == {"BTCPP_format": "4",
                                                  "main_tree_to_execute": "MainTree"}
    trees = [t.attrib["ID"] for t in root.findall("BehaviorTree")]
    assert trees == ["MainTree", "sweep", "visit"]
    calls = {s.attrib["ID"] for tree in root.findall("BehaviorTree") for s in tree.iter("SubTree")}
    assert calls == {"sweep", "visit"}
    model = root.find("TreeNodesModel")
    assert model is not None
    declared = {n.attrib["ID"] for n in model}
    used = {e.tag for e in root.iter() if e.tag[0].isupper()} - {
        "Sequence", "Script", "Fallback", "ReactiveSequence", "Parallel", "Repeat",
        "RetryUntilSuccessful",
        "Timeout", "IfThenElse", "Inverter", "AlwaysSuccess", "SubTree", "BehaviorTree",
        "TreeNodesModel", "Action", "ScriptCondition"}
    assert used <= declared
    for spec in vocab.ACTIONS.values():
        if spec.key != "succeed":
            node = model.find(f"Action[@ID='{NODE_MODELS[spec.key]}']")
            assert node is not None
            assert [p.attrib["name"] for p in node] == [p.name for p in spec.params]
    sweep = model.find("SubTree[@ID='sweep']")
    assert sweep is not None and [p.attrib["name"] for p in sweep] == ["r", "laps"]
    repeat = root.find("BehaviorTree[@ID='sweep']//Repeat")
    assert repeat is not None and repeat.attrib["num_cycles"] == "{laps}"
    call = root.find("BehaviorTree[@ID='MainTree']//SubTree[@ID='sweep']")
    assert call is not None
    ports = {k: v for k, v in call.attrib.items() if not k.startswith("_")}
    assert ports == {"ID": "sweep", "r": "loop", "laps": "2"}
    # the first statement the battery guard protects: skipped once done, when it resumes
    assert call.attrib["_onSuccess"] == "qm_rest_1 := 1"
    assert call.attrib["_skipIf"].endswith("; qm_rest_1 > 0")


def test_text_tree(tmp_path: Path) -> None:
    compiled = compile_mission(program(tmp_path))
    text = render_tree(compiled.root)
    assert text == golden("export_sample.txt", text)
    lines = text.splitlines()
    assert lines[0] == "Export sample  [Sequence memory=True]"
    assert len(lines) == len(list(compiled.root.iterate()))
    assert all(line.lstrip("│ ").startswith(("├── ", "└── ")) for line in lines[1:])


def test_btcpp_timeout_from_a_parameter_is_converted_to_msec(tmp_path: Path) -> None:
    """The call passes the msec, computed here: BT.CPP's script refuses `limit * 1000` (a port
    given a literal is a string in the SubTree)."""
    text = ('mission "T"\nworld "w.world"\ntask t(limit: time) { timeout limit { stand } }\n'
            "main { t(2 min) }\n")
    report = check(tmp_path, text)
    assert errors(report) == [], report.render()
    root = ET.fromstring(to_btcpp_xml(report.programs[0]).split("\n", 1)[1])
    assert root.find(".//Script") is None
    timeout = root.find("BehaviorTree[@ID='t']/Sequence/Timeout")
    assert timeout is not None and timeout.attrib == {"msec": "{limit_msec}"}
    call = root.find(".//SubTree[@ID='t']")
    assert call is not None and call.attrib == {"ID": "t", "limit": "120", "limit_msec": "120000"}
    model = root.find("TreeNodesModel/SubTree[@ID='t']")
    assert model is not None
    assert [(p.attrib["name"], p.attrib["type"]) for p in model] == [
        ("limit", "std::string"), ("limit_msec", "unsigned")]


def test_btcpp_conditions_are_script_conditions_over_root_facts(tmp_path: Path) -> None:
    text = ('mission "T"\nworld "w.world"\ntask t(item: payload) { if not carrying item and '
            "battery < 30 % { sit } }\nmain { t(medkit) }\n")
    report = check(tmp_path, text)
    assert errors(report) == [], report.render()
    xml = to_btcpp_xml(report.programs[0])
    root = ET.fromstring(xml.split("\n", 1)[1])
    condition = root.find(".//ScriptCondition")
    assert condition is not None
    assert condition.attrib["code"] == "!(@carrying == item) && @battery < 30"
    assert "@battery (double, %): battery charge left" in xml
    assert "@carrying (std::string)" in xml


def test_json_lists_the_temporal_lines_beside_the_metrics(tmp_path: Path) -> None:
    doc = json.loads(to_json(compile_mission(program(tmp_path))))
    assert doc["requirements"] == [{"metric": "success", "op": ">=", "value": 90.0}]
    line = MISSION.splitlines().index("require always battery >= 15 %") + 1
    assert doc["temporal"] == [
        {"kind": "always", "condition": "battery >= 15 %", "duration": None, "trigger": None,
         "line": line, "label": "always battery >= 15 %"},
        {"kind": "within", "condition": "docked", "duration": 300.0,
         "trigger": "victims_found >= 1", "line": line + 1,
         "label": "docked within 5 min of victims_found >= 1"}]


def test_btcpp_xml_names_every_requirement_in_a_comment(tmp_path: Path) -> None:
    xml = to_btcpp_xml(program(tmp_path))
    line = MISSION.splitlines().index("require always battery >= 15 %") + 1
    comment = xml[xml.index("<!-- Requirements"):]
    comment = comment[:comment.index("-->")]
    assert "no node of this tree judges them" in comment
    assert "require success >= 90 %  (a metric, judged over a campaign of runs)" in comment
    assert f"require always battery >= 15 %  (line {line}: sampled after every tick)" in comment
    assert (f"require docked within 5 min of victims_found >= 1  (line {line + 1}: sampled "
            "after every tick)") in comment
    assert "Requirements" not in to_btcpp_xml(check(tmp_path, MISSION.replace(
        "require ", "# require ")).programs[0])
