"""Events and their codec: every type survives a JSON round trip, bad JSON is refused clearly."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from enum import Enum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bt_runtime.codec import EventDecodeError, from_dict, from_json, to_json
from bt_runtime.events import (
    EVENT_TYPES,
    Alert,
    Detection,
    FactChanged,
    Message,
    OperatorCommand,
    RunFinished,
    Snapshot,
    StatusChanged,
    Telemetry,
    WorldChanged,
    WorldDefinition,
    collect_versions,
    new_run_id,
    to_json_value,
)
from locomotion.backend import ContactInfo, Pose, RobotState, TerrainEstimate
from locomotion.world import TerrainKind
from tests.bt_runtime import runlog_samples as samples

ALL_MESSAGES: list[Message] = [
    samples.run_started(),
    samples.tree(),
    StatusChanged(3, 0.15, "n1", "patrol/go", "RUNNING", "FAILURE", "blocked by hedge"),
    FactChanged(4, 0.2, "victims_found", 0, 1),
    FactChanged(4, 0.2, "goal", None, {"x": [1, 2.5], "ok": True}),
    samples.telemetry(5, fallen=True),
    Alert(6, 0.3, "warning", "battery low", "patrol/guard", "0.1"),
    OperatorCommand(6, 0.3, "pause", "stream 127.0.0.1:50000", 1_795_000_001.5),
    RunFinished(7, "failure", 0.35, 1.2, 0.01, {"falls": 1}, "patrol/go", "fell over"),
    RunFinished(8, "aborted", 0.4, 0.0, 0.0),
    samples.snapshot(9),
    Snapshot(10, 0.5, {}, (), {}, None),
    Snapshot(11, 0.55, {}, (), {}, None, ("v1",), ("west_gap",), ((1.0, 2.0), (3.5, 4.0))),
    WorldDefinition(
        "yard", (0, 0, 20, 10),
        [{"name": "mud", "kind": "mud", "shape": {"rect": [1.0, 1.0, 2.0, 2.0]}}],
        [{"name": "dock", "kind": "dock", "x": 0.5, "y": 0.5}],
        [{"name": "v1", "kind": "victim", "x": 3.0, "y": 4.0}],
    ),
    WorldChanged(12, 0.6, "found", "v1"),
    WorldChanged(13, 0.65, "closed", "west_gap"),
    Detection(14, 0.7, "victim", "v1", 3.0, 4.0, 5.2, 0.66, "search west for victim",
              "m/search west for victim", "0.1"),
]


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips_through_json(message: Message) -> None:
    text = to_json(message)
    assert "\n" not in text
    assert json.loads(text)["type"] == message.TYPE
    back = from_json(text)
    assert back == message
    assert type(back) is type(message)


def test_every_event_type_is_covered_by_the_round_trip() -> None:
    assert {type(m) for m in ALL_MESSAGES} == set(EVENT_TYPES.values())


def test_fact_values_are_normalised_so_the_round_trip_is_exact() -> None:
    class Colour(Enum):
        RED = "red"

    @dataclass
    class Spot:
        x: float
        label: tuple[str, ...]

    fact = FactChanged(1, 0.05, "k", (1, 2), {"c": Colour.RED, 3: Spot(1.5, ("a",)), "o": object})
    assert fact.old == [1, 2]
    assert fact.new["c"] == "red"
    assert fact.new["3"] == {"x": 1.5, "label": ["a"]}
    assert fact.new["o"] == repr(object)
    assert from_json(to_json(fact)) == fact


def test_to_json_value_unwraps_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert to_json_value(np.float64(1.5)) == 1.5
    assert type(to_json_value(np.int32(3))) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{nope", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"type": "teleport"}', "unknown event type 'teleport'"),
        ('{"tick": 1}', "unknown event type None"),
        (
            '{"type": "alert", "tick": 1, "sim_time": 0.1, "severity": "info"}',
            "missing field 'message'",
        ),
        (
            '{"type": "alert", "tick": "one", "sim_time": 0.1, "severity": "info", "message": "m"}',
            "alert.tick: expected int",
        ),
        (
            '{"type": "alert", "tick": true, "sim_time": 0.1, "severity": "info", "message": "m"}',
            "alert.tick: expected int",
        ),
        (
            '{"type": "alert", "tick": 1, "sim_time": 0.1, "severity": "loud", "message": "m"}',
            "severity must be one of info, warning, error",
        ),
        (
            (
                '{"type": "status", "tick": 1, "sim_time": 0, "node_id": "n", "node_path": "p", '
                '"old": "RUNNING", "new": "DONE"}'
            ),
            "new must be one of",
        ),
        (
            '{"type": "tree", "root": {"id": "n0", "name": "r", "kind": "Sequence", "children": [3]}}',
            "tree.root.children[0]: expected an object",
        ),
        (
            (
                '{"type": "snapshot", "tick": 1, "sim_time": 0, "statuses": [], "active_path": [], '
                '"facts": {}}'
            ),
            "snapshot.statuses: expected an object",
        ),
        (
            (
                '{"type": "snapshot", "tick": 1, "sim_time": 0, "statuses": {}, "active_path": [], '
                '"blackboard": {}}'
            ),
            "snapshot: missing field 'facts'",
        ),
        ('{"type": "blackboard"}', "unknown event type 'blackboard'"),
    ],
)
def test_bad_json_is_refused_with_a_message_naming_the_field(text: str, expected: str) -> None:
    with pytest.raises(EventDecodeError, match=re.escape(expected)):
        from_json(text)


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    data = json.loads(to_json(ALL_MESSAGES[6]))
    data["colour"] = "red"
    assert from_dict(data) == ALL_MESSAGES[6]


def test_an_alert_names_its_node_by_id_and_defaults_to_none() -> None:
    assert Alert(1, 0.0, "info", "hi", "m/r", "0.2").node_id == "0.2"
    runtime = Alert(1, 0.0, "error", "battery empty")
    assert (runtime.node_id, runtime.node_path) == ("", "")
    assert from_json(to_json(runtime)) == runtime


def test_invalid_values_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="outcome"):
        RunFinished(1, "won", 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="old"):
        StatusChanged(1, 0.0, "n", "p", "running", "SUCCESS")


def test_telemetry_from_robot_state() -> None:
    state = RobotState(
        time=2.5,
        pose=Pose(1.0, 2.0, 0.3, 0.01, 0.02, 1.5),
        velocity=(0.4, 0.1, 0.2),
        terrain=TerrainEstimate(TerrainKind.GRASS, TerrainKind.MUD, 0.8),
        gait="crawl",
        energy_used=0.25,
        fallen=False,
        stuck=True,
        contacts=ContactInfo((True, True, True, True)),
    )
    sample = Telemetry.from_state(50, state, battery=87.5)
    assert (sample.tick, sample.sim_time, sample.x, sample.y, sample.yaw) == (
        50,
        2.5,
        1.0,
        2.0,
        1.5,
    )
    assert (sample.vx, sample.vy, sample.wz) == (0.4, 0.1, 0.2)
    assert (sample.terrain, sample.gait, sample.battery, sample.energy) == (
        "grass",
        "crawl",
        87.5,
        0.25,
    )
    assert sample.stuck and not sample.fallen
    assert from_json(to_json(sample)) == sample
    assert Telemetry.from_state(50, state, 87.5, sim_time=1.5).sim_time == 1.5  # the run's clock


def test_telemetry_from_robot_state_fills_every_field_by_name() -> None:
    # from_state passes Telemetry's fields by position: every one must land where it is named
    state = RobotState(
        time=2.5,
        pose=Pose(1.0, 2.0, 0.3, 0.01, 0.02, 1.5),
        velocity=(0.4, 0.1, 0.2),
        terrain=TerrainEstimate(TerrainKind.GRASS, TerrainKind.MUD, 0.8),
        gait="crawl",
        energy_used=0.25,
        fallen=True,
        stuck=False,
        contacts=ContactInfo((True, True, True, True)),
    )
    sample = Telemetry.from_state(50, state, 87.5, 2.25, "mud")
    assert dataclasses.asdict(sample) == {
        "tick": 50, "sim_time": 2.25, "x": 1.0, "y": 2.0, "z": 0.3, "roll": 0.01,
        "pitch": 0.02, "yaw": 1.5, "vx": 0.4, "vy": 0.1, "wz": 0.2, "battery": 87.5,
        "terrain": "grass", "gait": "crawl", "energy": 0.25, "fallen": True, "stuck": False,
        "terrain_true": "mud",
    }


def test_tree_nodes_walk_parents_first() -> None:
    assert [n.id for n in samples.tree().nodes()] == ["n0", "n2", "n1"]


def test_versions_and_run_ids() -> None:
    versions = collect_versions()
    assert {"python", "quadmission", "py_trees", "pybullet", "numpy"} <= versions.keys()
    first, second = new_run_id(0.0), new_run_id(0.0)
    assert first.startswith("19700101T000000Z-") and first != second


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(key=st.text(), old=JSON_VALUES, new=JSON_VALUES, tick=st.integers(0, 2**40))
def test_any_json_fact_round_trips(key: str, old: object, new: object, tick: int) -> None:
    fact = FactChanged(tick, tick * 0.05, key, old, new)
    assert from_json(to_json(fact)) == fact


def test_a_detection_says_what_where_how_sure_and_by_which_action() -> None:
    found = Detection(14, 0.7, "victim", "v1", 3.04, -4.0, 5.2, 0.666, "search west for victim")
    assert found.position == "(3.0, -4.0)"
    assert found.line() == (
        "found victim v1 at (3.0, -4.0), 5.2 m away, confidence 67 %, by search west for victim"
    )


def test_a_detection_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Detection.kind must be one of victim, intruder, payload"):
        Detection(1, 0.1, "ghost", "g", 0.0, 0.0, 1.0, 0.9)
