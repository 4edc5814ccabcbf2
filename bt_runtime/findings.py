"""What the world sim found during a run, recorded once each: detections and world changes.

After every backend step the executor hands the robot context to :class:`FindingsRecorder`,
which emits what is new since the last step:

* each :class:`~bt_runtime.detections.Sighting` as a :class:`~bt_runtime.events.Detection`
  naming the action that was running when the sensor saw it (its node id and path), so a report
  can say which victim was found, where, by which action and how sure;
* each entity found and each region closed as a :class:`~bt_runtime.events.WorldChanged`, the
  map's update (a monitor draws found entities and closed regions from these alone).

Both lists only grow, so a step that found nothing costs two length comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from bt_runtime.detections import Sighting
from bt_runtime.events import Detection, Event, WorldChanged

__all__ = ["FindingsRecorder", "WorldView"]


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class WorldView(Protocol):
    """What the recorder reads of the robot context (:class:`bt_runtime.robot.RobotContext`)."""

    @property
    def time(self) -> float: ...

    @property
    def sightings(self) -> Sequence[Sighting]: ...

    @property
    def found(self) -> Mapping[str, Any]: ...

    @property
    def closed_regions(self) -> Sequence[_Named]: ...


class FindingsRecorder:
    """Emits each new detection and world change once, in the order the world sim made them.

    Args:
        ctx: the run's robot context.
        index: ``(node id, node path)`` of each behaviour of the tree, by ``id()``.
        emit: where events go (the run's recorder).
    """

    def __init__(self, ctx: WorldView, index: Mapping[int, tuple[str, str]],
                 emit: Callable[[Event], None]) -> None:
        self._ctx = ctx
        self._index = index
        self._emit = emit
        #: Every detection emitted so far, oldest first (the run report carries them).
        self.detections: list[Detection] = []
        self._seen: dict[str, set[str]] = {"found": set(), "closed": set()}
        self._sizes = (0, 0)  # (found, closed) as the last step left them

    def after_step(self, tick: int, running: Any | None) -> None:
        """Record what the step of ``tick`` found; ``running`` is the action ticked (or None)."""
        self._new_detections(tick, running)
        self._world_changes(tick)

    def _new_detections(self, tick: int, running: Any | None) -> None:
        sightings = self._ctx.sightings
        if len(sightings) == len(self.detections):
            return
        node_id, node_path = self._index[id(running)] if running is not None else ("", "")
        action = running.name if running is not None else ""
        for seen in sightings[len(self.detections):]:
            event = Detection(
                tick, seen.time, seen.kind, seen.name, seen.x, seen.y, seen.distance,
                seen.confidence, action, node_path, node_id,
            )
            self.detections.append(event)
            self._emit(event)

    def _world_changes(self, tick: int) -> None:
        ctx = self._ctx
        found, closed = ctx.found, ctx.closed_regions
        sizes = (len(found), len(closed))
        if sizes == self._sizes:  # both only grow: nothing new since the last step
            return
        self._sizes = sizes
        now = {"found": list(found), "closed": [r.name for r in closed]}
        for change, names in now.items():
            seen = self._seen[change]
            for name in names:
                if name not in seen:
                    seen.add(name)
                    self._emit(WorldChanged(tick, ctx.time, change, name))
