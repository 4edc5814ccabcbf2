"""Paths given to `mission check`: folders walked for mission files, libraries checked through
their importers, every path that cannot be checked named on its own line."""

from __future__ import annotations

import os
from pathlib import Path

from dsl.loader import Loader
from quadmission.mission_paths import expand_paths, roots_to_check
from tests.dsl.helpers import WORLD, write

# A library using a place its importers' world declares: on its own, `gate` is unknown.
LIB = "task to_gate() { go to gate }\n"
MISSION = 'import "lib/gate.mission"\nmission "M"\nworld "w.world"\nmain { to_gate() }\n'


def _site(tmp_path: Path) -> Path:
    write(tmp_path, {"w.world": WORLD, "lib/gate.mission": LIB, "m.mission": MISSION,
                     "sub/deeper/n.mission": 'mission "N"\nmain { wait 1 s }\n',
                     "notes.txt": "not a mission", ".git/x.mission": "not ours",
                     ".hidden.mission": "an editor's backup"})
    return tmp_path


def test_a_folder_is_its_mission_and_world_files_recursively_sorted(tmp_path: Path) -> None:
    site = _site(tmp_path)
    expansion = expand_paths([str(site)])
    names = [str(Path(f).relative_to(site)) for f in expansion.files]
    assert names == ["lib/gate.mission", "m.mission", "sub/deeper/n.mission", "w.world"]
    assert expansion.problems == () and expansion.from_folders == set(expansion.files)


def test_a_file_named_and_found_in_a_folder_is_checked_once_as_named(tmp_path: Path) -> None:
    site = _site(tmp_path)
    named = str(site / "m.mission")
    expansion = expand_paths([named, str(site), f"{site}/./m.mission"])
    assert expansion.files.count(named) == 1 and len(expansion.files) == 4
    assert named not in expansion.from_folders


def test_a_library_found_in_a_folder_is_checked_through_its_importer(tmp_path: Path) -> None:
    site = _site(tmp_path)
    expansion = expand_paths([str(site)])
    roots = roots_to_check(expansion, Loader())
    assert str(site / "lib" / "gate.mission") not in roots
    assert {str(site / n) for n in ("m.mission", "w.world", "sub/deeper/n.mission")} == set(roots)
    # named on the command line, it is checked on its own, as before
    named = expand_paths([str(site / "lib" / "gate.mission"), str(site)])
    assert str(site / "lib" / "gate.mission") in roots_to_check(named, Loader())


def test_libraries_that_only_import_each_other_are_still_checked(tmp_path: Path) -> None:
    write(tmp_path, {"a.mission": 'import "b.mission"\ntask a() { wait 1 s }\n',
                     "b.mission": 'import "a.mission"\ntask b() { wait 1 s }\n'})
    roots = roots_to_check(expand_paths([str(tmp_path)]), Loader())
    assert roots == [str(tmp_path / "a.mission")]  # which imports (and so checks) b


def test_each_path_that_cannot_be_checked_is_one_line_and_the_rest_go_on(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    (tmp_path / "empty").mkdir()
    write(tmp_path, {"other/readme.md": "no missions here"})
    os.mkfifo(tmp_path / "pipe.mission")
    (tmp_path / "a.mission").symlink_to(tmp_path / "b.mission")
    (tmp_path / "b.mission").symlink_to(tmp_path / "a.mission")
    (site / "dangling.mission").symlink_to(tmp_path / "nowhere.mission")
    (site / "loop").symlink_to(site)  # a linked folder is not followed
    paths = [str(tmp_path / n) for n in ("empty", "other", "pipe.mission", "a.mission", "nope")]
    expansion = expand_paths([str(site / "m.mission"), *paths, str(site)])
    assert list(expansion.problems) == [
        f"mission: error: {tmp_path / 'empty'}: an empty folder: nothing to check",
        f"mission: error: {tmp_path / 'other'}: no .mission or .world file in it: nothing to check",
        (f"mission: error: {tmp_path / 'pipe.mission'}: a named pipe (FIFO), not a regular file: "
        "only regular files are read"),
        f"mission: error: {tmp_path / 'a.mission'}: a symlink loop",
        f"mission: error: no such file: {tmp_path / 'nope'}",
        (f"mission: error: {site / 'dangling.mission'}: a broken symlink "
        f"(to {tmp_path / 'nowhere.mission'})"),
    ]
    assert len(expansion.files) == 4 and expansion.files[0] == str(site / "m.mission")
