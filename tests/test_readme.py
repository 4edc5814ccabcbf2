"""README's first lines are the project's front door: they must stay exactly two working commands,
and the example mission it shows must check clean against the example world."""

import shutil
from pathlib import Path

from dsl.api import check_paths

ROOT = Path(__file__).resolve().parent.parent


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands() -> None:
    lines = _readme().splitlines()
    assert lines[0] == "```sh" and lines[3] == "```"
    demo, tests = lines[1], lines[2]
    assert demo.startswith("pip install -e . && ") and "mission run missions/" in demo
    assert tests == "pip install -e '.[test]' && python -m pytest -q -n 2"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci


def test_the_example_mission_in_the_readme_checks_clean(tmp_path: Path) -> None:
    text = _readme()
    start = text.index("```\n", text.index("## A mission")) + 4
    example = text[start : text.index("```", start)]
    missions = tmp_path / "missions"
    shutil.copytree(ROOT / "missions", missions)
    probe = missions / "readme_example.mission"
    probe.write_text(example, encoding="utf-8")
    report = check_paths([str(probe)])
    assert not report.has_errors, report.render()
