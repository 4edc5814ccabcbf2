"""A stored row decodes to the run it records, or BadRow names the column that is wrong."""

from __future__ import annotations

import json
import math

import pytest

from quadmission.campaign.store_rows import BadRow, result_of

ROW = {
    "idx": 3, "seed": 42, "status": "done", "outcome": "success", "duration": 10.0,
    "energy": None, "distance": 2.0, "falls": 1,
    "fall_points": json.dumps([{"x": 1.0, "y": 2.0, "time": 3.0, "region": ""}]),
    "failure_path": None, "failure_reason": None, "error": None, "attempts": None,
    "draw": '{"charge": 70}', "metrics": "{}", "met": '{"falls == 0": false}', "log_path": None,
}


def test_a_good_row_decodes_with_its_defaults() -> None:
    result = result_of(ROW, 1.5, '[["victim", "v1"]]')
    assert (result.index, result.seed, result.energy, result.attempts) == (3, 42, 0.0, 1)
    assert result.falls[0].region == "" and result.met == {"falls == 0": False}
    assert result.found == (("victim", "v1"),) and result.wall_time == 1.5
    assert result_of(ROW).found is None  # no row in `found`: what it found is unknown


@pytest.mark.parametrize(("column", "value"), [
    ("seed", -1), ("seed", 2**63), ("seed", 1.5), ("idx", True), ("outcome", "won"),
    ("distance", math.nan), ("energy", "1"), ("draw", '{"charge": NaN}'), ("draw", "[]"),
    ("metrics", '{"a": true}'), ("met", '{"a": 1}'), ("attempts", 0), ("error", 5),
    ("fall_points", '[{"x": 1, "y": 2, "time": 3, "region": 4}]'), ("log_path", b"x"),
])
def test_a_value_the_campaign_never_writes_names_its_column(column: str, value: object) -> None:
    with pytest.raises(BadRow) as caught:
        result_of({**ROW, column: value})
    assert caught.value.column == column and str(caught.value).startswith(f"{column}: ")
