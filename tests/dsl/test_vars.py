"""Mission variables: `var` declarations, `set`, reading them in conditions, the checker's
diagnostics (message, line, column), the runtime registry and the BehaviorTree.CPP export."""

from __future__ import annotations

from pathlib import Path

import py_trees
import pytest
from py_trees.common import Status

from bt_runtime.behaviours import SetVariable
from bt_runtime.robot_parts import Tally
from dsl.export.btcpp import to_btcpp_xml
from tests.dsl.helpers import HEADER, FakeState, at, check, compile_text, errors, only, where

VARS = "var searched_west = false\nvar attempts = 0\n"


def _error(tmp_path: Path, text: str, fragment: str, needle: str, nth: int = 1) -> str:
    """The one error containing ``fragment``, asserted at ``needle``; returns its hint."""
    report = check(tmp_path, HEADER + text)
    diagnostic = only(report, fragment)
    assert diagnostic.is_error
    assert where(diagnostic) == at(HEADER + text, needle, nth)
    return diagnostic.hint or ""


def test_variables_check_clean_and_compile(tmp_path: Path) -> None:
    text = HEADER + VARS + ('main { set searched_west = true  set attempts = attempts + 1\n'
                            '  if not searched_west and attempts < 3 { sit } }\n')
    assert not errors(check(tmp_path, text))
    compiled = compile_text(tmp_path, text)
    assert dict(compiled.variables) == {"searched_west": False, "attempts": 0}
    names = [n.name for n in compiled.root.iterate() if isinstance(n, SetVariable)]
    assert names == ["set searched_west = true", "set attempts = attempts + 1"]


def test_unknown_variable_gets_did_you_mean(tmp_path: Path) -> None:
    hint = _error(tmp_path, VARS + "main { set serched_west = true }\n",
                  "unknown variable `serched_west`", "serched_west")
    assert hint == "did you mean `searched_west`?"
    hint = _error(tmp_path, "main { set flag = true }\n", "unknown variable `flag`", "flag")
    assert hint == "declare it at the top of the mission, e.g. `var flag = false`"


def test_unknown_fact_suggests_a_variable(tmp_path: Path) -> None:
    hint = _error(tmp_path, VARS + "main { if not serched_west { sit } }\n",
                  "unknown fact `serched_west`", "serched_west")
    assert hint == "did you mean `searched_west`?"


def test_type_mismatches(tmp_path: Path) -> None:
    _error(tmp_path, VARS + "main { set searched_west = 3 }\n",
           "`searched_west` is a flag: set it to `true` or `false`", "3 }")
    hint = _error(tmp_path, VARS + "main { set attempts = true }\n",
                  "`attempts` is a counter: set it to a whole number", "true")
    assert hint == "e.g. `set attempts = 0` or `set attempts = attempts + 1`"
    _error(tmp_path, VARS + "main { set attempts = searched_west + 1 }\n",
           "`searched_west` is a flag: only a counter can be stepped", "searched_west", 2)
    _error(tmp_path, VARS + "main { set attempts = 1.5 }\n",
           "the value of counter `attempts` must be a whole number", "1.5")
    _error(tmp_path, "var n = 2000000000\nmain { }\n", "the start value of counter `n` must be a "
           "whole number in", "2000000000")


def test_flags_are_read_alone_and_counters_compared(tmp_path: Path) -> None:
    hint = _error(tmp_path, VARS + "main { if searched_west > 1 { sit } }\n",
                  "`searched_west` is a flag (true or false): it cannot be compared",
                  "searched_west", 2)
    assert hint == "use it alone, e.g. `if searched_west` or `if not searched_west`"
    hint = _error(tmp_path, VARS + "main { if attempts { sit } }\n",
                  "`attempts` is a counter: compare it", "attempts", 2)
    assert hint == "e.g. `attempts > 0`"
    _error(tmp_path, VARS + "main { if attempts < 2 m { sit } }\n", "counter `attempts`", "2 m")


def test_names_that_clash(tmp_path: Path) -> None:
    hint = _error(tmp_path, "var docked = false\nmain { }\n",
                  "`docked` is a fact of the robot: a variable cannot take its name", "docked")
    assert hint == "choose another name, e.g. `my_docked`"
    _error(tmp_path, "var battery = 0\nmain { }\n", "`battery` is a state of the robot", "battery")
    _error(tmp_path, "var terrain = 0\nmain { }\n",
           "`terrain` is a keyword of conditions or of `set`", "terrain")
    _error(tmp_path, "var gate = false\nmain { }\n",
           "duplicate name `gate`: already declared as a waypoint", "gate")
    _error(tmp_path, VARS + "var attempts = 1\nmain { }\n",
           "duplicate name `attempts`: already declared as a variable", "attempts", 2)
    hint = _error(tmp_path, "main { set victims_found = 0 }\n",
                  "`victims_found` is a counter of the robot: only the robot changes it",
                  "victims_found")
    assert hint == "declare a variable of your own, e.g. `var my_victims_found = 0`"
    _error(tmp_path, VARS + "main { go to attempts }\n",
           "`attempts` is a variable, but `go to` target must be", "attempts", 2)


