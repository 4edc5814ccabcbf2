"""Run log and live stream costs: how many events per second the log sustains when committing once
per tick, and what one snapshot publish costs the executor with 0, 1 and 1 stalled monitor.

The goals come from the tick budget: at 20 Hz a tick has 50 ms; the log and the stream together
should take well under 1 ms of it for a tick of ~20 events and one snapshot.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import Row
from bt_runtime.codec import from_json, to_json
from bt_runtime.eventlog import EventLogWriter
from bt_runtime.events import Snapshot, StatusChanged, Telemetry
from bt_runtime.stream import StreamServer

AREA = "eventlog"
EVENTS_PER_TICK = 20


def _telemetry(tick: int) -> Telemetry:
    return Telemetry(
        tick,
        tick * 0.05,
        0.02 * tick,
        0.0,
        0.3,
        0.0,
        0.0,
        0.1,
        0.4,
        0.0,
        0.0,
        100.0 - 0.001 * tick,
        "grass",
        "trot",
        0.001 * tick,
        False,
        False,
    )


def _snapshot(tick: int, nodes: int = 40) -> Snapshot:
    statuses = {f"n{i}": ("RUNNING" if i % 3 else "SUCCESS") for i in range(nodes)}
    facts = {"victim_found": True, "victims_found": 2, "docked": False, "alerts": tick % 7}
    return Snapshot(tick, tick * 0.05, statuses, ("n0", "n3", "n7"), facts, _telemetry(tick))


def _log_rate(ticks: int, telemetry_every: int) -> float:
    """Events per second through append + commit_tick, 19 status changes a tick, and a telemetry
    sample every ``telemetry_every`` ticks (the writer keeps all it gets: the executor's
    TelemetryFilter chooses; every 4th tick of a 20 Hz run is its default 5 Hz)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        batches = [
            [
                StatusChanged(tick, tick * 0.05, f"n{i}", f"root/n{i}", "RUNNING", "SUCCESS", "ok")
                for i in range(EVENTS_PER_TICK - 1)
            ]
            for tick in range(ticks)
        ]
        samples = [_telemetry(tick) for tick in range(ticks)]
        with EventLogWriter(path) as writer:
            started = time.perf_counter()
            for tick, (batch, sample) in enumerate(zip(batches, samples)):
                for event in batch:
                    writer.append(event)
                if tick % telemetry_every == 0:
                    writer.append(sample)
                writer.commit_tick()
            elapsed = time.perf_counter() - started
    return ticks * EVENTS_PER_TICK / elapsed


_DRAIN = (
    "import socket, sys\n"
    "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))\n"
    "print('ready', flush=True)\n"
    "while s.recv(1 << 16):\n"
    "    pass\n"
)


def _publish_cost(calls: int, monitor: str) -> tuple[float, float]:
    """Cost of ``publish(snapshot)`` with no monitor, one reading monitor (another process, as a
    TUI would be) or one stalled monitor (connected, never reads).

    Publishes are paced (0.5 ms apart) so the writer thread sends every snapshot, as it would at a
    real tick rate. Returns (seconds the executor's thread spends inside publish per call, process
    CPU seconds per call: publish + the writer thread's encoding and sending + the pacing sleep).
    """
    snapshots = [_snapshot(tick) for tick in range(calls)]
    with StreamServer(send_timeout=30.0) as server:
        host, port = server.address
        raw: socket.socket | None = None
        drain: subprocess.Popen[str] | None = None
        if monitor == "stalled":
            raw = socket.create_connection((host, port))
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        elif monitor == "reading":
            drain = subprocess.Popen(
                [sys.executable, "-c", _DRAIN, host, str(port)], stdout=subprocess.PIPE, text=True
            )
            assert drain.stdout is not None
            drain.stdout.readline()
        wanted = 0 if monitor == "none" else 1
        deadline = time.monotonic() + 5.0
        while server.client_count() < wanted and time.monotonic() < deadline:
            time.sleep(0.01)
        inside = 0.0
        cpu_started = time.process_time()
        for snapshot in snapshots:
            started = time.perf_counter()
            server.publish(snapshot)
            inside += time.perf_counter() - started
            time.sleep(0.0005)
        cpu = time.process_time() - cpu_started
    if raw is not None:
        raw.close()
    if drain is not None:
        drain.wait(timeout=10)
    return inside / calls, cpu / calls


