"""What changed in the tree during a tick, seen through py_trees' own visitor hook.

:class:`TickWatch` is a :class:`py_trees.visitors.VisitorBase` that
:meth:`py_trees.trees.BehaviourTree.tick` runs on every node it ticks. From that it knows, per tick:

* the **status changes**, halted nodes included. Only two kinds of node can have changed: those
  ticked this tick (the visitor sees them) and those that were not INVALID after the last tick (a
  halted branch turns INVALID without being ticked). Nothing else can have changed, so the whole
  tree is never walked for changes (the visitor is not ``full``);
* the **lines written** (``report``/``alert``) and the node that wrote each. A leaf writes its
  line in ``update()`` and py_trees visits it right after, before any other node ticks, so the line
  written while ``k`` nodes had been visited belongs to the ``k``-th visited node: it is attributed
  to the node object itself, never matched back by name (names are not unique). The list the
  leaves write to is a :class:`LineLog` that notes that count with each line;
* the **running node** (the first RUNNING node visited is the deepest one) and, for snapshots, the
  status of every node and the active path, by node id.

The visitor holds no events: the executor's post-tick handler turns what it saw into events
stamped with the tick and simulated time.

Cost: py_trees calls ``run`` once per ticked node, so ``run`` is the visited list's own ``append``
(bound afresh each tick in :meth:`TickWatch.initialise`): no Python frame per node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from py_trees.behaviour import Behaviour
from py_trees.common import Status
from py_trees.visitors import VisitorBase

from bt_runtime.behaviours import LogEntry

__all__ = ["LineLog", "NodeChange", "TickWatch", "WrittenLine"]


@dataclass(frozen=True)
class NodeChange:
    """A node's status changed: from ``old`` to ``new``; ``reason`` is its feedback message."""

    node_id: str
    node_path: str
    old: Status
    new: Status
    reason: str


@dataclass(frozen=True)
class WrittenLine:
    """A log line and the node that wrote it (``node_id`` "" if no ticked node wrote it)."""

    entry: LogEntry
    node_id: str
    node_path: str


class LineLog(list[LogEntry]):
    """The list log-line behaviours append to; notes how many nodes were visited at each line.

    Args:
        visits: how many nodes have been visited so far this tick.
    """

    def __init__(self, visits: Callable[[], int]) -> None:
        super().__init__()
        self._visits = visits
        self.marks: list[int] = []
        """For each line, the visit count when it was written (its writer is visited next)."""

    def append(self, entry: LogEntry) -> None:
        self.marks.append(self._visits())
        super().append(entry)


class TickWatch(VisitorBase):
    """Collects one tick's status changes, written lines and running node.

    Args:
        index: for each node of the tree (by ``id()``), its id and path (see ``bt_runtime.tree_model.node_index``).

    Attributes:
        lines: the list to give the tree's log-line behaviours at setup (``log=``).
    """

    def __init__(self, index: Mapping[int, tuple[str, str]]) -> None:
        super().__init__(full=False)
        self._index = index
        # the status recorded of each live node, keyed by the node itself (behaviours hash by
        # identity: py_trees defines no __eq__), so the per-tick scans need no id() and no
        # second table to find the node again
        self._live_status: dict[Behaviour, Status] = {}
        self.visited: list[Behaviour] = []
        self.run = self.visited.append  # type: ignore[method-assign,assignment]  # see the module docstring
        self.lines = LineLog(lambda: len(self.visited))
        self._lines_seen = 0
        self.written: list[WrittenLine] = []
        self.changes: list[NodeChange] = []

    # ------------------------------------------------------------------ py_trees hooks
    def initialise(self) -> None:
        """Before a tick: forget the last tick's visits (fresh lists: callers may keep the old)."""
        self.visited = []
        self.run = self.visited.append  # type: ignore[method-assign,assignment]

    def finalise(self) -> None:
        """After the tick: work out the status changes and who wrote each new line."""
        self.changes = self.collect()
        self.written = self._claim() if len(self.lines) != self._lines_seen else []

    # ------------------------------------------------------------------ queries
    def collect(self) -> list[NodeChange]:
        """Status changes since the last call, among the visited nodes and the nodes live before.

        Also called after a halt outside a tick (the run's end), with nothing visited. A node seen
        twice is compared once: after the first look its recorded status is current.
        """
        changes: list[NodeChange] = []
        status_of = self._live_status
        known = status_of.get
        invalid = Status.INVALID
        for node in self.visited:
            old = known(node, invalid)
            if old is not node.status:
                changes.append(self._change(node, old))
        # a change touches only its own entry, so the stale ones can be listed before any is
        # changed: same order as a walk over a copy of the table, without copying it each tick
        stale = [(node, old) for node, old in status_of.items() if node.status is not old]
        for node, old in stale:
            changes.append(self._change(node, old))
        return changes

    def _change(self, node: Behaviour, old: Status) -> NodeChange:
        new = node.status
        if new is Status.INVALID:
            self._live_status.pop(node, None)
        else:
            self._live_status[node] = new
        node_id, path = self._index[id(node)]
        return NodeChange(node_id, path, old, new, node.feedback_message)

    def _claim(self) -> list[WrittenLine]:
        """The lines written this tick, each with the node visited right after it was written
        (none if no node was: a line written outside a tick keeps only its writer's name)."""
        lines, marks, visited = self.lines, self.lines.marks, self.visited
        out = []
        for i in range(self._lines_seen, len(lines)):
            entry = lines[i]
            mark = marks[i] if i < len(marks) else len(visited)  # added other than by append
            if mark < len(visited):
                node_id, path = self._index[id(visited[mark])]
                out.append(WrittenLine(entry, node_id, path))
            else:
                out.append(WrittenLine(entry, "", entry.node))
        self._lines_seen = len(lines)
        return out

    def running(self) -> Behaviour | None:
        """The deepest node RUNNING after the last tick (py_trees visits children first)."""
        running = Status.RUNNING
        for node in self.visited:
            if node.status is running:
                return node
        return None

    def path_ids(self, node: Behaviour | None) -> tuple[str, ...]:
        """Node ids from the root down to ``node`` (empty for None)."""
        ids: list[str] = []
        while node is not None:
            ids.append(self._index[id(node)][0])
            node = node.parent
        return tuple(reversed(ids))

    def statuses(self) -> dict[str, str]:
        """Status of every node by id (INVALID unless live), as a snapshot carries it."""
        out = {node_id: "INVALID" for node_id, _ in self._index.values()}
        for node, status in self._live_status.items():
            out[self._index[id(node)][0]] = status.value
        return out
