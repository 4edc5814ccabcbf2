"""A resuming guard in BehaviorTree.CPP v4: the guarded part goes on where its handler cut in.

Our guard (``bt_runtime.behaviours.guard``) keeps the rest's progress across its handler, and only
across its handler: when the rest fails, or is stopped for any other reason (a timeout, a
``parallel any`` that ended, a restarting guard above it), it starts from its first statement the
next time. BehaviorTree.CPP has no built-in node that does both: ``Sequence`` forgets its place on
every halt, and ``SequenceWithMemory`` keeps it on every halt *and* on failure (a ``retry`` around
the guard would go on at the failed step instead of starting over). So the progress is kept in
the tree's own blackboard, with BehaviorTree.CPP's pre- and post-conditions on plain nodes:

* the rest is a ``Sequence``; child k carries ``_skipIf="R > k"`` and ``_onSuccess="R := k+1"``,
  so ``R`` counts the statements done and a re-entered rest skips them;
* the guard is ``Sequence[Script(init), ReactiveSequence[check, rest]]``; the Script, run each
  time the guard is entered, sets ``R := 0`` (a fresh start) unless ``@qm_resuming`` is true;
* the rest's ``_onHalted`` notes ``H := true`` (it was running when cut off); the handler starts
  with ``@qm_resuming := false`` and ends with ``@qm_resuming := H; H := false``, so the rest,
  ticked in the same tick, is re-entered with ``@qm_resuming`` true only if it was interrupted;
* the first statement re-entered that is not itself a resuming guard clears ``@qm_resuming``
  (in its ``_skipIf``, only when it is not skipped): the interrupted statement restarts, and
  anything entered after it starts fresh. A resuming guard on the way passes the flag on, so a
  guard inside the guarded part of another resumes too when the outer handler is done.

``R`` and ``H`` are named ``qm_rest_N``/``qm_held_N`` in the blackboard of the tree (MainTree or
the task's own SubTree) that holds the guard, so two calls of a task keep apart; ``@qm_resuming``
is on the root blackboard, set false by the main tree's first Script. The ternary in the init
Script reads ``R`` only when resuming, which happens only after the guard was entered once.
Finer progress is still ours only: inside the interrupted statement (a nested ``Sequence``, a
``Repeat``'s count, a called task's body) BehaviorTree.CPP starts over.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

__all__ = ["RESUMING", "ResumeMarks"]

#: The root-blackboard flag: true from a resuming guard's handler's end until the interrupted
#: statement is re-entered.
RESUMING = "@qm_resuming"


@dataclass
class ResumeMarks:
    """Numbers the resuming guards of one export and writes their pre- and post-conditions."""

    _count: int = 0
    #: ``id()`` of each guard element made here (a resuming guard passes the flag on).
    _guards: set[int] = field(default_factory=set)

    @property
    def used(self) -> bool:
        """Whether the export has a resuming guard (then the main tree clears the flag first)."""
        return self._count > 0

    def guard(self, reactive: ET.Element, name: str) -> ET.Element:
        """``reactive`` (``ReactiveSequence[Fallback[Inverter, handler], rest]``), made resuming."""
        self._count += 1
        rest_var, held = f"qm_rest_{self._count}", f"qm_held_{self._count}"
        check, rest = reactive[0], reactive[1]
        handler = check[1]
        handler.insert(0, ET.Element("Script", {"code": f"{RESUMING} := false"}))
        handler.append(ET.Element("Script", {"code": f"{RESUMING} := {held}; {held} := false"}))
        rest.set("_onHalted", f"{held} := true")
        for k, statement in enumerate(rest):
            skip = f"{rest_var} > {k}"
            earlier = statement.get("_skipIf")
            if earlier is not None:  # a step of the `retry later` section: skipped either way
                skip = f"{skip} || ({earlier})"
            if id(statement) not in self._guards:  # entered, not skipped: the resume ends here
                skip = f"{RESUMING} := {RESUMING} && ({skip}); {skip}"
            statement.set("_skipIf", skip)
            done = f"{rest_var} := {k + 1}"
            earlier = statement.get("_onSuccess")
            statement.set("_onSuccess", done if earlier is None else f"{earlier}; {done}")
        init = (f"{rest_var} := {RESUMING} ? {rest_var} : 0; "
                f"{held} := {RESUMING} ? {held} : false")
        wrapper = ET.Element("Sequence", {"name": name})
        wrapper.extend([ET.Element("Script", {"code": init}), reactive])
        self._guards.add(id(wrapper))
        return wrapper

    def start(self) -> ET.Element:
        """The main tree's first statement: nothing is being resumed."""
        return ET.Element("Script", {"code": f"{RESUMING} := false"})
