"""The example missions in missions/ check clean, compile to every format, and mean what they say.

Four kinds of test:

* the command line: ``mission check`` is clean (exit 0, nothing on stderr, not even a warning) on
  every example, its library and its worlds; ``mission compile`` writes each format;
* the compiled tree (read from the JSON export): the facts each mission is written for — the patrol
  walks a closed 9-place round twice, the rescue searches areas that cover every victim, the shuttle
  picks up exactly the payloads its world declares, the battery guard watches everything;
* the worlds (built by ``dsl.api.load_world``): every raised floor is reached by stairs or a
  ramp that ends at its height, is walled in elsewhere, and every named place, victim and intruder
  path point is somewhere a robot can stand;
* runs on the kinematic twin (a second or two each): every example succeeds within a few simulated
  minutes and meets its own ``require`` lines, and the recovery paths work when a fault is injected
  (blocked stairs -> the rescue's fallback; a battery drop -> the guard's recharge).
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dsl.api import load_world
from locomotion.world import (
    Circle,
    Polygon,
    Rect,
    SlopeParams,
    StairsParams,
    TerrainKind,
    TerrainRegion,
    World,
)
from quadmission.cli import main as mission_cli
from tests.entry_point import mission_executable

ROOT = Path(__file__).resolve().parent.parent
MISSIONS = ROOT / "missions"
NAMES = ("rescue", "patrol", "logistics")
WORLDS = {
    "rescue": "collapsed_site.world",
    "patrol": "industrial_park.world",
    "logistics": "warehouse_yard.world",
}
FORMATS = ("json", "dot", "btcpp-xml")

Node = dict[str, Any]


# ------------------------------------------------------------------------------------ helpers
def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``mission ARGV`` in this process; return (exit status, stdout, stderr)."""
    status = mission_cli(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@cache
def compiled(name: str) -> Node:
    """The JSON export of ``missions/<name>.mission`` (compiled once per test session)."""
    from dsl.api import check_paths
    from dsl.compiler import compile_mission
    from dsl.export import to_json

    report = check_paths([str(MISSIONS / f"{name}.mission")])
    assert not report.has_errors, report.render()
    data: Node = json.loads(to_json(compile_mission(report.programs[0])))
    return data


@cache
def world(name: str) -> World:
    return load_world(MISSIONS / "worlds" / WORLDS[name])


def walk(node: Node, ancestors: tuple[Node, ...] = ()) -> Iterator[tuple[Node, tuple[Node, ...]]]:
    """Every node of the tree with the chain of its ancestors (root first)."""
    yield node, ancestors
    for child in node.get("children", []):
        yield from walk(child, (*ancestors, node))


def actions(tree: Node, action: str) -> list[tuple[Node, tuple[Node, ...]]]:
    """The nodes running ``action`` (registry key), in tick order, with their ancestors."""
    return [(n, up) for n, up in walk(tree) if n.get("action") == action]


def shape_contains(area: Node, x: float, y: float) -> bool:
    """Whether an exported area (``{"shape": ...}``) contains (x, y)."""
    kind = area["shape"]
    if kind == "rect":
        return Rect(area["x_min"], area["y_min"], area["x_max"], area["y_max"]).contains(x, y)
    if kind == "circle":
        return Circle(tuple(area["center"]), area["radius"]).contains(x, y)  # type: ignore[arg-type]
    assert kind == "polygon", area
    return Polygon(tuple(tuple(p) for p in area["points"])).contains(x, y)  # type: ignore[arg-type]


def ground_height(w: World, x: float, y: float) -> float:
    """Ground height of the map at (x, y): flat regions at their elevation, ramps and stairs rising
    from theirs along their heading (the same rule as locomotion.world documents)."""
    region = w.region_at(x, y)
    if region is None:
        return 0.0
    if isinstance(region.params, (StairsParams, SlopeParams)):
        run = distance_along_heading(region, x, y)
        if isinstance(region.params, StairsParams):
            steps = min(int(run / region.params.tread) + 1, int(region.params.count))
            return region.elevation + steps * region.params.rise
        return region.elevation + run * math.tan(math.radians(region.params.angle))
    return region.elevation


def heading_of(region: TerrainRegion) -> int:
    """The direction of ascent of a ramp or flight of stairs, in whole degrees 0..359."""
    assert isinstance(region.params, (StairsParams, SlopeParams)), region.name
    heading = round(region.params.heading) % 360
    assert heading in (0, 90, 180, 270), f"{region.name}: only axis-aligned flights are used"
    return heading


def distance_along_heading(region: TerrainRegion, x: float, y: float) -> float:
    """How far (x, y) lies from the low edge of an axis-aligned ramp or flight of stairs."""
    x0, y0, x1, y1 = region.shape.bbox()
    return {0: x - x0, 90: y - y0, 180: x1 - x, 270: y1 - y}[heading_of(region)]


def length_along_heading(region: TerrainRegion) -> float:
    x0, y0, x1, y1 = region.shape.bbox()
    return x1 - x0 if heading_of(region) in (0, 180) else y1 - y0


def top_height(region: TerrainRegion) -> float:
    """Height reached at the top of a flight of stairs or a ramp."""
    params = region.params
    if isinstance(params, StairsParams):
        return region.elevation + params.count * params.rise
    assert isinstance(params, SlopeParams)
    return region.elevation + length_along_heading(region) * math.tan(math.radians(params.angle))


def edge_points(rect: tuple[float, float, float, float], step: float = 0.05) -> Iterator[
        tuple[float, float, float, float]]:
    """Points along a rectangle's edges with the outward normal (x, y, nx, ny), corners skipped."""
    x0, y0, x1, y1 = rect
    nx_, ny_ = int((x1 - x0) / step), int((y1 - y0) / step)
    for i in range(1, nx_):
        x = x0 + (x1 - x0) * i / nx_
        yield x, y0, 0.0, -1.0
        yield x, y1, 0.0, 1.0
    for j in range(1, ny_):
        y = y0 + (y1 - y0) * j / ny_
        yield x0, y, -1.0, 0.0
        yield x1, y, 1.0, 0.0


# ------------------------------------------------------------------------ the command line
@pytest.mark.parametrize("name", NAMES)
def test_mission_check_is_clean(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "check", str(MISSIONS / f"{name}.mission"))
    assert (status, err) == (0, ""), err
    assert out.strip() == "ok: 1 file checked, no errors"


def test_library_and_worlds_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(MISSIONS / "lib" / "common.mission")]
    files += [str(MISSIONS / "worlds" / w) for w in WORLDS.values()]
    status, out, err = run_cli(capsys, "check", *files)
    assert (status, err) == (0, ""), err
    assert out.strip() == f"ok: {len(files)} files checked, no errors"


