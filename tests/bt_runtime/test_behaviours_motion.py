"""Motion behaviours validate their canonical parameters on construction."""

from __future__ import annotations

import pytest

from bt_runtime import behaviours as B
from locomotion.world import Circle, Rect

GATE = B.Place("gate", 1.0, 2.0)
ROUTE = B.Route("loop", (GATE, B.Place("t", 3, 4), GATE), closed=True)
LOT = Rect(0, 0, 10, 6)


def test_valid_construction_and_params() -> None:
    assert B.GoTo("g", GATE).params() == {"target": GATE}
    assert B.FollowRoute("f", ROUTE, laps=2).params() == {"route": ROUTE, "laps": 2}
    assert B.SearchArea("s", LOT, "victim").params() == {"area": LOT, "kind": "victim"}
    assert B.Scan("s", "intruder", radius=8.0).params()["radius"] == 8.0
    assert B.Scan("s", "payload", area=Circle((0, 0), 3)).params()["area"] == Circle((0, 0), 3)
    assert B.PickUp("p", "medkit", GATE).params() == {"payload": "medkit", "station": GATE}
    assert B.DropOff("d", GATE).params() == {"payload": None, "station": GATE}
    assert B.Dock("d").params() == {"dock": None}
    assert B.Charge("c", 90.0).params() == {"until": 90.0}
    assert B.SetSpeed("s", 0.4).params() == {"speed": 0.4}
    assert B.SetGait("g", "auto").params() == {"gait": "auto"}
    assert B.Stand("s").params() == {} and B.Sit("s").action == "sit"


@pytest.mark.parametrize(("build", "message"), [
    (lambda: B.GoTo("g", (1, 2)), "target must be a Place"),  # type: ignore[arg-type]
    (lambda: B.FollowRoute("f", ROUTE, laps=0), "laps must be a whole number >= 1"),
    (lambda: B.FollowRoute("f", "loop"), "route must be a Route"),  # type: ignore[arg-type]
    (lambda: B.SearchArea("s", LOT, "cats"), "kind must be one of victim, intruder, payload"),
    (lambda: B.SearchArea("s", "lot", "victim"), "area must be a Rect"),  # type: ignore[arg-type]
    (lambda: B.Scan("s", "victim"), "exactly one of radius and area"),
    (lambda: B.Scan("s", "victim", radius=-1.0), "radius must be > 0 m"),
    (lambda: B.PickUp("p", "", GATE), "payload must be a payload name"),
    (lambda: B.Dock("d", "dock"), "dock must be a Place"),  # type: ignore[arg-type]
    (lambda: B.Charge("c", 120.0), "until must be between 0 and 100 %"),
    (lambda: B.Charge("c", float("nan")), "must be a finite number"),
    (lambda: B.SetSpeed("s", 0.0), "speed must be > 0 m/s"),
    (lambda: B.SetGait("g", "gallop"), "gait must be one of trot, crawl, stairs, auto"),
])
def test_bad_values_are_refused(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        build()
