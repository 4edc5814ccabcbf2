"""The progress line of ``mission run``: in place on a terminal, sparse in a log file."""

from __future__ import annotations

import io

from bt_runtime.report import Progress
from quadmission.progress import ProgressLine


def test_progress_line_updates_in_place_on_a_tty_and_is_sparse_otherwise() -> None:
    p = Progress(12.5, "go to depot", "walking to depot", 77.0, "flat", "trot", False)
    tty = io.StringIO()
    line = ProgressLine(tty, tty=True)
    line(p)
    line(p)
    line.close()
    assert tty.getvalue().count("\r") == 2 and tty.getvalue().endswith("\n")
    assert "go to depot: walking to depot" in tty.getvalue() and "77.0 %" in tty.getvalue()
    plain = io.StringIO()
    line = ProgressLine(plain, tty=False, every=30.0)
    for t in range(0, 100, 5):
        line(Progress(float(t), "a", "", 50.0, "flat", "trot", False))
    assert plain.getvalue().count("\n") == 4  # at 0, 30, 60, 90 s
    assert "\r" not in plain.getvalue()
