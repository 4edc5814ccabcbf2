"""Find, read and parse a mission together with the files it names (imports and its world).

Paths are resolved safely: relative to the file that names them and only inside the mission's root
folder (the folder of the file given on the command line); absolute paths, ``..`` escapes and
symlinks out of the tree are refused. Only regular files are read, size-capped before reading
(:mod:`dsl.source_files`). Nothing is executed and no environment variable is read.
Each file is read and parsed once per :class:`Loader` (several missions checked in one run share it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dsl import ast as A
from dsl.diagnostics import Diagnostic, error
from dsl.parser import MAX_BYTES, parse_bytes
from dsl.source_files import SourceError, read_source, resolve_inside

__all__ = ["LoadedFile", "Loader", "Program"]


@dataclass(frozen=True)
class LoadedFile:
    """A file as read: ``path`` as shown to the user, its text and AST (None if unreadable)."""

    path: str
    real: Path
    text: str | None
    ast: A.SourceFile | None


@dataclass(frozen=True)
class Program:
    """A mission (or world) file and everything it pulls in.

    ``world_missing`` is set when the mission names a world that could not be found, read or
    parsed (one error says so, at the ``world`` line): the names it would declare are unknown, so
    the checker reports no "unknown place" after it.
    """

    root: LoadedFile
    imports: tuple[LoadedFile, ...]
    world: LoadedFile | None
    diagnostics: tuple[Diagnostic, ...]
    world_missing: bool = False


@dataclass
class Loader:
    """Loads programs; caches files by real path so shared libraries are parsed once."""

    files: dict[Path, LoadedFile] = field(default_factory=dict)
    read_diagnostics: dict[Path, tuple[Diagnostic, ...]] = field(default_factory=dict)

    # ------------------------------------------------------------------------------ reading
    def read(self, path: str, real: Path, at: A.Span | None = None) -> LoadedFile:
        """Read and parse one file (cached); its problems go to ``read_diagnostics``.

        Args:
            path: the path as shown to the user.
            real: the resolved path.
            at: where the file is named (an import or world line); a file that cannot be
                opened is reported there, else at the file's own first character.
        """
        cached = self.files.get(real)
        if cached is not None:
            return cached
        diags: tuple[Diagnostic, ...]
        try:
            data = read_source(real, path, MAX_BYTES)
        except SourceError as exc:
            span = at if at is not None and not exc.message.startswith("file too large") \
                else A.Span(path, 1, 1, 1, 2)
            diags = (error(span, exc.message, exc.hint),)
            loaded = LoadedFile(path, real, None, None)
        else:
            text, result = parse_bytes(data, path)
            diags = result.diagnostics
            loaded = LoadedFile(path, real, text, result.file)
        self.files[real] = loaded
        self.read_diagnostics[real] = diags
        return loaded

    # ------------------------------------------------------------------------------ loading
    def load(self, path: str) -> Program:
        """Load ``path`` (which must exist), its imports (transitively) and its world file."""
        try:
            real = resolve_inside(Path.cwd(), path, path)
        except SourceError as exc:
            span = A.Span(path, 1, 1, 1, 2)
            root = LoadedFile(path, Path(path).absolute(), None, None)
            return Program(root, (), None, (error(span, exc.message, exc.hint),))
        root_dir = real.parent
        root = self.read(path, real)
        diags: list[Diagnostic] = list(self.read_diagnostics[real])
        imports = self._imports(root, root_dir, real, diags)
        world = self._world(root, root_dir, diags)
        named = root.ast is not None and root.ast.kind != "world" and any(
            isinstance(d, A.WorldDecl) for d in root.ast.decls)
        missing = named and (world is None or world.ast is None)
        return Program(root, tuple(imports), world, tuple(diags), missing)

    def _resolve(
        self, importer: LoadedFile, text: A.Text, root_dir: Path, what: str,
        diags: list[Diagnostic],
    ) -> tuple[str, Path] | None:
        written = text.value
        if not written:
            diags.append(error(text.span, f"empty {what} path"))
            return None
        if os.path.isabs(written) or written.startswith(("~", "\\")) or ":" in written[:3]:
            diags.append(error(text.span, f"{what} path must be relative: `{written}`",
                               "write it relative to this file, inside the mission's folder"))
            return None
        shown = os.path.normpath(os.path.join(os.path.dirname(importer.path), written))
        try:
            target = resolve_inside(importer.real.parent, written, shown)
        except SourceError as exc:
            diags.append(error(text.span, exc.message, exc.hint))
            return None
        if not target.is_relative_to(root_dir):
            diags.append(error(text.span, f"{what} `{written}` escapes the mission folder",
                               f"files must stay inside {root_dir.name or root_dir}/"))
            return None
        try:
            os.stat(target)
        except FileNotFoundError:
            diags.append(error(text.span, f"cannot find {what} `{written}`",
                               f"tried {shown}"))
            return None
        except OSError as exc:
            diags.append(error(text.span, f"cannot read `{shown}`: {exc.strerror or exc}"))
            return None
        return shown, target

    def _imports(
        self, root: LoadedFile, root_dir: Path, real: Path, diags: list[Diagnostic],
    ) -> list[LoadedFile]:
        """Every file ``root`` imports, transitively, in depth-first order of first import.

        An explicit stack, not recursion: a chain of thousands of imports is legal.
        """
        out: list[LoadedFile] = []
        seen: set[Path] = {real}
        # Each frame: the file, the chain of real paths that led to it, its imports still to do.
        frames = [(root, [real], iter(self._import_decls(root)))]
        while frames:
            file, stack, pending = frames[-1]
            decl = next(pending, None)
            if decl is None:
                frames.pop()
                continue
            resolved = self._resolve(file, decl.path, root_dir, "import", diags)
            if resolved is None:
                continue
            shown, target = resolved
            if not shown.endswith(".mission"):
                diags.append(error(decl.path.span, f"an import must name a .mission file, got "
                                   f"`{decl.path.value}`"))
                continue
            if target in stack:
                names = [self.files[p].path for p in stack[stack.index(target):]] + [shown]
                diags.append(error(decl.span, "import cycle: " + " -> ".join(names),
                                   "remove one of these imports"))
                continue
            if target in seen:
                continue
            seen.add(target)
            loaded = self.read(shown, target, decl.path.span)
            diags.extend(self.read_diagnostics[target])
            out.append(loaded)
            frames.append((loaded, [*stack, target], iter(self._import_decls(loaded))))
        return out

    @staticmethod
    def _import_decls(file: LoadedFile) -> list[A.ImportDecl]:
        if file.ast is None or file.ast.kind == "world":
            return []  # a world's imports are reported by the checker: they are not allowed
        return [d for d in file.ast.decls if isinstance(d, A.ImportDecl)]

    def _world(
        self, root: LoadedFile, root_dir: Path, diags: list[Diagnostic]
    ) -> LoadedFile | None:
        if root.ast is None or root.ast.kind == "world":
            return None
        decls = [d for d in root.ast.decls if isinstance(d, A.WorldDecl)]
        if not decls:
            return None
        decl = decls[0]
        resolved = self._resolve(root, decl.value, root_dir, "world file", diags)
        if resolved is None:
            return None
        shown, target = resolved
        if not shown.endswith(".world"):
            diags.append(error(decl.value.span, f"a world file must end in .world, got "
                               f"`{decl.value.value}`"))
            return None
        loaded = self.read(shown, target, decl.value.span)
        diags.extend(self.read_diagnostics[target])
        return loaded
