"""Writes a run log tick after tick until killed; prints each committed tick (used by the kill test).

Run as ``python runlog_killee.py LOG_PATH``. Every tick holds 19 status changes and one telemetry
sample, so a reader can tell a whole tick from a torn one.
"""

from __future__ import annotations

import sys

from bt_runtime.eventlog import EventLogWriter
from bt_runtime.events import StatusChanged
from tests.bt_runtime import runlog_samples as samples

EVENTS_PER_TICK = 20


def main(path: str) -> None:
    writer = EventLogWriter(path)
    writer.append(samples.run_started())
    writer.append(samples.tree())
    tick = 0
    while True:
        t = tick * samples.TICK
        for i in range(EVENTS_PER_TICK - 1):
            old, new = ("RUNNING", "SUCCESS") if i % 2 else ("SUCCESS", "RUNNING")
            writer.append(StatusChanged(tick, t, f"n{i}", f"root/n{i}", old, new))
        writer.append(samples.telemetry(tick))
        writer.commit_tick()
        print(tick, flush=True)
        tick += 1


if __name__ == "__main__":
    main(sys.argv[1])
