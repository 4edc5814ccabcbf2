"""BehaviorTree.CPP itself loads and ticks every exported example mission and golden construct.

The XML's shape is checked in test_export.py; here it is run: loaded by BehaviorTree.CPP v4
(``behaviortreepy``, in the test extra) with stand-in leaves read from the XML's own
``<TreeNodesModel>`` (tests/dsl/btcpp_harness.py), ticked until it ends, and what the stand-ins
read from their ports compared with what the mission says. A construct added to
``test_compiler.CONSTRUCTS`` is loaded here by itself.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dsl.api import check_paths
from dsl.compiler import compile_mission
from dsl.export import ExportError, to_btcpp_xml
from tests.dsl import test_export
from tests.dsl.btcpp_harness import Outcome, run
from tests.dsl.helpers import HEADER, check, compile_text, errors
from tests.dsl.test_compiler import CONSTRUCTS

ROOT = Path(__file__).parents[2]
MISSIONS = sorted((ROOT / "missions").glob("*.mission"))


def mission_xml(path: Path) -> str:
    report = check_paths([str(path)])
    assert errors(report) == [], report.render()
    return to_btcpp_xml(compile_mission(report.programs[0]))


def text_xml(tmp_path: Path, text: str) -> str:
    return to_btcpp_xml(compile_text(tmp_path, text))


def ended_or_loops_forever(xml: str, outcome: Outcome, guards_fire: bool = False) -> None:
    """It ended, or it is a ``repeat forever`` (or a guard whose fixed fact keeps it firing)
    still running at the tick limit."""
    if outcome.status == "RUNNING":
        endless = 'num_cycles="-1"' in xml or (guards_fire and "<ReactiveSequence" in xml)
        assert endless, f"still running after {outcome.ticks} ticks"
    else:
        assert outcome.status in ("SUCCESS", "FAILURE")
    assert outcome.ticks >= 1


@pytest.mark.parametrize("path", MISSIONS, ids=[p.stem for p in MISSIONS])
def test_every_example_mission_loads_and_ticks(path: Path) -> None:
    xml = mission_xml(path)
    outcome = run(xml)
    ended_or_loops_forever(xml, outcome)
    assert outcome.calls, "no stand-in ran"


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_every_golden_construct_loads_and_ticks(tmp_path: Path, name: str) -> None:
    xml = text_xml(tmp_path, HEADER + CONSTRUCTS[name] + "\n")
    first = run(xml)
    ended_or_loops_forever(xml, first)
    flipped = {key: True for key, value in first.facts.items() if isinstance(value, bool)}
    second = run(xml, {**flipped, "battery": 10.0})  # the other branches, the guards firing
    ended_or_loops_forever(xml, second, guards_fire=True)
    assert first.calls or second.calls or "<AlwaysSuccess" in xml, "no leaf ran"


def test_the_export_sample_loads_and_ticks(tmp_path: Path) -> None:
    report = check(tmp_path, test_export.MISSION)
    xml = to_btcpp_xml(report.programs[0])
    outcome = run(xml)
    assert outcome.status == "SUCCESS"
    assert len(outcome.of("FollowRoute")) == 2  # sweep(loop, 2): Repeat num_cycles="{laps}"
    assert [c.ports for c in outcome.of("Scan")] == [{"radius": 8.0, "kind": "intruder"}] * 2


def test_numbers_reach_the_stand_ins_through_subtree_ports(tmp_path: Path) -> None:
    outcome = run(text_xml(tmp_path, HEADER + CONSTRUCTS["task_call"] + "\n"))
    assert outcome.status == "SUCCESS"
    waits = [c.ports["duration"] for c in outcome.of("Wait")]
    assert waits == [3.0, 3.0, 60.0]  # sweep(loop, 2, 3 s) twice round, then 1 lap of 1 min
    assert {c.ports["route"] for c in outcome.of("FollowRoute")} == {"loop"}


def test_a_timeout_from_a_task_parameter_is_numeric_and_fires(tmp_path: Path) -> None:
    """Was `limit_msec := limit * 1000`: BehaviorTree.CPP refused it (a port value is a string)."""
    text = HEADER + "task t(limit: time) { timeout limit { wait 1 h } }\nmain { t(80 ms) }\n"
    xml = text_xml(tmp_path, text)
    assert 'limit_msec="80"' in xml
    started = time.monotonic()
    outcome = run(xml, endless=frozenset({"Wait"}), tick_sleep=0.005, max_ticks=2000)
    elapsed = time.monotonic() - started
    # FAILURE: only the Timeout can end an endless wait; not before 80 ms, and well before the
    # 10 s of ticks a timeout of 80 s (msec read as seconds) would leave running
    assert outcome.status == "FAILURE" and 0.08 <= elapsed < 8, (outcome, elapsed)
    assert [c.ports["duration"] for c in outcome.of("Wait")] == [3600.0]


def test_a_timeout_passed_through_two_tasks_is_numeric(tmp_path: Path) -> None:
    text = (HEADER + "task inner(d: time) { timeout d { wait 1 h } }\n"
            "task outer(limit: time) { inner(limit) }\nmain { outer(60 ms) }\n")
    xml = text_xml(tmp_path, text)
    assert 'limit_msec="60"' in xml and 'd_msec="{limit_msec}"' in xml
    outcome = run(xml, endless=frozenset({"Wait"}), tick_sleep=0.005, max_ticks=400)
    assert outcome.status == "FAILURE" and outcome.ticks < 200


def test_conditions_read_facts_and_task_parameters(tmp_path: Path) -> None:
    """Was `expression="not carrying {item}"`: BT.CPP substitutes no `{}` inside a longer value."""
    text = HEADER + ('task t(item: payload) { if not carrying item { alert "lost" } '
                     'else { report "kept" } }\nmain { t(medkit) }\n')
    xml = text_xml(tmp_path, text)
    assert 'code="!(@carrying == item)"' in xml
    kept = run(xml, {"carrying": "medkit"})
    lost = run(xml, {"carrying": ""})
    assert kept.status == lost.status == "SUCCESS"
    assert [c.node for c in kept.calls] == ["Report"]
    assert [c.node for c in lost.calls] == ["Alert"]


def test_a_distance_to_a_place_parameter_is_remapped_to_the_places_fact(tmp_path: Path) -> None:
    text = HEADER + ('task near(p: place, r: length) { if distance to p < r { report "near" } '
                     'else { alert "far" } }\nmain { near(gate, 3 m)  near(tower, 3 m) }\n')
    xml = text_xml(tmp_path, text)
    assert 'p_distance="{@distance_to_gate}"' in xml
    assert "@distance_to_tower (double, m): distance from the robot to tower" in xml
    outcome = run(xml, {"distance_to_gate": 1.0, "distance_to_tower": 12.5})
    assert [c.node for c in outcome.calls] == ["Report", "Alert"]


def test_distance_to_a_point_and_terrain_and_gait(tmp_path: Path) -> None:
    text = HEADER + ('main { if distance to (3, 4) <= 5 m and terrain is mud or gait is crawl '
                     '{ report "yes" } else { alert "no" } }\n')
    xml = text_xml(tmp_path, text)
    at_origin = run(xml, {"x": 0.0, "y": 0.0, "terrain": "mud", "gait": "trot"})
    too_far = run(xml, {"x": 0.0, "y": -0.5, "terrain": "mud", "gait": "trot"})
    crawling = run(xml, {"x": 40.0, "y": 0.0, "terrain": "grass", "gait": "crawl"})
    assert [c.node for c in at_origin.calls] == ["Report"]  # exactly 5 m away
    assert [c.node for c in too_far.calls] == ["Alert"]
    assert [c.node for c in crawling.calls] == ["Report"]


def test_rescue_battery_guard_fires_in_btcpp(tmp_path: Path) -> None:
    """With a low battery BT.CPP's ReactiveSequence runs the handler: dock, charge to 95 %."""
    xml = mission_xml(next(p for p in MISSIONS if p.stem == "rescue"))
    calm = run(xml)
    low = run(xml, {"battery": 20.0}, max_ticks=30)
    assert calm.status == "SUCCESS" and not calm.of("Dock")[:0]
    assert [c.ports for c in calm.of("SearchArea")][:2] == [
        {"area": "west_wing", "kind": "victim"}, {"area": "north_wing", "kind": "victim"}]
    assert low.of("Charge")[0].ports == {"until": 95.0}
    assert low.of("Wait")[0].ports == {"duration": 900.0}
    assert not low.of("SearchArea")  # the handler runs again each time: the facts are fixed


