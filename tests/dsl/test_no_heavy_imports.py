"""Parsing, checking, compiling and exporting a mission never imports pybullet or textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.dsl.helpers import WORLD, write

SCRIPT = """
import sys
from dsl.api import check_paths
from dsl.compiler import compile_mission
from dsl.export import render_tree, to_btcpp_xml, to_json
from quadmission.cli import main
report = check_paths([sys.argv[1]])
assert not report.has_errors, report.render()
compiled = compile_mission(report.programs[0])
render_tree(compiled.root); to_json(compiled); to_btcpp_xml(report.programs[0])
assert main(["check", sys.argv[1]]) == 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pybullet", "pybullet_data",
                                                               "textual", "pybullet_utils"))
print("HEAVY:" + ",".join(heavy))
"""


def test_no_pybullet_or_textual(tmp_path: Path) -> None:
    write(tmp_path, {"w.world": WORLD,
                     "m.mission": 'mission "M"\nworld "w.world"\nmain { go to gate }\n'})
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "m.mission")],
                         capture_output=True, text=True, timeout=60, check=False,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert "HEAVY:\n" in out.stdout
