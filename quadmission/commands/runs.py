"""``mission runs [FOLDER]``: the recorded runs in a folder with their outcome."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from bt_runtime.eventlog import EventLogError, list_runs
from bt_runtime.replay import run_lines
from quadmission.commands.output import quiet_pipe
from quadmission.exit_codes import EXIT_FAILED, EXIT_OK

__all__ = ["list_folder", "main"]


def list_folder(folder: str | os.PathLike[str], out: TextIO, err: TextIO) -> int:
    """Write a table of the runs in ``folder`` to ``out``.

    Returns:
        ``EXIT_OK`` (also for an empty folder), ``EXIT_FAILED`` if the folder cannot be read.
    """
    try:
        summaries = list_runs(folder)
    except EventLogError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    if not summaries:
        out.write(f"no runs in {folder}\n")
        return EXIT_OK
    out.writelines(line + "\n" for line in run_lines(summaries))
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    """``mission runs [FOLDER]``; see :func:`list_folder`."""
    return quiet_pipe(lambda: list_folder(args.folder, sys.stdout, sys.stderr))
