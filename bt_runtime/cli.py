"""The ``mission`` command: a thin argparse front over a registry of subcommands.

Each :class:`Subcommand` names its handler as ``"module:function"`` and is imported only when
chosen, so ``mission check`` never loads the simulator or the TUI. The runtime adds ``run``,
``replay`` and ``runs`` by appending to :data:`SUBCOMMANDS`.

Exit status: 0 when all is well (warnings allowed), 1 when a file has errors, 2 for a usage error —
a bad flag, or a file given on the command line that does not exist or is not a file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_USAGE",
    "SUBCOMMANDS",
    "Subcommand",
    "build_parser",
    "main",
]

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Subcommand:
    """One ``mission <name>``: how to declare its arguments and which function runs it."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: str  # "module:function", called with the parsed namespace, returns an exit status


def _files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".mission or .world files")


def _file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .mission file with a `main` block")


def _compile(parser: argparse.ArgumentParser) -> None:
    _file(parser)
    parser.add_argument(
        "--format", required=True, choices=("json", "dot", "btcpp-xml"), help="output format"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "check",
        "check mission and world files and report every problem",
        _files,
        "dsl.commands:check",
    ),
    Subcommand("show", "print a mission's behaviour tree", _file, "dsl.commands:show"),
    Subcommand(
        "compile",
        "export a mission's behaviour tree (json, dot, btcpp-xml)",
        _compile,
        "dsl.commands:compile_",
    ),
)


def build_parser(commands: Sequence[Subcommand] = SUBCOMMANDS) -> argparse.ArgumentParser:
    """The argparse parser with one sub-parser per subcommand."""
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
    """Run the ``mission`` command line; returns the exit status."""
    parser = build_parser(commands)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (2) and --help (0) by exiting
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    module_name, function_name = args._handler.split(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("mission: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