def test_the_language_reference_shows_what_the_export_gives(tmp_path: Path) -> None:
    """docs/language.md's BehaviorTree.CPP example: every XML line it shows is in the export."""
    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    world = re.search(r"# file: site.world\n(.*?)```", doc, re.DOTALL)
    mission = re.search(r"# file: btcpp_demo.mission\n(.*?)```", doc, re.DOTALL)
    shown = re.search(r"btcpp_demo.mission --format btcpp-xml` gives.*?```xml\n(.*?)```", doc,
                      re.DOTALL)
    assert world and mission and shown
    text = mission.group(1).replace('"site.world"', '"w.world"')
    xml = to_btcpp_xml(compile_text(tmp_path, text, world=world.group(1)))
    lines = {line.strip() for line in xml.splitlines()}
    for line in shown.group(1).splitlines():
        assert line.strip() in lines, line
    assert run(xml, {"carrying": ""}).status == "SUCCESS"


def test_a_distance_to_a_point_within_a_parameter_compares_squares(tmp_path: Path) -> None:
    text = HEADER + ('task near(r: length) { if distance to (3, 4) < r { report "near" } '
                     'else { alert "far" } }\nmain { near(2 m)  near(6 m) }\n')
    xml = text_xml(tmp_path, text)
    assert 'r_sq="4"' in xml and 'r_sq="36"' in xml
    outcome = run(xml, {"x": 0.0, "y": 0.0})  # 5 m away
    assert [c.node for c in outcome.calls] == ["Alert", "Report"]


