"""``mission replay LOG``: print a recorded run again (:mod:`bt_runtime.replay` tells it).

``LOG`` is a run log's path or a run id as ``mission runs`` lists it (looked up in ``--runs``,
``runs/`` by default; a unique prefix of an id will do).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import TextIO

from bt_runtime.eventlog import EventLogError, EventLogReader, list_runs
from bt_runtime.replay import write_replay
from quadmission.commands.output import quiet_pipe
from quadmission.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["find_log", "main", "replay", "replay_in_monitor"]


def find_log(name: str | os.PathLike[str], folder: str | os.PathLike[str] = "runs") -> Path:
    """The run log ``name`` means: a path to a file, else a run id (or its unique prefix) among the
    logs in ``folder``.

    Raises:
        EventLogError: neither a file nor the id of exactly one run in ``folder``.
    """
    path = Path(name)
    if path.exists() or os.sep in str(name):
        return path
    text = str(name)
    try:
        runs = list_runs(folder) if text else []
    except EventLogError:
        runs = []
    exact = [run.path for run in runs if run.run_id == text]
    matches = exact or [run.path for run in runs if run.run_id.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(str(p) for p in matches[:5])
        raise EventLogError(
            f"{text}: the id of {len(matches)} runs in {folder} ({shown}): say more"
        )
    raise EventLogError(
        f"{text}: no such run log, and no run with that id in {folder} (see `mission runs`)"
    )


def replay(
    log_path: str | os.PathLike[str],
    out: TextIO,
    err: TextIO,
    *,
    telemetry_every: float = 5.0,
    folder: str | os.PathLike[str] = "runs",
) -> int:
    """Write the run in ``log_path`` to ``out``; a problem goes to ``err`` as one line.

    Args:
        log_path: a run log (``.sqlite``), finished or not, or a run id (see :func:`find_log`).
        out: where the replay goes.
        err: where a problem goes (never a traceback).
        telemetry_every: simulated seconds between telemetry lines.
        folder: where a run id is looked up.

    Returns:
        ``EXIT_OK``, ``EXIT_FAILED`` if the log cannot be read, ``EXIT_USAGE`` for a bad
        ``telemetry_every``.
    """
    if not math.isfinite(telemetry_every) or telemetry_every <= 0:
        err.write("error: --every must be a positive number of seconds\n")
        return EXIT_USAGE
    try:
        with EventLogReader(find_log(log_path, folder)) as reader:
            write_replay(reader, out, telemetry_every=telemetry_every)
    except EventLogError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    return EXIT_OK


def replay_in_monitor(log_path: str, speed: float, err: TextIO) -> int:
    """Replay ``log_path`` in the monitor (seek, play/pause, speed); Textual is imported only here.

    Returns:
        ``EXIT_OK`` when the operator quits, ``EXIT_FAILED`` if the log cannot be read,
        ``EXIT_USAGE`` for a bad speed.
    """
    if not 1 / 64 <= speed <= 1024:
        err.write("error: --speed must be between 1/64 and 1024\n")
        return EXIT_USAGE
    try:  # refuse a bad file here, with its message, rather than inside the app
        with EventLogReader(log_path) as reader:
            reader.run_started()
    except EventLogError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    from tui.app import make_monitor
    from tui.source import ReplaySource

    make_monitor(ReplaySource(log_path, speed=speed)).run()
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    """``mission replay LOG|RUN_ID [--every S] [--tui [--speed X]]``; see :func:`replay`."""
    if getattr(args, "tui", False):
        try:
            log = find_log(args.log, args.runs)
        except EventLogError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return EXIT_FAILED
        return replay_in_monitor(str(log), args.speed, sys.stderr)
    return quiet_pipe(
        lambda: replay(
            args.log, sys.stdout, sys.stderr, telemetry_every=args.every, folder=args.runs
        )
    )
