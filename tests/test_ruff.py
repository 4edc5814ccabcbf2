"""The whole checkout passes ruff (the release pinned in the test extra), so CI keeps it clean.

A finding fails the test with ruff's own one-line report of each (file, line, column, rule). Where a
rule is wrong for a line, silence that line with ``# noqa: CODE - why``, not the rule for all.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_reports_nothing() -> None:
    ruff_main = pytest.importorskip("ruff.__main__", reason="ruff is in the test extra: "
                                    "pip install -e '.[test]'")
    done = subprocess.run([ruff_main.find_ruff_bin(), "check", "--no-cache", "--output-format",
                           "concise", str(ROOT)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
