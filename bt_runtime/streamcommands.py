"""The stream's command channel: one frozen dataclass per command and the one parser for them all.

A monitor sends ``{"type": "command", "command": NAME, "token": TOKEN, ...fields}``. The token is
checked by the server (:mod:`bt_runtime.stream`); everything about *what* a command is lives here,
so adding one (a breakpoint, an injected fault) is one dataclass and one entry in
:data:`COMMAND_TYPES`: its fields are read from the line by their type hints (``str``, ``int``,
``float``, ``bool``), and a missing or mistyped field is refused with a message naming it.

Parsing never raises anything but :class:`CommandError`, whatever the line holds: the reader thread
that calls it must survive a hostile peer.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

__all__ = [
    "COMMANDS",
    "COMMAND_TYPES",
    "Abort",
    "Command",
    "CommandError",
    "Pause",
    "Resume",
    "Step",
    "parse_command",
]

_RESERVED = frozenset({"type", "command", "token"})
"""Keys of a command line that are not the command's own fields."""


class CommandError(ValueError):
    """A command line that cannot be obeyed; the text says why (sent back as an error notice)."""


@dataclass(frozen=True)
class Pause:
    """Stop ticking after the tick in flight."""

    NAME: ClassVar[str] = "pause"


@dataclass(frozen=True)
class Resume:
    """Tick again after a pause."""

    NAME: ClassVar[str] = "resume"


@dataclass(frozen=True)
class Step:
    """While paused (or to pause): run exactly one more tick."""

    NAME: ClassVar[str] = "step"


@dataclass(frozen=True)
class Abort:
    """End the run after the tick in flight (outcome ``aborted``)."""

    NAME: ClassVar[str] = "abort"


Command: TypeAlias = Pause | Resume | Step | Abort

COMMAND_TYPES: dict[str, type[Command]] = {cls.NAME: cls for cls in (Pause, Resume, Step, Abort)}
"""Every command the stream accepts, by wire name. Add a command here (and its dataclass)."""

COMMANDS: tuple[str, ...] = tuple(COMMAND_TYPES)


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, type, bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


def _field(name: str, value: Any, hint: type, command: str) -> Any:
    ok = isinstance(value, hint) and not (isinstance(value, bool) and hint is not bool)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise CommandError(f"{command}: field {name!r} must be a {hint.__name__}")
    return value


def parse_command(data: dict[str, Any]) -> Command:
    """The command a line asks for (the token already checked by the caller).

    Args:
        data: the decoded JSON object of a ``"command"`` line.

    Returns:
        The command, as its dataclass.

    Raises:
        CommandError: unknown command, or a field of it missing or of the wrong type.
    """
    name = data.get("command")
    cls = COMMAND_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        shown = repr(name) if isinstance(name, str) and len(name) <= 40 else "that"
        raise CommandError(f"unknown command {shown}: one of {', '.join(COMMANDS)}")
    kwargs: dict[str, Any] = {}
    for field_name, hint, optional in _fields(typing.cast(type, cls)):
        if field_name in _RESERVED:
            continue
        if field_name not in data:
            if optional:
                continue
            raise CommandError(f"{cls.NAME}: missing field {field_name!r}")
        kwargs[field_name] = _field(field_name, data[field_name], hint, cls.NAME)
    return cls(**kwargs)
