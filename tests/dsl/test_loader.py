"""Imports and world paths: resolution, safety, cycles, missing files, unreadable files."""

from __future__ import annotations

from pathlib import Path

from dsl.api import check_paths
from dsl.loader import Loader
from dsl.parser import MAX_BYTES
from tests.dsl.helpers import HEADER, WORLD, at, check, errors, only, where, write


def test_import_brings_tasks_and_places(tmp_path: Path) -> None:
    lib = 'waypoint top at (8, 8)\ntask home() { go to base }\nmain { succeed }\nrobot b9\n'
    text = HEADER + 'import "lib/common.mission"\nmain { go to top  home() }\n'
    report = check(tmp_path, text, extra={"lib/common.mission": lib})
    assert errors(report) == [], report.render()


def test_import_duplicate_names_both_files(tmp_path: Path) -> None:
    lib = "waypoint top at (8, 8)\n"
    text = HEADER + 'import "lib.mission"\nwaypoint top at (9, 9)\nmain { go to top }\n'
    d = only(check(tmp_path, text, extra={"lib.mission": lib}), "duplicate name")
    assert f"{tmp_path / 'lib.mission'}:1:10" in d.message
    assert where(d) == at(text, "top at")


def test_missing_import_says_the_path_tried(tmp_path: Path) -> None:
    text = HEADER + 'import "lib/nope.mission"\nmain { go to gate }\n'
    d = only(check(tmp_path, text), "cannot find")
    assert d.message == "cannot find import `lib/nope.mission`"
    assert d.hint == f"tried {tmp_path / 'lib' / 'nope.mission'}"
    assert where(d) == at(text, '"lib/nope.mission"')


def test_missing_world_file(tmp_path: Path) -> None:
    text = 'mission "T"\nworld "worlds/none.world"\nmain { succeed }\n'
    d = only(check(tmp_path, text, world=None), "cannot find")
    assert d.message == "cannot find world file `worlds/none.world`"
    assert d.hint == f"tried {tmp_path / 'worlds' / 'none.world'}"
    assert where(d) == at(text, '"worlds')


def test_import_escaping_the_mission_folder(tmp_path: Path) -> None:
    write(tmp_path, {"outside.mission": "task t() { succeed }\n"})
    text = HEADER + 'import "../outside.mission"\nmain { go to gate }\n'
    d = only(check(tmp_path / "m", text, extra={"w.world": WORLD}), "escapes")
    assert d.message == "import `../outside.mission` escapes the mission folder"
    assert where(d) == at(text, '"../outside')


def test_absolute_import_is_refused(tmp_path: Path) -> None:
    text = HEADER + f'import "{tmp_path}/lib.mission"\nmain {{ go to gate }}\n'
    d = only(check(tmp_path, text, extra={"lib.mission": ""}), "must be relative")
    assert d.span.line == 3


def test_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"lib.mission": "task t() { succeed }\n"})
    inside = tmp_path / "m"
    inside.mkdir()
    (inside / "link.mission").symlink_to(outside / "lib.mission")
    text = HEADER + 'import "link.mission"\nmain { go to gate }\n'
    d = only(check(inside, text), "escapes")
    assert where(d) == at(text, '"link.mission"')


def test_import_cycle(tmp_path: Path) -> None:
    a = 'import "b.mission"\ntask ta() { succeed }\n'
    b = 'import "a.mission"\ntask tb() { succeed }\n'
    text = HEADER + 'import "a.mission"\nmain { ta() tb() }\n'
    report = check(tmp_path, text, extra={"a.mission": a, "b.mission": b})
    d = only(report, "import cycle")
    assert d.message == (f"import cycle: {tmp_path / 'a.mission'} -> {tmp_path / 'b.mission'} "
                         f"-> {tmp_path / 'a.mission'}")
    assert d.span.file == str(tmp_path / "b.mission")
    assert where(d) == (1, 1)


def test_self_import_is_a_cycle(tmp_path: Path) -> None:
    text = HEADER + 'import "m.mission"\nmain { go to gate }\n'
    d = only(check(tmp_path, text), "import cycle")
    assert d.message.endswith("m.mission")


