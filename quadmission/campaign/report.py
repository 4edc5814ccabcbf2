"""The campaign report: the same facts in the terminal (plain lines) and in ``report.md`` with
PNG plots next to it.

Sections: the verdict per ``require`` line with its interval and rule; duration and energy
(quantiles, and the histogram); failure clusters ranked by node path with the mission source
line and the seeds to replay each; the per-run lines that runs which succeeded missed, with their
seeds; falls per terrain region and the map; the drawn parameters
that separate failures from successes; what was found (each entity, in how many runs); the
cross-check against physics when one was run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bt_runtime.tree_model import NodeDescription, describe
from bt_runtime.variation import Variation
from quadmission.campaign.analysis import clusters, falls_by_region, separators
from quadmission.campaign.crosscheck import CrossCheck
from quadmission.campaign.result import RunResult
from quadmission.campaign.stats import Verdict
from quadmission.loading import Mission

__all__ = ["CampaignReport", "found_lines", "node_lines"]


def node_lines(mission: Mission) -> dict[str, int]:
    """The mission source line of every node path of the compiled tree."""
    out: dict[str, int] = {}

    def walk(node: NodeDescription) -> None:
        if node.span is not None:
            out[node.path] = node.span.line
        for child in node.children:
            walk(child)

    walk(describe(mission.compiled.root, mission.compiled.sources).root)
    return out


def _q(values: Sequence[float]) -> str:
    if not values:
        return "no runs"
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return f"median {p50:.1f}, 5-95 % {p5:.1f} .. {p95:.1f}, mean {np.mean(values):.1f}"


@dataclass(frozen=True)
class CampaignReport:
    """Everything the report shows, built once from the rows."""

    mission: Mission
    results: tuple[RunResult, ...]
    verdicts: tuple[Verdict, ...]
    seed: int
    backend: str
    variation: Variation
    db_path: Path
    precheck_notes: tuple[str, ...] = ()
    decided_at: int | None = None
    crosscheck: CrossCheck | None = None

    def _head(self) -> list[str]:
        n = len(self.results)
        crashed = sum(r.status == "crashed" for r in self.results)
        ok = sum(r.success for r in self.results)
        varied = ", ".join(v.describe() for v in self.variation.items)
        source = "declared" if self.variation.declared else "defaults (no vary block)"
        out = [
            (f"campaign: {self.mission.name!r}, {n} runs on {self.backend}, campaign seed "
             f"{self.seed}; {ok} succeeded, {n - ok - crashed} failed, {crashed} crashed"),
            f"varied ({source}): {varied}",
        ]
        if self.decided_at is not None:
            out.append(f"stopped early: every criterion decided after {self.decided_at} runs")
        return out

    def _verdict_lines(self) -> list[str]:
        return [
            f"  {v.decision:<9} {v.criterion.label}: {v.successes}/{v.runs} = {v.rate:.1%} "
            f"(95% Wilson {v.low:.1%} .. {v.high:.1%}; {v.rule})"
            for v in self.verdicts
        ]

    def _missed_lines(self) -> list[str]:
        """The per-run lines that runs which succeeded missed, with the seeds to replay them: the
        failures by node list only runs that failed, so a NO-GO on such a line had no seed."""
        out = []
        for v in self.verdicts:
            key = v.criterion.key
            seeds = [r.seed for r in self.results if r.success and not r.met.get(key, False)]
            if key and seeds:
                more = f" (+{len(seeds) - 5} more)" if len(seeds) > 5 else ""
                shown = ", ".join(str(s) for s in seeds[:5])
                out.append(f"  {v.criterion.label}: missed by {len(seeds)} run(s) that succeeded")
                out.append(f"         replay: seeds {shown}{more}")
        return out

    def _failure_lines(self, limit: int = 8) -> list[str]:
        lines = node_lines(self.mission)
        out = []
        for c in clusters(self.results, lines)[:limit]:
            where = f" (line {c.line})" if c.line else ""
            seeds = ", ".join(str(s) for _, s in c.seeds[:5])
            out.append(f"  {c.count:>4} x {c.path}{where}: {c.reason}")
            out.append(f"         replay: seeds {seeds}")
        return out or ["  none"]

    def _separator_lines(self) -> list[str]:
        return [
            f"  {s.parameter} {s.side} {s.threshold:.3g}: {s.failures_on_side:.0%} of failures "
            f"there, {s.successes_off_side:.0%} of successes not (balanced accuracy {s.score:.2f})"
            for s in separators(self.results)[:5]
        ] or ["  none (no single drawn parameter separates failures from successes)"]

    def _found_lines(self) -> list[str]:
        return found_lines(self.results)

    def _crosscheck_lines(self) -> list[str]:
        c = self.crosscheck
        if c is None:
            return []
        return ["cross-check against pybullet:", *("  " + line for line in c.lines())]

    def lines(self) -> list[str]:
        """The terminal report."""
        done = [r for r in self.results if r.status == "done"]
        regions = falls_by_region(self.results)
        missed = self._missed_lines()
        return [
            *self._head(),
            "verdicts:",
            *self._verdict_lines(),
            f"duration (s): {_q([r.duration for r in done])}",
            f"energy (Wh):  {_q([r.energy for r in done])}",
            "failures by node:",
            *self._failure_lines(),
            *(["requirements missed by runs that succeeded:", *missed] if missed else []),
            "falls by region: " + (", ".join(f"{k} {v}" for k, v in regions) or "none"),
            *self._found_lines(),
            "what separates failures from successes:",
            *self._separator_lines(),
            *self._crosscheck_lines(),
            f"database: {self.db_path}",
            (f"replay one run: mission run {self.mission.path} --backend {self.backend} "
             f"--seed SEED --vary-from {self.db_path}"),
        ]

    def write_markdown(self, folder: Path, world_png: str, dist_png: str) -> Path:
        """``folder/report.md`` (the figures are already in ``folder``)."""
        body = [
            f"# Campaign report: {self.mission.name}",
            "",
            *(f"- {line}" for line in self._head()),
            "",
            "## Pre-check",
            "",
            *(f"- {n}" for n in self.precheck_notes),
            "",
            "## Verdicts",
            "",
            "| decision | requirement | met | rate | 95% Wilson | rule |",
            "|---|---|---|---|---|---|",
            *(f"| **{v.decision}** | {v.criterion.label} | {v.successes}/{v.runs} | "
              f"{v.rate:.1%} | {v.low:.1%} .. {v.high:.1%} | {v.rule} |" for v in self.verdicts),
            "",
            "## Duration and energy",
            "",
            f"![distributions]({dist_png})",
            "",
            "## Failures by node (with the mission source line and seeds to replay)",
            "",
            "```",
            *self._failure_lines(limit=20),
            "```",
            "",
            *(["## Requirements missed by runs that succeeded (seeds to replay)", "", "```",
               *missed, "```", ""] if (missed := self._missed_lines()) else []),
            "## Falls",
            "",
            f"![map]({world_png})",
            "",
            *(f"- {k}: {v}" for k, v in falls_by_region(self.results)),
            "",
            "## What was found",
            "",
            *(f"- {line.strip()}" for line in self._found_lines()),
            "",
            "## What separates failures from successes",
            "",
            *(f"- {line.strip()}" for line in self._separator_lines()),
            "",
            *(["## Cross-check against physics", "", *(f"- {x}" for x in
                                                         self.crosscheck.lines()), ""]
              if self.crosscheck else []),
            "## Replaying a run",
            "",
            (f"`mission run {self.mission.path} --backend {self.backend} --seed SEED "
             f"--vary-from {self.db_path}`"),
            "",
        ]
        path = folder / "report.md"
        path.write_text("\n".join(body))
        return path


def found_lines(results: Sequence[RunResult]) -> list[str]:
    """Each entity found, in how many runs; the runs that found the fewest, by seed.

    Runs stored before campaigns recorded detections are counted apart, never as "found nothing".
    """
    done = [r for r in results if r.status == "done"]
    known = [r for r in done if r.found is not None]
    if not done:
        return ["found: no runs"]
    counts: dict[tuple[str, str], int] = {}
    for r in known:
        for entity in dict.fromkeys(r.found or ()):
            counts[entity] = counts.get(entity, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{kind} {name} {n}/{len(known)}" for (kind, name), n in ranked)
    out = [f"found (runs that found each): {shown or 'nothing in any run'}"]
    if known:
        fewest = min(len(r.found or ()) for r in known)
        seeds = [r.seed for r in known if len(r.found or ()) == fewest]
        more = f" (+{len(seeds) - 5} more)" if len(seeds) > 5 else ""
        out.append(
            f"  fewest found in a run: {fewest}, seeds {', '.join(map(str, seeds[:5]))}{more}"
        )
    if len(known) < len(done):
        out.append(
            f"  not recorded for {len(done) - len(known)} run(s) stored before campaigns "
            "recorded detections"
        )
    return out


def verdict_summary(verdicts: Sequence[Verdict]) -> Mapping[str, str]:
    """Decision per criterion label (for tests and the exit status)."""
    return {v.criterion.label: v.decision for v in verdicts}