def test_installed_command_checks_all_examples_at_once() -> None:
    """The real entry point, as a user runs it: `mission check missions/*.mission`."""
    exe = mission_executable()
    command = [exe] if exe else [sys.executable, "-m", "quadmission"]
    files = sorted(str(p.relative_to(ROOT)) for p in MISSIONS.glob("*.mission"))
    assert files == [f"missions/{n}.mission" for n in sorted(NAMES)]
    done = subprocess.run([*command, "check", *files], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.strip() == "ok: 3 files checked, no errors"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_compiles_to_every_format(name: str, fmt: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / f"{name}.{fmt}"
    status, out, err = run_cli(capsys, "compile", str(MISSIONS / f"{name}.mission"),
                               "--format", fmt, "-o", str(out_file))
    assert out == ""  # with -o nothing goes to stdout
    assert (status, err) == (0, ""), err
    text = out_file.read_text(encoding="utf-8")
    title = compiled(name)["mission"]
    if fmt == "json":
        data = json.loads(text)
        assert data == compiled(name)
        assert data["format"] == "quadmission-tree/1"
    elif fmt == "dot":
        assert text.startswith(f'digraph "{title}" {{')
        assert text.rstrip().endswith("}")
        nodes = sum(1 for _ in walk(compiled(name)["tree"]))
        # one edge per node but the root: the dot file draws the whole tree
        assert text.count(" -> ") == nodes - 1
    else:
        root = ET.fromstring(text)
        assert root.tag == "root" and root.get("main_tree_to_execute") == "MainTree"
        trees = {t.get("ID"): t for t in root.iter("BehaviorTree")}
        assert trees["MainTree"][0].get("name") == title
        # every task the mission calls is exported as its own subtree
        called = {n["settings"]["task"] for n, _ in walk(compiled(name)["tree"])
                  if n["type"] == "TaskCall"}
        assert called <= set(trees)


def test_compile_to_stdout_matches_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "compile", str(MISSIONS / "patrol.mission"),
                               "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == compiled("patrol")


def test_library_alone_cannot_be_compiled(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "compile", str(MISSIONS / "lib" / "common.mission"),
                               "--format", "json")
    assert status == 1 and out == ""
    assert "main" in err


# -------------------------------------------------------------------- facts of every mission
@pytest.mark.parametrize("name", NAMES)
def test_battery_guard_watches_the_whole_mission(name: str) -> None:
    """`main` opens with a battery guard: its handler docks and charges, and everything else of the
    mission is the guarded rest, resumed (not restarted) after the handler."""
    tree = compiled(name)["tree"]
    (guard,) = tree["children"]
    assert guard["type"] == "GuardSequence" and guard["settings"]["resume"] is True
    when, rest = guard["children"]
    assert when["type"] == "Selector" and when["settings"]["memory"] is True
    inverter, handler = when["children"]
    assert inverter["type"] == "Inverter"
    assert inverter["children"][0]["params"]["expression"].startswith("battery < ")
    handled = [n.get("action") for n, _ in walk(handler)]
    assert "dock" in handled and "charge" in handled
    assert handled.index("dock") < handled.index("charge")
    assert rest["name"] == "rest" and len(rest["children"]) >= 4


@pytest.mark.parametrize("name", NAMES)
def test_every_place_the_tree_walks_to_is_standable(name: str) -> None:
    w = world(name)
    for node, _ in walk(compiled(name)["tree"]):
        params = node.get("params") or {}
        places = [v for v in params.values() if isinstance(v, dict) and "x" in v]
        places += [p for v in params.values() if isinstance(v, dict) for p in v.get("places", [])]
        for place in places:
            assert not w.is_blocked(place["x"], place["y"]), (node["name"], place)
            ground = ground_height(w, place["x"], place["y"])
            if place["z"]:
                assert place["z"] == pytest.approx(ground, abs=0.02), (node["name"], place)


@pytest.mark.parametrize("name", NAMES)
def test_time_limit_and_requirements(name: str) -> None:
    data = compiled(name)
    # room for a mid-mission recharge (see the battery-guard runs below), but a bound
    assert 10 * 60 <= data["time_limit"] <= 25 * 60
    required = {r["metric"]: (r["op"], r["value"]) for r in data["requirements"]}
    assert required["success"][0] == ">=" and required["success"][1] >= 90
    # the run is expected to end well within the hard stop
    assert required["duration"] == ("<=", pytest.approx(600.0))
    assert data["time_limit"] > required["duration"][1]


# ----------------------------------------------------------------------------- the patrol
def test_patrol_walks_a_closed_round_twice() -> None:
    tree = compiled("patrol")["tree"]
    follows = actions(tree, "follow")
    first, ancestors = follows[0]
    route = first["params"]["route"]
    names = [p["name"] for p in route["places"]]
    assert route["name"] == "night_round" and route["closed"] is True
    assert len(names) == 9 and names[0] == names[-1] == "yard"
    assert len(set(names)) == 8
    repeat = next(a for a in reversed(ancestors) if a["type"] == "Repeat")
    assert repeat["settings"]["num_success"] == 2 and first["params"]["laps"] == 1
    # the fallback's plain round walks the same loop
    assert all(f["params"]["route"] == route for f, _ in follows)


def test_patrol_round_climbs_onto_the_deck_and_skirts_the_canal() -> None:
    w = world("patrol")
    route = actions(compiled("patrol")["tree"], "follow")[0][0]["params"]["route"]
    places = {p["name"]: p for p in route["places"]}
    deck = places["deck"]
    assert w.region_at(deck["x"], deck["y"]).name == "loading_deck"  # type: ignore[union-attr]
    assert deck["z"] == pytest.approx(0.6)
    canal = next(r for r in w.regions if r.kind is TerrainKind.WATER)
    for name in ("towpath_east", "towpath_west"):
        p = places[name]
        gap = canal.shape.bbox()[1] - p["y"]
        assert 1.0 <= gap <= 2.0, f"{name} walks {gap:.2f} m from the canal edge"


def test_patrol_legs_never_cross_water_or_walls() -> None:
    """Each straight leg of the round, sampled every 5 cm, stays on ground a robot can stand on."""
    w = world("patrol")
    places = actions(compiled("patrol")["tree"], "follow")[0][0]["params"]["route"]["places"]
    total = 0.0
    for a, b in itertools.pairwise(places):
        length = math.hypot(b["x"] - a["x"], b["y"] - a["y"])
        total += length
        n = max(int(length / 0.05), 1)
        for i in range(n + 1):
            x = a["x"] + (b["x"] - a["x"]) * i / n
            y = a["y"] + (b["y"] - a["y"]) * i / n
            assert not w.is_blocked(x, y), f"{a['name']} -> {b['name']} blocked at ({x:.2f}, {y:.2f})"
    # two rounds at ~0.5 m/s fit the 10-minute requirement with time to scan
    assert 50 <= total <= 70


def test_patrol_scans_where_the_intruder_walks() -> None:
    w = world("patrol")
    tree = compiled("patrol")["tree"]
    (prowler,) = w.intruders
    scans = [n["params"] for n, _ in actions(tree, "scan")]
    assert {s["kind"] for s in scans} == {"intruder"}
    area = next(s["area"] for s in scans if s["area"] is not None)
    radius = next(s["radius"] for s in scans if s["radius"] is not None)
    # every corner of the prowler's beat is inside the scanned yard or in range from its centre,
    # where each round ends
    route = actions(tree, "follow")[0][0]["params"]["route"]
    end = route["places"][-1]
    for x, y in prowler.path:
        assert shape_contains(area, x, y) or math.hypot(x - end["x"], y - end["y"]) <= radius


# ----------------------------------------------------------------------------- the rescue
def test_rescue_searches_every_rubble_field_for_victims() -> None:
    w = world("rescue")
    searches = [n["params"] for n, _ in actions(compiled("rescue")["tree"], "search")]
    assert len(searches) == 3 and {s["kind"] for s in searches} == {"victim"}
    # the west wing search is exactly the west rubble field of the world
    rubble = {r.name: r for r in w.regions if r.kind is TerrainKind.RUBBLE}
    west = rubble["west_rubble"].shape
    assert isinstance(west, Polygon)
    assert [tuple(p) for p in searches[0]["area"]["points"]] == list(west.points)
    for name in ("west_rubble", "north_rubble", "fallen_ceiling"):
        x0, y0, x1, y1 = rubble[name].shape.bbox()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        assert any(shape_contains(s["area"], cx, cy) for s in searches), name


def test_rescue_searches_cover_every_victim() -> None:
    w = world("rescue")
    searches = [n["params"]["area"] for n, _ in actions(compiled("rescue")["tree"], "search")]
    assert len(w.victims) == 3
    for victim in w.victims:
        assert sum(shape_contains(a, *victim.position) for a in searches) == 1, victim.name


def test_rescue_searches_are_time_boxed_and_fit_the_time_limit() -> None:
    data = compiled("rescue")
    boxes = []
    for node, ancestors in actions(data["tree"], "search"):
        timeout = next(a for a in reversed(ancestors) if a["type"] == "ClockTimeout")
        recover = next(a for a in reversed(ancestors) if a["name"].endswith(" or recover"))
        assert recover["children"][1]["name"] == "on failure"
        boxes.append(timeout["settings"]["duration"])
    assert boxes == [150.0, 120.0, 100.0]
    # searching leaves over three minutes of the 10-minute requirement for the ~60 m of walking
    # between the areas and back to the dock
    duration = next(r["value"] for r in data["requirements"] if r["metric"] == "duration")
    assert sum(boxes) + 180 <= duration < data["time_limit"]


def test_rescue_climbs_the_stairs_with_the_stairs_gait() -> None:
    tree = compiled("rescue")["tree"]
    steps = [(n.get("action"), n.get("params", {})) for n, _ in walk(tree)
             if n.get("action") in ("set_gait", "go_to", "search")]
    door = next(i for i, (a, p) in enumerate(steps) if a == "go_to"
                and p["target"]["name"] == "office_door")
    assert steps[door - 1] == ("set_gait", {"gait": "stairs"})
    assert steps[door + 1] == ("set_gait", {"gait": "auto"})
    assert steps[door + 2][0] == "search"
    assert steps[door + 2][1]["area"]["shape"] == "rect"
    # a fallback around the climb: the office may be skipped, the mission goes on
    (parent,) = [up[-1] for n, up in walk(tree) if n["name"].startswith("search_office(")]
    assert parent["type"] == "Selector" and len(parent["children"]) == 2


# -------------------------------------------------------------------------- the logistics
def test_logistics_picks_up_every_payload_of_its_world() -> None:
    w = world("logistics")
    data = compiled("logistics")
    picks = [n["params"] for n, _ in actions(data["tree"], "pick_up")]
    stock = {p.name: p for p in w.payloads}
    assert [p["payload"] for p in picks] == ["motor_kit", "cable_drum", "sensor_box"]
    assert set(stock) == {p["payload"] for p in picks}
    for pick in picks:
        item = stock[pick["payload"]]
        assert pick["station"]["name"] == item.station
        assert 0 < item.mass <= data["robot"]["payload"]


def test_logistics_delivers_to_the_mezzanine_then_out() -> None:
    drops = [n["params"] for n, _ in actions(compiled("logistics")["tree"], "drop_off")]
    named = [(d["payload"], d["station"]["name"]) for d in drops if d["payload"] is not None]
    assert named == [("motor_kit", "assembly"), ("cable_drum", "assembly"),
                     ("sensor_box", "goods_out")]
    # each delivery's on-failure handler takes an unnamed load back to where it came from
    returns = [d["station"]["name"] for d in drops if d["payload"] is None]
    assert returns == ["goods_in", "goods_in", "assembly"]


def test_logistics_retries_time_boxed_pick_ups() -> None:
    for node, ancestors in actions(compiled("logistics")["tree"], "pick_up"):
        timeout = next(a for a in reversed(ancestors) if a["type"] == "ClockTimeout")
        retry = next(a for a in reversed(ancestors) if a["type"] == "Retry")
        assert timeout["settings"]["duration"] == 20.0
        assert retry["settings"]["num_failures"] == 3
        assert ancestors.index(retry) < ancestors.index(timeout)


def test_logistics_assembly_is_up_a_ramp_of_ten_to_fifteen_degrees() -> None:
    w = world("logistics")
    (assembly,) = [s for s in w.stations if s.name == "assembly"]
    floor = w.region_at(*assembly.position)
    assert floor is not None and floor.name == "mezzanine"
    ramps = [r for r in w.regions if r.kind is TerrainKind.SLOPE]
    assert len(ramps) == 2
    for ramp in ramps:
        assert isinstance(ramp.params, SlopeParams)
        assert 10 <= ramp.params.angle <= 15
        assert top_height(ramp) == pytest.approx(floor.elevation, abs=0.02)
    # heavy loads slow down: the speed is chosen by the mass carried
    conditions = [n["params"]["expression"] for n, _ in actions(compiled("logistics")["tree"],
                                                                 "condition")]
    assert "payload_mass > 4 kg" in conditions


# ------------------------------------------------------------------------------ the worlds
@pytest.mark.parametrize("name", NAMES)
def test_raised_floors_are_reached_by_stairs_or_ramps_of_their_height(name: str) -> None:
    w = world(name)
    raised = [r for r in w.regions if r.elevation > 0 and r.kind is TerrainKind.FLAT]
    assert raised, "each example world has a floor above the ground"
    flights = [r for r in w.regions if r.kind in (TerrainKind.STAIRS, TerrainKind.SLOPE)]
    for floor in raised:
        leading = []
        for flight in flights:
            x0, y0, x1, y1 = flight.shape.bbox()
            heading = heading_of(flight)
            top = {0: (x1 + 0.05, (y0 + y1) / 2), 90: ((x0 + x1) / 2, y1 + 0.05),
                   180: (x0 - 0.05, (y0 + y1) / 2), 270: ((x0 + x1) / 2, y0 - 0.05)}[heading]
            if w.region_at(*top) is floor:
                leading.append(flight)
                assert top_height(flight) == pytest.approx(floor.elevation, abs=0.02), flight.name
        assert leading, f"nothing climbs onto {floor.name}"


@pytest.mark.parametrize("name", NAMES)
def test_stairs_are_as_long_as_their_steps(name: str) -> None:
    for region in world(name).regions:
        if isinstance(region.params, StairsParams):
            p = region.params
            assert length_along_heading(region) == pytest.approx(p.count * p.tread), region.name
            assert 0.05 <= p.rise <= 0.15 and p.tread >= 0.25, "steps an A1 can climb"


@pytest.mark.parametrize("name", NAMES)
def test_raised_floors_are_walled_except_at_their_stairs(name: str) -> None:
    """Step off every edge of a raised floor: just inside is a wall, or just outside is the same
    height (a stairs top, a ramp top, or a floor at that level) — never a drop to the ground."""
    w = world(name)
    for floor in (r for r in w.regions if r.elevation > 0 and r.kind is TerrainKind.FLAT):
        assert isinstance(floor.shape, Rect)
        for x, y, nx, ny in edge_points(floor.shape.bbox()):
            inside = w.region_at(x - 0.02 * nx, y - 0.02 * ny)
            if inside is not None and inside.kind is TerrainKind.OBSTACLE:
                continue
            ox, oy = x + 0.05 * nx, y + 0.05 * ny
            outside = w.region_at(ox, oy)
            if outside is not None and outside.kind is TerrainKind.OBSTACLE:
                continue
            assert ground_height(w, ox, oy) == pytest.approx(floor.elevation, abs=0.1), (
                f"{floor.name}: a {floor.elevation} m drop at ({x:.2f}, {y:.2f})")


@pytest.mark.parametrize("name", NAMES)
def test_scenario_entities_stand_on_open_ground(name: str) -> None:
    w = world(name)
    points = [d.position for d in w.docks] + [s.position for s in w.stations]
    points += [v.position for v in w.victims] + [p for _, p in w.waypoints]
    points += [p for i in w.intruders for p in i.path]
    assert points
    for x, y in points:
        assert not w.is_blocked(x, y), (x, y)
        assert w.kind_at(x, y) is not TerrainKind.HEDGE, (x, y)
    for payload in w.payloads:
        assert payload.station in {s.name for s in w.stations}


def test_worlds_use_every_kind_of_ground() -> None:
    kinds = {r.kind for n in NAMES for r in world(n).regions}
    assert kinds == set(TerrainKind)


# ------------------------------------------------------------------- running the examples
class Lines:
    """An event sink that keeps the lines the mission reports and alerts, in order."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def append(self, event: Any) -> None:
        if getattr(event, "TYPE", "") == "alert":
            self.lines.append((event.severity, event.message))

    def commit_tick(self) -> None:
        """Nothing to flush: the lines are kept in memory."""

    def messages(self) -> list[str]:
        return [message for _, message in self.lines]


@cache
def simulated(name: str, fault: str = "", seed: int = 1) -> tuple[Any, Lines]:
    """Run the mission once on the kinematic twin (a second or two of wall time), with an
    optional injected fault; return the final report and the mission's report/alert lines."""
    from bt_runtime.faults import parse_fault
    from locomotion.backends import make_backend
    from quadmission.loading import load_mission
    from quadmission.session import simulate

    mission = load_mission(str(MISSIONS / f"{name}.mission"))
    faults = [parse_fault(fault, mission.compiled.world)] if fault else []
    backend = make_backend("kinematic")
    lines = Lines()
    try:
        report = simulate(mission, backend, seed, backend_name="kinematic", log=lines,
                          faults=faults)
    finally:
        backend.close()
    return report, lines


def metric(report: Any, name: str) -> float:
    """A `require` metric measured on one run (`success` is 100 % or 0 % for a single run)."""
    values = {
        "success": 100.0 if report.outcome == "success" else 0.0,
        "duration": report.duration,
        "min_battery": report.min_battery,
        "falls": float(report.falls),
        "distance": report.distance,
        "victims_found": float(len(report.victims)),
        "deliveries": float(len(report.delivered)),
    }
    return values[name]


OPS = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__,
       "==": float.__eq__, "!=": float.__ne__}


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_in_simulation_and_meets_its_requirements(name: str) -> None:
    report, _ = simulated(name)
    assert report.outcome == "success", report.lines()
    # a few simulated minutes, as an example should be
    assert 2 * 60 <= report.duration <= 8.5 * 60, report.lines()
    for req in compiled(name)["requirements"]:
        measured = metric(report, req["metric"])
        assert OPS[req["op"]](measured, float(req["value"])), (req, measured)


def test_simulated_runs_find_and_deliver_what_the_worlds_hold() -> None:
    rescue, rescue_lines = simulated("rescue")
    assert set(rescue.victims) == {v.name for v in world("rescue").victims}
    last = rescue.detections[-1]  # the report names the last person found, where the log has it
    assert last.kind == "victim" and [d.name for d in rescue.detections] == list(rescue.victims)
    assert (f"search complete: every reported person located, the last one {last.name} at "
            f"{last.position}") in rescue_lines.messages()
    patrol, patrol_lines = simulated("patrol")
    assert set(patrol.intruders) == {i.name for i in world("patrol").intruders}
    assert "intruder on site: security called" in patrol_lines.messages()
    logistics, _ = simulated("logistics")
    assert list(logistics.delivered) == ["motor_kit", "cable_drum", "sensor_box"]


def test_rescue_skips_the_office_when_its_steps_are_blocked() -> None:
    """The fallback round the stairs climb: with the entrance steps closed the office search fails,
    the mission says so and still ends well (two of three victims meet `victims_found >= 2`)."""
    report, lines = simulated("rescue", "block@30s:region=entrance_steps")
    assert report.outcome == "success", report.lines()
    assert set(report.victims) == {"v_west", "v_north"}
    assert "office unreachable: skipped" in lines.messages()
    assert "search complete: some people located, others still missing" in lines.messages()


@pytest.mark.parametrize(("name", "fault"), [
    ("patrol", "battery@100s:drop=50"),
    ("logistics", "battery@60s:drop=25"),
])
def test_battery_guard_recharges_and_the_mission_still_succeeds(name: str, fault: str) -> None:
    """A sudden battery loss trips the guard: the robot docks, charges, and resumes the rest of the
    mission where it was interrupted, which then completes within its time limit."""
    report, lines = simulated(name, fault)
    assert report.outcome == "success", report.lines()
    messages = lines.messages()
    low = messages.index("battery low: returning to the dock")
    assert messages.index("charged: resuming") > low
    assert report.duration < compiled(name)["time_limit"]
    if name == "logistics":
        assert len(report.delivered) == 3


def test_rescue_battery_guard_mid_search_resumes_instead_of_starting_over() -> None:
    """A battery drop during the west wing search: after docking and charging, the mission goes on
    where it stopped. Each area's search ends once (none is searched again) and the mission does
    not start again from its first statement, as it did when a guard restarted its rest."""
    report, lines = simulated("rescue", "battery@60s:drop=50")
    assert report.outcome == "success", report.lines()
    messages = lines.messages()
    assert messages.index("charged: resuming") > messages.index("battery low: returning to the dock")
    assert messages.count("starting the victim search") == 1
    ended = (sum(m.startswith("area searched") for m in messages)
             + messages.count("search of an area was cut short"))
    assert ended == 3
    assert set(report.victims) == {v.name for v in world("rescue").victims}
