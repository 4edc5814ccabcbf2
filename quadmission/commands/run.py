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
from dataclasses import replace
from pathlib import Path

from quadmission.commands.output import print_text
from quadmission.exit_codes import EXIT_USAGE
from quadmission.loading import Checked, Mission, MissionError, check_runnable, to_mission
from quadmission.session import RunOptions, run_session

__all__ = ["main", "options_from"]


def _run_drawn(args: argparse.Namespace, checked: Checked, mission: Mission) -> int:
    """``--vary-from DB``: the campaign run with ``--seed``, its drawn parameters applied."""
    from quadmission.campaign.plan import mission_sha256
    from quadmission.campaign.replay_draw import ReplayError, draw_from_campaign

    if args.seed is None:
        print("mission: error: --vary-from needs --seed SEED (a run seed from the report)",
              file=sys.stderr)
        return EXIT_USAGE
    watched = [flag for flag in ("tui", "web") if getattr(args, flag, False)]
    if watched:  # before: silently run without the monitor asked for
        print(f"mission: error: --vary-from cannot be watched with --{watched[0]} yet: run it "
              "without, then `mission replay LOG --tui` (or --stream it and `mission monitor`)",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        applied, draw = draw_from_campaign(
            mission, args.vary_from, args.seed, args.run,
            digest=mission_sha256(checked, mission),
            warn=lambda line: print(f"mission: {line}", file=sys.stderr))
    except ReplayError as exc:
        print(f"mission: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    shown = ", ".join(f"{k} {v:.3g}" for k, v in draw.items())
    print(f"campaign draw: {shown}", file=sys.stderr)
    options = replace(options_from(args),
                      backend_options=tuple(applied.backend_options.items()))
    result = run_session(applied.mission, options, sys.stderr,
                         extra_faults=applied.faults, sensor=applied.sensor,
                         scenario_config=applied.scenario)
    print("\n".join(result.lines()))
    return result.exit_code


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
        ``EXIT_OK`` when the mission succeeded, ``EXIT_MISSED`` when it succeeded but missed a
        ``require`` line, ``EXIT_FAILED`` when it failed or was aborted,
        ``EXIT_ERRORS`` when the file has errors, ``EXIT_USAGE`` on bad input.
    """
    try:
        checked = check_runnable(args.file)
        print_text(checked.report.render())
        mission = to_mission(checked)
        if getattr(args, "vary_from", None):
            return _run_drawn(args, checked, mission)
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
