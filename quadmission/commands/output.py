"""Small output helpers shared by the command modules."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from quadmission.exit_codes import EXIT_OK

__all__ = ["print_text", "quiet_pipe"]


def print_text(text: str, stream: TextIO | None = None) -> None:
    """Print ``text`` (diagnostics, a message) on ``stream`` (stderr) unless it is empty."""
    if text:
        print(text, file=sys.stderr if stream is None else stream)


def quiet_pipe(command: Callable[[], int]) -> int:
    """Run ``command``; if stdout's reader went away (``mission replay LOG | head``), stop quietly.

    Returns:
        The command's status, or ``EXIT_OK`` when the pipe was closed under it.
    """
    try:
        status = command()
        sys.stdout.flush()  # inside the guard: a pipe closed under buffered output fails here
        return status
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail
        return EXIT_OK
