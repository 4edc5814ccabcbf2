"""Text → AST: shapes, spans, keywords in context, units as whole words."""

from __future__ import annotations

from pathlib import Path

from dsl import ast as A
from dsl.parser import kind_of_path, parse_bytes, parse_text


def parse(text: str) -> tuple[A.Decl, ...]:
    result = parse_text(text, "x.mission")
    assert result.diagnostics == (), result.diagnostics
    assert result.file is not None
    return result.file.decls


def main_stmts(text: str) -> tuple[A.Stmt, ...]:
    decl = parse(f"main {{ {text} }}")[0]
    assert isinstance(decl, A.MainDecl)
    return decl.body.stmts


def test_keywords_are_contextual() -> None:
    (go,) = main_stmts("go to dock")
    assert isinstance(go, A.Action) and go.action == "go_to"
    assert go.args[0].value == A.Ident("dock", A.Span("x.mission", 1, 14, 1, 18))


def test_property_names_may_be_keywords() -> None:
    (robot,) = parse("robot a1 { charge 80 %  payload 5 kg  battery 400 Wh }")
    assert isinstance(robot, A.RobotDecl)
    assert [p.name.name for p in robot.props] == ["charge", "payload", "battery"]
    assert robot.props[0].value.unit == "%" and robot.props[0].value.value == 80


def test_units_with_and_without_space() -> None:
    stmts = main_stmts("wait 10s wait 10 s set speed 0.6 m/s set speed 3km/h")
    units = [s.args[0].value.unit for s in stmts]  # type: ignore[union-attr]
    assert units == ["s", "s", "m/s", "km/h"]


def test_unit_is_a_whole_word_only() -> None:
    result = parse_text("main { wait 10 sec }", "x.mission")
    assert result.file is None


def test_quantity_keeps_text_and_span() -> None:
    (wait,) = main_stmts("wait 2.5 min")
    assert isinstance(wait, A.Action)
    q = wait.args[0].value
    assert q == A.Quantity(2.5, "min", "2.5 min", A.Span("x.mission", 1, 13, 1, 20))


def test_condition_precedence() -> None:
    (if_,) = main_stmts("if not docked and battery < 20 % or stuck { dock }")
    assert isinstance(if_, A.If)
    cond = if_.branches[0].cond
    assert isinstance(cond, A.OrCond)
    assert isinstance(cond.left, A.AndCond)
    assert isinstance(cond.left.left, A.NotCond)
    assert isinstance(cond.right, A.FactCond)


def test_parentheses_override_precedence() -> None:
    (if_,) = main_stmts("if not (docked or stuck) { dock }")
    cond = if_.branches[0].cond  # type: ignore[union-attr]
    assert isinstance(cond, A.NotCond) and isinstance(cond.item, A.OrCond)


def test_if_else_chain() -> None:
    (if_,) = main_stmts("if docked { sit } else if stuck { stand } else { dock }")
    assert isinstance(if_, A.If)
    assert len(if_.branches) == 2 and if_.orelse is not None


def test_every_statement_parses() -> None:
    stmts = main_stmts(
        'sequence { succeed } fallback { fail "x" } parallel { stand } parallel all { sit } '
        "parallel any { stand } repeat 3 { dock } repeat forever { dock } retry 2 { dock } "
        "timeout 5 s { dock } guard stuck { stand } wait 1 s go to (1, 2) follow r laps 2 "
        "search a for victim scan radius 5 m for intruder scan a for payload "
        'report "r" alert "a" pick up p at s drop off at s drop off p at s dock dock at d '
        "charge until 80 % stand sit set speed 1 m/s set gait crawl t(1, x: 2, (1, 2), \"s\")"
    )
    kinds = [s.action if isinstance(s, A.Action) else type(s).__name__ for s in stmts]
    assert kinds == ["Composite"] * 5 + ["Repeat", "Repeat", "Retry", "Timeout", "Guard",
                                         "wait", "go_to", "follow", "search", "scan", "scan",
                                         "report", "alert", "pick_up", "drop_off", "drop_off",
                                         "dock", "dock", "charge", "stand", "sit", "set_speed",
                                         "set_gait", "Call"]


