"""Action runners: what each mission action does to the robot, tick by tick.

:data:`RUNNERS` (in :mod:`bt_runtime.actions.runners`) maps each vocabulary action key to the factory of its runner; the
:class:`~bt_runtime.actions.port.ActionPort` looks runners up there by ``behaviour.action``.

Default time limits (simulated seconds from the action's start; failure reason says which):

==========  =============================================================
go_to       30 s + 3x the planned path length at the speed limit
follow      30 s per leg + 3x the route length at the speed limit
search      60 s + 3x the coverage pattern length at the speed limit
scan        10 s + 3x a full turn + 30 s to get up after a fall (about 71 s)
pick_up     as go_to when farther than 1 m, plus 30 s (loading takes 3 s)
drop_off    as go_to when farther than 1 m, plus 30 s (unloading takes 3 s)
dock        as go_to, plus 2 s to settle
charge      60 s + 2x the time the charger needs to reach the target
stand, sit  10 s
set_speed   5 s (completes at once)
set_gait    5 s (completes at once)
==========  =============================================================
"""

from __future__ import annotations

from bt_runtime.actions.base import Runner, Walk
from bt_runtime.actions.port import ActionPort, RunnerFactory
from bt_runtime.actions.runners import RUNNERS

__all__ = ["RUNNERS", "ActionPort", "Runner", "RunnerFactory", "Walk"]
