"""``mission check PATH...``: every problem of every file (and of what they import) at once.

A folder stands for the mission and world files under it (:mod:`quadmission.mission_paths`). A
path that cannot be checked is named on one line and the others are still checked, so one typo on
the command line never hides the problems of the other files.
"""

from __future__ import annotations

import argparse

from dsl.api import check_paths
from dsl.loader import Loader
from quadmission.commands.output import print_text
from quadmission.exit_codes import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from quadmission.mission_paths import expand_paths, roots_to_check

__all__ = ["main"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def main(args: argparse.Namespace) -> int:
    """Check ``args.files`` (files and folders); diagnostics go to stderr, the verdict to stdout.

    Returns:
        ``EXIT_USAGE`` if a path could not be checked (missing, not a file, a folder with no
        mission file), even if every other file is clean; else ``EXIT_ERRORS`` if any file has
        errors; else ``EXIT_OK`` (warnings allowed).
    """
    expansion = expand_paths(args.files)
    print_text("\n".join(expansion.problems))
    if not expansion.files:
        return EXIT_USAGE
    loader = Loader()
    report = check_paths(roots_to_check(expansion, loader), loader)
    print_text(report.render())
    if report.has_errors:
        return EXIT_USAGE if expansion.problems else EXIT_ERRORS
    checked = f"{_plural(len(expansion.files), 'file')} checked, no errors"
    if expansion.problems:
        print(f"{checked}; {_plural(len(expansion.problems), 'path')} not checked (see above)")
        return EXIT_USAGE
    print(f"ok: {checked}")
    return EXIT_OK
