"""The checked ``vary`` items of a campaign, as the report names them."""

from __future__ import annotations

from bt_runtime.variation import Varied


def test_a_varied_item_describes_itself_as_the_report_lists_it() -> None:
    """A chance read `closed.mat 50..50`, as if it were a range."""
    assert Varied("closed", "mat", 50.0, 50.0).describe() == "closed.mat 50 %"
    assert Varied("friction", "west_gap", 0.6, 0.9).describe() == "friction.west_gap 0.6..0.9"
