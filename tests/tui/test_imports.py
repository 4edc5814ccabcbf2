"""tui reads only what bt_runtime publishes: it never imports dsl, locomotion or quadmission
(an AST scan of every module, imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"
FORBIDDEN = ("dsl", "locomotion", "quadmission")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__"
              and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


def test_tui_imports_neither_the_language_nor_locomotion_nor_the_application() -> None:
    modules = sorted(TUI.rglob("*.py"))
    assert len(modules) >= 10
    bad = {
        f"{path.relative_to(TUI)}: {name}"
        for path in modules
        for name in imported(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not bad, bad


def test_the_scan_sees_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    import dsl.api\n    from locomotion import world\n")
    assert imported(sample) == {"dsl.api", "locomotion"}
