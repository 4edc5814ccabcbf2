"""A run's stream under descriptor pressure, in its own process (used by test_stream_limits).

``python stream_fd_child.py exhaust``: serve with a limit of 64 descriptors, print the port, take
every free descriptor, print ``hogged``, and give them back when a line arrives on stdin; the test
checks a monitor that connected meanwhile is still greeted.

``python stream_fd_child.py run SECONDS``: serve with a limit of 128 descriptors while a "run"
publishes and opens a file every tick for SECONDS; exit 0 only if every tick could open its file
(a flood of monitors must never take the run's descriptors).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time

from bt_runtime.stream import StreamServer
from tests.bt_runtime import runlog_samples as samples


def _limit(count: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def exhaust() -> None:
    _limit(64)
    with StreamServer() as server:
        print(server.address[1], flush=True)
        hogs = []
        try:
            while True:
                hogs.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        print("hogged", flush=True)
        sys.stdin.readline()
        for fd in hogs:
            os.close(fd)
        server.publish(samples.run_started())
        sys.stdin.readline()


def run(seconds: float) -> None:
    _limit(128)
    folder = tempfile.mkdtemp()
    with StreamServer() as server:
        print(server.address[1], flush=True)
        server.publish(samples.run_started())
        deadline, tick = time.monotonic() + seconds, 0
        while time.monotonic() < deadline:
            with open(os.path.join(folder, f"tick-{tick % 4}"), "w") as handle:
                handle.write(str(tick))
            server.publish(samples.telemetry(tick))
            tick += 1
            time.sleep(0.005)
        print("refused", getattr(server, "refused", -1), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "exhaust":
        exhaust()
    else:
        run(float(sys.argv[2]))
