"""`mission compile`: every format, to a file or stdout; an unwritable output is a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quadmission.cli import main


def test_compile_formats(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = site / "tree.json"
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["mission"] == "Good"
    assert main(["compile", str(site / "good.mission"), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith('digraph "Good" {')
    assert main(["compile", str(site / "good.mission"), "--format", "btcpp-xml"]) == 0
    assert '<root BTCPP_format="4" main_tree_to_execute="MainTree">' in capsys.readouterr().out


def test_compile_to_unwritable_output(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = site / "no_such_dir" / "x.json"
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o",
                 str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "dot", "btcpp-xml"])
def test_compile_refuses_what_show_refuses(
        fmt: str, site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(site / "nameless.mission")]) == 1
    shown = capsys.readouterr()
    assert main(["compile", str(site / "nameless.mission"), "--format", fmt]) == 1
    compiled = capsys.readouterr()
    assert compiled.out == shown.out == ""
    assert compiled.err == shown.err and "no `mission` declaration" in compiled.err
