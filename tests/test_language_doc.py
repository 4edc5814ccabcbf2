"""docs/language.md shows real output, covers the whole registry, and its examples check.

The reference's examples are executable: a fenced block whose first line is ``# file: NAME`` is a
file, and a ``console`` block holds ``$ command`` lines each followed by the exact output the
command printed (stderr, then stdout). The test replays the document in order in a scratch folder
(called ``site``, holding copies of ``missions/worlds`` and ``missions/lib``) and compares. After a
deliberate change of a message, refresh the document with::

    python tests/test_language_doc.py --update
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "language.md"
BLOCK = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
FILE_LINE = re.compile(r"# file: (?P<name>\S+)\n")


@dataclass(frozen=True)
class Command:
    """One ``$ command`` of a console block, its documented output and where that output sits."""

    line: str
    expected: str
    start: int  # offset in the document of the documented output
    end: int


def split_console(body: str, offset: int) -> list[Command]:
    """The commands of a console block whose body starts at ``offset`` in the document."""
    commands: list[Command] = []
    pos = 0
    lines = body.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), f"console block line without `$ `: {line!r}"
        pos += len(line)
        start = pos
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            pos += len(lines[i])
            i += 1
        commands.append(Command(line[2:].rstrip("\n"), body[start:pos], offset + start,
                                offset + pos))
    return commands


def run(command: str, folder: Path) -> str:
    """Run one documented command in ``folder``; ``mission`` runs in this process."""
    if command.startswith("mission "):
        from quadmission.cli import main

        out, err = io.StringIO(), io.StringIO()
        here = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main(shlex.split(command)[1:])
        finally:
            os.chdir(here)
        return err.getvalue() + out.getvalue()
    done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout + done.stderr


def replay(text: str, scratch: Path) -> list[tuple[Command, str]]:
    """Write the document's files and run its commands in order: (command, actual output)."""
    folder = scratch / "site"
    folder.mkdir()
    for sub in ("worlds", "lib"):
        shutil.copytree(ROOT / "missions" / sub, folder / sub)
    results = []
    for block in BLOCK.finditer(text):
        body = block.group("body")
        named = FILE_LINE.match(body)
        if named:
            target = folder / named.group("name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif block.group("lang") == "console":
            for command in split_console(body, block.start("body")):
                results.append((command, run(command.line, folder)))
    return results


def update(doc: Path, scratch: Path) -> None:
    """Rewrite every documented output with what the command prints now."""
    text = doc.read_text(encoding="utf-8")
    for command, actual in reversed(replay(text, scratch)):
        text = text[:command.start] + actual + text[command.end:]
    doc.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------- tests
def test_every_documented_output_is_what_the_command_prints(tmp_path: Path) -> None:
    results = replay(DOC.read_text(encoding="utf-8"), tmp_path)
    assert len(results) >= 30
    for command, actual in results:
        assert actual == command.expected, f"$ {command.line}"


def test_catalogue_covers_every_diagnostic_of_the_contract() -> None:
    text = DOC.read_text(encoding="utf-8")
    for message in (
        "missing '}' to close the block", "expected a unit after", "unknown unit",
        "did you mean", "duplicate name", "is a length, but", "is a waypoint, but",
        "missing argument", "has no parameter", "takes 2 arguments", "recursive task",
        "outside the world bounds", "is inside water", "is inside obstacle",
        "needs at least two distinct points", "code after `forever` is never reached",
        "is never used", "cannot find world file", "cannot find import",
        "escapes the mission folder", "import cycle", "duplicate `robot` declaration",
        "has no `main` block", "unknown robot model", "unknown robot property",
        "unknown terrain kind", "unknown parameter `roughnes`", "value out of range",
        "not a text file: invalid UTF-8 at byte", "file too large", "nested too deeply",
        "this guard protects nothing", "is a keyword", "a positional argument cannot follow",
        "duplicate parameter", "unknown parameter type", "is a fact (true or false)",
        "unknown metric", "a polygon needs at least 3 corners", "duplicate terrain",
        "needs a `world` declaration", "needs a `bounds` declaration",
        "behaviours (the limit is", "levels deep (the limit is", "m across (the limit is",
        "not a regular file",
        "did you mean `else if`?", "did you mean `20 %`?", "cannot be reached from the dock",
        "climbs ramp", "the top of stairs", "is written at z =", "over the robot's payload capacity",
        "cannot carry", "cannot walk", "needs a dock, and neither", "reaches outside the world bounds",
        "is beyond the sensor's reach",
    ):
        assert message in text, message


def test_reference_names_every_registry_entry() -> None:
    """Every action, state variable, fact, counter, metric, property, parameter type, unit and
    terrain parameter of the implementation is documented."""
    from bt_runtime import vocabulary as vocab
    from bt_runtime.units import UNITS
    from locomotion.world import PARAMS_BY_KIND

    text = DOC.read_text(encoding="utf-8")
    words = [s.syntax.split(" ")[0] for s in vocab.ACTIONS.values()]
    words += [*vocab.STATE_VARS, *vocab.FACTS, *vocab.COUNTERS, *vocab.METRICS,
              *vocab.ROBOT_PROPERTIES, *vocab.MISSION_PROPERTIES, *vocab.TASK_PARAM_TYPES,
              *vocab.GAITS, *vocab.TARGET_KINDS, *UNITS]
    for kind, params in PARAMS_BY_KIND.items():
        words.append(kind.value)
        words += [f.name for f in fields(params)]
    missing = sorted({w for w in words if f"`{w}`" not in text and f"`{w} " not in text})
    assert not missing, f"not in docs/language.md: {missing}"


def test_split_console_keeps_offsets() -> None:
    body = "$ mission check a.mission\nok\n$ true\n"
    first, second = split_console(body, 100)
    assert (first.line, first.expected, first.start, first.end) == (
        "mission check a.mission", "ok\n", 126, 129)
    assert (second.line, second.expected) == ("true", "")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_language_doc.py --update")
    import tempfile

    # run as a script, this file's folder (tests/, which has its own `dsl` package) comes first
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "tests"]
    with tempfile.TemporaryDirectory() as scratch:
        update(DOC, Path(scratch))
    print(f"updated {DOC}")
