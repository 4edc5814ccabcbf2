"""What a campaign is: a pure function of (mission, campaign seed, run count, what varies).

Run ``i`` of a campaign with seed ``S`` gets the run seed drawn from
``SeedSequence(S, spawn_key=(i,))`` — the same child ``SeedSequence(S).spawn(n)[i]`` would give,
without spawning the ones before it — so the run seed depends on nothing but ``S`` and ``i``, and
the run's draw (:func:`draw_for`) on nothing but the run seed and the variation. A single run can
therefore be replayed from its run seed alone (``mission run --seed SEED --vary-from DB``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bt_runtime.seeds import RunSeeds
from bt_runtime.variation import DEFAULT_VARIATION, Variation, draw_values

if TYPE_CHECKING:
    from quadmission.loading import Checked, Mission

__all__ = ["CampaignSpec", "Job", "draw_for", "mission_sha256", "run_seed"]


def mission_sha256(checked: Checked, mission: Mission) -> str:
    """The SHA-256 a campaign is continued and run under: the mission's text, the texts of every
    mission file it imports (a changed library changes the runs; texts only, in a fixed order, so
    the same files named from another folder agree) and the world it compiled to."""
    own = {checked.program.path, checked.program.world_path}
    imported = sorted(text for path, text in checked.report.sources.items() if path not in own)
    text = mission.source + "".join(f"\n\0{t}" for t in imported) + repr(mission.compiled.world)
    return hashlib.sha256(text.encode()).hexdigest()


def run_seed(campaign_seed: int, index: int) -> int:
    """The run seed of run ``index`` of the campaign seeded ``campaign_seed``.

    Args:
        campaign_seed: a non-negative integer.
        index: the run's index, from 0.

    Returns:
        A 31-bit non-negative integer (what ``mission run --seed`` takes).
    """
    seq = np.random.SeedSequence(int(campaign_seed), spawn_key=(int(index),))
    return int(seq.generate_state(1, np.uint32)[0] >> 1)


def draw_for(variation: Variation | None, seed: int) -> dict[str, float]:
    """The drawn parameters of the run seeded ``seed``: from its ``faults`` seed stream.

    Args:
        variation: what varies (None: :data:`~bt_runtime.variation.DEFAULT_VARIATION`).
        seed: the run seed.

    Returns:
        ``{parameter key: value}`` in canonical units.
    """
    chosen = DEFAULT_VARIATION if variation is None else variation
    return draw_values(chosen, RunSeeds.derive(seed).faults)


@dataclass(frozen=True)
class Job:
    """One run to do: its index in the campaign and its run seed."""

    index: int
    seed: int


@dataclass(frozen=True)
class CampaignSpec:
    """Everything a worker needs to run any run of the campaign (plain, picklable values).

    Attributes:
        mission_path: the ``.mission`` file (workers load and compile it once each).
        backend: ``kinematic`` or ``pybullet``.
        log_dir: where the full event logs of failed runs go ("" keeps none).
        inject_error: run indices that raise on purpose (tests of crash handling only).
        mission_sha256: what the mission must still be (:func:`mission_sha256`); a worker that
            loads anything else stops the campaign ("" checks nothing).
    """

    mission_path: str
    backend: str = "kinematic"
    log_dir: str = ""
    inject_error: tuple[int, ...] = ()
    mission_sha256: str = ""
