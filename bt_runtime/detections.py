"""What the sensor found, as values, and the ``{placeholders}`` a report line names them with.

A :class:`Sighting` is one detection: which entity (kind and name, from the world or the
mission), where it stood when seen, from how far, when, and with what confidence. The world sim
records one per entity found (:meth:`bt_runtime.world_sim.WorldSim.sense`); the executor publishes
each as a :class:`~bt_runtime.events.Detection` naming the action that was running.

``report``, ``alert`` and ``fail`` texts may name the latest detection with placeholders
(:data:`PLACEHOLDERS`): ``report "found {victim} at {position}"``. The rules, in one place so that
the checker (:func:`placeholder_problems`) and the runtime (:func:`render`) cannot disagree:

* ``{victim}``, ``{intruder}``, ``{payload}`` — the name of the latest entity of that kind found;
* ``{position}``, ``{confidence}`` — of the latest detection of the kind the text names (with no
  kind placeholder: of the latest detection of any kind; naming two kinds beside them is refused,
  as it would be ambiguous);
* with nothing found yet, each renders as an honest ``(no victim found yet)``;
* ``{{`` and ``}}`` write a literal brace; any other ``{`` must open a known placeholder.

This module is pure data and string work (no py_trees): the checker imports it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Protocol, runtime_checkable

__all__ = [
    "FIELD_PLACEHOLDERS",
    "KIND_PLACEHOLDERS",
    "PLACEHOLDERS",
    "DetectionView",
    "Placeholder",
    "PlaceholderProblem",
    "Sighting",
    "latest",
    "parse_placeholders",
    "placeholder_problems",
    "render",
]

KIND_PLACEHOLDERS = ("victim", "intruder", "payload")
"""Placeholders naming the latest entity found of that kind (they are also the entity kinds)."""

FIELD_PLACEHOLDERS = ("position", "confidence")
"""Placeholders describing the detection the text names (see the module docstring)."""

PLACEHOLDERS: dict[str, str] = {
    "victim": "name of the latest victim found",
    "intruder": "name of the latest intruder seen",
    "payload": "name of the latest payload found",
    "position": "where the detection was, as (x, y) in metres",
    "confidence": "the detector's confidence in it, as a percentage",
}
"""Every placeholder a ``report``/``alert``/``fail`` text may hold, with what it renders."""


@dataclass(frozen=True)
class Sighting:
    """One entity detected: its ``kind`` and ``name``, where it was (``x``, ``y``, m), how far
    from the sensor (``distance``, m), the run time (``time``, s) and the detector's
    ``confidence`` in [0.5, 1] (:func:`bt_runtime.sensors.sighting_confidence`)."""

    kind: str
    name: str
    x: float
    y: float
    distance: float
    confidence: float
    time: float

    @property
    def position(self) -> str:
        """``(3.2, -1.0)``: the position as a report shows it."""
        return f"({self.x:.1f}, {self.y:.1f})"

    @property
    def confidence_text(self) -> str:
        """``87 %``: the confidence as a report shows it."""
        return f"{round(self.confidence * 100)} %"


@runtime_checkable
class DetectionView(Protocol):
    """What :func:`render` reads: every sighting so far, oldest first."""

    @property
    def sightings(self) -> Sequence[Sighting]:
        """Every entity detected so far, in the order found."""
        ...


@dataclass(frozen=True)
class Placeholder:
    """A ``{name}`` in a text; ``offset`` is the index of its ``{`` in the text."""

    name: str
    offset: int


@dataclass(frozen=True)
class PlaceholderProblem:
    """Something wrong in a text's placeholders, at ``offset`` (``length`` characters)."""

    offset: int
    length: int
    message: str
    hint: str | None = None


_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|\{|\}")


def parse_placeholders(text: str) -> tuple[list[Placeholder], list[PlaceholderProblem]]:
    """Split ``text`` into its placeholders and the problems of its braces.

    Returns:
        (placeholders in order, problems: a ``{`` or ``}`` that opens or closes nothing).
    """
    found: list[Placeholder] = []
    problems: list[PlaceholderProblem] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is not None:
            found.append(Placeholder(match.group(1), match.start()))
        elif token == "{":
            problems.append(PlaceholderProblem(
                match.start(), 1, "a `{` that opens no placeholder",
                "write a placeholder such as {victim}, or `{{` for a literal brace"))
        else:
            problems.append(PlaceholderProblem(
                match.start(), 1, "a `}` that closes no placeholder",
                "write `}}` for a literal brace"))
    return found, problems


def placeholder_problems(text: str) -> list[PlaceholderProblem]:
    """Every problem of the placeholders in ``text``: unknown names, stray braces, ambiguity.

    Args:
        text: a ``report``/``alert``/``fail`` text as written (escapes resolved).

    Returns:
        The problems, in order of where they are in the text (empty: the text renders).
    """
    found, problems = parse_placeholders(text)
    for item in found:
        if item.name not in PLACEHOLDERS:
            close = get_close_matches(item.name, list(PLACEHOLDERS), n=1)
            hint = (f"did you mean {{{close[0]}}}?" if close
                    else f"placeholders: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
            problems.append(PlaceholderProblem(
                item.offset, len(item.name) + 2, f"unknown placeholder {{{item.name}}}", hint))
    kinds = sorted({p.name for p in found if p.name in KIND_PLACEHOLDERS})
    fields = [p for p in found if p.name in FIELD_PLACEHOLDERS]
    if len(kinds) > 1 and fields:
        first = fields[0]
        problems.append(PlaceholderProblem(
            first.offset, len(first.name) + 2,
            f"{{{first.name}}} is ambiguous: the text names {' and '.join(kinds)}",
            "write one report per kind, each with its own position"))
    return sorted(problems, key=lambda p: p.offset)


def latest(sightings: Sequence[Sighting], kind: str | None = None) -> Sighting | None:
    """The latest sighting of ``kind`` (None: of any kind), or None if there is none."""
    for sighting in reversed(sightings):
        if kind is None or sighting.kind == kind:
            return sighting
    return None


def render(text: str, view: DetectionView) -> str:
    """``text`` with its placeholders replaced by the latest detections (module docstring rules).

    A text the checker would refuse renders its unknown placeholders as written: the runtime
    never fails a run over a line of text.
    """
    if "{" not in text and "}" not in text:
        return text
    found, _ = parse_placeholders(text)
    kinds = {p.name for p in found if p.name in KIND_PLACEHOLDERS}
    sightings = view.sightings
    subject_kind = next(iter(kinds)) if len(kinds) == 1 else None
    subject = latest(sightings, subject_kind)

    def one(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name in KIND_PLACEHOLDERS:
            seen = latest(sightings, name)
            return seen.name if seen is not None else f"(no {name} found yet)"
        if name in FIELD_PLACEHOLDERS:
            if subject is None:
                return f"(no {subject_kind} found yet)" if subject_kind else "(nothing found yet)"
            return subject.position if name == "position" else subject.confidence_text
        return token

    return _TOKEN.sub(one, text)
