"""``mission show FILE``: the compiled behaviour tree as a unicode tree."""

from __future__ import annotations

import argparse
import sys

from dsl.export import render_tree
from quadmission.commands.output import print_text
from quadmission.exit_codes import EXIT_OK
from quadmission.loading import MissionError, check_runnable, compile_checked

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Check and compile ``args.file`` and print its tree on stdout.

    Returns:
        ``EXIT_OK``, or the refusal's status (see :func:`quadmission.loading.check_runnable`).
    """
    try:
        checked = check_runnable(args.file)
        print_text(checked.report.render())
        compiled = compile_checked(checked)
        try:
            text = render_tree(compiled.root)
        except RecursionError:
            raise MissionError(f"mission: error: cannot compile {args.file}: nested too deeply")
    except MissionError as exc:
        print_text(str(exc))
        return exc.exit_code
    sys.stdout.write(text)
    return EXIT_OK
