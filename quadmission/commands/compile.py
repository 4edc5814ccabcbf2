"""``mission compile FILE --format json|dot|btcpp-xml [-o OUT]``: export the compiled tree."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from pathlib import Path

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
    if _is_source(Path(args.output), checked):
        print(f"mission: error: -o {args.output}: that is a source file of the mission; write "
              "the export to another file", file=sys.stderr)
        return EXIT_USAGE
    try:
        _write(Path(args.output), text)
    except OSError as exc:
        print(f"mission: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _is_source(target: Path, checked: Checked) -> bool:
    """Whether ``target`` is the mission, one of its imports or its world (same file)."""
    try:
        return any(os.path.samefile(target, source) for source in checked.report.sources)
    except OSError:  # the target (or a source) is not there: nothing to overwrite
        return False


def _write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` so that a failed write leaves what was there whole.

    A regular file (or a new one) is written next to itself and renamed over; anything else
    (``/dev/stdout``, a FIFO) is written in place, as a rename would replace the device itself.
    """
    try:
        info = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        if not stat.S_ISREG(info.st_mode):
            with open(target, "w", encoding="utf-8") as out:
                out.write(text)
            return
        target = target.resolve()  # through a symlink: replace the file, not the link
        mode = stat.S_IMODE(info.st_mode)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it 0600: give it the mode a plain write would
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
