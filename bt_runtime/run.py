"""``mission run``, ``mission replay`` and ``mission runs``: the command functions (their flags are
declared in :mod:`bt_runtime.cli`, which imports this module only when one of them is chosen).

``mission run FILE`` checks and compiles the mission (diagnostics and exit 2 if it has errors),
builds the world, the robot and the backend, starts the robot on the world's first dock (or, with no
dock, at the first waypoint of the world; failing that, the centre of the world), and runs the
executor with a durable log (``runs/<mission>-<time>-<seed>.sqlite`` by default), an optional live
stream, and a progress line on stderr. It prints the final report and exits 0 when the mission
succeeded, 1 when it failed or was aborted, 2 on bad input.

Seeds: without ``--seed`` a random seed is drawn and printed, so every run can be reproduced.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bt_runtime.events import RunStarted, collect_versions, new_run_id
from bt_runtime.executor import EventSink, Executor, Fault
from bt_runtime.faults import FaultSpecError, parse_fault
from bt_runtime.report import Progress, RunReport
from bt_runtime.robot import RobotConfig, RobotContext, start_pose

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "Mission",
    "MissionError",
    "ProgressLine",
    "default_log_path",
    "load_mission",
    "replay_main",
    "run_main",
    "runs_main",
    "simulate",
]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class MissionError(Exception):
    """The mission cannot be run; the message is what to print (diagnostics or one line)."""


@dataclass(frozen=True)
class Mission:
    """A compiled mission ready to run: the tree and everything around it."""

    path: str
    source: str
    compiled: Any  # dsl.compiler.CompiledMission (dsl imported lazily)

    @property
    def name(self) -> str:
        return str(self.compiled.name)


def load_mission(path: str) -> Mission:
    """Check and compile the mission at ``path``.

    Raises:
        MissionError: missing file, errors in the mission (the rendered diagnostics), no ``main``,
            or no world.
    """
    from dsl.api import check_paths
    from dsl.commands import missing_files
    from dsl.compiler import CompileError, compile_mission

    problems = missing_files([path])
    if problems:
        raise MissionError("\n".join(problems))
    report = check_paths([path])
    if report.has_errors or not report.programs:
        raise MissionError(report.render() or f"mission: error: {path}: cannot be read")
    checked = report.programs[0]
    if checked.main is None:
        raise MissionError(f"mission: error: {path}: no `main` block, nothing to run")
    try:
        compiled = compile_mission(checked)
    except CompileError as exc:
        raise MissionError(f"mission: error: {exc}") from None
    if compiled.world is None:
        raise MissionError(f"mission: error: {path}: the mission names no `world` to run in")
    source = report.sources.get(checked.path, "")
    return Mission(path, source, compiled)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "mission"


def default_log_path(mission: str, seed: int, folder: str = "runs") -> Path:
    """``runs/<mission>-<UTC time>-<seed>.sqlite``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return Path(folder) / f"{_slug(mission)}-{stamp}-{seed}.sqlite"


def simulate(
    mission: Mission,
    backend: Any,
    seed: int,
    *,
    backend_name: str = "",
    log: EventSink | None = None,
    stream: Any = None,
    faults: Sequence[Fault] = (),
    realtime: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    on_executor: Callable[[Executor], None] | None = None,
) -> RunReport:
    """Run ``mission`` on an (un-reset) ``backend`` with ``seed``; returns the final report.

    Raises:
        MissionError: the start pose is not walkable in this world.
    """
    compiled = mission.compiled
    world = compiled.world
    config = RobotConfig.from_properties(compiled.robot)
    ctx = RobotContext(backend, world, config, seed=seed)
    pose, where = start_pose(world)
    try:
        ctx.start(pose)
    except ValueError as exc:  # the backend refuses the start (in water, an obstacle...)
        raise MissionError(f"mission: error: cannot start on the {where}: {exc}") from None
    started = RunStarted(
        run_id=new_run_id(),
        mission=mission.name,
        source=mission.source,
        source_path=os.path.abspath(mission.path),
        seed=seed,
        backend=backend_name,
        versions=collect_versions(),
        tick_rate=compiled.tick_rate,
        started_at=time.time(),
    )
    executor = Executor(
        compiled.root,
        ctx,
        compiled.tick_rate,
        time_limit=compiled.time_limit,
        log=log,
        stream=stream,
        started=started,
        realtime=realtime,
        faults=faults,
        on_progress=on_progress,
    )
    if on_executor is not None:
        on_executor(executor)
    return executor.run()


