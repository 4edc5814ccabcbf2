"""The one seam between the mission runtime and a simulated (or real) quadruped.

The runtime talks to every backend through :class:`LocomotionBackend`; each backend lives in its own
module and is imported lazily by :func:`locomotion.backends.make_backend`, so that importing this
module costs nothing (parsing a mission must never load pybullet).

Units are SI throughout: metres, seconds, radians for angles in state, newton-seconds for impulses,
watt-hours for energy, kilograms for mass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from locomotion.world import Point, Shape, TerrainKind, World

if TYPE_CHECKING:  # the terrain module pulls numpy; importing this module must stay free
    from locomotion.terrain import TerrainMap

__all__ = [
    "Command",
    "ContactInfo",
    "GaitParams",
    "GoTo",
    "LocomotionBackend",
    "NavStatus",
    "Pose",
    "RobotState",
    "SetGait",
    "Sit",
    "Stand",
    "Stop",
    "TerrainEstimate",
    "Velocity",
    "WorldChanges",
]


@dataclass(frozen=True)
class Pose:
    """Position (m) and orientation (rad) of the trunk in the world frame."""

    x: float
    y: float
    z: float = 0.0
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0

    @property
    def xy(self) -> Point:
        return (self.x, self.y)


# ------------------------------------------------------------------------------------- commands
@dataclass(frozen=True)
class GoTo:
    """Walk to ``goal`` (planning around what cannot be crossed); ``speed`` caps the pace (m/s)."""

    goal: Point
    yaw: float | None = None
    speed: float | None = None
    tolerance: float = 0.3


@dataclass(frozen=True)
class Velocity:
    """Walk with a body-frame velocity: forward ``vx``, left ``vy`` (m/s), turn ``wz`` (rad/s)."""

    vx: float
    vy: float = 0.0
    wz: float = 0.0


@dataclass(frozen=True)
class Stand:
    """Stand still on four feet at the nominal body height."""


@dataclass(frozen=True)
class Sit:
    """Lower the trunk to rest; the robot draws only idle power."""


@dataclass(frozen=True)
class Stop:
    """Stop moving now and stand; cancels any goal."""


@dataclass(frozen=True)
class SetGait:
    """Force a gait by name ("trot", "crawl", "stairs"), or ``None`` to adapt to the terrain."""

    gait: str | None


Command = GoTo | Velocity | Stand | Sit | Stop | SetGait


# ---------------------------------------------------------------------------------------- state
class NavStatus:
    """What became of the last :class:`GoTo`. Plain strings so logs and UIs read them directly."""

    IDLE = "idle"
    ACTIVE = "active"
    REACHED = "reached"
    FAILED = "failed"


@dataclass(frozen=True)
class TerrainEstimate:
    """What the robot believes the ground is, from its own senses (never the map's label)."""

    underfoot: TerrainKind
    ahead: TerrainKind
    confidence: float


@dataclass(frozen=True)
class ContactInfo:
    """Foot contacts in the order FR, FL, RR, RL, and whether the trunk touches the ground."""

    feet: tuple[bool, bool, bool, bool]
    trunk: bool = False
    slip: float = 0.0


@dataclass(frozen=True)
class RobotState:
    """Everything a backend reports after a step."""

    time: float
    pose: Pose
    velocity: tuple[float, float, float]
    terrain: TerrainEstimate
    gait: str
    energy_used: float
    fallen: bool
    stuck: bool
    contacts: ContactInfo
    nav_status: str = NavStatus.IDLE
    nav_reason: str = ""
    path: tuple[Point, ...] = ()
    payload_mass: float = 0.0
    extras: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GaitParams:
    """How to walk: shared by the gait table, the physics controller and the kinematic twin."""

    name: str
    period: float
    duty: float
    swing_height: float
    body_height: float
    speed_cap: float
    stance_width: float = 0.0
    lift_then_step: bool = False


# -------------------------------------------------------------------------------------- protocol
@runtime_checkable
class LocomotionBackend(Protocol):
    """A simulated quadruped that walks where it is told and reports what happened."""

    def reset(
        self,
        world: World,
        start: Pose,
        seed: int | None = None,
        terrain: TerrainMap | None = None,
    ) -> RobotState:
        """Place the robot at ``start`` in ``world``.

        Args:
            world: the site.
            start: where the robot stands up.
            seed: seeds all of the backend's own randomness (sensor noise...); the same seed gives
                the same states.
            terrain: the run's terrain map of ``world``: the ground the backend simulates and plans
                over, shared with whatever else needs the ground (line of sight). None: the
                world's default ground, ``locomotion.terrain.terrain_for(world)`` (texture seed 0),
                the same on every backend.

        Raises:
            ValueError: ``start`` is not walkable, or ``terrain`` is the map of another world.
        """
        ...

    @property
    def terrain_map(self) -> TerrainMap | None:
        """The terrain map of the last :meth:`reset` (None before the first)."""
        ...

    def command(self, command: Command) -> None:
        """Replace the current command. Never blocks."""
        ...

    def step(self, dt: float) -> RobotState:
        """Advance the simulation by ``dt`` seconds and return the new state."""
        ...

    def apply_push(self, impulse: float, direction: float, duration: float = 0.1) -> None:
        """Push the trunk with ``impulse`` N·s towards world heading ``direction`` (rad), spread over
        ``duration`` seconds of the following steps."""
        ...

    def set_payload(self, mass: float) -> None:
        """Carry ``mass`` kg on the trunk (0 to unload)."""
        ...

    def close(self) -> None:
        """Release the simulator. Safe to call twice."""
        ...


@runtime_checkable
class WorldChanges(Protocol):
    """A backend whose world may change mid-run (both built-in backends; a test double may not).

    Kept apart from :class:`LocomotionBackend` so that a backend without it still runs: the runtime
    then only enforces closures as a gate on the planned path.
    """

    def close_region(self, name: str, shape: Shape) -> None:
        """Close ``shape`` (called ``name``) to walking until the next :meth:`reset`: ``GoTo``
        plans around it from now on (an active walk replans at once; it fails, saying so, when no
        detour exists), and a robot standing in it may walk out."""
        ...
