"""``mission check FILE...``: every problem of every file (and of what they import) at once."""

from __future__ import annotations

import argparse
import sys

from dsl.api import check_paths
from quadmission.commands.output import print_text
from quadmission.exit_codes import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from quadmission.loading import missing_files

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Check ``args.files``; diagnostics go to stderr, the verdict to stdout.

    Returns:
        ``EXIT_OK`` (warnings allowed), ``EXIT_ERRORS`` if any file has errors, ``EXIT_USAGE`` if
        a file is missing or not a file.
    """
    problems = missing_files(args.files)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE
    report = check_paths(args.files)
    print_text(report.render())
    if report.has_errors:
        return EXIT_ERRORS
    n = len(args.files)
    print(f"ok: {n} file{'s' if n != 1 else ''} checked, no errors")
    return EXIT_OK
