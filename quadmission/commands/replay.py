"""``mission replay LOG``: print a recorded run again (:mod:`bt_runtime.replay` tells it)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from bt_runtime.eventlog import EventLogError, EventLogReader
from bt_runtime.replay import write_replay
from quadmission.commands.output import quiet_pipe
from quadmission.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["main", "replay", "replay_in_monitor"]


def replay(
    log_path: str | os.PathLike[str],
    out: TextIO,
    err: TextIO,
    *,
    telemetry_every: float = 5.0,
) -> int:
    """Write the run in ``log_path`` to ``out``; a problem goes to ``err`` as one line.

    Args:
        log_path: a run log (``.sqlite``), finished or not.
        out: where the replay goes.
        err: where a problem goes (never a traceback).
        telemetry_every: simulated seconds between telemetry lines.

    Returns:
        ``EXIT_OK``, ``EXIT_FAILED`` if the log cannot be read, ``EXIT_USAGE`` for a bad
        ``telemetry_every``.
    """
    if telemetry_every <= 0:
        err.write("error: --every must be a positive number of seconds\n")
        return EXIT_USAGE
    try:
        with EventLogReader(log_path) as reader:
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
    """``mission replay LOG [--every S] [--tui [--speed X]]``; see :func:`replay`."""
    if getattr(args, "tui", False):
        return replay_in_monitor(args.log, args.speed, sys.stderr)
    return quiet_pipe(lambda: replay(args.log, sys.stdout, sys.stderr, telemetry_every=args.every))
