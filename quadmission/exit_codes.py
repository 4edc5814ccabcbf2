"""The one table of exit statuses of the ``mission`` command; every command returns one of these.

========  ====================  ==============================================================
status    name                  meaning
========  ====================  ==============================================================
0         ``EXIT_OK``           all is well (warnings allowed); the mission ran to success
1         ``EXIT_ERRORS``       a file has errors (or cannot be shown/compiled/run as written)
1         ``EXIT_FAILED``       the mission ran and failed or was aborted; a run log is unreadable
2         ``EXIT_USAGE``        usage or bad input: a bad flag, a missing file, a bad fault spec,
                                an unwritable output, a backend that cannot be built
3         ``EXIT_MISSED``       the mission ran to success but missed one of its ``require``
                                lines (each verdict is in the report and the run log)
4         ``EXIT_DISK_FULL``    the run was aborted because its log could not be written (disk
                                full, over a size limit, or failing); the log holds every tick
                                committed before, so it replays up to there
5         ``EXIT_UNDECIDED``    ``mission simulate``: no NO-GO, but some requirement is still
                                UNDECIDED after the runs (run more, or ``--until-decided``)
130       ``EXIT_INTERRUPTED``  interrupted by Ctrl-C, at start-up or mid-run (128 + SIGINT)
========  ====================  ==============================================================

``EXIT_ERRORS`` and ``EXIT_FAILED`` share 1 on purpose: to a script both say "this did not work,
and the output says why"; the two names say which case a line of code means. ``EXIT_MISSED``
is apart from both: the mission did what it was told, but not as well as it promised (a failed
run that also missed a requirement is ``EXIT_FAILED``: the failure comes first).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "EXIT_DISK_FULL",
    "EXIT_ERRORS",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_MISSED",
    "EXIT_OK",
    "EXIT_UNDECIDED",
    "EXIT_USAGE",
]

EXIT_OK: Final = 0
EXIT_ERRORS: Final = 1
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_MISSED: Final = 3
EXIT_DISK_FULL: Final = 4
EXIT_UNDECIDED: Final = 5
EXIT_INTERRUPTED: Final = 130
