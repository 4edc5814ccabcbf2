"""``mission replay`` takes a run id as ``mission runs`` lists it; ``mission runs`` shows each path."""

from __future__ import annotations

import io
from pathlib import Path

from bt_runtime.eventlog import EventLogWriter
from quadmission.cli import main
from quadmission.commands.replay import replay
from tests.bt_runtime import runlog_samples as samples


def write(path: Path, run_id: str) -> None:
    with EventLogWriter(path) as writer:
        writer.append(samples.run_started(run_id=run_id))
        writer.append(samples.tree())
        for event in samples.finished(3):
            writer.append(event)


def test_replay_finds_a_run_by_its_id_or_a_unique_prefix(tmp_path: Path) -> None:
    write(tmp_path / "patrol-a.sqlite", "20261201T100000Z-aaaaaa")
    write(tmp_path / "patrol-b.sqlite", "20261201T100000Z-bbbbbb")
    for name in ("20261201T100000Z-bbbbbb", "20261201T100000Z-b"):
        out, err = io.StringIO(), io.StringIO()
        assert replay(name, out, err, folder=tmp_path) == 0, err.getvalue()
        assert "run 20261201T100000Z-bbbbbb" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert replay("20261201T100000Z", out, err, folder=tmp_path) == 1
    assert "the id of 2 runs" in err.getvalue()
    err = io.StringIO()
    assert replay("nothing-like-it", out, err, folder=tmp_path) == 1
    assert "no run with that id" in err.getvalue() and "mission runs" in err.getvalue()


def test_the_command_line_takes_the_folder_to_look_in(tmp_path: Path, capsys: object) -> None:
    write(tmp_path / "x.sqlite", "20261201T110000Z-cccccc")
    assert main(["replay", "20261201T110000Z-cccccc", "--runs", str(tmp_path)]) == 0
    assert main(["runs", str(tmp_path)]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "run 20261201T110000Z-cccccc" in out
    assert out.splitlines()[-1].endswith(str(tmp_path / "x.sqlite"))
