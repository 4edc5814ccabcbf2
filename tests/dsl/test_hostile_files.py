"""Files that are not regular files: refused with a diagnostic at the line naming them, never a hang,
a traceback or gigabytes read; and a chain of thousands of imports loads without recursion."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dsl.api import check_paths
from dsl.source_files import SourceError, read_source
from tests.dsl.helpers import HEADER, WORLD, at, check, only, write

IMPORTS = HEADER + 'import "lib.mission"\nmain { stand }\n'


def test_a_fifo_import_is_refused_at_the_import_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "lib.mission")
    started = time.monotonic()
    d = only(check(tmp_path, IMPORTS), "named pipe")
    assert time.monotonic() - started < 5  # it used to wait for a writer forever
    assert d.message.endswith("lib.mission` is a named pipe (FIFO), not a regular file")
    assert (d.span.file, d.span.line, d.span.col) == (str(tmp_path / "m.mission"),
                                                      *at(IMPORTS, '"lib.mission"'))


def test_a_fifo_world_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "w.world")
    d = only(check(tmp_path, HEADER + "main { stand }\n", world=None), "named pipe")
    assert d.span.line == 2


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_through_a_symlink_is_never_read(tmp_path: Path, device: str) -> None:
    (tmp_path / "lib.mission").symlink_to(device)
    report = check(tmp_path, IMPORTS)
    assert report.has_errors
    assert any(d.span.line == 3 for d in report.diagnostics if d.is_error)


def test_a_device_is_refused_by_the_reader_itself() -> None:
    with pytest.raises(SourceError, match="is a device, not a regular file"):
        read_source(Path("/dev/zero"), "z.mission", 1 << 20)


def test_a_symlink_loop_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "lib.mission").symlink_to(tmp_path / "other.mission")
    (tmp_path / "other.mission").symlink_to(tmp_path / "lib.mission")
    report = check(tmp_path, IMPORTS)
    d = only(report, "lib.mission")
    assert d.is_error and d.span.line == 3 and "symlink loop" in d.message


def test_a_name_over_the_file_system_limit_is_a_diagnostic(tmp_path: Path) -> None:
    long = "x" * 300 + ".mission"
    text = HEADER + f'import "{long}"\nmain {{ stand }}\n'
    d = only(check(tmp_path, text), "File name too long")
    assert d.span.line == 3 and d.message.startswith("cannot read `") and long in d.message


def test_a_folder_named_as_an_import(tmp_path: Path) -> None:
    (tmp_path / "lib.mission").mkdir()
    d = only(check(tmp_path, IMPORTS), "folder")
    assert d.message.endswith("lib.mission` is a folder, not a file") and d.span.line == 3


def test_a_root_that_is_a_fifo_is_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "m.mission")
    report = check_paths([str(tmp_path / "m.mission")])
    assert "named pipe" in report.diagnostics[0].message


def test_2500_chained_imports_load_without_recursion(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"w.world": WORLD,
                                     "m.mission": HEADER + 'import "i0.mission"\nmain { t2499() }\n'}
    for i in range(2500):
        nxt = f'import "i{i + 1}.mission"\n' if i < 2499 else ""
        files[f"i{i}.mission"] = nxt + f"task t{i}() {{ stand }}\n"
    write(tmp_path, files)
    report = check_paths([str(tmp_path / "m.mission")])
    assert not report.has_errors, report.render()[:2000]