def test_every_declaration_parses() -> None:
    decls = parse(
        'import "a.mission" mission "M" { tick_rate 5 Hz } robot a1 world "w.world" '
        "bounds (0, 0) to (1, 1) waypoint w at (1, 2, 3) station s at (1, 1) dock d at (0, 0) "
        "victim v at (1, 1) payload p 1 kg at s area a polygon (0, 0) (1, 0) (1, 1) "
        "area c circle (1, 1) radius 2 m area r rect (0, 0) to (1, 1) "
        "terrain t: mud rect (0, 0) to (1, 1) { softness 0.5 } "
        "intruder i path (0, 0) -> (1, 1) loop speed 1 m/s route ro: w -> s -> w "
        "task k(x: int) { succeed } on failure { fail \"no\" } main { succeed } "
        "require success >= 90 %"
    )
    assert [type(d).__name__ for d in decls] == [
        "ImportDecl", "MissionDecl", "RobotDecl", "WorldDecl", "BoundsDecl", "PlaceDecl",
        "PlaceDecl", "PlaceDecl", "PlaceDecl", "PayloadDecl", "AreaDecl", "AreaDecl", "AreaDecl",
        "TerrainDecl", "IntruderDecl", "RouteDecl", "TaskDecl", "MainDecl", "RequireDecl"]


def test_string_escapes() -> None:
    (report,) = main_stmts(r'report "say \"hi\" \\ ok"')
    assert report.args[0].value.value == 'say "hi" \\ ok'  # type: ignore[union-attr]


def test_comments_and_empty_file() -> None:
    assert parse("# nothing here\n") == ()
    assert parse("") == ()


def test_kind_by_extension_and_bom() -> None:
    assert kind_of_path("a/b.world") == "world" and kind_of_path("a.txt") == "mission"
    text, result = parse_bytes("\ufeffmain { dock }".encode(), "x.mission")
    assert text == "main { dock }" and result.file is not None


def test_transformer_errors_become_diagnostics(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dsl.to_ast import ToAst

    def broken(self, *args):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    monkeypatch.setattr(ToAst, "action", broken)  # every action statement is built there
    result = parse_text("main {\n  dock\n}", "x.mission")
    assert result.file is None
    (d,) = result.diagnostics
    assert d.message == "cannot read this construct: boom"
    assert (d.span.line, d.span.col) == (2, 3)


def test_to_ast_wraps_a_failing_method_in_visit_error() -> None:
    # ToAst walks the tree itself (lark's v_args wrapper cost more than the AST); a failing
    # method must still come out as lark's VisitError, which parse_text reports at the node.
    import pytest
    from lark.exceptions import VisitError

    from dsl.parser import GRAMMAR
    from dsl.to_ast import ToAst

    class Broken(ToAst):
        def action(self, key: str, params: tuple[str, ...], meta: object,
                   c: list[object]) -> A.Action:
            raise ValueError("boom")

    tree = GRAMMAR.parse("main {\n  wait 2 s\n}\n")
    with pytest.raises(VisitError) as caught:
        Broken("x.mission").transform(tree)
    assert isinstance(caught.value.orig_exc, ValueError)
    assert caught.value.obj.meta.line == 2


def test_to_ast_builds_spans_for_nested_nodes() -> None:
    result = parse_text('mission "m"\nmain {\n  if docked { report "a" } else { sit }\n}\n', "m")
    assert result.file is not None
    main = result.file.decls[1]
    assert isinstance(main, A.MainDecl)
    stmt = main.body.stmts[0]
    assert (stmt.span.line, stmt.span.col) == (3, 3)


def test_every_metric_of_require_parses_distance_included() -> None:
    # `distance` is also the word of `distance to P`: `require distance >= 10 m` was a syntax
    # error ("expected 'to'") although the reference lists it as a metric (found by a new user).
    text = "require distance >= 10 m\nrequire always distance to gate < 5 m\n"
    metric, always = parse(text)
    assert isinstance(metric, A.RequireDecl)
    assert metric.metric == A.Ident("distance", A.Span("x.mission", 1, 9, 1, 17))
    assert metric.op == ">=" and metric.value.value == 10 and metric.value.unit == "m"
    assert isinstance(always, A.TemporalRequireDecl) and isinstance(always.cond, A.DistanceCond)
    for name in ("success", "duration", "min_battery", "falls", "victims_found", "deliveries"):
        (decl,) = parse(f"require {name} >= 1")
        assert isinstance(decl, A.RequireDecl) and decl.metric.name == name


def test_the_new_users_metrics_file_parses() -> None:
    path = Path(__file__).parent / "regressions" / "metrics.mission"
    result = parse_text(path.read_text(), str(path))
    assert result.diagnostics == () and result.file is not None
    metrics = [d.metric.name for d in result.file.decls if isinstance(d, A.RequireDecl)]
    assert metrics == ["success", "duration", "min_battery", "falls", "distance", "victims_found",
                       "deliveries"]
