"""The ``mission`` command: a thin argparse front over a table of subcommands.

Each :class:`Subcommand` declares its flags here and names its handler as ``"module:function"``
(one module per command in :mod:`quadmission.commands`), imported only when chosen, so
``mission check`` never loads the simulator or the TUI. A new command is one more row in
:data:`SUBCOMMANDS` and one more module.

Exit statuses are those of :mod:`quadmission.exit_codes`: 0 all is well, 1 errors in files or a
failed mission, 2 usage or bad input, 4 a run aborted because its log could not be written (disk
full), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from locomotion.backends import BACKENDS
from quadmission.commands.output import quiet_pipe
from quadmission.exit_codes import EXIT_INTERRUPTED, EXIT_USAGE

__all__ = [
    "MAX_SEED",
    "SUBCOMMANDS",
    "Subcommand",
    "build_parser",
    "main",
    "seed_value",
]


@dataclass(frozen=True)
class Subcommand:
    """One ``mission <name>``: how to declare its arguments and which function runs it."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: str  # "module:function", called with the parsed namespace, returns an exit status


#: The largest run seed: seeds are stored as SQLite integers (signed 64-bit).
MAX_SEED = 2**63 - 1


def seed_value(text: str) -> int:
    """``--seed``: a whole number from 0 to :data:`MAX_SEED` (numpy refuses negative seeds).

    Raises:
        argparse.ArgumentTypeError: ``text`` is not such a number (argparse names the flag).
    """
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED}, got {seed}")
    return seed


def _files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="PATH",
        help=".mission or .world files, or folders (their .mission and .world files, recursively)",
    )


def _file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .mission file with a `main` block")


def _compile(parser: argparse.ArgumentParser) -> None:
    _file(parser)
    parser.add_argument(
        "--format", required=True, choices=("json", "dot", "btcpp-xml"), help="output format"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")


def _run(parser: argparse.ArgumentParser) -> None:
    _file(parser)
    parser.add_argument(
        "--backend", choices=tuple(BACKENDS), default="pybullet", help="simulator"
    )
    parser.add_argument("--seed", type=seed_value, default=None,
                        help=f"run seed, 0 to {MAX_SEED} (default: random)")
    parser.add_argument("--realtime", action="store_true", help="pace the run to the wall clock")
    parser.add_argument(
        "--log", metavar="PATH", help="run log (default runs/<mission>-<time>-<token>-<seed>.sqlite)"
    )
    parser.add_argument(
        "--gui", action="store_true", help="open the pybullet window (if a display exists)"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault (repeatable): push@40s:impulse=30,dir=90 | battery@60s:drop=50 | "
        "battery@60s:drain=300 | block@30s:region=NAME | block@30s:x=1..2,y=3..4",
    )
    parser.add_argument(
        "--stream",
        metavar="HOST:PORT",
        help="serve a live stream to monitors, e.g. 127.0.0.1:8765 (port 0: any free port)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument(
        "--vary-from",
        metavar="DB",
        help="apply the draw of the campaign run with this --seed (a campaign.sqlite)",
    )
    parser.add_argument("--run", type=int, default=None, metavar="N",
                        help="with --vary-from: the campaign run index (when seeds repeat)")
    parser.add_argument(
        "--tui", action="store_true", help="watch and steer the run in the terminal monitor"
    )
    _web(parser, "serve the monitor to a browser on loopback while the run goes on")


def _simulate(parser: argparse.ArgumentParser) -> None:
    _file(parser)
    parser.add_argument("--runs", type=int, default=200, metavar="N",
                        help="runs in the campaign (the cap with --until-decided; default 200)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="campaign seed (default 0); run seeds derive from it")
    parser.add_argument("--backend", choices=tuple(BACKENDS), default="kinematic",
                        help="simulator (default kinematic)")
    parser.add_argument("--workers", type=int, default=None, metavar="K",
                        help="worker processes (default: all cores this process may use)")
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="run on Ray: alone starts a local Ray; ADDRESS (or RAY_ADDRESS) "
                        "joins a cluster (pip install 'quadmission[ray]')")
    parser.add_argument("--out", metavar="DIR",
                        help="campaign folder (default campaigns/<mission>-seed<S>)")
    parser.add_argument("--until-decided", action="store_true",
                        help="stop once every requirement is decided (Wald SPRT, a=b=0.05)")
    parser.add_argument("--crosscheck", type=int, default=0, metavar="K",
                        help="re-run K sampled runs (failures and successes) on pybullet")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--inject-error", type=int, action="append", default=[],
                        help=argparse.SUPPRESS)  # test hook: these run indices raise


