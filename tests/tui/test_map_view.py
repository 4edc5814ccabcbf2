"""The map: geometry from the tree's parameters, trail and robot from telemetry."""

from __future__ import annotations

import math

from rich.text import Text

from tests.tui.test_model import sample
from tui.messages import NodeInfo, WorldInfo
from tui.model import MonitorModel
from tui.widgets.map_view import ARROWS, LEGEND, MISSING, geometry_of, render_map, shape_contains

ROUTE = {"name": "round", "places": [{"name": "yard", "x": 0.0, "y": 0.0, "z": 0.0},
                                     {"name": "deck", "x": 10.0, "y": 0.0, "z": 0.6}]}
ROOT = NodeInfo("0", "m", "Sequence", "m", {}, (
    NodeInfo("0.0", "go to gate", "GoTo", "m/go", {"target": {"name": "gate", "x": 0.0,
                                                               "y": 5.0, "z": 0.0}}),
    NodeInfo("0.1", "follow round", "FollowRoute", "m/f", {"route": ROUTE}),
    NodeInfo("0.2", "scan", "Scan", "m/s", {"area": {"center": [5.0, 2.5], "radius": 1.0}}),
))


def test_geometry_is_collected_from_node_parameters() -> None:
    g = geometry_of(ROOT)
    assert g.places == {"gate": (0.0, 5.0), "yard": (0.0, 0.0), "deck": (10.0, 0.0)}
    assert g.routes == [[(0.0, 0.0), (10.0, 0.0)]]
    assert g.areas == [(5.0, 2.5, 1.0)]


def test_the_map_draws_places_route_trail_and_the_robot_with_its_heading() -> None:
    m = MonitorModel()
    m.open(ROOT)
    m.apply_entries([sample(t) for t in range(0, 30, 5)])
    m.apply_entries([sample(40, x=5.0, y=4.0, yaw=math.pi / 2)])
    text = render_map(m, geometry_of(ROOT), 40, 14).plain
    lines = text.splitlines()
    assert len(lines) == 14 and MISSING.startswith(lines[-1]) and len(lines[-1]) <= 40
    assert "ogate" in text and "oyard" in text and "odec" in text  # clipped at the edge
    assert "─" in text and "•" in text and "·" in text
    assert ARROWS[2] in text  # heading north
    m.apply_entries([sample(41, x=5.0, y=4.0, fallen=True)])
    assert "X" in render_map(m, geometry_of(ROOT), 40, 14).plain


def test_an_empty_run_says_so() -> None:
    assert render_map(MonitorModel(), geometry_of(None), 40, 10).plain.startswith("no positions")


WORLD = WorldInfo(
    "yard", (0.0, 0.0, 20.0, 10.0),
    regions=(
        {"name": "pond", "kind": "water", "shape": {"rect": [2.0, 2.0, 6.0, 6.0]}},
        {"name": "gap", "kind": "mud", "shape": {"circle": [15.0, 5.0, 2.0]}},
        {"name": "hedge", "kind": "hedge",
         "shape": {"polygon": [[9.0, 0.0], [11.0, 0.0], [10.0, 3.0]]}},
    ),
    places=({"name": "dock", "kind": "dock", "x": 1.0, "y": 9.0},),
    entities=({"name": "v1", "kind": "victim", "x": 18.0, "y": 9.0},
              {"name": "i1", "kind": "intruder", "x": 18.0, "y": 1.0}),
)


def test_the_map_draws_the_published_world_found_entities_closed_regions_and_the_plan() -> None:
    m = MonitorModel()
    m.open(ROOT)
    m.world = WORLD
    m.apply_entries([sample(1, x=1.0, y=8.0)])
    text = render_map(m, geometry_of(None), 60, 21)
    *body, legend = text.plain.splitlines()
    plain = "\n".join(body)
    assert "≈" in plain and "▒" in plain and "▓" in plain  # water, mud, hedge
    assert "D" in plain and "V" in plain and "I" in plain and "✕" not in plain
    assert LEGEND.startswith(legend) and 40 < len(legend) <= 60 and MISSING not in text.plain
    end = text.plain.rfind("\n")  # the legend follows: it has a V too

    def styles_of_v(text: Text) -> set[str]:
        return {str(s.style) for s in text.spans if s.start < end and text.plain[s.start] == "V"}

    assert styles_of_v(text) == {"bold magenta"}  # not found yet
    m.found, m.closed = {"v1"}, {"gap"}
    m.planned_path = ((10.0, 8.0), (18.0, 8.0))
    text = render_map(m, geometry_of(None), 60, 21)
    body = text.plain.rsplit("\n", 1)[0]
    assert "✕" in body and "∙" in body
    assert styles_of_v(text) == {"bold green"}


def test_shapes_contain_what_they_cover() -> None:
    assert shape_contains({"rect": [0, 0, 1, 1]}, 0.5, 0.5)
    assert not shape_contains({"circle": [0, 0, 1]}, 1.0, 1.0)
    tri = {"polygon": [[0, 0], [2, 0], [1, 2]]}
    assert shape_contains(tri, 1.0, 0.5) and not shape_contains(tri, 0.1, 1.9)
    assert not shape_contains("junk", 0, 0)


def test_damaged_samples_world_items_and_plans_are_left_out_not_a_crash() -> None:
    # Before: a NaN position (what a log stores for a blown-up physics state), an infinite yaw,
    # a place whose x is text or a rect of two numbers raised inside render and killed the app.
    from bt_runtime.events import WorldDefinition
    from tui.messages import world_info

    world = world_info(WorldDefinition(
        "yard", (0.0, 0.0, 20.0, 10.0),
        regions=({"name": "pond", "kind": "water", "shape": {"rect": [2.0, 2.0, 6.0, 6.0]}},
                 {"name": "bad", "kind": "mud", "shape": {"rect": [1.0, 2.0]}}),
        places=({"name": "dock", "kind": "dock", "x": 1.0, "y": 9.0},
                {"name": "odd", "kind": "dock", "x": "a", "y": None}),
        entities=({"name": "v1", "kind": "victim"},),
    ))
    assert world.left_out == 3 and len(world.regions) == len(world.places) == 1
    m = MonitorModel()
    m.open(ROOT)
    m.world = world
    m.apply_entries([sample(1, x=1.0, y=8.0), sample(2, x=math.nan, y=math.inf)])
    m.apply_entries([sample(3, x=1e308, y=-1e308, yaw=math.inf)])
    m.planned_path = ((1e300, 5.0), (math.nan, 1.0), (5.0, 5.0))
    text = render_map(m, geometry_of(None), 60, 21).plain
    *body, legend = text.splitlines()
    assert "≈" in "\n".join(body) and "D" in "\n".join(body)  # the good items are still drawn
    assert legend.startswith("3 damaged world items not drawn")
