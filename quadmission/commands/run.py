"""``mission run FILE``: check, compile and simulate one mission, recording it.

The mission goes through the same :func:`~quadmission.loading.check_runnable` as ``show`` and
``compile`` (so it is refused with the same message and status), then
:func:`~quadmission.session.run_session` runs it (``--tui`` and ``--web`` through
:mod:`quadmission.monitored`, imported only then, so a plain run loads no Textual). The final
report goes to stdout; diagnostics, the "running" line and the progress line to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quadmission.commands.output import print_text
from quadmission.loading import MissionError, check_runnable, to_mission
from quadmission.session import RunOptions, run_session

__all__ = ["main", "options_from"]


def options_from(args: argparse.Namespace) -> RunOptions:
    """The run's options from the parsed ``mission run`` flags."""
    return RunOptions(
        backend=args.backend,
        seed=args.seed,
        log=Path(args.log) if args.log else None,
        stream=args.stream,
        faults=tuple(args.fault),
        realtime=args.realtime,
        gui=args.gui,
        quiet=args.quiet,
    )


def main(args: argparse.Namespace) -> int:
    """Run ``args.file``.

    Returns:
        ``EXIT_OK`` when the mission succeeded, ``EXIT_FAILED`` when it failed or was aborted,
        ``EXIT_ERRORS`` when the file has errors, ``EXIT_USAGE`` on bad input.
    """
    try:
        checked = check_runnable(args.file)
        print_text(checked.report.render())
        mission = to_mission(checked)
        options = options_from(args)
        if getattr(args, "web", False):
            from quadmission.monitored import run_with_web

            return run_with_web(mission, options, args.web_port)
        if getattr(args, "tui", False):
            from quadmission.monitored import run_with_monitor

            return run_with_monitor(mission, options)
        result = run_session(mission, options, sys.stderr)
    except MissionError as exc:
        print_text(str(exc))
        return exc.exit_code
    print("\n".join(result.lines()))
    return result.exit_code
