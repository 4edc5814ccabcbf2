"""Task arguments against what the task does with them.

A value written at a call must lie in the range of every use of its parameter in the task's body
and in the tasks the body passes it on to: ``task sweep(r: route, laps: int) { repeat laps { ...
} }`` takes ``laps >= 1``, so ``sweep(loop, 0)`` is refused at the ``0`` as ``repeat 0`` is.
Without this the checker said "ok" and the compiler stopped on the value (or, for a ``timeout``
or a retry's back-off, raised a traceback).

The statement walk records the uses, the hand-overs and the written arguments
(:class:`ArgumentRanges`); :meth:`ArgumentRanges.check` judges them once every body has been
walked, so a task may call one declared after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bt_runtime.units import CANONICAL, Dimension, dimension_of, to_canonical
from bt_runtime.vocabulary import Range
from dsl import ast as A
from dsl import check_values as V

__all__ = ["ArgumentRanges"]

_Key = tuple[str, str]  # (task, parameter)


@dataclass(frozen=True)
class _Use:
    """Where a parameter's value must lie: ``what`` at ``span`` in ``task``."""

    rng: Range
    what: str
    span: A.Span
    task: str


@dataclass(frozen=True)
class _Written:
    """A quantity written as the argument of ``param`` at a call of ``task``."""

    task: str
    param: str
    value: A.Quantity
    dimension: Dimension


def _canonical(q: A.Quantity, dim: Dimension) -> float | None:
    """``q`` in the canonical unit of ``dim``; None when the call's own check refused it."""
    if dim in (Dimension.COUNT, Dimension.NUMBER):
        if q.unit is not None or not math.isfinite(q.value):
            return None
        if dim is Dimension.COUNT and not float(q.value).is_integer():
            return None
        return q.value
    if q.unit is None:
        return 0.0 if q.value == 0 else None
    if dimension_of(q.unit) is not dim:
        return None
    value = to_canonical(q.value, q.unit)
    return value if math.isfinite(value) else None


@dataclass
class ArgumentRanges:
    """What the statement walk found about task parameters and the values passed to them."""

    uses: dict[_Key, list[_Use]] = field(default_factory=dict)
    passes: dict[_Key, list[_Key]] = field(default_factory=dict)
    written: list[_Written] = field(default_factory=list)

    def use(self, task: str, param: str, rng: Range, what: str, span: A.Span) -> None:
        """Parameter ``param`` of ``task`` is ``what`` at ``span``, which takes ``rng``."""
        self.uses.setdefault((task, param), []).append(_Use(rng, what, span, task))

    def passed(self, caller: str, param: str, callee: str, callee_param: str) -> None:
        """``caller`` passes its ``param`` on as ``callee_param`` of ``callee``."""
        self.passes.setdefault((caller, param), []).append((callee, callee_param))

    def argument(self, task: str, param: str, value: A.Quantity, dim: Dimension) -> None:
        """``value`` is written as the argument of ``param`` at a call of ``task``."""
        self.written.append(_Written(task, param, value, dim))

    def _ranges(self, key: _Key, seen: frozenset[_Key] = frozenset()) -> list[_Use]:
        if key in seen:  # recursion, reported elsewhere
            return []
        out = list(self.uses.get(key, ()))
        for onward in self.passes.get(key, ()):
            out.extend(self._ranges(onward, seen | {key}))
        return out

    def check(self, sink: V.Sink) -> None:
        """Report each written argument outside the range of a use of its parameter (the first
        such use: one error per argument)."""
        found: dict[_Key, list[_Use]] = {}
        for arg in self.written:
            key = (arg.task, arg.param)
            if key not in found:
                found[key] = self._ranges(key)
            value = _canonical(arg.value, arg.dimension)
            if value is None:
                continue
            bad = next((u for u in found[key] if not u.rng.contains(value)), None)
            if bad is not None:
                sink.error(arg.value.span, _message(arg, bad, value))


def _message(arg: _Written, use: _Use, value: float) -> str:
    unit = "" if arg.dimension in (Dimension.COUNT, Dimension.NUMBER) else CANONICAL[arg.dimension]
    q = arg.value
    shown = V.written(q) if (q.unit is None or q.unit == unit) else (
        f"{V.written(q)} = {value:g} {unit}")
    at = f"line {use.span.line}" if use.span.file == q.span.file else \
        f"{use.span.file}:{use.span.line}"
    return (f"value out of range: argument `{arg.param}` must be {use.rng.describe(unit)} "
            f"(task `{use.task}` uses it as {use.what} at {at}), got {shown}")
