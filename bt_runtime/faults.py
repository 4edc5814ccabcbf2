"""Faults injected into a run to test a mission's recovery, and the ``--fault`` syntax for them.

Syntax (one ``--fault`` per fault; times in ``s``, ``min`` or ``h``, a bare number is seconds)::

    push@40s:impulse=30,dir=90[,duration=0.1]   a push of 30 N·s towards world heading 90 deg
    battery@60s:drop=50                          the charge falls by 50 percentage points at 60 s
    battery@60s:drain=300                        an extra 300 W drain from 60 s on (drop and drain
                                                 may be combined)
    block@30s:region=west_gap                    the world's terrain region ``west_gap`` closes
    block@30s:x=1..2,y=15..16                    the rectangle x 1..2 m, y 15..16 m closes

A blocked region is a dynamic layer on the backend's planning grid (both built-in backends accept
it mid-run, :class:`locomotion.backend.WorldChanges`): from its time on, walks plan around it (an
active walk replans at once), a robot standing in it may walk out, and a walk fails only when no
detour exists ("cannot reach X: no detour ... the closed region(s) R cut every route"). The runtime
also keeps it as a *gate*: a walk whose path still ahead crosses the region fails with "route to X
blocked: <region> is closed" (all a backend without closures gets).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bt_runtime.robot import RobotContext
from bt_runtime.variation import MAX_PUSH_IMPULSE
from bt_runtime.vocabulary import TIME_UNITS
from locomotion.world import Rect, Shape, World

__all__ = [
    "EXAMPLES",
    "BatteryFault",
    "BlockRegion",
    "Fault",
    "FaultSpecError",
    "Push",
    "parse_fault",
]

EXAMPLES = "push@40s:impulse=30,dir=90, battery@60s:drop=50, block@30s:region=NAME"


class FaultSpecError(ValueError):
    """A ``--fault`` value that cannot be understood; the message says what to write."""


@dataclass(frozen=True)
class Push:
    """A shove on the trunk: ``impulse`` N·s towards world heading ``direction`` degrees."""

    at: float
    impulse: float
    direction: float
    duration: float = 0.1

    def apply(self, ctx: RobotContext) -> str:
        ctx.push(self.impulse, math.radians(self.direction), self.duration)
        return f"push of {self.impulse:g} N·s towards {self.direction:g} deg at {self.at:g} s"


@dataclass(frozen=True)
class BatteryFault:
    """A sudden loss of ``drop`` percentage points and/or an extra ``drain`` watts from ``at``."""

    at: float
    drop: float = 0.0
    drain: float = 0.0

    def apply(self, ctx: RobotContext) -> str:
        parts = []
        if self.drop:
            ctx.set_battery(ctx.battery - self.drop)
            parts.append(f"battery dropped by {self.drop:g} points to {ctx.battery:.0f} %")
        if self.drain:
            ctx.add_drain(self.drain)
            parts.append(f"extra drain of {self.drain:g} W")
        return ", ".join(parts) + f" at {self.at:g} s"


@dataclass(frozen=True)
class BlockRegion:
    """A region that closes at ``at`` (walked around; see the module docstring)."""

    at: float
    name: str
    shape: Shape

    def apply(self, ctx: RobotContext) -> str:
        ctx.close_region(self.name, self.shape, self.at)
        return f"{self.name} closed at {self.at:g} s"


Fault = Push | BatteryFault | BlockRegion

_UNIT_PATTERN = "|".join(sorted(map(re.escape, TIME_UNITS), key=len, reverse=True))
_SPEC = re.compile(
    rf"^\s*(?P<kind>[a-z]+)\s*@\s*(?P<time>[0-9.]+)\s*(?P<unit>{_UNIT_PATTERN})?\s*:(?P<args>.*)$"
)


def _fail(spec: str, problem: str) -> FaultSpecError:
    return FaultSpecError(f"--fault {spec!r}: {problem}; write e.g. {EXAMPLES}")


def _number(spec: str, key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _fail(spec, f"{key}={text!r} is not a number") from None
    if not math.isfinite(value):
        raise _fail(spec, f"{key} must be a finite number")
    return value


def _args(spec: str, text: str) -> dict[str, str]:
    args: dict[str, str] = {}
    for part in [p for p in text.split(",") if p.strip()]:
        if "=" not in part:
            raise _fail(spec, f"{part.strip()!r} is not key=value")
        key, value = (s.strip() for s in part.split("=", 1))
        if key in args:
            raise _fail(spec, f"{key} given twice")
        args[key] = value
    return args


def _check_keys(spec: str, args: dict[str, str], allowed: tuple[str, ...]) -> None:
    unknown = [k for k in args if k not in allowed]
    if unknown:
        raise _fail(spec, f"unknown key {unknown[0]!r} (this fault takes {', '.join(allowed)})")


def _range(spec: str, key: str, text: str) -> tuple[float, float]:
    low, sep, high = text.partition("..")
    if not sep:
        raise _fail(spec, f"{key}={text!r}: write a range such as {key}=1..2")
    a, b = _number(spec, key, low), _number(spec, key, high)
    if b <= a:
        raise _fail(spec, f"{key}={text!r}: the range must go from low to high")
    return a, b


MAX_PUSH_DURATION = 10.0
"""The longest push (s): a shove, not a wind; 1e308 s overflowed pybullet's step count."""


