"""What the executor builds per telemetry sample depends on who reads it: nobody (no log), a log
that leaves the world's label out (``reads_terrain_true = False``), or a full log."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest
from py_trees.composites import Sequence

from bt_runtime import behaviours as bh
from bt_runtime.events import Telemetry
from bt_runtime.executor import Executor
from quadmission.campaign.result import FallWatch
from tests.bt_runtime.memory_sink import MemorySink
from tests.bt_runtime.runtime_world import make_context


class LightSink(MemorySink):
    reads_terrain_true: ClassVar[bool] = False


def _run(log: object | None, counter: list[int] | None = None) -> Executor:
    ctx = make_context(seed=3, start=(13.0, 3.0))
    if counter is not None:
        kind_at = ctx.world.kind_at

        def counting(x: float, y: float) -> object:
            counter.append(1)
            return kind_at(x, y)

        object.__setattr__(ctx.world, "kind_at", counting)
    root = Sequence("walk", memory=True, children=[bh.GoTo("go", bh.Place("a", 16.0, 5.0))])
    executor = Executor(root, ctx, 10.0, log=log)  # type: ignore[arg-type]
    executor.run()
    return executor


def test_a_light_log_gets_the_same_samples_without_the_terrain_label() -> None:
    full, light = MemorySink(), LightSink()
    _run(full)
    _run(light)
    samples = [e for e in full.events if isinstance(e, Telemetry)]
    assert samples and all(s.terrain_true is not None for s in samples[:-1])
    light_samples = [e for e in light.events if isinstance(e, Telemetry)]
    assert [dataclasses.replace(s, terrain_true=None) for s in samples[:-1]] == light_samples[:-1]
    others = [e for e in full.events if not isinstance(e, Telemetry)]
    assert others == [e for e in light.events if not isinstance(e, Telemetry)]


def test_the_fall_watch_says_it_leaves_the_terrain_label_out() -> None:
    assert FallWatch.reads_terrain_true is False


@pytest.mark.parametrize("log", [None, "light"])
def test_no_reader_no_terrain_lookup_per_sample(log: str | None) -> None:
    full: list[int] = []
    _run(MemorySink(), full)
    none: list[int] = []
    executor = _run(None if log is None else LightSink(), none)
    assert len(full) > 10 * max(len(none), 1)
    assert len(none) <= 1  # the run's final sample, emitted to every sink
    assert executor.tick > 20
