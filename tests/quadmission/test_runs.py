"""``mission runs FOLDER``: a table of recorded runs; a missing folder is one line and exit 1."""

from __future__ import annotations

import io
from pathlib import Path

from quadmission.commands.runs import list_folder
from tests.bt_runtime.test_replay import write_run


def test_runs_lists_runs_in_a_table(tmp_path: Path) -> None:
    write_run(tmp_path / "one.sqlite", ticks=10, finish=True)
    (tmp_path / "broken.sqlite").write_text("x" * 500)
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(tmp_path, out, err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "run",
        "mission",
        "started",
        "backend",
        "seed",
        "outcome",
        "duration",
        "log",
    ]
    assert lines[1].split()[:2] == ["broken", "?"] and "damaged" in lines[1]
    assert lines[1].endswith(str(tmp_path / "broken.sqlite"))
    assert "patrol" in lines[2] and "success" in lines[2] and "0.5 s" in lines[2]
    assert lines[2].endswith(str(tmp_path / "one.sqlite"))
    assert lines[3].startswith(f"{tmp_path / 'broken.sqlite'}: ")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert list_folder(empty, out, err) == 0 and out.getvalue().endswith(f"no runs in {empty}\n")
    assert list_folder(tmp_path / "nowhere", out, err) == 1 and "no such folder" in err.getvalue()
