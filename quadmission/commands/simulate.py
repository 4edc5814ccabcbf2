"""``mission simulate FILE --runs N``: a pre-deployment campaign of randomised runs, judged.

Check and compile the mission (the same :func:`~quadmission.loading.check_runnable` as ``run``),
pre-check it statically (:mod:`quadmission.campaign.precheck`: a mission that cannot succeed is
refused before any run), then run what is left of the campaign on the chosen executor into
``OUT/campaign.sqlite``, print the report and write ``OUT/report.md`` with its plots. Running the
same command again continues an interrupted campaign.

Exit status: 0 every requirement GO; 1 a NO-GO (or a mission refused by the pre-check); 5 none
NO-GO but some still UNDECIDED; 2 bad input; 130 interrupted (the stored runs are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path

from quadmission.commands.output import print_text
from quadmission.exit_codes import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNDECIDED,
    EXIT_USAGE,
)
from quadmission.loading import MissionError, check_runnable, to_mission
from quadmission.run_interrupts import route_signals

__all__ = ["main"]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "mission"


#: The most runs one campaign plans: it holds the list of its runs in memory (10**12 runs hung,
#: then ran out of it), and a million already takes days on a workstation.
MAX_RUNS = 1_000_000


def _usage(args: argparse.Namespace) -> str | None:
    if args.runs < 1:
        return f"--runs {args.runs}: give at least 1 run"
    if args.runs > MAX_RUNS:
        return (f"--runs {args.runs}: at most {MAX_RUNS:,} runs in one campaign; run several "
                "campaigns with different --seed")
    if args.out is not None and not args.out.strip():
        return "--out '': give a folder (or leave --out out for campaigns/<mission>-seed<S>)"
    if args.out and os.path.lexists(args.out) and not os.path.isdir(args.out):
        return (f"--out {args.out}: not a folder; a campaign writes campaign.sqlite, logs/ and "
                "report.md into a folder: give a new or existing folder")
    if args.seed is not None and args.seed < 0:
        return f"--seed {args.seed}: a campaign seed is a non-negative integer"
    if args.workers is not None and args.workers < 1:
        return f"--workers {args.workers}: give at least 1 worker"
    if args.crosscheck < 0:
        return f"--crosscheck {args.crosscheck}: give a number of runs >= 0"
    return None


@contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP end a campaign as Ctrl-C does (the stored runs are kept, the workers
    shut down, exit 130): by default they killed this process at once and left its worker
    processes running."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    with ExitStack() as stack:
        route_signals(stack, (signal.SIGTERM, signal.SIGHUP), interrupt)
        yield


def _executor(args: argparse.Namespace, stack: ExitStack):  # type: ignore[no-untyped-def]
    from quadmission.campaign.executors import (
        InProcessExecutor,
        PoolExecutor,
        RayExecutor,
        available_cores,
    )

    if args.ray is not None:
        executor = RayExecutor(args.ray or None, args.workers)
    else:
        cores = available_cores()
        workers = args.workers or cores
        if workers > cores:  # each worker loads the simulator: more than the cores only costs memory
            print(f"mission: note: --workers {workers}: this process may use {cores} cores; "
                  f"running {cores} workers", file=sys.stderr)
            workers = cores
        executor = InProcessExecutor() if workers == 1 else PoolExecutor(workers)
    stack.callback(executor.close)
    return executor


def main(args: argparse.Namespace) -> int:
    """Run the campaign ``args`` describe (see the module docstring for the exit status)."""
    problem = _usage(args)
    if problem:
        print(f"mission: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        checked = check_runnable(args.file)
        print_text(checked.report.render())
        mission = to_mission(checked)
    except MissionError as exc:
        print_text(str(exc))
        return exc.exit_code
    from quadmission.campaign.precheck import precheck

    pre = precheck(checked, mission)
    if not pre.ok:
        for line in pre.problems:
            print(f"mission: error: {args.file}: cannot succeed: {line}", file=sys.stderr)
        print("mission: note: no run was started; fix the mission or its world", file=sys.stderr)
        return EXIT_FAILED
    return _campaign(args, checked, mission, pre.notes)


def _kept(store) -> str:  # type: ignore[no-untyped-def]
    """How many runs the database holds, for the last line (a number, or "the")."""
    from quadmission.campaign.store import StoreError

    try:
        return str(len(store.done()))
    except StoreError:
        return "the"


def _campaign(args, checked, mission, notes) -> int:  # type: ignore[no-untyped-def]
    from bt_runtime.variation import DEFAULT_VARIATION
    from quadmission.campaign.campaign import run_campaign
    from quadmission.campaign.crosscheck import crosscheck
    from quadmission.campaign.executors import RayUnavailable
    from quadmission.campaign.plan import CampaignSpec, mission_sha256
    from quadmission.campaign.plots import distributions, world_map
    from quadmission.campaign.progress import CampaignProgress
    from quadmission.campaign.report import CampaignReport
    from quadmission.campaign.stats import criteria, verdicts
    from quadmission.campaign.store import CampaignStore, StoreError
    from quadmission.campaign.worker import MissionChanged

    seed = 0 if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("campaigns") / f"{_slug(mission.name)}-seed{seed}"
    variation = mission.compiled.variation or DEFAULT_VARIATION
    crits = criteria(mission.compiled.requirements)
    digest = mission_sha256(checked, mission)
    spec = CampaignSpec(str(Path(args.file).resolve()), args.backend, str(out / "logs"),
                        tuple(args.inject_error), digest)
    with ExitStack() as stack:
        stack.enter_context(_stop_signals_interrupt())
        try:
            (out / "logs").mkdir(parents=True, exist_ok=True)  # before any run needs it
            store = CampaignStore(out / "campaign.sqlite")
            stack.callback(store.close)
            store.bind({
                "mission": str(Path(args.file).resolve()),
                # the mission's text and the world it compiled to (a changed world file counts)
                "mission_sha256": digest,
                "seed": str(seed), "backend": args.backend, "runs": str(args.runs),
                "variation": json.dumps(asdict(variation), sort_keys=True),
                "requirements": json.dumps([asdict(r) for r in mission.compiled.requirements]),
            })
        except OSError as exc:  # the folder cannot be made or written (read-only, a file on the way)
            where = exc.filename or out
            print(f"mission: error: --out {out}: cannot write {where}: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_USAGE
        except StoreError as exc:
            print(f"mission: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        try:
            executor = _executor(args, stack)
        except (RayUnavailable, OSError) as exc:  # not the --out folder: said as it is
            print(f"mission: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        for line in notes:
            print(f"pre-check: {line}", file=sys.stderr)
        done = len([i for i in store.done() if i < args.runs])
        if done:
            print(f"resuming: {done} of {args.runs} runs already in {store.path}", file=sys.stderr)
        try:
            with CampaignProgress(args.runs, done, quiet=args.quiet) as progress:
                run = run_campaign(spec, store, executor, runs=args.runs, seed=seed, crits=crits,
                                   until_decided=args.until_decided, on_results=progress)
        except KeyboardInterrupt:
            print(f"mission: interrupted: {_kept(store)} runs are stored in {store.path}; run "
                  "the same command again to continue", file=sys.stderr)
            return EXIT_INTERRUPTED
        except (StoreError, MissionChanged) as exc:  # a damaged row, a full disk, an edit
            print(f"mission: error: {exc}", file=sys.stderr)
            print(f"mission: note: {_kept(store)} runs are stored; once that is fixed, the same "
                  "command continues the campaign", file=sys.stderr)
            return EXIT_USAGE
        judged = list(run.results)
        if args.until_decided and run.decided_at is not None:
            judged = [r for r in judged if r.index < run.decided_at]
        final = verdicts(crits, judged, sequential=args.until_decided)
        cross = crosscheck(spec, executor, judged, args.crosscheck) if args.crosscheck else None
        report = CampaignReport(mission, tuple(judged), tuple(final), seed, args.backend,
                                variation, store.path, notes, run.decided_at, cross)
        print("\n".join(report.lines()))
        try:
            world_map(mission.compiled.world, judged, out / "map.png")
            distributions(judged, out / "distributions.png")
            path = report.write_markdown(out, "map.png", "distributions.png")
        except OSError as exc:  # a full disk, a folder where report.md belongs...
            print(f"mission: error: --out {out}: cannot write the report: "
                  f"{exc.filename or out}: {exc.strerror or exc}; every run is stored, so the "
                  "same command writes it again once that is fixed", file=sys.stderr)
            return EXIT_USAGE
        print(f"report:   {path}")
    decisions = {v.decision for v in final}
    if "NO-GO" in decisions:
        return EXIT_FAILED
    return EXIT_UNDECIDED if "UNDECIDED" in decisions else EXIT_OK
