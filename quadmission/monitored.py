"""``mission run FILE --tui``: run a mission and monitor it in one process; ``--web`` in a browser.

The run goes on a worker thread (the session is the same :func:`~quadmission.session.run_session`
as a plain run) and publishes to an in-process :class:`~bt_runtime.localstream.LocalStream`; the
app reads it through the very :class:`~tui.source.LiveSource` that reads a TCP stream, so it gets
the same messages. Quitting the app aborts the run (even while it is held at a breakpoint); the
session then finishes the log as it would on Ctrl-C. The "running" and progress lines would tear
the screen, so the session's stderr is kept and printed once the app has closed; a ``--stream``
banner (with the token a second monitor needs) is printed before the app starts.

With ``--web`` the run streams on loopback (``--stream``, or a free port) and the monitor is
served to a browser by a textual-serve child process for as long as the run lasts.
"""

from __future__ import annotations

import dataclasses
import io
import sys
import threading
from typing import Any

from bt_runtime.executor import Executor
from quadmission.exit_codes import EXIT_USAGE
from quadmission.loading import Mission, MissionError
from quadmission.session import Openers, RunOptions, SessionResult, run_session

__all__ = ["RunInMonitor", "run_with_monitor", "run_with_web"]


class RunInMonitor:
    """The run's worker thread and how to stop it from the app's side.

    Args:
        mission: the compiled mission.
        options: the run's flags.
        monitor: the in-process stream the app reads.
        openers: how the session opens its resources.
    """

    def __init__(
        self, mission: Mission, options: RunOptions, monitor: Any, openers: Openers = Openers()
    ) -> None:
        self.err = io.StringIO()
        self.result: SessionResult | None = None
        self.error: MissionError | None = None
        self.crash: BaseException | None = None
        self._executor: Executor | None = None
        self._quit = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._work, args=(mission, options, monitor, openers), name="mission-run",
            daemon=True,
        )
        self._monitor = monitor

    def _built(self, executor: Executor) -> None:
        with self._lock:
            self._executor = executor
            if self._quit:
                executor.abort()

    def _work(self, mission: Mission, options: RunOptions, monitor: Any, openers: Openers) -> None:
        try:
            self.result = run_session(
                mission, options, self.err, openers, monitor=monitor, on_executor=self._built
            )
        except MissionError as exc:
            self.error = exc
        except BaseException as exc:  # noqa: BLE001 - re-raised once the app closes (_report)
            self.crash = exc
        finally:
            if hasattr(monitor, "finish"):
                monitor.finish()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Abort the run if it is still going and wait for the session to close the log."""
        with self._lock:
            self._quit = True
            if self._executor is not None:
                self._executor.abort()
        self._thread.join(timeout)


def _report(run: RunInMonitor) -> int:
    text = run.err.getvalue()
    if text:
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
    if run.crash is not None:
        raise run.crash
    if run.error is not None:
        print(str(run.error), file=sys.stderr)
        return run.error.exit_code
    assert run.result is not None
    print("\n".join(run.result.lines()))
    return run.result.exit_code


def _prestarted_stream(options: RunOptions) -> tuple[Openers, Any]:
    """Start the ``--stream`` server now, so its banner can be printed before the app starts."""
    from bt_runtime.stream import StreamError, StreamServer
    from quadmission.commands.monitor import parse_address

    assert options.stream is not None
    address = parse_address(options.stream, "--stream")
    if isinstance(address, str):
        raise MissionError(address, EXIT_USAGE)
    server = StreamServer(*address)
    try:
        server.start()
    except StreamError as exc:
        raise MissionError(f"mission: error: {exc}", EXIT_USAGE) from None
    print(server.banner(), file=sys.stderr)
    return Openers(stream=lambda host, port: server), server


def run_with_monitor(mission: Mission, options: RunOptions) -> int:
    """Run ``mission`` with the monitor in this terminal; returns the run's exit status.

    Raises:
        MissionError: a bad ``--stream`` address (``EXIT_USAGE``).
    """
    from bt_runtime.localstream import LocalStream
    from tui.app import make_monitor
    from tui.source import LiveSource

    openers, server = (Openers(), None)
    if options.stream:
        openers, server = _prestarted_stream(options)
    local = LocalStream()
    run = RunInMonitor(mission, dataclasses.replace(options, quiet=True), local, openers)
    source = LiveSource("in-process", 0, token=local.token, connect=lambda h, p: local, retry=0.2)
    app = make_monitor(source)
    run.start()
    try:
        app.run()
    finally:
        local.close()
        run.stop()
        if server is not None:
            server.close()
    return _report(run)


def run_with_web(mission: Mission, options: RunOptions, web_port: int) -> int:
    """Run ``mission`` here and serve its monitor to a browser on loopback while it runs.

    Raises:
        MissionError: textual-serve is missing, the web server or the stream cannot start.
    """
    from quadmission.webserve import WebServeError, WebServer, monitor_command

    if not options.stream:
        options = dataclasses.replace(options, stream="127.0.0.1:0")
    openers, server = _prestarted_stream(options)
    host, port = server.address
    web = WebServer(monitor_command(f"{host}:{port}", server.token), web_port)
    try:
        url = web.start()
    except WebServeError as exc:
        server.close()
        raise MissionError(f"mission: error: {exc}", EXIT_USAGE) from None
    print(f"monitor in a browser: {url}", file=sys.stderr)
    try:
        result = run_session(mission, options, sys.stderr, openers)
    finally:
        web.stop()
        server.close()
    print("\n".join(result.lines()))
    return result.exit_code
