"""The tree description: the executor's ids and paths, kinds, params, and the TreeDefinition."""

from __future__ import annotations

import py_trees
import pytest
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.events import TreeDefinition, TreeNode
from bt_runtime.tree_model import NodeSource, describe, node_index, tree_definition


class _Origin:
    class span:
        file, line, col, end_line, end_col = "m.mission", 3, 5, 3, 12


def _tree() -> Sequence:
    inner = Sequence("inner", memory=True, children=[bh.Wait("w", 2.0)])
    call = bh.TaskCall("t(1)", inner, task="t", args={"n": "1"})
    inverter = py_trees.decorators.Inverter("no", bh.Fail("f", "x"))
    return Sequence("m", memory=True, children=[bh.Succeed("a"), call, inverter])


def test_ids_paths_kinds_and_params() -> None:
    root = _tree()
    d = describe(root)
    assert [(n.id, n.path, n.kind) for n in d.nodes()] == [
        ("0", "m", "Sequence"), ("0.0", "m/a", "Succeed"), ("0.1", "m/t(1)", "TaskCall"),
        ("0.1.0", "m/t(1)/inner", "Sequence"), ("0.1.0.0", "m/t(1)/inner/w", "Wait"),
        ("0.2", "m/no", "Inverter"), ("0.2.0", "m/no/f", "Fail")]
    wait = d.node_of(root.children[1].children[0].children[0])
    assert wait.action == "wait" and wait.params == {"duration": 2.0} and wait.settings == {}
    assert d.root.settings == {"memory": True} and d.root.action == "" and d.root.params == {}
    call = d.node_of(root.children[1])
    assert call.settings == {"task": "t", "args": {"n": "1"}} and call.action == ""
    assert call.task is not None and call.task.name == "t" and call.task.params == ()
    assert all(n.source is None and n.span is None and n.role == "" for n in d.nodes())
    with pytest.raises(KeyError):
        d.node_of(bh.Succeed("elsewhere"))


def test_sources_give_spans_roles_and_task_parameters() -> None:
    root = _tree()
    call = root.children[1]
    sources = {id(root): NodeSource(_Origin, "main"),
               id(call): NodeSource(_Origin, "call", {}, (("n", "int"),))}
    d = describe(root, sources)
    assert d.root.role == "main" and d.root.span is not None
    assert (d.root.span.file, d.root.span.line, d.root.span.col) == ("m.mission", 3, 5)
    described_call = d.node_of(call)
    assert described_call.task is not None and described_call.task.params == (("n", "int"),)
    assert d.node_of(root.children[0]).span is None


def test_tree_definition_and_index_are_what_the_executor_publishes() -> None:
    root = Sequence("m", memory=True, children=[bh.Succeed("a"), bh.Wait("b", 1.0)])
    d = describe(root)
    definition = tree_definition(d)
    assert isinstance(definition, TreeDefinition)
    assert definition.root == TreeNode("0", "m", "Sequence", {}, (
        TreeNode("0.0", "a", "Succeed", {}),
        TreeNode("0.1", "b", "Wait", {"duration": 1.0})))
    index = node_index(d)
    assert index[id(root.children[1])] == ("0.1", "m/b") and index[id(root)] == ("0", "m")