def _push(spec: str, at: float, args: dict[str, str], world: World | None) -> Fault:
    _check_keys(spec, args, ("impulse", "dir", "duration"))
    if "impulse" not in args or "dir" not in args:
        raise _fail(spec, "a push needs impulse= (N·s) and dir= (deg)")
    impulse = _number(spec, "impulse", args["impulse"])
    duration = _number(spec, "duration", args.get("duration", "0.1"))
    if impulse < 0 or duration < 0:
        raise _fail(spec, "impulse and duration must be >= 0")
    if impulse > MAX_PUSH_IMPULSE or duration > MAX_PUSH_DURATION:
        raise _fail(spec, f"impulse must be at most {MAX_PUSH_IMPULSE:g} N·s (a vary block's "
                    f"bound too) and duration at most {MAX_PUSH_DURATION:g} s")
    return Push(at, impulse, _number(spec, "dir", args["dir"]), duration)


MAX_DRAIN = 10_000.0
"""The largest extra drain (W): tens of times what the robot draws; 1e308 W reported an energy
of 1e306 Wh taken from a 130 Wh pack."""


def _battery(spec: str, at: float, args: dict[str, str], world: World | None) -> Fault:
    _check_keys(spec, args, ("drop", "drain"))
    if not args:
        raise _fail(spec, "a battery fault needs drop= (percentage points) and/or drain= (W)")
    drop = _number(spec, "drop", args.get("drop", "0"))
    drain = _number(spec, "drain", args.get("drain", "0"))
    if not 0 <= drop <= 100 or not 0 <= drain <= MAX_DRAIN:
        raise _fail(spec, f"drop must be between 0 and 100, drain between 0 and {MAX_DRAIN:g} W")
    return BatteryFault(at, drop, drain)


def _block(spec: str, at: float, args: dict[str, str], world: World | None) -> Fault:
    _check_keys(spec, args, ("region", "x", "y"))
    if "region" in args:
        if len(args) > 1:
            raise _fail(spec, "give either region= or x= and y=, not both")
        name = args["region"]
        regions = {r.name: r for r in (world.regions if world is not None else ())}
        if name not in regions:
            known = ", ".join(sorted(regions)) or "none"
            raise _fail(spec, f"the world has no terrain region {name!r} (regions: {known})")
        return BlockRegion(at, name, regions[name].shape)
    if "x" not in args or "y" not in args:
        raise _fail(spec, "a block needs region=NAME, or x=LOW..HIGH and y=LOW..HIGH (m)")
    (x0, x1), (y0, y1) = _range(spec, "x", args["x"]), _range(spec, "y", args["y"])
    return BlockRegion(at, f"rect x {x0:g}..{x1:g} y {y0:g}..{y1:g}", Rect(x0, y0, x1, y1))


_KINDS = {"push": _push, "battery": _battery, "block": _block}


def parse_fault(spec: str, world: World | None = None) -> Fault:
    """Parse one ``--fault`` value (see the module docstring for the syntax).

    Args:
        spec: the text after ``--fault``.
        world: the run's world, to resolve ``block@...:region=NAME``.

    Raises:
        FaultSpecError: the spec is malformed; the message names the flag and shows examples.
    """
    match = _SPEC.match(spec)
    if match is None:
        raise _fail(spec, "expected KIND@TIME:KEY=VALUE,... (kinds: push, battery, block)")
    kind = match["kind"]
    if kind not in _KINDS:
        raise _fail(spec, f"unknown fault kind {kind!r} (kinds: {', '.join(_KINDS)})")
    at = _number(spec, "time", match["time"]) * TIME_UNITS[match["unit"] or "s"]
    return _KINDS[kind](spec, at, _args(spec, match["args"]), world)