def _codec_cost(calls: int) -> tuple[float, float]:
    """Seconds to encode (writer thread, once per snapshot) and decode (monitor) one snapshot."""
    snapshot = _snapshot(1)
    text = to_json(snapshot)
    started = time.perf_counter()
    for _ in range(calls):
        to_json(snapshot)
    encode = (time.perf_counter() - started) / calls
    started = time.perf_counter()
    for _ in range(calls):
        from_json(text)
    return encode, (time.perf_counter() - started) / calls


def rows(quick: bool) -> list[Row]:
    ticks = 300 if quick else 3000
    calls = 300 if quick else 3000
    log_all = _log_rate(ticks, telemetry_every=1)
    log_5hz = _log_rate(ticks, telemetry_every=4)
    call0, cpu0 = _publish_cost(calls, "none")
    call1, cpu1 = _publish_cost(calls, "reading")
    call_stalled, cpu_stalled = _publish_cost(calls, "stalled")
    encode, decode = _codec_cost(calls)
    tick_budget = 20 * EVENTS_PER_TICK  # events/s at 20 Hz
    return [
        Row(
            AREA,
            "log events/s, commit per 20-event tick, all telemetry",
            log_all,
            "events/s",
            f">= {50 * tick_budget} (50x a 20 Hz run)",
            log_all >= 50 * tick_budget,
            f"{ticks} ticks, one transaction each",
        ),
        Row(
            AREA,
            "log events/s, commit per 20-event tick, telemetry 5 Hz",
            log_5hz,
            "events/s",
            f">= {50 * tick_budget}",
            log_5hz >= 50 * tick_budget,
        ),
        Row(
            AREA,
            "log cost per tick (20 events + commit)",
            EVENTS_PER_TICK / log_all * 1e6,
            "us",
            "<= 1000 (2% of a 50 ms tick)",
            EVENTS_PER_TICK / log_all <= 1e-3,
        ),
        Row(
            AREA,
            "publish(snapshot) call, 0 monitors",
            call0 * 1e6,
            "us/call",
            "<= 20",
            call0 <= 20e-6,
            "40-node snapshot",
        ),
        Row(
            AREA,
            "publish(snapshot) call, 1 reading monitor",
            call1 * 1e6,
            "us/call",
            "<= 20",
            call1 <= 20e-6,
            f"ratio to 0 monitors {call1 / call0:.1f}x",
        ),
        Row(
            AREA,
            "publish(snapshot) call, 1 stalled monitor",
            call_stalled * 1e6,
            "us/call",
            "<= 20",
            call_stalled <= 20e-6,
            f"ratio to 0 monitors {call_stalled / call0:.1f}x",
        ),
        Row(
            AREA,
            "process CPU per publish, 1 reading monitor",
            cpu1 * 1e6,
            "us",
            "<= 200",
            cpu1 <= 200e-6,
            f"incl. writer thread; 0 monitors {cpu0 * 1e6:.0f} us, stalled {cpu_stalled * 1e6:.0f} us"
            " (both incl. 0.5 ms pacing sleep)",
        ),
        Row(
            AREA,
            "snapshot to JSON (once per sent snapshot)",
            encode * 1e6,
            "us",
            "",
            None,
            f"{len(to_json(_snapshot(1)))} bytes",
        ),
        Row(
            AREA,
            "snapshot from JSON (in the monitor)",
            decode * 1e6,
            "us",
            "",
            None,
            "validated decode",
        ),
    ]
