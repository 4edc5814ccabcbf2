"""Diagnostics of declarations: placement, duplicates, properties, geometry, unused definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dsl.helpers import HEADER, WORLD, at, check, errors, only, where


def test_duplicate_name_names_both_places(tmp_path: Path) -> None:
    text = HEADER + "waypoint gate at (1, 1)\nmain { go to gate }\n"
    d = only(check(tmp_path, text), "duplicate name")
    world_line, world_col = at(WORLD, "gate at")
    assert d.message == (f"duplicate name `gate`: already declared as a waypoint at "
                         f"{tmp_path / 'w.world'}:{world_line}:{world_col}")
    assert where(d) == at(text, "gate at")


def test_duplicate_within_one_file(tmp_path: Path) -> None:
    text = HEADER + "waypoint a at (1, 1)\nstation a at (2, 2)\nmain { go to a }\n"
    d = only(check(tmp_path, text), "duplicate name")
    assert "already declared as a waypoint at" in d.message
    assert where(d) == at(text, "a at (2")


@pytest.mark.parametrize("keyword, line", [
    ("mission", 'mission "Again"'),
    ("robot", "robot a1"),
    ("world", 'world "w.world"'),
    ("main", "main { succeed }"),
])
def test_duplicate_top_level_declaration(tmp_path: Path, keyword: str, line: str) -> None:
    text = HEADER + "robot a1\nmain { go to gate }\n" + line + "\n"
    if keyword in ("mission", "world"):
        first = at(text, keyword)
    else:
        first = at(text, keyword if keyword != "main" else "main {")
    d = only(check(tmp_path, text), f"duplicate `{keyword}`")
    assert d.message == (f"duplicate `{keyword}` declaration (the first is at "
                         f"{first[0]}:{first[1]})")
    assert d.span.line == text.count("\n")


def test_world_things_are_not_allowed_in_a_mission(tmp_path: Path) -> None:
    text = HEADER + "terrain pond: water rect (0, 0) to (1, 1)\nmain { go to gate }\n"
    d = only(check(tmp_path, text), "not allowed")
    assert d.message == "`terrain` is not allowed in a mission file"
    assert d.hint == "it belongs in a world file"
    assert where(d) == at(text, "terrain")


def test_mission_things_are_not_allowed_in_a_world(tmp_path: Path) -> None:
    world = WORLD + "task t() { succeed }\n"
    report = check(tmp_path, HEADER + "main { go to gate }\n", world=world)
    d = only(report, "not allowed")
    assert d.message == "`task` is not allowed in a world file"
    assert d.span.file.endswith("w.world")
    assert where(d) == at(world, "task")


def test_world_needs_bounds(tmp_path: Path) -> None:
    world = 'world "No bounds"\ndock base at (1, 1)\n'
    report = check(tmp_path, HEADER + "main { go to base }\n", world=world)
    d = only(report, "bounds")
    assert d.message == "a world file needs a `bounds` declaration"
    assert where(d) == (1, 1)


def test_unknown_robot_model_lists_the_known_ones(tmp_path: Path) -> None:
    text = HEADER + "robot spot\nmain { go to gate }\n"
    d = only(check(tmp_path, text), "robot model")
    assert d.message == "unknown robot model `spot`"
    assert d.hint == "known models: a1"
    assert where(d) == at(text, "spot")


def test_unknown_robot_property_suggests(tmp_path: Path) -> None:
    text = HEADER + "robot a1 { batery 400 Wh }\nmain { go to gate }\n"
    d = only(check(tmp_path, text), "robot property")
    assert d.message == "unknown robot property `batery`"
    assert d.hint == "did you mean `battery`?"
    assert where(d) == at(text, "batery")


def test_robot_property_dimension_and_range(tmp_path: Path) -> None:
    text = HEADER + "robot a1 { charge 150 %  max_speed 3 kg }\nmain { go to gate }\n"
    report = check(tmp_path, text)
    assert only(report, "charge").message == (
        "value out of range: robot charge must be between 0 and 100 %, got 150 %")
    assert where(only(report, "max_speed")) == at(text, "3 kg")


def test_mission_property_and_metric(tmp_path: Path) -> None:
    text = ('mission "T" { tick_rate 10 s }\nworld "w.world"\nmain { go to gate }\n'
            "require succes >= 95 %\nrequire duration <= -1 min\n")
    report = check(tmp_path, text)
    assert only(report, "tick_rate").message == (
        "`10 s` is a time, but mission tick_rate is a frequency")
    metric = only(report, "metric `succes`")
    assert metric.hint == "did you mean `success`?"
    assert where(metric) == at(text, "succes")
    assert where(only(report, "duration")) == at(text, "-1 min")


@pytest.mark.parametrize("point, fragment", [
    ("(60, 5)", "is outside the world bounds (0, 0) to (50, 30)"),
    ("(20, 22)", "is inside water `canal`"),
    ("(4, 27)", "is inside obstacle `shed`"),
])
def test_place_geometry(tmp_path: Path, point: str, fragment: str) -> None:
    text = HEADER + f"waypoint spot at {point}\nmain {{ go to spot }}\n"
    d = only(check(tmp_path, text), fragment)
    assert d.message == f"waypoint `spot` at {point} {fragment}"
    assert where(d) == at(text, point)


def test_route_needs_two_distinct_points(tmp_path: Path) -> None:
    text = HEADER + "route r: gate\nroute s: gate -> gate\nmain { follow r  follow s }\n"
    report = check(tmp_path, text)
    one = next(d for d in errors(report) if "route `r`" in d.message)
    assert one.message == "route `r` needs at least two distinct points, got 1"
    assert where(one) == at(text, "route r")
    two = next(d for d in errors(report) if "route `s`" in d.message)
    assert where(two) == at(text, "route s")


def test_route_points_must_be_places(tmp_path: Path) -> None:
    text = HEADER + "route r: gate -> v1\nmain { follow r }\n"
    d = only(check(tmp_path, text), "is a victim")
    assert d.message == ("`v1` is a victim, but a route point must be a place (waypoint, "
                         "station or dock)")
    assert where(d) == at(text, "v1")


@pytest.mark.parametrize("decl, kind, name", [
    ("waypoint spare at (2, 2)", "waypoint", "spare"),
    ("station spare at (2, 2)", "station", "spare"),
    ("route spare: gate -> tower", "route", "spare"),
    ("area spare rect (0, 0) to (1, 1)", "area", "spare"),
    ("task spare() { succeed }", "task", "spare"),
    ("payload spare 1 kg at depot", "payload", "spare"),
])
def test_unused_definitions_warn(tmp_path: Path, decl: str, kind: str, name: str) -> None:
    text = HEADER + decl + "\nmain { go to gate }\n"
    report = check(tmp_path, text)
    d = only(report, "never used")
    assert not d.is_error
    assert d.message == f"{kind} `{name}` is never used"
    assert where(d) == at(text, "spare")
    assert errors(report) == []


def test_library_without_main_gets_no_unused_warnings(tmp_path: Path) -> None:
    report = check(tmp_path, 'world "w.world"\ntask spare() { go to gate }\n')
    assert report.diagnostics == ()


def test_payload_station_must_be_a_station(tmp_path: Path) -> None:
    text = HEADER + "payload kit 1 kg at gate\nmain { pick up kit at depot }\n"
    d = only(check(tmp_path, text), "is a waypoint")
    assert d.message == ("`gate` is a waypoint, but the payload's station must be a station")


def test_task_named_like_a_keyword(tmp_path: Path) -> None:
    text = HEADER + "task scan() { succeed }\nmain { go to gate }\n"
    d = only(check(tmp_path, text), "keyword")
    assert d.message == "`scan` is a keyword: a task with this name could not be called"
    assert where(d) == at(text, "scan")


@pytest.mark.parametrize("name", ["skip", "later", "radius", "any", "abort", "until"])
def test_a_task_named_like_a_keyword_read_as_a_call_everywhere_is_accepted(
        tmp_path: Path, name: str) -> None:
    """`task skip()` was refused ("could not be called") though `skip()` is read as a call
    after every kind of statement: only the statements' own words are uncallable."""
    text = HEADER + (f"task {name}() {{ stand }}\n"
                     f"main {{ {name}() repeat 2 {{ sit }} {name}() wait 1 s {name}() }}\n")
    assert errors(check(tmp_path, text)) == []


