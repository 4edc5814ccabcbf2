"""Named things a mission can refer to, where each was declared, and which of them were used."""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl import ast as A
from dsl.diagnostics import a_or_an

__all__ = ["PLACE_KINDS", "Symbol", "SymbolTable", "describe_kind"]

#: Symbol kinds a `go to` / route point / `distance to` accepts.
PLACE_KINDS = frozenset({"waypoint", "station", "dock"})

def describe_kind(kind: str) -> str:
    """"a waypoint", "an area", ... for messages."""
    return a_or_an(kind)


@dataclass(frozen=True)
class Symbol:
    """One declared name: its kind (waypoint, station, dock, victim, intruder, payload, area, route,
    task), its declaration and where it came from ("mission", "world" or "import")."""

    name: str
    kind: str
    decl: A.Decl
    origin: str

    @property
    def span(self) -> A.Span:
        name = getattr(self.decl, "name", None)
        return name.span if isinstance(name, A.Ident) else self.decl.span


@dataclass
class SymbolTable:
    """Names in one namespace (terrain region names live apart) plus the set of names used."""

    symbols: dict[str, Symbol] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def add(self, symbol: Symbol) -> Symbol | None:
        """Add ``symbol``; return the earlier symbol of the same name instead if there is one."""
        earlier = self.symbols.get(symbol.name)
        if earlier is not None:
            return earlier
        self.symbols[symbol.name] = symbol
        return None

    def get(self, name: str) -> Symbol | None:
        return self.symbols.get(name)

    def use(self, name: str) -> None:
        self.used.add(name)

    def names(self, kinds: frozenset[str] | set[str] | None = None) -> list[str]:
        """Declared names, optionally only of ``kinds`` (for did-you-mean hints)."""
        return [s.name for s in self.symbols.values() if kinds is None or s.kind in kinds]
