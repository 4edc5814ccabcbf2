"""``mission monitor HOST:PORT [--token T] [--web]``: attach the monitor to a live run's stream.

Without the token the monitor is read-only (its controls say so in the event log); with it, the
controls go over the same connection, so breakpoints it sets are released when it goes away.
``--web`` serves the same app to a browser on loopback instead (:mod:`quadmission.webserve`).
Textual is imported only here, when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys

from quadmission.exit_codes import EXIT_OK, EXIT_USAGE

__all__ = ["main", "parse_address"]


def parse_address(text: str, flag: str = "HOST:PORT") -> tuple[str, int] | str:
    """``(host, port)`` from ``HOST:PORT``, or the error message to print."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) <= 65535:
        return f"mission: error: {flag} {text!r}: write HOST:PORT, e.g. 127.0.0.1:8765"
    return host, int(port)


def main(args: argparse.Namespace) -> int:
    """Attach to ``args.address``; returns ``EXIT_OK`` when the operator quits."""
    address = parse_address(args.address)
    if isinstance(address, str):
        print(address, file=sys.stderr)
        if os.path.isfile(args.address):  # a run log given to the live monitor
            print(f"mission: note: {args.address} is a file: to watch a recorded run, "
                  f"`mission replay {args.address} --tui`", file=sys.stderr)
        return EXIT_USAGE
    if args.web:
        from quadmission.webserve import WebServeError, monitor_command, serve

        print(f"serving the monitor on http://127.0.0.1:{args.web_port} (Ctrl-C stops)",
              file=sys.stderr)
        try:
            serve(monitor_command(args.address, args.token), args.web_port)
        except WebServeError as exc:
            print(f"mission: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_OK
    from tui.app import make_monitor
    from tui.source import LiveSource

    host, port = address
    make_monitor(LiveSource(host, port, token=args.token)).run()
    return EXIT_OK
