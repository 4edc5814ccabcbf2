"""Which files the paths given to ``mission check`` mean: a file itself, a folder its mission files.

A folder is walked recursively, as ruff and mypy do, for its ``.mission`` and ``.world`` files,
sorted; hidden entries (``.git``, an editor's ``.#x.mission`` lock link) are passed over and linked
folders are not followed (no loop can hold the walk). A task library in a folder (``lib/``) is a
file that another file of the folder imports: checked on its own, its tasks would miss the places
that the importing mission's world declares, so it is checked through its importers instead
(:func:`roots_to_check`), where its own problems are still all reported, under its own name.

A path that cannot be checked (missing, a FIFO, a symlink loop, a folder with no mission file)
is one ``mission: error:`` line naming it; the other paths are still checked.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dsl.loader import Loader
from quadmission.loading import missing_files

__all__ = ["MISSION_SUFFIXES", "Expansion", "expand_paths", "roots_to_check"]

#: The files a folder contributes (what ``mission check`` reads).
MISSION_SUFFIXES = (".mission", ".world")


@dataclass(frozen=True)
class Expansion:
    """The paths given, made into files: ``files`` in order (each once), which of them were
    found in a folder (rather than named), and one ``mission: error:`` line per path that cannot
    be checked."""

    files: tuple[str, ...]
    from_folders: frozenset[str]
    problems: tuple[str, ...]


def _folder_files(folder: str, problems: list[str]) -> list[str]:
    """The mission and world files under ``folder``, sorted; a problem if it holds none."""
    found: list[str] = []
    unreadable: list[str] = []

    def refused(exc: OSError) -> None:
        unreadable.append(f"mission: error: cannot read folder {exc.filename}: "
                          f"{exc.strerror or exc}")

    anything = False
    for top, dirs, names in os.walk(folder, onerror=refused):
        anything = anything or bool(dirs or names)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.normpath(os.path.join(top, name)) for name in names
                  if name.endswith(MISSION_SUFFIXES) and not name.startswith(".")]
    problems += unreadable
    if not found and not unreadable:
        what = "no .mission or .world file in it" if anything else "an empty folder"
        problems.append(f"mission: error: {folder}: {what}: nothing to check")
    return sorted(found)


def expand_paths(paths: Sequence[str]) -> Expansion:
    """Make the command line's paths into the files to check.

    Args:
        paths: files and folders as given.

    Returns:
        The files (a named file as written, a folder's files under it, each file once even if
        named twice), and the problems (missing paths, FIFOs, symlink loops, folders with no
        mission file, unreadable folders), in the order of ``paths``.
    """
    files: list[str] = []
    from_folders: set[str] = set()
    problems: list[str] = []
    seen: set[str] = set()
    for path in paths:
        folder = os.path.isdir(path)
        for candidate in _folder_files(path, problems) if folder else [path]:
            trouble = missing_files([candidate])
            if trouble:
                problems += trouble
                continue
            key = os.path.realpath(candidate)
            if key in seen:
                continue
            seen.add(key)
            files.append(candidate)
            if folder:
                from_folders.add(candidate)
    return Expansion(tuple(files), frozenset(from_folders), tuple(problems))


def roots_to_check(expansion: Expansion, loader: Loader) -> list[str]:
    """The files to check as roots: every named file, and every folder file that no other file
    found imports (a library is checked through the missions that import it).

    A library imported only from within an import cycle of libraries is still checked (as a
    root), so no file found is ever left unchecked.

    Args:
        expansion: what :func:`expand_paths` found.
        loader: the loader the check will use (each file is read once, here or there).
    """
    real: dict[str, Path] = {}
    imports: dict[str, set[Path]] = {}
    for path in expansion.files:
        program = loader.load(path)
        real[path] = program.root.real
        imports[path] = {f.real for f in program.imports} - {program.root.real}
    imported: set[Path] = set().union(*imports.values())
    roots = {path for path in expansion.files
             if path not in expansion.from_folders or real[path] not in imported}
    covered: set[Path] = set().union(*({real[path], *imports[path]} for path in roots))
    for path in expansion.files:  # libraries that only import each other: one is the root
        if real[path] not in covered:
            roots.add(path)
            covered |= {real[path], *imports[path]}
    return [path for path in expansion.files if path in roots]
