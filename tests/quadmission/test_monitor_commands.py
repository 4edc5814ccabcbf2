"""``mission monitor``, ``mission run --tui/--web`` and ``mission replay --tui``: bad input gets a
message and an exit status, never a traceback; the web view answers on loopback."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from quadmission import exit_codes
from quadmission.cli import main
from quadmission.webserve import WebServer, monitor_command


@pytest.mark.parametrize("address", ["nowhere", "host:", ":80", "host:99999", "host:port"])
def test_monitor_refuses_a_bad_address(address: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", address]) == exit_codes.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"HOST:PORT {address!r}: write HOST:PORT" in err and "Traceback" not in err


def test_monitor_given_a_run_log_points_to_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "run.sqlite"
    log.write_bytes(b"")
    assert main(["monitor", str(log)]) == exit_codes.EXIT_USAGE
    assert f"to watch a recorded run, `mission replay {log} --tui`" in capsys.readouterr().err


def test_replay_tui_refuses_a_file_that_is_not_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "not.sqlite"
    bad.write_text("hello")
    assert main(["replay", str(bad), "--tui"]) == exit_codes.EXIT_FAILED
    assert str(bad) in capsys.readouterr().err
    assert main(["replay", str(bad), "--tui", "--speed", "0"]) == exit_codes.EXIT_USAGE


def test_run_tui_refuses_a_bad_stream_address_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "missions", tmp_path / "missions")
    mission = tmp_path / "missions" / "patrol.mission"
    code = main(["run", str(mission), "--backend", "kinematic", "--tui", "--stream", "x"])
    assert code == exit_codes.EXIT_USAGE
    assert "--stream 'x': write HOST:PORT" in capsys.readouterr().err


def test_the_web_view_answers_on_loopback() -> None:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed ([web] extra)")
    web = WebServer(monitor_command("127.0.0.1:9", None))
    try:
        url = web.start(timeout=20)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and "quadmission monitor" in page
    finally:
        web.stop()
    web.stop()  # safe twice


def test_the_web_port_flag_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "127.0.0.1:1", "--web", "--web-port", "0"]) == exit_codes.EXIT_USAGE
    assert "is not a port" in capsys.readouterr().err
