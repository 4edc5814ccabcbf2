"""Checking a mission never imports py_trees, pybullet or textual; compiling and exporting may
import py_trees but never pybullet or textual.

Each case runs in a fresh interpreter and looks at ``sys.modules`` afterwards, so an import made
anywhere on the way (lazily included) is seen.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.dsl.helpers import WORLD, write

HEAVY = ("pybullet", "pybullet_data", "pybullet_utils", "textual")

REPORT = """
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print("HEAVY:" + ",".join(heavy))
"""

CHECK = """
import sys
from dsl.api import check_paths, load_world
report = check_paths([sys.argv[1]])
assert not report.has_errors, report.render()
load_world(sys.argv[2])
""" + REPORT.format(heavy=("py_trees", *HEAVY))

COMPILE = """
import sys
from dsl.api import check_paths
from dsl.compiler import compile_mission
from dsl.export import render_tree, to_btcpp_xml, to_dot, to_json
from quadmission.cli import main
report = check_paths([sys.argv[1]])
assert not report.has_errors, report.render()
compiled = compile_mission(report.programs[0])
render_tree(compiled.root); to_json(compiled); to_dot(compiled.root)
to_btcpp_xml(report.programs[0])
assert main(["check", sys.argv[1]]) == 0
""" + REPORT.format(heavy=HEAVY)


def _run(script: str, tmp_path: Path) -> str:
    write(tmp_path, {"w.world": WORLD,
                     "m.mission": 'mission "M"\nworld "w.world"\nmain { go to gate }\n'})
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "m.mission"), str(tmp_path / "w.world")],
        capture_output=True, text=True, timeout=60, check=False,
        cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_checking_imports_no_py_trees_pybullet_or_textual(tmp_path: Path) -> None:
    assert "HEAVY:\n" in _run(CHECK, tmp_path)


def test_compiling_and_exporting_import_no_pybullet_or_textual(tmp_path: Path) -> None:
    assert "HEAVY:\n" in _run(COMPILE, tmp_path)


def test_the_check_case_would_see_py_trees(tmp_path: Path) -> None:
    """The probe is live: importing the compiler in the check script is caught."""
    script = CHECK.replace("import sys\n", "import sys\nimport dsl.compiler\n", 1)
    assert "HEAVY:py_trees" in _run(script, tmp_path)
