"""The front door of the language: check files and get one sorted report of all their problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from dsl.checker import CheckedProgram, check_program
from dsl.diagnostics import Diagnostic, has_errors, render_all, sort_diagnostics
from dsl.loader import Loader
from locomotion.world import World

__all__ = ["Report", "check_paths", "load_world"]


@dataclass(frozen=True)
class Report:
    """Checked programs (one per file that could be parsed) and every diagnostic, sorted."""

    programs: tuple[CheckedProgram, ...]
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str]

    @property
    def has_errors(self) -> bool:
        return has_errors(self.diagnostics)

    def render(self) -> str:
        """All diagnostics rendered with source lines and carets, plus a count line."""
        return render_all(self.diagnostics, self.sources)


def check_paths(paths: Sequence[str], loader: Loader | None = None) -> Report:
    """Load and check each file in ``paths`` (each is the root of its own folder tree).

    The files must exist (the CLI checks that first); everything else is reported as diagnostics.
    """
    loader = loader or Loader()
    programs: list[CheckedProgram] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        checked, found = check_program(loader.load(path))
        diagnostics.extend(found)
        if checked is not None:
            programs.append(checked)
    sources = {f.path: f.text for f in loader.files.values() if f.text is not None}
    return Report(tuple(programs), tuple(sort_diagnostics(diagnostics)), MappingProxyType(sources))


def load_world(path: str | Path) -> World:
    """Read, check and build the world file at ``path`` (for simulation and tests).

    It lives here, beside :func:`check_paths`, because the full checker (names, duplicates) runs
    first; in :mod:`dsl.worldbuild` it would close an import cycle through the checker.

    Raises:
        ValueError: the file has errors; the message is the rendered diagnostics.
    """
    report = check_paths([str(path)])
    if report.has_errors or not report.programs or report.programs[0].world is None:
        raise ValueError(report.render() or f"{path}: not a world file")
    return report.programs[0].world
