"""Exporters of compiled missions: JSON, Graphviz dot, BehaviorTree.CPP v4 XML, and a text tree.

All four render from one description of the compiled tree (:func:`bt_runtime.tree_model.describe`).
"""

from dsl.export.btcpp import ExportError, to_btcpp_xml
from dsl.export.dot import to_dot
from dsl.export.json_export import to_json
from dsl.export.text_tree import render_tree
from dsl.export.values import jsonable

__all__ = ["ExportError", "jsonable", "render_tree", "to_btcpp_xml", "to_dot", "to_json"]
