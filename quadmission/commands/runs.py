"""``mission runs [PATH]``: the recorded runs in a folder (or one run log) with their outcome.

Runs are found by content, whatever their file names (:mod:`bt_runtime.runlist`, the scan
``mission replay`` looks run ids up in, too).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from bt_runtime.eventlog import EventLogError
from bt_runtime.replay import run_lines
from bt_runtime.runlist import RunListing, scan_runs, summarise
from quadmission.commands.output import quiet_pipe
from quadmission.exit_codes import EXIT_FAILED, EXIT_OK

__all__ = ["list_folder", "main", "others_line"]

#: How many of the files that are not run logs the listing names.
_NAMED = 3


def others_line(others: tuple[Path, ...]) -> str:
    """The one line counting the files of a folder that are not run logs (a few named)."""
    names = ", ".join(p.name for p in others[:_NAMED]) + (", ..." if len(others) > _NAMED else "")
    n = len(others)
    return f"{n} other file{'s' if n != 1 else ''} skipped, not run logs: {names}"


def list_folder(path: str | os.PathLike[str], out: TextIO, err: TextIO) -> int:
    """Write a table of the runs in the folder ``path`` (or of the run log ``path``) to ``out``.

    Returns:
        ``EXIT_OK`` (also for a folder with no run, or with damaged logs, listed as such),
        ``EXIT_FAILED`` if nothing is at ``path``, the folder cannot be read, or the one run log
        named cannot be read (the reason on ``err``).
    """
    target = Path(path)
    if os.path.lexists(target) and not target.is_dir():
        run = summarise(target)
        if run.error:
            err.write(f"error: {run.error}\n")
            return EXIT_FAILED
        listing = RunListing((run,), ())
    else:
        try:
            listing = scan_runs(target)
        except EventLogError as exc:
            err.write(f"error: {exc}\n")
            return EXIT_FAILED
    if listing.runs:
        out.writelines(line + "\n" for line in run_lines(list(listing.runs)))
    else:
        out.write(f"no runs in {path}\n")
    if listing.others:
        out.write(others_line(listing.others) + "\n")
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    """``mission runs [FOLDER|LOG]``; see :func:`list_folder`."""
    return quiet_pipe(lambda: list_folder(args.folder, sys.stdout, sys.stderr))
