"""A fingerprint of the front end, to prove that a speed-up did not change what it says or builds.

``python -m bench.frontend_fingerprint`` checks a corpus of files and prints one SHA-256 per group
of them, over everything the language produces for each: the rendered diagnostics (messages,
lines, columns, hints, carets) and, for a file that checks clean and has a ``main``, the compiled
tree in all four exports (text tree, JSON, dot, BehaviorTree.CPP XML). Run it before and after a
change that should only be faster, and diff the two outputs.

The corpus is deterministic: the example missions and worlds, the compile bench's generated
mission, and mutants of each example mission (a word deleted, doubled or swapped with its
neighbour, a number replaced by an extreme one, a name replaced by another name of the file, a
line doubled, a keyword inserted), drawn from a seeded generator. Mutants reach the syntax errors,
the unknown names, the unit and range errors and the robot checks with real missions around them.

Options: ``--mutants N`` (per example mission, default 150), ``--verbose`` (one digest per file, to
find the file whose output changed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.bench_compile import WORLD, mission_text

MISSIONS = Path(__file__).resolve().parent.parent / "missions"
EXAMPLES = ("patrol", "rescue", "logistics")
_WORD = re.compile(r'"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|\S')
_NUMBERS = ("0", "-1", "25", "0.2", "1e9", "100000", "3.5", "72")
_KEYWORDS = ("if", "else", "elif", "guard", "retry", "go", "to", "wait", "sequence", "{", "}",
             "(", ")", "and", "not", "set", "var", "every", "within", "always", "then", "%")


def mutants(text: str, count: int, seed: int) -> Iterator[str]:
    """``count`` one-edit variants of ``text``, the same ones for the same seed."""
    rng = random.Random(seed)
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    names = sorted({w for _s, _e, w in words if w[0].isalpha() or w[0] == "_"})
    lines = text.splitlines(keepends=True)
    for _ in range(count):
        start, end, word = words[rng.randrange(len(words))]
        kind = rng.randrange(7)
        if kind == 0:
            yield text[:start] + text[end:]
        elif kind == 1:
            yield text[:start] + word + " " + text[start:]
        elif kind == 2:
            index = next(i for i, w in enumerate(words) if w[0] == start)
            if index + 1 < len(words):
                n_start, n_end, n_word = words[index + 1]
                yield text[:start] + n_word + text[end:n_start] + word + text[n_end:]
            else:
                yield text + word
        elif kind == 3:
            yield text[:start] + rng.choice(_NUMBERS) + text[end:]
        elif kind == 4:
            yield text[:start] + rng.choice(names) + text[end:]
        elif kind == 5:
            at = rng.randrange(len(lines))
            yield "".join(lines[:at + 1] + lines[at:])
        else:
            yield text[:start] + rng.choice(_KEYWORDS) + " " + text[start:]


def outputs(path: Path) -> str:
    """Everything the front end says and builds for the file at ``path``, as one text."""
    from dsl.api import check_paths
    from dsl.checker import runnable_diagnostics
    from dsl.compiler import CompileError, compile_mission
    from dsl.export import ExportError, render_tree, to_btcpp_xml, to_dot, to_json

    report = check_paths([str(path)])
    parts = [report.render()]
    for checked in report.programs:
        if report.has_errors or runnable_diagnostics(checked):
            continue
        try:
            compiled = compile_mission(checked)
            parts += [render_tree(compiled.root), to_json(compiled),
                      to_dot(compiled.root, compiled.name), to_btcpp_xml(checked)]
        except (CompileError, ExportError) as exc:  # what fails is part of the output compared
            parts.append(f"{type(exc).__name__}: {exc}")
    return "\n\x00\n".join(parts)


def corpus(folder: Path, count: int) -> Iterator[tuple[str, Path]]:
    """(group, path) of every file of the corpus, written under ``folder``."""
    shutil.copytree(MISSIONS, folder, dirs_exist_ok=True)
    for path in sorted(folder.glob("*.mission")) + sorted(folder.glob("worlds/*.world")):
        yield "examples", path
    (folder / "w.world").write_text(WORLD)
    bench = folder / "bench.mission"
    bench.write_text(mission_text(63))
    yield "bench", bench
    for index, name in enumerate(EXAMPLES):
        text = (folder / f"{name}.mission").read_text()
        for k, variant in enumerate(mutants(text, count, seed=index)):
            path = folder / f"{name}_m{k}.mission"
            path.write_text(variant)
            yield f"{name} mutants", path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mutants", type=int, default=150, help="mutants per example mission")
    parser.add_argument("--verbose", action="store_true", help="one digest per file")
    args = parser.parse_args(argv)
    groups: dict[str, hashlib._Hash] = {}
    sizes: dict[str, int] = {}
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "site"
        os.chdir(scratch)  # paths in messages are then the same in every checkout
        try:
            for group, path in corpus(folder, args.mutants):
                text = outputs(path.relative_to(scratch))
                groups.setdefault(group, hashlib.sha256()).update(text.encode())
                sizes[group] = sizes.get(group, 0) + 1
                if args.verbose:
                    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
                    print(f"  {path.relative_to(folder)} {digest}")
        finally:
            os.chdir(here)
    for group, digest in groups.items():
        print(f"{group}: {sizes[group]} files digest={digest.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