def test_diamond_import_is_not_a_duplicate(tmp_path: Path) -> None:
    files = {"a.mission": 'import "c.mission"\n', "b.mission": 'import "c.mission"\n',
             "c.mission": "task tc() { succeed }\n"}
    text = HEADER + 'import "a.mission"\nimport "b.mission"\nmain { tc() }\n'
    assert errors(check(tmp_path, text, extra=files)) == []


def test_binary_file_is_not_text(tmp_path: Path) -> None:
    write(tmp_path, {"bin.mission": b"main { \xff\xfe }"})
    report = check_paths([str(tmp_path / "bin.mission")])
    d = only(report, "not a text file")
    assert d.message == "not a text file: invalid UTF-8 at byte 7"
    assert where(d) == (1, 8)  # at the bad byte, not at the top of the file
    # a later line, after two-byte characters: the column counts characters, not bytes
    write(tmp_path, {"late.mission": b'mission "\xc3\xa9"\n# caf\xc3\xa9 \xfe\n'})
    late = only(check_paths([str(tmp_path / "late.mission")]), "not a text file")
    assert late.message == "not a text file: invalid UTF-8 at byte 21"
    assert where(late) == (2, 8)


def test_nul_bytes_are_not_text(tmp_path: Path) -> None:
    write(tmp_path, {"nul.mission": b"main {\x00}"})
    d = only(check_paths([str(tmp_path / "nul.mission")]), "not a text file")
    assert d.message == "not a text file: NUL character at byte 6"
    assert where(d) == (1, 7)


def test_file_too_large_is_not_parsed(tmp_path: Path) -> None:
    write(tmp_path, {"big.mission": "#" * (MAX_BYTES + 1)})
    d = only(check_paths([str(tmp_path / "big.mission")]), "too large")
    assert where(d) == (1, 1)
    assert d.message == (f"file too large: {MAX_BYTES + 1} bytes (the limit is {MAX_BYTES} "
                         "bytes, 1 MiB)")


def test_loader_reads_each_file_once(tmp_path: Path) -> None:
    write(tmp_path, {"lib.mission": "task t() { succeed }\n",
                     "a.mission": 'import "lib.mission"\n', "b.mission": 'import "lib.mission"\n'})
    loader = Loader()
    loader.load(str(tmp_path / "a.mission"))
    first = loader.files[(tmp_path / "lib.mission").resolve()]
    loader.load(str(tmp_path / "b.mission"))
    assert loader.files[(tmp_path / "lib.mission").resolve()] is first


def test_import_must_be_a_mission_file(tmp_path: Path) -> None:
    text = HEADER + 'import "w.world"\nmain { go to gate }\n'
    d = only(check(tmp_path, text), "must name a .mission")
    assert where(d) == at(text, '"w.world"', 2)


def test_a_missing_world_file_is_the_only_error(tmp_path: Path) -> None:
    # Before: six follow-on errors (unknown place, area, dock, station, payload), offering tasks
    # for places.
    text = ('mission "M"\nworld "worlds/nope.world"\nroute r: gate -> yard\n'
            "task visit(p: place) { go to p }\n"
            "main {\n  guard distance to base > 20 m { dock at base  charge until 90 % }\n"
            "  follow r\n  visit(gate)\n  pick up crate at s1\n  scan west for victim\n"
            "  search west for victim\n}\n")
    report = check(tmp_path, text, world=None)
    assert len(report.diagnostics) == 1, report.render()
    d = report.diagnostics[0]
    assert d.message == "cannot find world file `worlds/nope.world`"
    assert where(d) == at(text, '"worlds/nope.world"')


def test_a_world_file_that_does_not_parse_is_not_followed_by_unknown_names(tmp_path: Path) -> None:
    text = HEADER + "main {\n  go to gate\n}\n"
    report = check(tmp_path, text, world='world "W"\nbounds (0, 0) to (10, 10)\nwaypoint gate (1, 1)\n')
    assert [d.span.file.endswith("w.world") for d in report.diagnostics] == [True], report.render()


def test_without_a_world_an_unknown_name_is_still_reported(tmp_path: Path) -> None:
    d = only(check(tmp_path, 'mission "M"\nmain {\n  go to gate\n}\n', world=None), "unknown")
    assert d.message == "unknown place `gate`"
