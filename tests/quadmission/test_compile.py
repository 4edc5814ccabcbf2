"""`mission compile`: every format, to a file or stdout; an unwritable output is a usage error."""

from __future__ import annotations

import errno
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


@pytest.mark.parametrize("target", ["good.mission", "w.world"])
def test_compile_never_writes_over_a_file_of_the_mission(
        target: str, site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (site / target).read_bytes()
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o",
                 str(site / target)]) == 2
    assert (site / target).read_bytes() == before  # before: the mission was replaced by its JSON
    err = capsys.readouterr().err
    assert err == (f"mission: error: -o {site / target}: that is a source file of the mission; "
                   "write the export to another file\n")


def test_a_failed_export_leaves_the_previous_one_whole(
        site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = site / "tree.json"
    out.write_text("the previous export\n", encoding="utf-8")

    def disk_full(fd: int) -> None:  # a full disk is often reported only when data is flushed
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o", str(out)]) == 2
    monkeypatch.undo()
    assert out.read_text(encoding="utf-8") == "the previous export\n"  # before: truncated
    assert [p.name for p in site.iterdir() if p.name.startswith(".tree.json")] == []
    err = capsys.readouterr().err
    assert err == f"mission: error: cannot write {out}: No space left on device\n"
    assert main(["compile", str(site / "good.mission"), "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["mission"] == "Good"
