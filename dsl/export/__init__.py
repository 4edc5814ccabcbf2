"""Exporters of compiled missions: JSON, Graphviz dot, BehaviorTree.CPP v4 XML, and a text tree."""

from dsl.export.btcpp import to_btcpp_xml
from dsl.export.describe import NodeInfo, describe, jsonable
from dsl.export.dot import to_dot
from dsl.export.json_export import to_json
from dsl.export.text_tree import render_tree

__all__ = ["NodeInfo", "describe", "jsonable", "render_tree", "to_btcpp_xml", "to_dot", "to_json"]
