"""FindingsRecorder: each detection and world change emitted once, naming the running action."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bt_runtime.detections import Sighting
from bt_runtime.events import Detection, WorldChanged
from bt_runtime.findings import FindingsRecorder


@dataclass
class _Region:
    name: str


@dataclass
class _World:
    time: float = 0.0
    sightings: list[Sighting] = field(default_factory=list)
    found: dict[str, Any] = field(default_factory=dict)
    closed_regions: list[_Region] = field(default_factory=list)


@dataclass
class _Node:
    name: str


def _sighting(name: str, t: float, kind: str = "victim") -> Sighting:
    return Sighting(kind, name, 3.0, 4.0, 2.5, 0.9, t)


def test_each_detection_is_emitted_once_naming_the_running_action() -> None:
    world, events = _World(), []
    search = _Node("search west for victim")
    recorder = FindingsRecorder(world, {id(search): ("n7", "main/search")}, events.append)
    recorder.after_step(1, search)
    assert events == []  # nothing found yet
    world.sightings.append(_sighting("alice", 0.5))
    world.found["alice"] = object()
    world.time = 0.5
    recorder.after_step(2, search)
    recorder.after_step(3, search)  # nothing new: nothing emitted again
    detections = [e for e in events if isinstance(e, Detection)]
    assert detections == [Detection(2, 0.5, "victim", "alice", 3.0, 4.0, 2.5, 0.9,
                                    "search west for victim", "main/search", "n7")]
    assert [e for e in events if isinstance(e, WorldChanged)] == [
        WorldChanged(2, 0.5, "found", "alice")]
    assert recorder.detections == detections


def test_a_detection_between_actions_names_no_node() -> None:
    world, events = _World(), []
    recorder = FindingsRecorder(world, {}, events.append)
    world.sightings.append(_sighting("bob", 1.0, "intruder"))
    recorder.after_step(4, None)
    [event] = [e for e in events if isinstance(e, Detection)]
    assert (event.action, event.node_path, event.node_id, event.kind) == ("", "", "", "intruder")


def test_several_finds_in_one_step_keep_their_order_and_regions_close_once() -> None:
    world, events = _World(time=2.0), []
    node = _Node("scan radius 5 m for victim")
    recorder = FindingsRecorder(world, {id(node): ("n1", "main/scan")}, events.append)
    for name in ("a", "b", "c"):
        world.sightings.append(_sighting(name, 2.0))
        world.found[name] = object()
    world.closed_regions.append(_Region("bridge"))
    recorder.after_step(10, node)
    world.closed_regions.append(_Region("ford"))
    recorder.after_step(11, node)
    changes = [(e.tick, e.change, e.name) for e in events if isinstance(e, WorldChanged)]
    assert changes == [(10, "found", "a"), (10, "found", "b"), (10, "found", "c"),
                       (10, "closed", "bridge"), (11, "closed", "ford")]
    assert [d.name for d in recorder.detections] == ["a", "b", "c"]
