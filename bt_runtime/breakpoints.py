"""Breakpoints on tree nodes: the run pauses *before* a node ticks, inside the tick in flight.

Why inside the tick: py_trees ticks a tree as one generator walk, and only the walk knows which
node comes next (a selector may skip a child, a sequence may stop early). So a breakpointed node's
``tick`` is wrapped (an instance attribute over the class's generator method, removed when the
breakpoint is cleared) and, when the walk reaches it while it is not already running (a fresh
entry: a walk being started, a condition being evaluated), calls the run's ``hold`` first
(:meth:`bt_runtime.commandhandlers.CommandHandlers.hold`).
``hold`` waits, polling the operator's commands, until resume, step or abort; abort raises
:class:`AbortedAtBreakpoint`, which unwinds the walk so the node never ticks.

Each breakpoint is owned by the monitors (origins) that set it: :meth:`Breakpoints.release` clears
a disconnected monitor's, so a monitor that goes away never leaves the robot held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from py_trees.behaviour import Behaviour
from py_trees.common import Status

__all__ = ["AbortedAtBreakpoint", "Breakpoints"]


class AbortedAtBreakpoint(Exception):
    """The operator aborted while the run was held before a node: the tick is abandoned."""


class Breakpoints:
    """The run's breakpoints by node id, each with the set of monitors that hold it.

    Args:
        nodes: every py_trees node of the run, by node id.
        hold: called with a node id when the walk reaches that breakpointed node; returns when
            the run may go on (or raises :class:`AbortedAtBreakpoint`).
    """

    def __init__(self, nodes: Mapping[str, Behaviour], hold: Callable[[str], None]) -> None:
        self._nodes = nodes
        self._hold = hold
        self._owners: dict[str, set[str]] = {}

    def ids(self) -> frozenset[str]:
        """The nodes with a breakpoint now."""
        return frozenset(self._owners)

    def set(self, node_id: str, enabled: bool, origin: str) -> bool:
        """Set (``enabled``) or clear ``origin``'s breakpoint on ``node_id``.

        Returns:
            False if the tree has no node ``node_id`` (nothing changes).
        """
        if node_id not in self._nodes:
            return False
        owners = self._owners.get(node_id)
        if enabled:
            if owners is None:
                owners = self._owners[node_id] = set()
                self._install(node_id)
            owners.add(origin)
        elif owners is not None:
            del self._owners[node_id]  # clearing is for everyone: the operator asked for it
            self._uninstall(node_id)
        return True

    def release(self, origin: str) -> list[str]:
        """Clear every breakpoint only ``origin`` held; returns the node ids cleared."""
        cleared = []
        for node_id, owners in list(self._owners.items()):
            owners.discard(origin)
            if not owners:
                del self._owners[node_id]
                self._uninstall(node_id)
                cleared.append(node_id)
        return cleared

    def _install(self, node_id: str) -> None:
        node = self._nodes[node_id]
        original = type(node).tick.__get__(node)

        def guarded() -> Iterator[Behaviour]:
            if node_id in self._owners and node.status is not Status.RUNNING:
                self._hold(node_id)
            yield from original()

        node.tick = guarded  # type: ignore[method-assign]

    def _uninstall(self, node_id: str) -> None:
        node = self._nodes[node_id]
        if "tick" in vars(node):
            del node.tick
