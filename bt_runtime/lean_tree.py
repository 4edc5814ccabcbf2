"""A py_trees ``BehaviourTree`` whose tick skips the whole-tree walk when no visitor needs it.

:meth:`py_trees.trees.BehaviourTree.tick` (py_trees 2.x) runs, after ticking, a loop over
``root.iterate()`` — every node of the tree, through a generator as deep as the tree — to show each
node to the *full* visitors; it runs that loop even when no visitor is full, to visit nobody. On
the 139-node logistics tree that walk is about three quarters of a bare tick, and it is paid on
every tick of every run (a quarter of a kinematic mission's wall time, and so of a campaign's).

:class:`LeanBehaviourTree` keeps everything else of py_trees' tick: the one-shot and registered
pre-tick handlers, each visitor's ``initialise``/``finalise``, every ticked node shown to the
non-full visitors, the post-tick handlers, the count. It differs only in leaving out a loop that
would visit nobody; the moment a full visitor is added, the walk is py_trees' own again (the
upstream ``tick`` runs). A test compares the two on the same tree, hook by hook.

The tick itself runs through :class:`bt_runtime.fast_tick.DirectTick` (py_trees' node ticks as
plain calls, without the generator chain and the debug formatting), unless ``direct`` is False or
py_trees' log level is DEBUG (then the debug lines are wanted: the generators run and print them).
"""

from __future__ import annotations

from collections.abc import Callable

import py_trees

from bt_runtime.fast_tick import DirectTick, verified

__all__ = ["LeanBehaviourTree"]

TickHandler = Callable[[py_trees.trees.BehaviourTree], None]


class LeanBehaviourTree(py_trees.trees.BehaviourTree):
    """:class:`py_trees.trees.BehaviourTree` without the empty full-visitor walk per tick.

    Args:
        root: the tree's root.
        direct: tick through :class:`~bt_runtime.fast_tick.DirectTick` (False: py_trees'
            generators, for comparison; None: direct when the installed py_trees is a release
            the direct tick was compared against, :func:`bt_runtime.fast_tick.verified`).
    """

    def __init__(self, root: py_trees.behaviour.Behaviour, direct: bool | None = None) -> None:
        super().__init__(root)
        self.direct = verified() if direct is None else direct
        self._direct_tick = DirectTick()

    def tick(
        self,
        pre_tick_handler: TickHandler | None = None,
        post_tick_handler: TickHandler | None = None,
    ) -> None:
        """Tick the tree once, as py_trees does, minus the walk when no visitor is full.

        Args:
            pre_tick_handler: a one-shot handler run before the tick.
            post_tick_handler: a one-shot handler run after the tick.
        """
        if any(visitor.full for visitor in self.visitors):
            super().tick(pre_tick_handler, post_tick_handler)
            return
        if pre_tick_handler is not None:
            pre_tick_handler(self)
        for handler in self.pre_tick_handlers:
            handler(self)
        visitors = list(self.visitors)
        for visitor in visitors:
            visitor.initialise()
        if self.direct and py_trees.logging.level >= py_trees.logging.Level.INFO:
            ticker = self._direct_tick
            ticker.begin(visitors)
            ticker.tick(self.root)
        else:
            for node in self.root.tick():
                for visitor in visitors:
                    node.visit(visitor)
        for visitor in visitors:
            visitor.finalise()
        for handler in self.post_tick_handlers:
            handler(self)
        if post_tick_handler is not None:
            post_tick_handler(self)
        self.count += 1
