"""Temporal requirements (``require always C``, ``require C within D [of T]``) judged over a run.

A :class:`TemporalJudge` samples every condition on the robot's state after every tick (each
``1 / tick_rate`` s of simulated time: the state the tree's conditions read, with what the tick's
actions changed, at the tick's time, which is when the log stamps those changes) and once more at
the run's end, after its last step; so nothing shorter than a tick can slip between two samples,
and a change the record dates at the edge of a window is judged on the same side of it.
The mission's variables live in that state's fact registry (:mod:`bt_runtime.behaviours.
variables`): a flag is read as a fact, a counter as a counter, so ``require always attempts <= 2``
is sampled and measured like ``require always victims_found <= 2``.

* ``always C`` is met iff C held at every sample. Measured: for a comparison of a state variable,
  a counter or a counter variable (``battery >= 15 %``, ``attempts <= 2``), its worst sampled value (the lowest for ``>``/``>=``, the highest
  for ``<``/``<=``, the first violating one for ``==``/``!=``) and when it was first reached;
  otherwise the number of samples where C was false, and when it first was.
* ``C within D`` is met iff C held at some sample at most D after the start. ``C within D of T``:
  T's first sample that holds starts the clock (at t0); met iff C held at some sample in
  ``[t0, t0 + D]``. If T never held, there was nothing to answer: met, and the verdict says so.
  Measured: how long after the start (or t0) C first held. A run that ends before the window
  closes, C never having held, misses it too (it can no longer hold), and the verdict says how
  much of the window the run lasted.

A run that did not succeed misses every temporal requirement too (as :func:`~bt_runtime.
requirements.judge` does for metrics): the verdict keeps what was measured and says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bt_runtime import expressions as E
from bt_runtime.requirements import Verdict

__all__ = ["TemporalCriterion", "TemporalJudge"]

_LOWEST = frozenset({">", ">="})
_HIGHEST = frozenset({"<", "<="})


@dataclass(frozen=True)
class TemporalCriterion:
    """One temporal ``require`` line, compiled: its kind, the condition and its text.

    Args:
        kind: "always" or "within".
        text: the condition as written canonically (``battery >= 15 %``).
        expr: the condition.
        duration: the ``within`` duration (s); None for ``always``.
        trigger: ``of T``'s condition, or None.
        trigger_text: T as written.
        unit: the canonical unit of a compared state variable ("%"), for the measured value.
        duration_text: the duration as written (``10 min``), for the label; "" to show seconds.
        line: the line of the mission file it was written on (0: not from a file), for exports.
    """

    kind: str
    text: str
    expr: E.Expr
    duration: float | None = None
    trigger: E.Expr | None = None
    trigger_text: str | None = None
    unit: str = ""
    duration_text: str = ""
    line: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("always", "within"):
            raise ValueError(f"a temporal requirement is `always` or `within`, got {self.kind!r}")
        if self.kind == "within" and (self.duration is None or not self.duration > 0):
            raise ValueError(f"`{self.text} within`: the duration must be > 0 s")

    def label(self) -> str:
        """The line as written canonically: ``always battery >= 15 %``, ``docked within 300 s
        of victim_found``."""
        if self.kind == "always":
            return f"always {self.text}"
        assert self.duration is not None
        of = f" of {self.trigger_text}" if self.trigger_text else ""
        written = self.duration_text or f"{_num(self.duration)} s"
        return f"{self.text} within {written}{of}"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)


def _measured(expr: E.Expr, state: E.StateView) -> float | None:
    if isinstance(expr, E.Compare):
        return float(state.value(expr.name))
    if isinstance(expr, E.CounterCompare):
        return float(state.counter(expr.name))
    return None


class _Track:
    """What one criterion has seen so far."""

    def __init__(self, criterion: TemporalCriterion) -> None:
        self.c = criterion
        self.first_false: float | None = None
        self.false_samples = 0
        self.worst: float | None = None
        self.worst_at: float | None = None
        self.t0: float | None = None  # when the clock of `within` started
        self.true_at: float | None = None  # the first sample in the window where C held
        self.last = 0.0

    def sample(self, t: float, state: E.StateView) -> None:
        self.last = t
        c = self.c
        if c.kind == "always":
            self._always(t, state)
            return
        if self.t0 is None:
            if c.trigger is not None and not c.trigger.evaluate(state):
                return
            self.t0 = t
        assert c.duration is not None
        if self.true_at is None and t <= self.t0 + c.duration + 1e-9 and c.expr.evaluate(state):
            self.true_at = t

    def _always(self, t: float, state: E.StateView) -> None:
        held = self.c.expr.evaluate(state)
        if not held:
            self.false_samples += 1
            if self.first_false is None:
                self.first_false = t
        value = _measured(self.c.expr, state)
        if value is None:
            return
        op = getattr(self.c.expr, "op", "")
        worse = (self.worst is None
                 or (op in _LOWEST and value < self.worst)
                 or (op in _HIGHEST and value > self.worst)
                 or (op not in _LOWEST | _HIGHEST and not held and self.first_false == t))
        if worse:
            self.worst, self.worst_at = value, t

    def verdict(self, succeeded: bool) -> Verdict:
        c = self.c
        if c.kind == "always":
            met = self.first_false is None
            if self.worst is not None:
                word = {">": "lowest", ">=": "lowest", "<": "highest", "<=": "highest"}.get(
                    getattr(c.expr, "op", ""), "value")
                note = f"{word} {_num(self.worst)}{' ' + c.unit if c.unit else ''} at " \
                       f"{_num(self.worst_at or 0.0)} s"
                measured, at = self.worst, self.worst_at
            else:
                note = ("held at every sample" if met else f"false at {self.false_samples} samples, "
                        f"first at {_num(self.first_false or 0)} s")
                measured, at = float(self.false_samples), self.first_false
        else:
            assert c.duration is not None
            if self.t0 is None:
                met, measured, at = True, 0.0, None
                note = f"{c.trigger_text} never became true: nothing to answer"
            elif self.true_at is None:
                met, measured, at = False, self.last - self.t0, None
                since = "the start" if c.trigger is None else f"{c.trigger_text} at {_num(self.t0)} s"
                watched = self.last - self.t0
                if watched < c.duration - 1e-9:  # the run ended before the window closed
                    note = (f"not true in the {_num(watched)} s from {since} to the run's end, "
                            f"before the {_num(c.duration)} s had passed")
                else:
                    note = f"not true within {_num(c.duration)} s of {since}"
            else:
                met, measured, at = True, self.true_at - self.t0, self.true_at
                since = "the start" if c.trigger is None else f"{c.trigger_text}"
                note = f"true {_num(measured)} s after {since}, at {_num(self.true_at)} s"
        return Verdict(c.kind, "", c.duration or 0.0, measured, met and succeeded, not succeeded,
                       kind=c.kind, label=c.label(), at=at, note=note)


class TemporalJudge:
    """Samples the temporal criteria of one run and judges them at its end.

    Args:
        criteria: the mission's temporal ``require`` lines.
    """

    def __init__(self, criteria: Iterable[TemporalCriterion]) -> None:
        self._tracks = [_Track(c) for c in criteria]

    def __bool__(self) -> bool:
        return bool(self._tracks)

    def sample(self, t: float, state: E.StateView) -> None:
        """Evaluate every criterion on the state at simulated time ``t``."""
        for track in self._tracks:
            track.sample(t, state)

    def verdicts(self, succeeded: bool) -> tuple[Verdict, ...]:
        """One verdict per criterion, in the order written."""
        return tuple(track.verdict(succeeded) for track in self._tracks)
