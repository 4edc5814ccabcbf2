"""The one path from a file name to a runnable, compiled mission, shared by show, compile and run.

``mission show``, ``mission compile`` and ``mission run`` all call :func:`check_runnable` (the
checks of ``mission check`` plus :func:`dsl.checker.runnable_diagnostics`) and then
:func:`compile_checked`, so a file that one of them refuses, every one of them refuses with the same
message and the same exit status. Refusals are :class:`MissionError` values carrying both.

The compiler is imported only inside :func:`compile_checked`, so ``mission check`` (which uses
:func:`missing_files`) loads no more than checking needs.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsl.api import Report, check_paths
from dsl.checker import CheckedProgram, runnable_diagnostics
from dsl.diagnostics import sort_diagnostics
from dsl.source_files import file_kind
from quadmission.exit_codes import EXIT_ERRORS, EXIT_USAGE

if TYPE_CHECKING:
    from dsl.compiler import CompiledMission

__all__ = [
    "Checked",
    "Mission",
    "MissionError",
    "check_runnable",
    "compile_checked",
    "load_mission",
    "missing_files",
    "to_mission",
]


class MissionError(Exception):
    """The mission cannot be shown, compiled or run.

    The message is exactly what to print on stderr (rendered diagnostics or one line), and
    ``exit_code`` the status from :mod:`quadmission.exit_codes` to return.
    """

    def __init__(self, message: str, exit_code: int = EXIT_ERRORS) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: its program and the report (which may hold warnings)."""

    path: str
    report: Report
    program: CheckedProgram

    @property
    def source(self) -> str:
        """The text of the checked file ("" if the loader did not keep it)."""
        return self.report.sources.get(self.program.path, "")


@dataclass(frozen=True)
class Mission:
    """A compiled mission ready to run: the tree and everything around it."""

    path: str
    source: str
    compiled: CompiledMission

    @property
    def name(self) -> str:
        """The mission's declared name (``mission "..."``)."""
        return str(self.compiled.name)


def missing_files(paths: Sequence[str]) -> list[str]:
    """Usage problems with the files named on the command line (missing, or not files).

    Args:
        paths: the file names as given.

    Returns:
        One ``mission: error: ...`` line per problem; empty when every path is a file.
    """
    problems = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
            problems.append(f"mission: error: {_why_missing(path, exc)}")
            continue
        if not stat.S_ISREG(mode):
            problems.append(f"mission: error: {path}: {_what_instead(mode)}")
    return problems


def _what_instead(mode: int) -> str:
    """What a path that is no regular file is instead (from its ``mode``), and what to give."""
    kind = file_kind(mode)
    if kind == "a folder":
        return "a folder, not a file: give a .mission file in it (`mission check` takes folders)"
    return f"{kind}, not a regular file: only regular files are read"


def _why_missing(path: str, exc: OSError | ValueError) -> str:
    """Why ``path`` cannot be opened, from what ``os.stat`` raised."""
    code = getattr(exc, "errno", None)
    if code == errno.ELOOP:
        return f"{path}: a symlink loop"
    if code == errno.ENOENT:
        try:
            return f"{path}: a broken symlink (to {os.readlink(path)})"
        except OSError:
            return f"no such file: {path}"
    if code == errno.ENOTDIR:
        return f"no such file: {path} (a part of it before a `/` is a file, not a folder)"
    return f"{path}: cannot be read: {getattr(exc, 'strerror', None) or exc}"


def check_runnable(path: str) -> Checked:
    """Load and check ``path`` as a mission to show, compile or run.

    Args:
        path: a ``.mission`` file with a ``main`` block.

    Returns:
        The checked program with its report (warnings, if any, are the caller's to print).

    Raises:
        MissionError: the file is missing (``EXIT_USAGE``), or it has errors, including those of
            :func:`~dsl.checker.runnable_diagnostics` (``EXIT_ERRORS``, the rendered report).
    """
    problems = missing_files([path])
    if problems:
        raise MissionError("\n".join(problems), EXIT_USAGE)
    report = check_paths([path])
    if not report.programs:
        raise MissionError(report.render() or f"mission: error: {path}: cannot be read")
    program = report.programs[0]
    if not report.has_errors:
        extra = runnable_diagnostics(program)
        if extra:
            diagnostics = tuple(sort_diagnostics([*report.diagnostics, *extra]))
            report = Report(report.programs, diagnostics, report.sources)
    if report.has_errors:
        raise MissionError(report.render())
    return Checked(path, report, program)


def compile_checked(checked: Checked) -> CompiledMission:
    """Compile a checked program to its behaviour tree.

    Raises:
        MissionError: the compiler refused it or the mission nests too deeply (``EXIT_ERRORS``).
    """
    from dsl.compiler import CompileError, compile_mission

    try:
        return compile_mission(checked.program)
    except (CompileError, RecursionError) as exc:
        raise MissionError(
            f"mission: error: cannot compile {checked.path}: {exc or 'nested too deeply'}"
        ) from None


def to_mission(checked: Checked) -> Mission:
    """Compile a checked program for a run (it must name a world).

    Raises:
        MissionError: as :func:`compile_checked`, or the mission names no world (``EXIT_ERRORS``).
    """
    compiled = compile_checked(checked)
    if compiled.world is None:
        raise MissionError(
            f"mission: error: {checked.path}: the mission names no `world` to run in"
        )
    return Mission(checked.path, checked.source, compiled)


def load_mission(path: str) -> Mission:
    """Check and compile the mission at ``path`` for a run: :func:`check_runnable`, then
    :func:`to_mission` (warnings are not printed; ``mission run`` prints them itself).

    Raises:
        MissionError: as :func:`check_runnable` and :func:`to_mission`.
    """
    return to_mission(check_runnable(path))