def test_a_var_is_not_allowed_in_a_world_file(tmp_path: Path) -> None:
    world = 'world "w"\nbounds (0, 0) to (10, 10)\nvar x = 0\n'
    report = check(tmp_path, HEADER + "main { }\n", world=world)
    diagnostic = only(report, "`var` is not allowed in a world file")
    assert (diagnostic.span.file.endswith("w.world"), where(diagnostic)) == (True, (3, 1))


class Store(FakeState):
    """A state view with a variable registry (the runtime's Tally)."""

    def __init__(self, variables: dict[str, bool | int]) -> None:
        super().__init__(battery=80.0)
        self.tally = Tally((), ())
        for name, value in variables.items():
            self.tally.declare(name, value)

    def fact(self, name: str, arg: str | None = None) -> bool:
        return self.tally.fact(name)

    def counter(self, name: str) -> int:
        return self.tally.counter(name)

    def variable(self, name: str) -> bool | int:
        return self.tally.variable(name)

    def set_variable(self, name: str, value: bool | int) -> None:
        self.tally.set_variable(name, value)


def test_set_and_read_at_run_time_every_change_reported(tmp_path: Path) -> None:
    text = HEADER + VARS + ('main { repeat 3 { set attempts = attempts + 1 }  '
                            'if attempts == 3 and not searched_west { set searched_west = true }'
                            '  set attempts = attempts - 1 }\n')
    compiled = compile_text(tmp_path, text)
    store = Store(dict(compiled.variables))
    py_trees.trees.setup(compiled.root, state=store)
    seen = []
    for _ in range(10):
        compiled.root.tick_once()
        seen += [(c.key, c.old, c.new) for c in store.tally.changes()]
        if compiled.root.status != Status.RUNNING:
            break
    assert compiled.root.status == Status.SUCCESS
    # changes are reported per tick, as the executor logs them: in the last tick `attempts` went
    # 2 -> 3 -> 2 (each `set` node's feedback line says so), so only the flag changed
    assert seen == [("attempts", 0, 1), ("attempts", 1, 2), ("searched_west", False, True)]
    assert store.tally.values() == {"searched_west": True, "attempts": 2}


def test_the_registry_refuses_clashes_and_type_changes() -> None:
    tally = Tally(("docked",), ("falls",))
    with pytest.raises(ValueError, match="already a fact"):
        tally.declare("docked", False)
    tally.declare("n", 0)
    with pytest.raises(TypeError, match="'n' is a counter"):
        tally.set_variable("n", True)
    with pytest.raises(KeyError, match="unknown variable 'm'"):
        tally.set_variable("m", 1)
    without = SetVariable("set n = 1", "n", value=1)
    assert without.update() == Status.FAILURE and "not set up" in without.feedback_message
    with pytest.raises(ValueError, match="either a value or a base"):
        SetVariable("set n", "n")


def test_btcpp_export_uses_scripts_on_the_root_blackboard(tmp_path: Path) -> None:
    text = HEADER + VARS + ('task t() { set attempts = attempts + 1 }\n'
                            'main { t()  if not searched_west and attempts < 3 { sit }  '
                            'if attempts > 0 and battery > 50 % { stand } }\n')
    xml = to_btcpp_xml(compile_text(tmp_path, text))
    assert '<Script code="@var_searched_west := false; @var_attempts := 0" />' in xml
    assert '<Script code="@var_attempts := @var_attempts + 1" />' in xml  # inside the SubTree t
    # every condition is BT.CPP script: variables (as var_NAME) and the robot's facts alike on the
    # root blackboard
    assert 'code="!(@var_searched_west) &amp;&amp; @var_attempts &lt; 3"' in xml
    assert 'code="@var_attempts &gt; 0 &amp;&amp; @battery &gt; 50"' in xml
    assert "@battery (double, %)" in xml and "attempts (" not in xml  # only facts the host keeps


def test_behaviortree_cpp_loads_and_ticks_the_variables(tmp_path: Path) -> None:
    bt = pytest.importorskip("behaviortreepy")
    import xml.etree.ElementTree as ET

    text = HEADER + VARS + ('task t() { set attempts = attempts + 1 }\n'
                            'main { repeat 3 { t() }  if attempts == 3 { set searched_west = true }'
                            '  if not searched_west { fail "counted wrong" } }\n')
    root = ET.fromstring(to_btcpp_xml(compile_text(tmp_path, text)))
    model = root.find("TreeNodesModel")
    assert model is not None
    custom = {n.attrib["ID"] for n in model if n.tag != "SubTree"}
    root.remove(model)
    for element in root.iter():  # this test is about the scripts: the mission's leaves succeed
        if element.tag in custom and element.tag != "Fail":
            element.tag = "AlwaysSuccess"
            element.attrib.clear()
        elif element.tag == "Fail":
            element.tag, element.attrib = "AlwaysFailure", {}
    factory = bt.BehaviorTreeFactory()
    factory.register_behavior_tree_from_text(ET.tostring(root, encoding="unicode"))
    tree = factory.create_tree("MainTree")
    assert tree.tick_while_running() == bt.NodeStatus.SUCCESS
    board = tree.root_blackboard()
    assert board.get_int("var_attempts") == 3 and board.get_bool("var_searched_west") is True


