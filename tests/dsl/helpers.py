"""Shared helpers for the dsl tests: write a small site to a temporary folder and check it."""

from __future__ import annotations

from pathlib import Path

from dsl.api import Report, check_paths
from dsl.diagnostics import Diagnostic

WORLD = """\
world "Test site"
bounds (0, 0) to (50, 30)
terrain canal: water rect (10, 20) to (40, 24) { depth 2 m }
terrain shed: obstacle rect (2, 25) to (6, 29)
terrain bog: mud rect (30, 5) to (35, 9) { softness 0.6 }
dock base at (1, 1)
station depot at (3, 2)
waypoint gate at (5, 5)
waypoint tower at (20, 10)
victim v1 at (14, 12)
payload medkit 2.5 kg at depot
"""

HEADER = 'mission "T"\nworld "w.world"\n'


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path → text or bytes) under ``folder``."""
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def check(folder: Path, text: str, world: str | None = WORLD, name: str = "m.mission",
          extra: dict[str, str | bytes] | None = None) -> Report:
    """Write the mission ``text`` (and the world as w.world) and check it."""
    files: dict[str, str | bytes] = {name: text, **(extra or {})}
    if world is not None:
        files["w.world"] = world
    write(folder, files)
    return check_paths([str(folder / name)])


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def only(report: Report, fragment: str) -> Diagnostic:
    """The one diagnostic whose message contains ``fragment`` (fails if none or several)."""
    found = [d for d in report.diagnostics if fragment in d.message]
    assert len(found) == 1, f"expected one diagnostic with {fragment!r}, got:\n{report.render()}"
    return found[0]


def where(diagnostic: Diagnostic) -> tuple[int, int]:
    return diagnostic.span.line, diagnostic.span.col


def errors(report: Report) -> list[Diagnostic]:
    return [d for d in report.diagnostics if d.is_error]


def compile_text(folder: Path, text: str, world: str | None = WORLD):  # type: ignore[no-untyped-def]
    """Check ``text`` (must be error-free) and compile it."""
    from dsl.compiler import compile_mission

    report = check(folder, text, world=world)
    assert errors(report) == [], report.render()
    return compile_mission(report.programs[0])


class FakeState:
    """A StateView whose values tests set directly."""

    def __init__(self, **values: float) -> None:
        self.values = dict(values)
        self.facts: dict[str, bool] = {}
        self.counters: dict[str, int] = {}
        self.pos = (0.0, 0.0, 0.0)
        self.ground = "flat"
        self.walk = "trot"

    def value(self, name: str) -> float:
        return self.values[name]

    def fact(self, name: str, arg: str | None = None) -> bool:
        return self.facts.get(name if arg is None else f"{name} {arg}", False)

    def counter(self, name: str) -> int:
        return self.counters.get(name, 0)

    def position(self) -> tuple[float, float, float]:
        return self.pos

    def terrain(self) -> str:
        return self.ground

    def gait(self) -> str:
        return self.walk


class FakeClock:
    """Seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now
