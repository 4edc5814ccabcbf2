"""A run log in memory, for tests: every event given, in order (the executor's ``EventSink``).

It has no ``reads_terrain_true``, so the executor fills every field, as for a real log.
"""

from __future__ import annotations

from bt_runtime.events import Event


class MemorySink:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def append(self, event: Event) -> None:
        self.events.append(event)

    def commit_tick(self) -> None:
        pass
