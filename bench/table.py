"""The row type every benchmark returns and the table ``python -m bench`` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured figure, with the goal it is held to (if any) so the table says pass or miss."""

    area: str
    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    note: str = ""


def format_table(rows: list[Row]) -> str:
    """Render ``rows`` as a fixed-width text table."""
    header = ("area", "figure", "value", "unit", "goal", "met", "note")
    body = [
        (
            r.area,
            r.name,
            f"{r.value:.4g}",
            r.unit,
            r.goal,
            "" if r.met is None else ("yes" if r.met else "NO"),
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in (header, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
