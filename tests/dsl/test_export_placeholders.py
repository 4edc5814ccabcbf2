"""An interpolated message is exported as the literal text written: BehaviorTree.CPP (and the
other exports) cannot fill ``{victim}`` in, so the port keeps the placeholders as text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from dsl.compiler import compile_mission
from dsl.export import to_btcpp_xml, to_json
from tests.dsl.helpers import check, errors

MISSION = """\
mission "T"
world "w.world"
main {
    search lot for victim
    report "found {victim} at {position}, {confidence} sure"
}
area lot rect (0, 0) to (10, 6)
"""
TEXT = "found {victim} at {position}, {confidence} sure"


def test_the_btcpp_port_keeps_the_placeholders_as_literal_text(tmp_path: Path) -> None:
    report = check(tmp_path, MISSION)
    assert errors(report) == [], report.render()
    root = ET.fromstring(to_btcpp_xml(report.programs[0]).split("\n", 1)[1])
    (node,) = [e for e in root.iter() if e.get("text") is not None]
    assert node.get("text") == TEXT  # a string port: not a blackboard entry ("{...}" whole)
    assert not (TEXT.startswith("{") and TEXT.endswith("}"))


def test_the_json_export_keeps_the_text_as_written(tmp_path: Path) -> None:
    report = check(tmp_path, MISSION)
    assert TEXT in json.dumps(json.loads(to_json(compile_mission(report.programs[0]))))
