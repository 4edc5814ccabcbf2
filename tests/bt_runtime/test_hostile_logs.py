"""Hostile run logs: tampered rows give "damaged log: PATH: row N (table): what", never a traceback
or a loop, in ``mission replay`` and ``mission runs``; a hypothesis fuzzer mutates rows of a real
log within a bounded time and memory."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bt_runtime.eventlog import EventLogError, EventLogReader, list_runs
from bt_runtime.replay import replay_lines, run_lines
from quadmission.commands.replay import replay
from quadmission.commands.runs import list_folder
from tests.bt_runtime import hostile_logs as hostile

DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.write_small_run(tmp_path_factory.mktemp("base") / "base.sqlite")


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (not hang) if the body takes more than a few seconds."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the reader did not answer within 5 s: a loop")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 5.0)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


CASES = [
    # (edit, what the message says)
    (("meta", "event", 1, "tree", False), "row 1 (meta): holds a 'tree' event"),
    (("telemetry", "tick", 4, "abc", False), "row 4 (telemetry): tick is 'abc', not an integer"),
    (("status_changes", "sim_time", 1, "soon", False), "row 1 (status_changes): sim_time is"),
    (("status_changes", "node_path", 2, b"\xff\xfe", True), "not valid UTF-8"),
    (("facts", "new", None, DEEP, False), "(facts): new is not valid JSON (or nested too deeply)"),
    (("tree", "event", 1, '{"type":"tree","root":' + DEEP + "}", False), "row 1 (tree)"),
    (("outcome", "event", 1, "meta", False), "row 1 (outcome): holds a 'run_started'"),
    (("alerts", "severity", None, "panic", False), "(alerts): Alert.severity must be one of"),
    (("telemetry", "fallen", None, 7, False), "fallen is 7, not 0 or 1"),
    (("telemetry", "x", None, b"\x00\x01", False), "x is binary data (2 bytes), not a number"),
    # before: replayed as a telemetry line at "[-1000...(300 digits)s]"
    (("telemetry", "sim_time", None, -1e308, False), "sim_time is -1e+308, a negative time"),
    (("alerts", "sim_time", None, -0.5, False), "sim_time is -0.5, a negative time"),
    # before: replayed with exit 0, a 309-digit time or events after the run had ended
    (("telemetry", "sim_time", None, 1e308, False), "sim_time 1e+308 s is after the run ended"),
    (("status_changes", "tick", 2, 10**9, False), "after the run's last tick"),
]


def _resolve(base: Path, edit: tuple[str, str, int | None, Any, bool]) -> tuple[Any, ...]:
    table, column, key, value, as_text = edit
    if value in ("tree", "meta"):  # another header's record where this one belongs
        db = sqlite3.connect(base)
        value = db.execute(f"SELECT event FROM {value}").fetchone()[0]
        db.close()
    return table, column, key, value, as_text


@pytest.mark.parametrize(("edit", "expected"), CASES, ids=[c[1][:30] for c in CASES])
def test_replay_names_the_damaged_row_in_one_line(
    base: Path, tmp_path: Path, no_hang: None, edit: tuple[Any, ...], expected: str
) -> None:
    log = hostile.tamper(base, tmp_path / "bad.sqlite", [_resolve(base, edit)])  # type: ignore[arg-type]
    out, err = io.StringIO(), io.StringIO()
    assert replay(log, out, err) == 1
    message = err.getvalue()
    assert message.startswith(f"error: damaged log: {log}: ") and expected in message
    assert message.count("\n") == 1 and "Traceback" not in message


def test_a_view_in_place_of_a_table_is_damage_not_an_endless_replay(
    base: Path, tmp_path: Path, no_hang: None
) -> None:
    log = tmp_path / "view.sqlite"
    shutil.copy(base, log)
    db = sqlite3.connect(log)
    db.executescript(
        "DROP TABLE alerts; CREATE VIEW alerts AS WITH RECURSIVE c(seq) AS (SELECT 1 UNION ALL "
        "SELECT seq + 1 FROM c) SELECT seq, 0 AS tick, 0.0 AS sim_time, 'info' AS severity, "
        "'again' AS message, '' AS node_path, '' AS node_id FROM c;"
    )
    db.close()
    out, err = io.StringIO(), io.StringIO()
    assert replay(log, out, err) == 1  # before: replay printed "again" forever
    assert "schema: not in the format: view alerts" in err.getvalue()


def test_runs_lists_each_damaged_log_as_damaged_and_goes_on(base: Path, tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(base, folder / "good.sqlite")
    for i, (edit, _) in enumerate(CASES):
        if edit[0] in ("meta", "outcome", "tree"):
            hostile.tamper(base, folder / f"bad{i}.sqlite", [_resolve(base, edit)])  # type: ignore[arg-type]
    (folder / "noise.sqlite").write_bytes(b"\xff" * 4096)
    runs = list_runs(folder)
    outcomes = sorted(r.outcome for r in runs)
    assert outcomes.count("success") == 2  # the good one, and the one with a broken tree only
    assert outcomes.count("damaged") == len(runs) - 2
    out, err = io.StringIO(), io.StringIO()
    assert list_folder(folder, out, err) == 0
    assert "good.sqlite" in out.getvalue() and "Traceback" not in out.getvalue()


# --------------------------------------------------------------------------------- the fuzzer
HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=3_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.sampled_from(
        [
            json.dumps({"type": "telemetry"}),
            json.dumps(
                {"type": "run_finished", "tick": 1, "outcome": "success", "duration": 1e999}
            ),
            json.dumps({"type": "run_started", "seed": "seven"}),
            '{"type": "tree", "root": {"id": "0", "name": "x", "kind": "k", "children": [[]]}}',
            "9" * 5000,
            "NaN",
            "",
        ]
    ),
)


@st.composite
def edits(draw: st.DrawFn, base: Path, shape: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    chosen = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        table = draw(st.sampled_from(sorted(shape)))
        keys = hostile.row_keys(base, table)
        key = draw(st.sampled_from(keys)) if keys and draw(st.booleans()) else None
        column = draw(st.sampled_from(shape[table]))
        value = draw(HOSTILE_VALUES)
        as_text = isinstance(value, bytes) and draw(st.booleans())
        chosen.append((table, column, key, value, as_text))
    return chosen


def _read_everything(log: Path) -> None:
    try:
        with EventLogReader(log) as reader:
            for line in replay_lines(reader):
                line.encode("utf-8")  # what a terminal will be given
    except EventLogError as exc:
        assert str(exc).startswith(("damaged log: ", f"{log}: ")), str(exc)
    summaries = list_runs(log.parent)
    run_lines(summaries)


def test_the_hostile_log_fuzzer_finds_no_traceback_hang_or_blow_up(
    base: Path, tmp_path: Path
) -> None:
    shape = hostile.columns(base)
    shape.pop("operator_commands")  # the sample run has none: nothing to mutate
    peaks: list[int] = []

    @settings(
        max_examples=200,
        deadline=3000,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(edits(base, shape))
    def fuzz(chosen: list[tuple[Any, ...]]) -> None:
        folder = tmp_path / "fuzz"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        try:
            log = hostile.tamper(base, folder / "run.sqlite", chosen)  # type: ignore[arg-type]
        except sqlite3.IntegrityError:
            return  # the schema's own constraints refused the edit: nothing to read
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        tracemalloc.start()
        try:
            _read_everything(log)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
            signal.setitimer(signal.ITIMER_REAL, 0)

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("a hostile log made the reader hang")

    previous = signal.signal(signal.SIGALRM, expired)
    try:
        fuzz()
    finally:
        signal.signal(signal.SIGALRM, previous)
    print(f"fuzzed {len(peaks)} logs, peak {max(peaks) / 2**20:.1f} MiB")
    assert peaks and max(peaks) < 64 * 2**20, f"peak {max(peaks) / 2**20:.1f} MiB"


def test_runs_lists_a_fifo_or_folder_by_a_log_name_as_damaged_without_reading_it(
    base: Path, tmp_path: Path, no_hang: None
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(base, folder / "good.sqlite")
    os.mkfifo(folder / "pipe.sqlite")  # opening it for reading would block forever
    (folder / "dir.sqlite").mkdir()
    runs = {r.path.name: r for r in list_runs(folder)}
    assert runs["good.sqlite"].outcome == "success"
    for name in ("pipe.sqlite", "dir.sqlite"):
        assert runs[name].outcome == "damaged" and "not a regular file" in runs[name].error
    out, err = io.StringIO(), io.StringIO()
    assert replay(folder / "pipe.sqlite", out, err) == 1 and "not a regular file" in err.getvalue()


def _schema_not_utf8(base: Path, out: Path) -> Path:
    """``base`` with one byte of an index's SQL in ``sqlite_master`` made invalid UTF-8: SQLite's
    own message about the malformed schema then quotes that byte."""
    data = base.read_bytes()
    needle = b"ON telemetry (tick)"
    assert data.count(needle) == 1
    out.write_bytes(data.replace(needle, b"ON telemetry (t\xffck)"))
    return out


def test_a_schema_that_is_not_utf8_is_damage_in_replay_and_runs_not_a_traceback(
    base: Path, tmp_path: Path, no_hang: None
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(base, folder / "good.sqlite")
    log = _schema_not_utf8(base, folder / "flipped.sqlite")
    out, err = io.StringIO(), io.StringIO()
    assert replay(log, out, err) == 1  # before: UnicodeDecodeError out of sqlite3
    assert err.getvalue().startswith(f"error: damaged log: {log}: schema: ")
    assert "not UTF-8" in err.getvalue()
    runs = {r.path.name: r for r in list_runs(folder)}  # before: the whole listing was lost
    assert runs["good.sqlite"].outcome == "success"
    assert runs["flipped.sqlite"].outcome == "damaged"
