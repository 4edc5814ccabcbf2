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


def test_compile_a_mission_btcpp_cannot_take_names_where(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A point passed to a task that measures the distance to it has no root fact to read."""
    (site / "point.mission").write_text(
        'mission "P"\nworld "w.world"\ntask near(p: place) { if distance to p < 3 m { sit } }\n'
        "main { near((4, 4)) }\n", encoding="utf-8")
    assert main(["compile", str(site / "point.mission"), "--format", "btcpp-xml"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mission: error: cannot export to BehaviorTree.CPP: ")
    assert "point.mission:4:13: a point passed to a task" in captured.err
    assert "Traceback" not in captured.err
    assert main(["compile", str(site / "point.mission"), "--format", "json"]) == 0
