"""Detections as values: the placeholders of a report line, the detector's confidence, and what
the executor publishes (which entity, where, how sure, by which action)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from py_trees.common import Status
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.detections import Sighting, latest, placeholder_problems, render
from bt_runtime.events import Alert, Detection, WorldChanged
from bt_runtime.executor import Executor
from bt_runtime.scenario import Target
from bt_runtime.sensors import SensorModel, clearance, detect, look, sight_height_of
from locomotion.world import ObstacleParams, Rect, TerrainKind, TerrainRegion, World
from tests.bt_runtime.runtime_world import make_context, run_leaf
from tests.bt_runtime.test_executor import ListSink


class Seen:
    """A DetectionView over a fixed list."""

    def __init__(self, *sightings: Sighting) -> None:
        self.sightings = sightings


V1 = Sighting("victim", "v1", 6.04, 14.0, 4.0, 0.8125, 12.0)
P1 = Sighting("payload", "kit", 4.0, 6.0, 2.0, 0.9, 20.0)


# ------------------------------------------------------------------------------ placeholders
def test_placeholders_render_the_latest_detection_of_the_kind_named() -> None:
    view = Seen(V1, P1)
    assert render("found {victim} at {position}", view) == "found v1 at (6.0, 14.0)"
    assert render("{victim}: {confidence} sure", view) == "v1: 81 % sure"
    assert render("{payload} at {position}", view) == "kit at (4.0, 6.0)"
    assert render("last find at {position}", view) == "last find at (4.0, 6.0)"  # any kind


def test_placeholders_with_nothing_found_yet_say_so() -> None:
    view = Seen(P1)
    assert render("found {victim} at {position}", view) == (
        "found (no victim found yet) at (no victim found yet)"
    )
    assert render("{intruder}", Seen()) == "(no intruder found yet)"
    assert render("at {position}", Seen()) == "at (nothing found yet)"


def test_doubled_braces_are_literal_and_plain_text_is_untouched() -> None:
    assert render("{{victim}} {victim}", Seen(V1)) == "{victim} v1"
    assert render("no braces here", Seen(V1)) == "no braces here"
    assert placeholder_problems("{{literal}} and }}") == []


def test_unknown_placeholders_get_a_did_you_mean() -> None:
    (problem,) = placeholder_problems("found {victm}")
    assert (problem.offset, problem.length) == (6, 7)
    assert problem.message == "unknown placeholder {victm}"
    assert problem.hint == "did you mean {victim}?"
    (other,) = placeholder_problems("{colour}")
    assert other.hint is not None and other.hint.startswith("placeholders: {victim}, {intruder}")


def test_stray_braces_and_an_ambiguous_position_are_problems() -> None:
    problems = placeholder_problems("a { b } c")
    assert [(p.offset, p.message) for p in problems] == [
        (2, "a `{` that opens no placeholder"), (6, "a `}` that closes no placeholder"),
    ]
    (ambiguous,) = placeholder_problems("{victim} and {intruder} at {position}")
    assert ambiguous.offset == 27
    assert ambiguous.message == "{position} is ambiguous: the text names intruder and victim"


def test_latest_picks_by_kind_or_any() -> None:
    assert latest((V1, P1)) == P1
    assert latest((V1, P1), "victim") == V1
    assert latest((V1, P1), "intruder") is None


# ------------------------------------------------------------------------------ confidence
WALLED = World(
    name="w", bounds=Rect(-20, -20, 20, 20),
    regions=(TerrainRegion("low", TerrainKind.OBSTACLE, Rect(3, -1, 3.5, 1), ObstacleParams(0.3)),),
)


def _flat(x: float, y: float) -> float:
    return 0.0


def test_confidence_falls_with_distance_and_with_cover() -> None:
    sensor = SensorModel(range=8.0, fov=360.0)
    sight = sight_height_of(World("open", Rect(-20, -20, 20, 20)), _flat)
    eye = (0.0, 0.0, 0.35)

    def score(x: float, y: float, world_sight=sight) -> float:
        (seen,) = look(sensor, eye, 0.0, [Target("victim", "v", (x, y), 0.5)], _flat, world_sight,
                       10.0, np.random.default_rng(0))
        return seen.confidence

    near, far = score(1.0, 0.0), score(7.5, 0.0)
    assert 0.5 <= far < near <= 1.0
    assert near == pytest.approx(0.5 + 0.5 * (1 - 1 / 8))
    walled = sight_height_of(WALLED, _flat)
    behind_cover = score(5.0, 0.0, walled)  # just visible over the 0.3 m block
    assert clearance(sensor, eye, 0.0, Target("victim", "v", (5.0, 0.0), 0.5), 0.0, walled) < 1
    assert behind_cover < score(0.0, 5.0, walled)  # the same distance in the open


def test_look_draws_exactly_what_detect_drew() -> None:
    sensor = SensorModel(range=8.0, fov=360.0)
    sight = sight_height_of(World("open", Rect(-20, -20, 20, 20)), _flat)
    targets = [Target("victim", f"v{i}", (float(i), 1.0), 0.3) for i in range(-6, 7)]
    args = (sensor, (0.0, 0.0, 0.35), 0.0, targets, _flat, sight, 0.1)
    for seed in range(5):
        by_detect = detect(*args, np.random.default_rng(seed))
        by_look = [s.target for s in look(*args, np.random.default_rng(seed))]
        assert by_detect == by_look


# ------------------------------------------------------------------------------ the run
def test_a_search_records_a_sighting_of_the_victim_it_finds() -> None:
    ctx = make_context(start=(4.0, 10.0))
    search = bh.SearchArea("search north", bh_rect(), "victim")
    assert run_leaf(search, ctx, max_time=400) == Status.SUCCESS
    (seen,) = ctx.sightings
    assert (seen.kind, seen.name, seen.x, seen.y) == ("victim", "v1", 6.0, 14.0)
    assert 0.5 <= seen.confidence <= 1.0 and 0 < seen.distance <= ctx.config.sensor.range
    assert 0 < seen.time <= ctx.time
    assert search.feedback_message.startswith("search done")


def bh_rect() -> Rect:
    return Rect(2, 12, 9, 18)


def test_the_executor_publishes_the_detection_by_the_action_and_reports_name_it() -> None:
    ctx = make_context(start=(4.0, 10.0))
    root = Sequence("mission", memory=True, children=[
        bh.Report("before", "found {victim} at {position}"),
        bh.SearchArea("search north for victim", bh_rect(), "victim"),
        bh.Report("after", "found {victim} at {position}, {confidence} sure"),
    ])
    sink = ListSink()
    report = Executor(root, ctx, 10.0, log=sink).run()
    assert report.outcome == "success"
    (found,) = [e for e in sink.events if isinstance(e, Detection)]
    assert (found.kind, found.name, found.x, found.y) == ("victim", "v1", 6.0, 14.0)
    assert found.action == "search north for victim"
    assert (found.node_id, found.node_path) == ("0.1", "mission/search north for victim")
    index = sink.events.index(found)
    assert sink.events[index + 1] == WorldChanged(found.tick, found.sim_time, "found", "v1")
    lines = [e.message for e in sink.events if isinstance(e, Alert)]
    percent = round(found.confidence * 100)
    assert lines == [
        "found (no victim found yet) at (no victim found yet)",
        f"found v1 at (6.0, 14.0), {percent} % sure",
    ]
    assert report.detections == (found,)
    (summary,) = report.summary()["detections"]
    assert summary == {
        "kind": "victim", "name": "v1", "x": 6.0, "y": 14.0, "time": found.sim_time,
        "distance": found.distance, "confidence": found.confidence,
        "action": "search north for victim", "node_path": "mission/search north for victim",
        "node_id": "0.1",
    }
    assert f"           victim v1 at (6.0, 14.0) at {found.sim_time:.1f} s, confidence " \
        f"{percent} %, by search north for victim" in report.lines()


def test_a_fail_reason_names_the_detection_too() -> None:
    ctx = make_context(start=(4.0, 10.0))
    root = Sequence("mission", memory=True, children=[
        bh.SearchArea("search", bh_rect(), "victim"), bh.Fail("stop", "stopped after {victim}"),
    ])
    report = Executor(root, ctx, 10.0).run()
    assert report.failure_reason == "stopped after v1"


def test_replay_tells_each_detection_and_the_summary_lists_them(tmp_path: Path) -> None:
    from bt_runtime.eventlog import EventLogReader, EventLogWriter
    from bt_runtime.replay import replay_lines
    from tests.bt_runtime import runlog_samples as samples

    ctx = make_context(start=(4.0, 10.0))
    root = Sequence("mission", memory=True, children=[
        bh.SearchArea("search north for victim", bh_rect(), "victim"),
    ])
    path = tmp_path / "run.sqlite"
    with EventLogWriter(path) as writer:
        report = Executor(root, ctx, 10.0, log=writer, started=samples.run_started()).run()
    (found,) = report.detections
    with EventLogReader(path) as reader:
        assert [e for e in reader.events() if isinstance(e, Detection)] == [found]
        lines = list(replay_lines(reader))
    percent = round(found.confidence * 100)
    told = [line for line in lines if "FOUND" in line]
    found_line = (
        f"[{found.sim_time:8.2f}s] FOUND    victim v1 at (6.0, 14.0), {found.distance:.1f} m away, "
        f"confidence {percent} %, by search north for victim"
    )
    assert told == [found_line]
    assert (
        f"  found victim v1 at (6.0, 14.0) at {found.sim_time:.1f} s, confidence {percent} %, "
        "by search north for victim"
    ) in lines
    assert not any(line.startswith("  detections:") for line in lines)


def test_replay_says_a_damaged_detection_summary_is_damaged() -> None:
    from bt_runtime.events import RunFinished
    from bt_runtime.replay import _outcome_lines

    finished = RunFinished(3, "success", 1.0, 0.0, 0.0, {"detections": [{"kind": "victim"}, 7]})
    assert list(_outcome_lines(finished, 1.0))[1:] == [
        "  found: (damaged record)", "  found: (damaged record)",
    ]