@pytest.mark.parametrize("name, after", [
    ("area", "repeat 2 { stand }"), ("then", "repeat 2 { stand }"), ("at", "wait 1 s"),
    ("laps", "follow r"),
])
def test_a_task_named_like_a_keyword_misread_after_some_statement_is_refused_naming_it(
        tmp_path: Path, name: str, after: str) -> None:
    text = HEADER + f"task {name}() {{ stand }}\nmain {{ {name}() }}\n"
    d = only(check(tmp_path, text), "keyword")
    assert d.message == (f"`{name}` is a keyword: a call of this task would be misread after a "
                         f"statement such as `{after}`")
    assert where(d) == at(text, f"{name}()")


def test_keyword_list_matches_the_grammar() -> None:
    from lark.lexer import PatternStr

    from dsl.keywords import KEYWORDS
    from dsl.parser import GRAMMAR

    words = {t.pattern.value for t in GRAMMAR.terminals
             if isinstance(t.pattern, PatternStr) and t.pattern.value.isalpha()}
    assert words == KEYWORDS
    assert GRAMMAR.options.lexer == "contextual"
    # read from the grammar, the list still holds the language's keywords (and no names)
    assert {"import", "go", "to", "forever", "scan", "radius", "gait", "distance", "false",
            "laps", "until", "pick", "up"} <= KEYWORDS
    # 69 since `vary` (campaign variation blocks) joined the declarations; +4 with the guard's
    # `then resume` / `then restart` and `var`; +5 with the failure policies and temporal
    # requirements (+ retry's `every`/`later`, `skip`, `abort`, `always`, `within`, `of`; - `on`
    # and `failure`, which are now one `on failure` token)
    assert len(KEYWORDS) == 78 and "vary" in KEYWORDS and "var" in KEYWORDS
    assert {"skip", "abort", "later", "every", "always", "within", "of"} <= KEYWORDS
    assert not {"on", "failure"} & KEYWORDS
    assert not {"gate", "battery", "victim_found", "m"} & KEYWORDS


def test_points_in_statements_are_checked_too(tmp_path: Path) -> None:
    text = HEADER + "main { go to (20, 22)  if distance to (99, 1) < 2 m { sit } }\n"
    report = check(tmp_path, text)
    water = only(report, "inside water")
    assert water.message == "the point at (20, 22) is inside water `canal`"
    assert where(water) == at(text, "(20, 22)")
    outside = only(report, "outside")
    assert where(outside) == at(text, "(99, 1)")
