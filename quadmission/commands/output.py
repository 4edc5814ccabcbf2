"""Small output helpers shared by the command modules."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import TextIO

from quadmission.exit_codes import EXIT_OK, EXIT_USAGE

__all__ = ["print_text", "quiet_pipe"]


def print_text(text: str, stream: TextIO | None = None) -> None:
    """Print ``text`` (diagnostics, a message) on ``stream`` (stderr) unless it is empty."""
    if text:
        print(text, file=sys.stderr if stream is None else stream)


#: What a write to a full or failing output gives (``> /dev/full``, a full disk or quota, EIO).
_OUTPUT_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _drop_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail


def quiet_pipe(command: Callable[[], int]) -> int:
    """Run ``command``; if stdout's reader went away (``mission replay LOG | head``), stop quietly.

    Returns:
        The command's status, ``EXIT_OK`` when the pipe was closed under it, or ``EXIT_USAGE``
        (after one error line) when stdout cannot be written, e.g. ``> /dev/full`` or a full disk.
    """
    try:
        status = command()
        sys.stdout.flush()  # inside the guard: a pipe closed under buffered output fails here
        return status
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK
    except OSError as exc:
        # a write to stdout fails so, with no file name; another OSError is not ours to name
        if exc.errno not in _OUTPUT_FULL or exc.filename is not None:
            raise
        _drop_stdout()
        print(f"mission: error: cannot write to standard output: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
