"""Serve the monitor to a browser on loopback through textual-serve (``--web``).

textual-serve runs a command per browser tab and relays its terminal over a websocket, so the
browser gets exactly the terminal app (``mission monitor HOST:PORT``). The server runs in a child
process (``python -m quadmission.webserve PORT COMMAND``) so a run can go on in this one and the
server is stopped by its pid when the run ends. It binds 127.0.0.1 only: anyone who can reach the
page can drive the run with the token the command carries.

textual-serve is an optional dependency (``pip install 'quadmission[web]'``); it is imported only
here and only when serving.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

__all__ = ["WebServeError", "WebServer", "monitor_command", "serve"]

HOST = "127.0.0.1"
INSTALL = "pip install 'quadmission[web]'"


class WebServeError(Exception):
    """The web view cannot be served; the message says why and what to do."""


def monitor_command(address: str, token: str | None) -> str:
    """The command each browser tab runs: ``mission monitor ADDRESS [--token T]``."""
    parts = [sys.executable, "-m", "quadmission", "monitor", address]
    if token:
        parts += ["--token", token]
    return shlex.join(parts)


def check_available() -> None:
    """Raises WebServeError naming the install command if textual-serve is missing."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise WebServeError(f"--web needs textual-serve: {INSTALL}") from None


def serve(command: str, port: int) -> None:
    """Serve ``command`` on http://127.0.0.1:PORT until interrupted (blocks)."""
    check_available()
    from textual_serve.server import Server

    Server(command, host=HOST, port=port, title="quadmission monitor").serve()


class WebServer:
    """The web view served by a child process, started and stopped by this process.

    Args:
        command: the app command each browser tab runs (:func:`monitor_command`).
        port: the loopback port (0: a free one).
    """

    def __init__(self, command: str, port: int = 0) -> None:
        self.command = command
        self.port = port or _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 20.0) -> str:
        """Start serving and wait until the port answers; returns the URL.

        Raises:
            WebServeError: textual-serve is missing, or the server did not come up in time.
        """
        check_available()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "quadmission.webserve", str(self.port), self.command],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = (self._process.stderr.read() if self._process.stderr else b"").decode()
                raise WebServeError(f"the web server stopped: {err.strip()[-300:]}")
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return self.url
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise WebServeError(f"the web server did not answer on {self.url} within {timeout:g} s")

    def stop(self) -> None:
        """Stop the server (its own process only). Safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m quadmission.webserve PORT COMMAND``: serve until SIGTERM or Ctrl-C."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or not args[0].isdigit():
        print("usage: python -m quadmission.webserve PORT COMMAND", file=sys.stderr)
        return 2
    try:
        serve(args[1], int(args[0]))
    except WebServeError as exc:
        print(f"mission: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
