"""``mission compile FILE --format json|dot|btcpp-xml [-o OUT]``: export the compiled tree."""

from __future__ import annotations

import argparse
import sys

from dsl.compiler import CompileError
from dsl.export import ExportError, to_btcpp_xml, to_dot, to_json
from quadmission.commands.output import print_text
from quadmission.exit_codes import EXIT_OK, EXIT_USAGE
from quadmission.loading import Checked, MissionError, check_runnable, compile_checked

__all__ = ["export", "main"]


def export(checked: Checked, fmt: str) -> str:
    """The checked mission in format ``fmt`` (``json``, ``dot`` or ``btcpp-xml``).

    Raises:
        MissionError: the mission cannot be compiled, nests too deeply to render, or has a
            construct BehaviorTree.CPP can not be given.
    """
    try:
        if fmt == "btcpp-xml":
            return to_btcpp_xml(checked.program)
        compiled = compile_checked(checked)
        return to_json(compiled) if fmt == "json" else to_dot(compiled.root, compiled.name)
    except (CompileError, RecursionError) as exc:
        raise MissionError(
            f"mission: error: cannot compile {checked.path}: {exc or 'nested too deeply'}"
        ) from None
    except ExportError as exc:
        raise MissionError(f"mission: error: cannot export to BehaviorTree.CPP: {exc}") from None


def main(args: argparse.Namespace) -> int:
    """Export ``args.file`` in ``args.format`` to ``args.output`` (or stdout).

    Returns:
        ``EXIT_OK``; the refusal's status; ``EXIT_USAGE`` if the output cannot be written.
    """
    try:
        checked = check_runnable(args.file)
        print_text(checked.report.render())
        text = export(checked, args.format)
    except MissionError as exc:
        print_text(str(exc))
        return exc.exit_code
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        print(f"mission: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
