"""RunSeeds: one SeedSequence child per consumer, derived once from the run seed."""

from __future__ import annotations

import numpy as np
import pytest

from bt_runtime.seeds import CONSUMERS, RunSeeds


def test_same_run_seed_same_children() -> None:
    a, b = RunSeeds.derive(7), RunSeeds.derive(7)
    for name in CONSUMERS:
        assert np.array_equal(a.rng(name).random(5), b.rng(name).random(5)), name
    assert (a.backend_seed, a.terrain_seed) == (b.backend_seed, b.terrain_seed)
    assert a.run == 7


def test_every_consumer_draws_its_own_stream() -> None:
    seeds = RunSeeds.derive(7)
    draws = {name: tuple(seeds.rng(name).random(4)) for name in CONSUMERS}
    assert len(set(draws.values())) == len(CONSUMERS)
    # the old way: one integer seeding every generator gave them all the same numbers
    assert tuple(seeds.rng("scenario").random(4)) != tuple(np.random.default_rng(7).random(4))
    assert seeds.backend_seed != seeds.terrain_seed


def test_other_run_seed_other_children() -> None:
    a, b = RunSeeds.derive(7), RunSeeds.derive(8)
    assert a.backend_seed != b.backend_seed and a.terrain_seed != b.terrain_seed
    assert not np.array_equal(a.rng("detection").random(5), b.rng("detection").random(5))


def test_integer_seeds_fit_32_bits() -> None:
    seeds = RunSeeds.derive(2**40)
    assert 0 <= seeds.backend_seed < 2**32 and 0 <= seeds.terrain_seed < 2**32


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_run_seeds_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        RunSeeds.derive(bad)  # type: ignore[arg-type]


def test_unknown_consumer_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: scenario, detection, backend, terrain, faults"):
        RunSeeds.derive(1).rng("weather")
