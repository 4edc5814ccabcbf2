"""The monitor's commands beyond pause/resume/step/abort: their arguments and how they are checked.

Why a module of their own: the stream's wire code (``streamwire``/``stream``) stays as it is and
only asks :func:`check_args` whether a command's arguments are well formed before it acks; the
run acts on them (:mod:`bt_runtime.commandhandlers`, through :mod:`bt_runtime.runcontrol`).

* ``speed`` ``{"factor": F}`` (1/64 .. 1024): pace a ``--realtime`` run at F times the wall clock.
* ``breakpoint`` ``{"node": ID, "enabled": bool}``: pause before node ID ticks (or clear it).
* ``fault`` ``{"kind": push|battery|block, "params": {...}}``: inject the fault at the next tick.
* ``release`` (no args; queued by the server when a monitor disconnects, never sent by one):
  clear the breakpoints that monitor held.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "FAULT_KINDS",
    "MAX_SPEED",
    "MIN_SPEED",
    "MONITOR_COMMANDS",
    "RELEASE",
    "check_args",
    "fault_spec",
]

MONITOR_COMMANDS = ("speed", "breakpoint", "fault")
RELEASE = "release"
"""The command a server queues itself when a monitor disconnects (its ``client`` is the peer)."""
FAULT_KINDS = ("push", "battery", "block")
MIN_SPEED, MAX_SPEED = 1 / 64, 1024.0


def _speed(args: Mapping[str, Any]) -> str | None:
    factor = args.get("factor")
    number = isinstance(factor, (int, float)) and not isinstance(factor, bool)
    if not number or not math.isfinite(factor):
        return 'speed needs {"factor": NUMBER}'
    if not MIN_SPEED <= factor <= MAX_SPEED:
        return f"speed factor must be between {MIN_SPEED:g} and {MAX_SPEED:g}, not {factor:g}"
    return None


def _breakpoint(args: Mapping[str, Any]) -> str | None:
    node, enabled = args.get("node"), args.get("enabled", True)
    if not isinstance(node, str) or not node or len(node) > 200:
        return 'breakpoint needs {"node": NODE_ID, "enabled": true|false}'
    if not isinstance(enabled, bool):
        return "breakpoint's enabled must be true or false"
    return None


def _fault(args: Mapping[str, Any]) -> str | None:
    kind, params = args.get("kind"), args.get("params", {})
    if kind not in FAULT_KINDS:
        return f"fault kind must be one of {', '.join(FAULT_KINDS)}, not {kind!r}"
    if not isinstance(params, dict) or len(params) > 8:
        return 'fault params must be an object such as {"impulse": 30, "dir": 90}'
    for key, value in params.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return f"fault param {key!r} must be a number or a name"
        if any(c in str(key) + str(value) for c in ",=:@"):
            return f"fault param {key!r}={value!r} holds a character a fault spec cannot"
    return None


_CHECKS = {"speed": _speed, "breakpoint": _breakpoint, "fault": _fault}


def check_args(name: str, args: object) -> str | None:
    """What is wrong with ``args`` for command ``name``, or None if they are well formed.

    Args:
        name: the command (pause, resume, step and abort take no arguments).
        args: the ``"args"`` the monitor sent (``{}`` when it sent none).

    Returns:
        A message for the monitor's error reply, or None.
    """
    if not isinstance(args, dict):
        return '"args" must be a JSON object'
    check = _CHECKS.get(name)
    return check(args) if check is not None else None


def fault_spec(kind: str, params: Mapping[str, Any], at: float) -> str:
    """The ``--fault`` text for a fault the monitor asked for, so ``faults.parse_fault`` checks it.

    Args:
        kind: push, battery or block.
        params: e.g. ``{"impulse": 30, "dir": 90}``.
        at: the simulated time it fires (s).
    """
    body = ",".join(f"{key}={value}" for key, value in params.items())
    return f"{kind}@{at:.6f}s:{body}"
