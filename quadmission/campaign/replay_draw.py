"""``mission run --seed SEED --vary-from DB``: one campaign run again, alone, with its draw.

The draw is recomputed from the run seed and the variation stored in the campaign database (the
same pure function the campaign used) and checked against the row stored for that seed, so a
replay that would not reproduce the campaign's run is refused instead of silently differing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from bt_runtime.variation import Variation, Varied
from quadmission.campaign.apply import AppliedDraw, apply_draw
from quadmission.campaign.plan import draw_for
from quadmission.campaign.store import CampaignStore, StoreError
from quadmission.loading import Mission, missing_files

__all__ = ["ReplayError", "draw_from_campaign"]


class ReplayError(ValueError):
    """The campaign database cannot give this run's draw; the message names the flag."""


def _variation(db: str, text: str) -> Variation:
    """The variation the campaign stored (``asdict`` of it, as JSON).

    Raises:
        ReplayError: the stored text is not such a variation (an edited database).
    """
    try:
        data = json.loads(text)
        return Variation(tuple(Varied(**v) for v in data["items"]), bool(data["declared"]))
    except (ValueError, TypeError, KeyError, RecursionError):
        raise ReplayError(f"--vary-from {db}: its stored variation is damaged; the database was "
                          "edited: replay from an intact copy") from None


def draw_from_campaign(
    mission: Mission, db: str, seed: int, index: int | None = None, *,
    digest: str = "", warn: Callable[[str], None] | None = None,
) -> tuple[AppliedDraw, dict[str, float]]:
    """The run of ``mission`` the campaign in ``db`` drew for ``seed``.

    Args:
        mission: the compiled mission (the campaign's mission file).
        db: a ``campaign.sqlite``.
        seed: the run seed (``mission run --seed``).
        index: the run's index, when the same seed appears twice.
        digest: the mission's :func:`~.plan.mission_sha256`; when it is not the campaign's,
            ``warn`` is told (a fixed mission replayed with a failure's draw is a fair use, but
            it will not reproduce the stored run).
        warn: where that note goes.

    Returns:
        The applied draw and the drawn values.

    Raises:
        ReplayError: no such database, no run with that seed, or a draw that does not match.
    """
    if Path(db).is_dir():
        inside = Path(db) / "campaign.sqlite"
        hint = f": give {inside}" if inside.is_file() else ", not a campaign database"
        raise ReplayError(f"--vary-from {db}: a folder{hint}")
    if not os.path.lexists(db):
        raise ReplayError(f"--vary-from {db}: no such file")
    if not Path(db).is_file():  # a pipe, a device, a symlink loop or a broken one: it says which
        raise ReplayError(f"--vary-from {missing_files([db])[0].removeprefix('mission: error: ')}")
    try:
        store = CampaignStore(Path(db), read_only=True)  # a wrong file is left as it was
    except StoreError as exc:
        raise ReplayError(f"--vary-from {exc}") from None
    try:
        meta = store.meta()
        row = store.result_for_seed(seed, index)
    except StoreError as exc:
        raise ReplayError(f"--vary-from {exc}") from None
    finally:
        store.close()
    if "variation" not in meta:
        raise ReplayError(f"--vary-from {db}: not a campaign database")
    if digest and warn is not None and meta.get("mission_sha256") not in (None, digest):
        warn(f"note: {mission.path} is not the mission this campaign ran (it, a file it imports "
             "or its world changed since): the run takes the campaign's draw but will not "
             "reproduce the stored run")
    if row is None:
        raise ReplayError(f"--vary-from {db}: no run with seed {seed}"
                          + (f" and index {index}" if index is not None else "")
                          + "; the report lists the seeds to replay")
    variation = _variation(db, meta["variation"])
    try:
        draw = draw_for(variation, seed)
    except (ValueError, TypeError, KeyError):  # items no campaign writes (an edited variation)
        raise ReplayError(f"--vary-from {db}: its stored variation cannot be drawn from; the "
                          "database was edited: replay from an intact copy") from None
    if row.draw and any(abs(draw.get(k, float("nan")) - v) > 1e-9 for k, v in row.draw.items()):
        raise ReplayError(f"--vary-from {db}: the draw for seed {seed} differs from the stored "
                          "one (the campaign was run by another version)")
    return apply_draw(mission, draw), draw