def _web(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--web", action="store_true", help=help_text + " (needs [web])")
    parser.add_argument(
        "--web-port", type=_port, default=8000, metavar="PORT",
        help="the browser view's loopback port (default 8000)",
    )


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


def _monitor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "address", metavar="HOST:PORT", help="a live run's stream (mission run --stream ...)"
    )
    parser.add_argument(
        "--token", metavar="T", help="the run's control token (without it: read-only)"
    )
    _web(parser, "serve the monitor to a browser on loopback instead")


def _replay(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "log", metavar="LOG", help="a run log (.sqlite), or a run id as `mission runs` lists it"
    )
    parser.add_argument(
        "--runs",
        metavar="FOLDER",
        default="runs",
        help="where to look a run id up (default runs/)",
    )
    parser.add_argument(
        "--every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="simulated seconds between telemetry lines (default 5)",
    )
    parser.add_argument(
        "--tui", action="store_true", help="replay in the monitor: seek, play/pause, speed"
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, metavar="X",
        help="with --tui: sim seconds per wall second (default 1)",
    )


def _runs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="PATH", nargs="?", default="runs",
        help="a folder of run logs (default runs/; any file name: they are found by content), "
        "or one run log"
    )


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "check",
        "check mission and world files (or folders of them) and report every problem "
        "(exit 0 no errors, 1 errors in a file, 2 a path that is missing or not a file or a "
        "folder of mission files: the other paths are still checked)",
        _files,
        "quadmission.commands.check:main",
    ),
    Subcommand("show", "print a mission's behaviour tree", _file, "quadmission.commands.show:main"),
    Subcommand(
        "compile",
        "export a mission's behaviour tree (json, dot, btcpp-xml)",
        _compile,
        "quadmission.commands.compile:main",
    ),
    Subcommand(
        "run",
        "run a mission in simulation and record it "
        "(exit 0 success, 1 failure or errors in the file, 2 bad input, 3 success but a "
        "requirement missed, 4 aborted: the run log could not be written, e.g. disk full)",
        _run,
        "quadmission.commands.run:main",
    ),
    Subcommand(
        "simulate",
        "run a randomised campaign of a mission and judge its requirements "
        "(exit 0 all GO, 1 a NO-GO, 5 undecided, 2 bad input)",
        _simulate,
        "quadmission.commands.simulate:main",
    ),
    Subcommand(
        "monitor",
        "watch (and with --token, steer) a live run in the terminal or a browser",
        _monitor,
        "quadmission.commands.monitor:main",
    ),
    Subcommand(
        "replay",
        "print a recorded run again (--tui: replay it in the monitor)",
        _replay,
        "quadmission.commands.replay:main",
    ),
    Subcommand(
        "runs", "list recorded runs with their outcome", _runs, "quadmission.commands.runs:main"
    ),
)


def build_parser(commands: Sequence[Subcommand] = SUBCOMMANDS) -> argparse.ArgumentParser:
    """The argparse parser with one sub-parser per subcommand.

    Args:
        commands: the subcommand table (tests add rows to it).
    """
    parser = argparse.ArgumentParser(
        prog="mission", description="Write, check and compile missions for legged robots."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.arguments(sub)
        sub.set_defaults(_handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None, commands: Sequence[Subcommand] = SUBCOMMANDS) -> int:
    """Run the ``mission`` command line.

    Args:
        argv: the arguments after ``mission`` (``sys.argv[1:]`` when None).
        commands: the subcommand table.

    Returns:
        The exit status (see :mod:`quadmission.exit_codes`); Ctrl-C outside a run gives
        ``EXIT_INTERRUPTED``.
    """
    parser = build_parser(commands)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) by exiting
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    module_name, function_name = args._handler.split(":")
    try:  # Ctrl-C is honoured from here on, while the command's modules load too
        handler = getattr(importlib.import_module(module_name), function_name)
        # A reader that goes away (`mission show m.mission | head`) ends the command quietly.
        return int(quiet_pipe(lambda: handler(args)))
    except KeyboardInterrupt:
        print("mission: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