def test_a_point_given_to_a_task_measuring_the_distance_to_it_is_refused(tmp_path: Path) -> None:
    text = HEADER + ("task near(p: place) { if distance to p < 3 m { sit } }\n"
                     "main { near((4, 4)) }\n")
    with pytest.raises(ExportError, match=r"m\.mission:4:13: a point passed to a task that "
                                          r"measures the distance to it: .* declare the point"):
        text_xml(tmp_path, text)


def test_a_text_that_bt_cpp_would_read_as_a_blackboard_entry_is_refused(tmp_path: Path) -> None:
    text = HEADER + 'main { report "{victim} seen at {position}" }\n'
    with pytest.raises(ExportError, match=r"m\.mission:3:15: BehaviorTree\.CPP reads a port value "
                                          r"that starts with `\{` and ends with `\}`"):
        text_xml(tmp_path, text)
    fine = text_xml(tmp_path, HEADER + 'main { report "seen {victim} at {position}" }\n')
    assert 'text="seen {victim} at {position}"' in fine


def test_a_task_named_like_the_main_tree_or_a_node_gets_a_tree_id_of_its_own(
        tmp_path: Path) -> None:
    """`task MainTree()` was exported as a second `<BehaviorTree ID="MainTree">`, which replaced
    the mission's own: BehaviorTree.CPP ran the task alone (Stand, not GoTo and Report); `task
    Sequence()` or `task GoTo()` was refused at load ("must not use the name of a registered
    Node")."""
    text = HEADER + ("task MainTree() { stand }\ntask Sequence() { sit }\ntask GoTo() { wait 1 s }\n"
                     "task Sequence_task() { report \"mine\" }\n"
                     "main { MainTree() Sequence() GoTo() Sequence_task() go to gate "
                     "report \"end\" }\n")
    xml = text_xml(tmp_path, text)
    assert xml.count('<BehaviorTree ID="MainTree">') == 1
    assert '<BehaviorTree ID="Sequence_task2">' in xml and '<SubTree ID="GoTo_task" />' in xml
    outcome = run(xml, max_ticks=50)
    assert outcome.status == "SUCCESS"
    assert [c.node for c in outcome.calls] == ["Stand", "Sit", "Wait", "Report", "GoTo", "Report"]


def test_behaviortree_cpp_refuses_each_builtin_node_name_as_a_subtree_id() -> None:
    """The list the export renames tasks by (dsl/export/btcpp_ids.py) names real nodes only."""
    import behaviortreepy as bt

    from dsl.export.btcpp_ids import BUILTIN_NODES

    for name in sorted(BUILTIN_NODES):
        factory = bt.BehaviorTreeFactory()
        with pytest.raises(RuntimeError, match="registered Node"):
            factory.register_behavior_tree_from_text(
                f'<root BTCPP_format="4"><BehaviorTree ID="M"><SubTree ID="{name}"/>'
                f'</BehaviorTree><BehaviorTree ID="{name}"><AlwaysSuccess/></BehaviorTree></root>')
            factory.create_tree("M")


@pytest.mark.parametrize("param", ["ID", "name", "_autoremap", "_skipIf"])
def test_a_task_parameter_named_like_a_subtree_attribute_is_refused_at_the_call(
        tmp_path: Path, param: str) -> None:
    """`task t(ID: place)` was exported as `<SubTree ID="gate" />`: BehaviorTree.CPP called a
    tree named `gate`; `name` became the node's name and `_autoremap` failed to load."""
    text = HEADER + f"task t({param}: place) {{ go to {param} }}\nmain {{ t(gate) }}\n"
    with pytest.raises(ExportError, match=rf"m\.mission:4:8: task `t` has a parameter `{param}`, "
                       "an attribute BehaviorTree.CPP reads on every <SubTree> itself"):
        text_xml(tmp_path, text)
