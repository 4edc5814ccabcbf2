"""Behaviours that need no robot: waiting, succeeding, failing, and writing log lines.

They run for real today; a runtime only has to pass a clock (``clock=``, seconds) and a log list
(``log=``) to :meth:`setup` to put them on simulated time and into its run record. Given the
robot's state (``state=``, a :class:`~bt_runtime.detections.DetectionView`), ``report``, ``alert``
and ``fail`` fill their ``{victim}``/``{position}``... placeholders from the latest detections when
they tick (:func:`bt_runtime.detections.render`); without it the text is written as it stands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, MutableSequence
from dataclasses import dataclass
from typing import Any

import py_trees
from py_trees.common import Status

from bt_runtime.behaviours.values import check_finite, setup_clock
from bt_runtime.detections import DetectionView, render

__all__ = ["Alert", "Fail", "LogEntry", "Report", "Succeed", "Wait"]


@dataclass(frozen=True)
class LogEntry:
    """One line written by :class:`Report` (level "info") or :class:`Alert` (level "alert")."""

    level: str
    text: str
    node: str


def _detections(kwargs: Mapping[str, Any]) -> DetectionView | None:
    state = kwargs.get("state")
    return state if isinstance(state, DetectionView) else None


class _Leaf(py_trees.behaviour.Behaviour):
    action = ""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a behaviour needs a non-empty name, got {name!r}")
        super().__init__(name=name)

    def params(self) -> Mapping[str, Any]:
        return {}


class Wait(_Leaf):
    """Return RUNNING until ``duration`` seconds have passed on the clock given to setup."""

    action = "wait"

    def __init__(self, name: str, duration: float) -> None:
        super().__init__(name)
        duration = check_finite(f"{name}: duration", duration)
        if duration < 0:
            raise ValueError(f"{name}: duration must be >= 0 s, got {duration}")
        self.duration = duration
        self.clock: Callable[[], float] = time.monotonic
        self._started: float | None = None

    def params(self) -> Mapping[str, Any]:
        return {"duration": self.duration}

    def setup(self, **kwargs: Any) -> None:
        self.clock = setup_clock(self.name, kwargs, self.clock)

    def initialise(self) -> None:
        self._started = self.clock()

    def update(self) -> Status:
        if self._started is None:
            self._started = self.clock()
        waited = self.clock() - self._started
        if waited >= self.duration:
            self.feedback_message = f"waited {self.duration:g} s"
            return Status.SUCCESS
        self.feedback_message = f"waiting {waited:.1f}/{self.duration:g} s"
        return Status.RUNNING

    def terminate(self, new_status: Status) -> None:
        self._started = None


class Succeed(_Leaf):
    """Succeed at once."""

    action = "succeed"

    def update(self) -> Status:
        self.feedback_message = "succeeded"
        return Status.SUCCESS


class Fail(_Leaf):
    """Fail at once, saying why."""

    action = "fail"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        if not isinstance(reason, str):
            raise ValueError(f"{name}: reason must be text, got {reason!r}")  # noqa: TRY004 - the contract: bad values raise ValueError
        self.reason = reason
        self.detections: DetectionView | None = None

    def params(self) -> Mapping[str, Any]:
        return {"reason": self.reason}

    def setup(self, **kwargs: Any) -> None:
        self.detections = _detections(kwargs) or self.detections

    def update(self) -> Status:
        seen = self.detections
        self.feedback_message = self.reason if seen is None else render(self.reason, seen)
        return Status.FAILURE


class _LogLine(_Leaf):
    level = "info"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name)
        if not isinstance(text, str):
            raise ValueError(f"{name}: text must be text, got {text!r}")  # noqa: TRY004 - the contract: bad values raise ValueError
        self.text = text
        self.log: MutableSequence[LogEntry] | None = None
        self.detections: DetectionView | None = None

    def params(self) -> Mapping[str, Any]:
        return {"text": self.text}

    def setup(self, **kwargs: Any) -> None:
        log = kwargs.get("log")
        if log is not None:
            if not isinstance(log, MutableSequence):
                raise TypeError(f"{self.name}: log must be a list")
            self.log = log
        self.detections = _detections(kwargs) or self.detections

    def update(self) -> Status:
        seen = self.detections
        text = self.text if seen is None else render(self.text, seen)
        if self.log is not None:
            self.log.append(LogEntry(self.level, text, self.name))
        self.feedback_message = f"{self.level}: {text}"
        return Status.SUCCESS


class Report(_LogLine):
    """Write an information line."""

    action = "report"
    level = "info"


class Alert(_LogLine):
    """Write an alert line."""

    action = "alert"
    level = "alert"
