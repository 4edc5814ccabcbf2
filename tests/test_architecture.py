"""The direction of every import in the repository, lazy ones included, and no import cycles.

An AST scan of every ``.py`` file under the packages counts ``import x``, ``from x import y``,
relative ``from . import y``, imports inside functions (lazy) and under ``TYPE_CHECKING``,
``importlib.import_module("x")`` / ``__import__("x")`` calls, and ``"module:function"`` string
literals that name one of our packages (handler and backend tables). The arrows allowed::

    locomotion  <-  bt_runtime  <-  dsl  <-  quadmission  ->  tui
                                                 bench: may import anything; nothing imports it

so locomotion imports none of ours; bt_runtime never imports dsl, tui or quadmission; dsl never
imports tui or quadmission; tui never imports dsl, locomotion or quadmission. Between modules there
is no cycle, lazy imports included. Each failure names the file, the line and the import.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dsl", "bt_runtime", "locomotion", "tui", "quadmission", "bench")
FORBIDDEN: Mapping[str, frozenset[str]] = {
    "locomotion": frozenset({"dsl", "bt_runtime", "tui", "quadmission", "bench"}),
    "bt_runtime": frozenset({"dsl", "tui", "quadmission", "bench"}),
    "dsl": frozenset({"tui", "quadmission", "bench"}),
    "tui": frozenset({"dsl", "locomotion", "quadmission", "bench"}),
    "quadmission": frozenset({"bench"}),
}


@dataclass(frozen=True)
class Import:
    """One place where module ``source`` (in ``file`` at ``line``) imports module ``target``."""

    file: str
    line: int
    source: str
    target: str
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.source} -> {self.target}  ({self.text})"


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module under ``packages`` by dotted name (a package is its ``__init__``)."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: Mapping[str, Path]) -> str:
    """``name`` cut back to the longest prefix that is one of our modules."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts) or name


def _relative_base(module: str, is_package: bool, level: int) -> str:
    parts = module.split(".")
    if not is_package:
        parts.pop()
    return ".".join(parts[: len(parts) - (level - 1)] if level > 1 else parts)


def _dynamic_target(node: ast.Call, module: str, is_package: bool) -> str | None:
    """The module named by ``importlib.import_module("x")`` or ``__import__("x")``, if constant."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    target = first.value
    if target.startswith("."):
        level = len(target) - len(target.lstrip("."))
        rest = target[level:]
        base = _relative_base(module, is_package, level)
        target = f"{base}.{rest}" if rest else base
    return target


def _targets(node: ast.AST, module: str, is_package: bool, modules: Mapping[str, Path],
             handler: re.Pattern[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            prefix = _relative_base(module, is_package, node.level)
            base = f"{prefix}.{base}" if base else prefix
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in modules else base
    elif isinstance(node, ast.Call):
        target = _dynamic_target(node, module, is_package)
        if target is not None:
            yield target
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        found = handler.fullmatch(node.value)
        if found:
            yield found.group(1)


def scan(root: Path, packages: Iterable[str] = PACKAGES) -> list[Import]:
    """Every import of one of ``packages`` by a module of ``packages`` under ``root``."""
    packages = tuple(packages)
    modules = module_names(root, packages)
    ours = "|".join(re.escape(p) for p in packages)
    handler = re.compile(rf"((?:{ours})(?:\.[A-Za-z_]\w*)*):[A-Za-z_]\w*")
    found: set[Import] = set()
    for module, path in modules.items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
        is_package = path.name == "__init__.py"
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            for target in _targets(node, module, is_package, modules, handler):
                if target.split(".")[0] not in packages:
                    continue
                segment = ast.get_source_segment(text, node) or ""
                found.add(Import(rel, getattr(node, "lineno", 0), module,
                                 _known(target, modules), " ".join(segment.split())[:100]))
    return sorted(found, key=lambda i: (i.file, i.line, i.target))


def direction_violations(imports: Iterable[Import]) -> list[Import]:
    """The imports that point against an arrow of :data:`FORBIDDEN`."""
    return [i for i in imports
            if i.target.split(".")[0] in FORBIDDEN.get(i.source.split(".")[0], frozenset())]


def _strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _shortest_cycle(start: str, members: set[str],
                    edges: Mapping[tuple[str, str], Import]) -> list[Import]:
    """A shortest path of imports from ``start`` back to itself, inside one component."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for source, target in sorted(edges):
                if source != node or target not in members:
                    continue
                if target == start:
                    path = [edges[(node, start)]]
                    while node != start:
                        path.append(edges[(parents[node], node)])
                        node = parents[node]
                    return path[::-1]
                if target not in parents:
                    parents[target] = node
                    following.append(target)
        frontier = following
    return []


