"""The `vary` block: grammar, checker diagnostics, and the variation it gives the compiled mission."""

from __future__ import annotations

from pathlib import Path

from bt_runtime.variation import VARY_PARAMS, Varied
from quadmission.loading import MissionError, check_runnable, load_mission
from tests.quadmission.campaign.conftest import HEAD, write_mission

MAIN = "main { go to gate }\n"


def _errors(tmp_path: Path, block: str) -> str:
    path = write_mission(tmp_path, "v", HEAD.replace("NAME", "v") + MAIN + block)
    try:
        check_runnable(str(path))
    except MissionError as exc:
        return str(exc)
    return ""


def test_a_valid_block_reaches_the_compiled_mission(tmp_path: Path) -> None:
    block = "vary {\n friction drain 0.2 .. 0.6\n charge 40 % .. 90 %\n closed drain 20 %\n}\n"
    path = write_mission(tmp_path, "v", HEAD.replace("NAME", "v") + MAIN + block)
    variation = load_mission(str(path)).compiled.variation
    assert variation is not None and variation.declared
    assert variation.items == (
        Varied("friction", "drain", 0.2, 0.6),
        Varied("charge", None, 40.0, 90.0),
        Varied("closed", "drain", 20.0, 20.0),
    )


def test_sensor_noise_may_be_varied(tmp_path: Path) -> None:
    block = "vary {\n sensor_noise 0.5 .. 2\n}\n"
    path = write_mission(tmp_path, "v", HEAD.replace("NAME", "v") + MAIN + block)
    variation = load_mission(str(path)).compiled.variation
    assert variation is not None and variation.items == (Varied("sensor_noise", None, 0.5, 2.0),)
    assert "sensor_noise" in _errors(tmp_path, "vary {\n sensor_noise 0.5 .. 20\n}\n")


def test_no_block_means_none(tmp_path: Path) -> None:
    path = write_mission(tmp_path, "v", HEAD.replace("NAME", "v") + MAIN)
    assert load_mission(str(path)).compiled.variation is None


def test_unknown_parameter_suggests_the_right_one(tmp_path: Path) -> None:
    out = _errors(tmp_path, "vary {\n frction drain 0.2 .. 0.6\n}\n")
    assert "v.mission:6:2: error: unknown vary parameter `frction`" in out
    assert "did you mean `friction`?" in out


def test_bad_range_units_and_regions_are_each_reported(tmp_path: Path) -> None:
    out = _errors(tmp_path, "vary {\n charge 90 % .. 40 %\n push_time 5 .. 10 s\n"
                  " friction nowhere 0.1 .. 0.2\n softness towpath 0.1 .. 0.2\n"
                  " closed drain 10 % .. 20 %\n charge_drop 5 %\n payload_mass drain 1 .. 2\n}\n")
    assert "goes from high to low" in out
    assert "expected a unit after 5" in out
    assert "the world has no terrain region `nowhere`" in out
    assert "terrain region `towpath` has no softness to vary" in out
    assert "`closed` takes one chance, not a range" in out
    assert "`charge_drop` needs a range LOW .. HIGH" in out
    assert "`payload_mass` takes no region" in out
    assert "7 errors" in out


def test_a_world_file_may_declare_vary_and_the_mission_overrides_it(tmp_path: Path) -> None:
    path = write_mission(tmp_path, "v", HEAD.replace("NAME", "v") + MAIN
                         + "vary { charge 50 % .. 60 % }\n")
    world = tmp_path / "worlds" / "industrial_park.world"
    world.write_text(world.read_text() + "\nvary { charge 10 % .. 20 %  detection 50 % .. 60 % }\n")
    variation = load_mission(str(path)).compiled.variation
    assert variation is not None
    assert set(variation.items) == {Varied("charge", None, 50.0, 60.0),
                                    Varied("detection", None, 50.0, 60.0)}


def test_every_parameter_has_help_for_the_docs() -> None:
    assert all(spec.help for spec in VARY_PARAMS.values())
    doc = (Path(__file__).resolve().parents[3] / "docs" / "campaigns.md").read_text()
    missing = [name for name in VARY_PARAMS if f"`{name}`" not in doc]
    assert not missing, f"docs/campaigns.md does not describe {missing}"
