"""Read one source file safely: only a regular file, size-capped before reading, never blocking.

A path handed to the language may name anything the file system holds: a FIFO (``open`` would wait
for a writer forever), ``/dev/zero`` behind a symlink (``read`` never ends), a folder, a symlink
loop, a name longer than the file system allows. :func:`read_source` opens without blocking, checks
what it opened with ``fstat`` (so nothing can be swapped in between the check and the read), and
reads at most one byte more than the cap. Every refusal is a :class:`SourceError` whose message a
diagnostic can quote.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["SourceError", "file_kind", "read_source", "resolve_inside"]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class SourceError(Exception):
    """A source file that cannot be read: ``message`` for the diagnostic, ``hint`` what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message ("a folder", "a named pipe")."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_source(path: Path, shown: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Args:
        path: the resolved path to open.
        shown: the path as the user wrote it (for messages).
        limit: the largest size accepted, in bytes.

    Returns:
        The file's contents.

    Raises:
        SourceError: ``path`` is not a regular file, is larger than ``limit``, or cannot be read.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise SourceError(f"`{shown}` is a folder, not a file") from None
        raise SourceError(f"cannot read `{shown}`: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError(f"`{shown}` is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"`{shown}` is {file_kind(info.st_mode)}, not a regular file",
                              "only regular files are read")
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew after fstat
            raise _too_large(total, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(f"cannot read `{shown}`: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> SourceError:
    return SourceError(f"file too large: {size} bytes (the limit is {limit} bytes, 1 MiB)",
                       "a mission is a few kilobytes: is this the right file?")


def resolve_inside(base: Path, written: str, shown: str) -> Path:
    """``base / written`` with every symlink resolved.

    Raises:
        SourceError: a symlink loop, a name too long, or another OS error on the way.
    """
    try:
        return (base / written).resolve()
    except RuntimeError:  # Python 3.11 reports a symlink loop so
        raise SourceError(f"cannot read `{shown}`: symlink loop") from None
    except OSError as exc:
        raise SourceError(f"cannot read `{shown}`: {exc.strerror or exc}") from None