def cycles(imports: Iterable[Import]) -> list[list[Import]]:
    """One shortest import cycle per group of modules that import each other (lazily or not),
    as the chain of imports that closes it, starting at the group's first module by name."""
    edges: dict[tuple[str, str], Import] = {}
    for i in sorted(imports, key=lambda i: (i.file, i.line)):
        if i.source != i.target:
            edges.setdefault((i.source, i.target), i)
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    return [
        _shortest_cycle(component[0], set(component), edges)
        for component in _strongly_connected(graph)
        if len(component) > 1
    ]


def _report(title: str, lines: Iterable[str]) -> str:
    return title + "\n" + "\n".join(f"  {line}" for line in lines)


def test_every_import_points_the_allowed_way() -> None:
    bad = direction_violations(scan(ROOT))
    if bad:
        pytest.fail(_report("imports against the package arrows:", map(str, bad)), pytrace=False)


def test_there_are_no_import_cycles_between_modules() -> None:
    found = cycles(scan(ROOT))
    if found:
        pytest.fail("\n".join(
            _report(f"import cycle {' -> '.join([*(i.source for i in c), c[0].source])}:",
                    map(str, c))
            for c in found
        ), pytrace=False)


def test_the_scan_sees_the_application_layer() -> None:
    # a scanner that sees nothing passes every rule: make sure it sees what it must
    imports = scan(ROOT)
    handlers = {i.target for i in imports if i.source == "quadmission.cli"}
    assert "quadmission.commands.run" in handlers  # through a "module:function" string
    assert any(i.source == "locomotion.backends" and i.target == "locomotion.pybullet_backend"
               for i in imports)
    sources = {i.source.split(".")[0] for i in imports
               if i.target.startswith(("dsl", "bt_runtime"))}
    assert "bt_runtime" in sources and "quadmission" in sources and "dsl" in sources


FAKE = {
    "locomotion/__init__.py": "",
    "locomotion/walk.py": "import math\n\n\ndef lazy():\n    from bt_runtime import robot\n",
    "bt_runtime/__init__.py": "",
    "bt_runtime/robot.py": (
        "import importlib\n"
        "HANDLERS = {'go': 'tui.app:main'}\n"
        "def load():\n"
        "    return importlib.import_module('dsl.parse')\n"
    ),
    "dsl/__init__.py": "",
    "dsl/parse.py": "from . import check\n",
    "dsl/check.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .parse import x\n"
    ),
    "tui/__init__.py": "",
    "tui/app.py": "__import__('locomotion.walk')\n",
    "quadmission/__init__.py": "",
    "quadmission/cli.py": (
        "from dsl import parse\nimport bt_runtime.robot\nfrom locomotion import *\n"
    ),
    "quadmission/commands/__init__.py": "",
    "quadmission/commands/run.py": (
        "def main():\n    from .. import cli\n    from ..cli import x\n"
    ),
}


def test_the_scanner_catches_planted_bad_imports(tmp_path: Path) -> None:
    for name, text in FAKE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    imports = scan(tmp_path)
    bad = {str(i) for i in direction_violations(imports)}
    assert bad == {
        ("locomotion/walk.py:5: locomotion.walk -> bt_runtime.robot  "
         "(from bt_runtime import robot)"),
        "bt_runtime/robot.py:2: bt_runtime.robot -> tui.app  ('tui.app:main')",
        ("bt_runtime/robot.py:4: bt_runtime.robot -> dsl.parse  "
         "(importlib.import_module('dsl.parse'))"),
        "tui/app.py:1: tui.app -> locomotion.walk  (__import__('locomotion.walk'))",
    }
    # relative imports (one of them only for type checkers) close one cycle, lazy and dynamic
    # imports another
    assert [[str(i) for i in cycle] for cycle in cycles(imports)] == [
        [
            "dsl/check.py:3: dsl.check -> dsl.parse  (from .parse import x)",
            "dsl/parse.py:1: dsl.parse -> dsl.check  (from . import check)",
        ],
        [
            "bt_runtime/robot.py:2: bt_runtime.robot -> tui.app  ('tui.app:main')",
            "tui/app.py:1: tui.app -> locomotion.walk  (__import__('locomotion.walk'))",
            ("locomotion/walk.py:5: locomotion.walk -> bt_runtime.robot  "
             "(from bt_runtime import robot)"),
        ],
    ]
    allowed = [i for i in imports if i.source.startswith("quadmission")]
    assert [(i.source, i.line, i.target) for i in allowed] == [
        ("quadmission.cli", 1, "dsl.parse"),
        ("quadmission.cli", 2, "bt_runtime.robot"),
        ("quadmission.cli", 3, "locomotion"),
        ("quadmission.commands.run", 2, "quadmission.cli"),
        ("quadmission.commands.run", 3, "quadmission.cli"),
    ]
    assert not direction_violations(allowed)