def test_a_variable_named_like_a_fact_or_an_export_entry_keeps_its_own_key(tmp_path: Path) -> None:
    """``var x`` was written as ``@x``, the coordinate the host writes and ``distance to (3, 4)``
    reads; ``var qm_resuming`` as the resume flag. Ticked in BehaviorTree.CPP: the host's ``@x``
    survives the mission's ``set x``."""
    bt = pytest.importorskip("behaviortreepy")
    text = HEADER + ("var x = 0\nvar qm_resuming = false\n"
                     "main { set x = x + 1  set qm_resuming = true  "
                     "if distance to (3, 0) < 1 m { sit } }\n")
    xml = to_btcpp_xml(compile_text(tmp_path, text))
    assert '<Script code="@var_x := 0; @var_qm_resuming := false" />' in xml
    assert '<Script code="@var_x := @var_x + 1" />' in xml
    assert "((@x - 3)*(@x - 3) + (@y - 0)*(@y - 0)) &lt; 1" in xml
    factory = bt.BehaviorTreeFactory()
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    model = root.find("TreeNodesModel")
    assert model is not None
    custom = {n.attrib["ID"] for n in model if n.tag != "SubTree"}
    root.remove(model)
    for element in root.iter():
        if element.tag in custom:
            element.tag = "AlwaysSuccess"
            element.attrib.clear()
    factory.register_behavior_tree_from_text(ET.tostring(root, encoding="unicode"))
    tree = factory.create_tree("MainTree")
    board = tree.root_blackboard()
    board.set_double("x", 3.0)  # the host's robot position: at the point
    board.set_double("y", 0.0)
    assert tree.tick_while_running() == bt.NodeStatus.SUCCESS
    assert board.get_double("x") == 3.0 and board.get_int("var_x") == 1
    assert board.get_bool("var_qm_resuming") is True


def test_the_run_context_snapshots_variables_from_the_start() -> None:
    """What the live monitor's facts panel is built from: every snapshot carries the variables."""
    from tests.bt_runtime.runtime_world import make_context

    ctx = make_context()
    ctx.declare_variables({"rounds_done": 0, "searched_west": False})
    assert ctx.snapshot_values()["rounds_done"] == 0
    assert ctx.changes() == []  # a start value is not a change
    ctx.set_variable("rounds_done", 1)
    assert [(c.key, c.old, c.new) for c in ctx.changes()] == [("rounds_done", 0, 1)]
    assert ctx.fact("searched_west") is False and ctx.counter("rounds_done") == 1


def test_a_bad_start_value_is_the_only_error(tmp_path: Path) -> None:
    """The counter is still declared, so its later uses are not reported as unknown."""
    text = ("var n = 999999999999\n"
            "main { set n = n + 1  if n > 5 { sit } }\n")
    report = check(tmp_path, HEADER + text)
    assert [d.message for d in errors(report)] == [
        ("the start value of counter `n` must be a whole number in between -1,000,000,000 and "
         "1,000,000,000, got "
         "999999999999")]


def test_a_step_past_the_counter_range_fails_the_step_instead_of_growing() -> None:
    store = Store({"n": 999_999_999})
    step = SetVariable(name="set n = n + 1", variable="n", base="n", step=1)
    step.setup(state=store)
    step.tick_once()
    assert step.status == Status.SUCCESS and store.variable("n") == 1_000_000_000
    step.tick_once()
    assert step.status == Status.FAILURE and store.variable("n") == 1_000_000_000
    assert "would leave the counter range ±1,000,000,000" in step.feedback_message


HUGE = "9" * 400  # past the largest float: it reads as inf


@pytest.mark.parametrize("main", [f"set n = {HUGE}", f"set n = n + {HUGE}"], ids=["set", "step"])
def test_a_counter_value_past_the_largest_float_is_an_error_not_a_traceback(
    tmp_path: Path, main: str
) -> None:
    text = f"var n = 0\nmain {{ {main} }}\n"
    _error(tmp_path, text, "must be a whole number in", HUGE)  # before: OverflowError


def test_a_counter_start_past_the_largest_float_is_an_error_not_a_traceback(
    tmp_path: Path
) -> None:
    text = f"var n = {HUGE}\nmain {{ }}\n"
    report = check(tmp_path, HEADER + text)
    d = only(report, "the start value of counter `n` must be a whole number in")
    assert d.message.endswith("got 999999999999... (400 characters)")