class ProgressLine:
    """The progress display: one updating line on a terminal, a line every 30 sim-s otherwise."""

    def __init__(self, out: TextIO, tty: bool | None = None, every: float = 30.0) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.every = every
        self._next = 0.0
        self._shown = False

    @staticmethod
    def text(p: Progress) -> str:
        state = " [paused]" if p.paused else ""
        doing = f"{p.action}: {p.feedback}" if p.feedback else p.action or "-"
        return (
            f"t={p.sim_time:7.1f} s  battery {p.battery:5.1f} %  {p.terrain}/{p.gait}{state}  "
            f"{doing}"
        )

    def __call__(self, p: Progress) -> None:
        if self.tty:
            width = max(40, shutil.get_terminal_size((120, 24)).columns - 1)
            self.out.write("\r" + self.text(p)[:width] + "\x1b[K")
            self.out.flush()
            self._shown = True
        elif p.sim_time >= self._next:
            self._next = p.sim_time + self.every
            self.out.write(self.text(p) + "\n")
            self.out.flush()

    def close(self) -> None:
        if self.tty and self._shown:
            self.out.write("\n")
            self.out.flush()


def _stream_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--stream {text!r}: write HOST:PORT, e.g. 127.0.0.1:8765")
    return host, int(port)


def _err(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_BAD_INPUT


def run_main(args: argparse.Namespace) -> int:
    """``mission run``: returns 0 on mission success, 1 on failure or abort, 2 on bad input."""
    try:
        mission = load_mission(args.file)
    except MissionError as exc:
        return _err(str(exc))
    world = mission.compiled.world
    try:
        faults = [parse_fault(spec, world) for spec in args.fault]
    except FaultSpecError as exc:
        return _err(f"mission: error: {exc}")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    from bt_runtime.eventlog import EventLogError, EventLogWriter
    from locomotion.backend import make_backend

    log_path = Path(args.log) if args.log else default_log_path(mission.name, seed)
    if not args.log:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    stream = None
    if args.stream:
        from bt_runtime.stream import StreamError, StreamServer

        try:
            host, port = _stream_address(args.stream)
            stream = StreamServer(host, port)
            stream.start()
        except (ValueError, StreamError) as exc:
            return _err(f"mission: error: {exc}")
        print(stream.banner(), file=sys.stderr)
    try:
        log = EventLogWriter(log_path)
    except EventLogError as exc:
        if stream is not None:
            stream.close()
        return _err(f"mission: error: --log: {exc}")
    options = {"gui": True} if args.gui and args.backend == "pybullet" else {}
    if args.gui and args.backend != "pybullet":
        print("mission: note: --gui only applies to the pybullet backend", file=sys.stderr)
    progress = ProgressLine(sys.stderr)
    holder: list[Executor] = []
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: object) -> None:
        if holder:
            holder[0].abort()

    try:
        backend = make_backend(args.backend, **options)
    except (ImportError, ValueError) as exc:
        log.close()
        if stream is not None:
            stream.close()
        return _err(f"mission: error: --backend: {exc}")
    if not args.quiet:
        print(
            f"running {mission.name!r} on {args.backend}, seed {seed}, log {log_path}",
            file=sys.stderr,
        )
    try:
        signal.signal(signal.SIGINT, on_interrupt)
        report = simulate(
            mission,
            backend,
            seed,
            backend_name=args.backend,
            log=log,
            stream=stream,
            faults=faults,
            realtime=args.realtime,
            on_progress=None if args.quiet else progress,
            on_executor=holder.append,
        )
    except MissionError as exc:
        return _err(str(exc))
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
        log.close()
        backend.close()
        if stream is not None:
            stream.close()
    print("\n".join(report.lines()))
    print(f"log:       {log_path} (seed {seed}, {args.backend})")
    return EXIT_OK if report.outcome == "success" else EXIT_FAILED


def _quiet_pipe(command: Callable[[], int]) -> int:
    """Run ``command``; if stdout's reader went away (``mission replay LOG | head``), stop quietly."""
    try:
        return command()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail
        return EXIT_OK


def replay_main(args: argparse.Namespace) -> int:
    """``mission replay LOG``: print a recorded run (bt_runtime.replay does the work)."""
    from bt_runtime import replay

    return _quiet_pipe(
        lambda: replay.replay_main(args.log, sys.stdout, sys.stderr, telemetry_every=args.every)
    )


def runs_main(args: argparse.Namespace) -> int:
    """``mission runs [FOLDER]``: list recorded runs with their outcome."""
    from bt_runtime import replay

    return _quiet_pipe(lambda: replay.runs_main(args.folder, sys.stdout, sys.stderr))
