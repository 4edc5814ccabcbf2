"""Pre-deployment campaigns: many randomised runs of one mission, judged against its ``require``
lines (``mission simulate``).

One module per job: :mod:`.plan` (the campaign's inputs and per-run seeds), :mod:`.apply` (a
run's draw turned into faults, robot, world), :mod:`.result` (a finished run to a result row — the
one adapter from the run session's report), :mod:`.worker` (one batch of runs in a worker),
:mod:`.executors` (process pool and Ray behind one interface), :mod:`.store` (the SQLite campaign
database), :mod:`.stats` (intervals, verdicts, the sequential stop rule), :mod:`.precheck` (what
cannot succeed, before any run), :mod:`.campaign` (the loop: resume, progress, stop),
:mod:`.analysis`, :mod:`.report` and :mod:`.plots` (what the operator reads), :mod:`.crosscheck`
(the twin against physics).
"""
