"""The one load+check path: refusals carry their message and exit status; warnings are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from quadmission.exit_codes import EXIT_ERRORS, EXIT_USAGE
from quadmission.loading import MissionError, check_runnable, load_mission, missing_files


def test_a_missing_file_is_a_usage_refusal(site: Path) -> None:
    with pytest.raises(MissionError) as caught:
        check_runnable(str(site / "nope.mission"))
    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value) == f"mission: error: no such file: {site / 'nope.mission'}"
    assert missing_files([str(site), str(site / "good.mission")]) == [
        (f"mission: error: {site}: a folder, not a file: give a .mission file in it "
        "(`mission check` takes folders)")]


def test_a_symlink_loop_or_a_dangling_link_is_named_as_such(site: Path) -> None:
    (site / "a.mission").symlink_to(site / "b.mission")
    (site / "b.mission").symlink_to(site / "a.mission")
    (site / "gone.mission").symlink_to(site / "nowhere.mission")
    # before: both were "no such file", though `ls` shows them
    assert missing_files([str(site / "a.mission"), str(site / "gone.mission")]) == [
        f"mission: error: {site / 'a.mission'}: a symlink loop",
        f"mission: error: {site / 'gone.mission'}: a broken symlink (to {site / 'nowhere.mission'})",
    ]


@pytest.mark.parametrize(("name", "expected"), [
    ("bad.mission", "unknown place `gatee`"),
    ("nameless.mission", "this mission has no `mission` declaration"),
    ("lib.mission", "this mission has no `main` block"),
    ("w.world", "this is a world file"),
])
def test_errors_and_runnable_diagnostics_are_refusals_with_exit_1(
        site: Path, name: str, expected: str) -> None:
    with pytest.raises(MissionError) as caught:
        check_runnable(str(site / name))
    assert caught.value.exit_code == EXIT_ERRORS
    assert expected in str(caught.value) and "error" in str(caught.value).splitlines()[-1]


def test_a_runnable_file_keeps_its_warnings_and_source(site: Path) -> None:
    checked = check_runnable(str(site / "warn.mission"))
    assert "warning: waypoint `spare` is never used" in checked.report.render()
    assert checked.source.startswith('mission "Warn"')
    mission = load_mission(str(site / "good.mission"))
    assert mission.name == "Good" and mission.compiled.world is not None
    assert mission.source.startswith('mission "Good"')
