"""The compiled tree's one description agrees with the executor's numbering and carries sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_runtime.tree_model import describe, node_index, tree_definition
from dsl.api import check_paths
from dsl.compiler import compile_mission
from dsl.export import to_btcpp_xml
from tests.dsl.helpers import HEADER, check

MISSIONS = Path(__file__).resolve().parents[2] / "missions"


@pytest.mark.parametrize("name", ["patrol", "rescue", "logistics"])
def test_ids_are_positions_and_paths_are_names(name: str) -> None:
    report = check_paths([str(MISSIONS / f"{name}.mission")])
    compiled = compile_mission(report.programs[0])
    description = describe(compiled.root, compiled.sources)
    assert description.root.id == "0" and description.root.path == compiled.root.name
    for parent in description.nodes():
        for i, child in enumerate(parent.children):
            assert child.id == f"{parent.id}.{i}"
            assert child.path == f"{parent.path}/{child.name}"
    index = node_index(description)
    assert len(index) == sum(1 for _ in compiled.root.iterate())
    assert index[id(compiled.root)] == ("0", compiled.root.name)
    definition = tree_definition(description).root
    assert [n.id for n in definition.children] == [n.id for n in description.root.children]
    assert all(node.source is not None for node in description.nodes())


def test_sources_give_spans_roles_and_the_task_structure(tmp_path: Path) -> None:
    report = check(tmp_path, HEADER + "task t(p: place, n: int) { repeat n { go to p } }\n"
                   "main {\n  guard battery < 20 % { dock }\n  t(gate, 2)\n}\n")
    compiled = compile_mission(report.programs[0])
    d = describe(compiled.root, compiled.sources)
    roles = [n.role for n in d.nodes()]
    assert roles == ["main", "guard", "when", "not", "condition", "handler", "action", "rest",
                     "call", "task", "repeat", "block", "action"]
    go = next(n for n in d.nodes() if n.action == "go_to")
    assert go.span is not None and (go.span.line, go.span.col) == (3, 39)
    call = next(n for n in d.nodes() if n.role == "call")
    assert call.task is not None and call.task.params == (("p", "place"), ("n", "int"))
    assert dict(call.task.args) == {"p": "gate", "n": "2"}
    assert to_btcpp_xml(compiled) == to_btcpp_xml(report.programs[0])


def test_btcpp_needs_a_compiled_trees_sources(tmp_path: Path) -> None:
    from dataclasses import replace

    report = check(tmp_path, HEADER + "main { stand }\n")
    compiled = replace(compile_mission(report.programs[0]), sources={})
    with pytest.raises(ValueError, match="has no source"):
        to_btcpp_xml(compiled)
