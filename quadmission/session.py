"""One run of one mission, with every resource it opens held in one :class:`contextlib.ExitStack`.

:func:`run_session` takes a compiled :class:`~quadmission.loading.Mission` (from the same
:func:`~quadmission.loading.load_mission` that ``show`` and ``compile`` use) and opens, in order,
the live stream, the run log, the backend, the progress line and the SIGINT handler. Each is pushed
onto the stack the moment it exists, so whatever fails next — a backend that cannot be built, an
exception in the middle of the run, Ctrl-C — everything already open is closed, newest first.

:func:`simulate` is the run assembly on its own: it builds the robot context and the executor and
runs them; it is kept small and in one place so changes to how a run is assembled land here only.
The robot starts on the world's first dock (or, with no dock, at the first waypoint of the world;
failing that, the centre of the world). Without a seed a random one is drawn and reported, so every
run can be reproduced.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from bt_runtime.assembly import build_context
from bt_runtime.events import RunStarted, collect_versions, new_run_id
from bt_runtime.executor import LOG_LOST, EventSink, Executor, Fault
from bt_runtime.faults import FaultSpecError, parse_fault
from bt_runtime.report import Progress, RunReport
from bt_runtime.robot import RobotConfig, start_pose
from bt_runtime.scenario import ScenarioConfig
from bt_runtime.sensors import SensorModel
from quadmission.exit_codes import (
    EXIT_DISK_FULL,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_MISSED,
    EXIT_OK,
    EXIT_USAGE,
)
from quadmission.loading import Mission, MissionError
from quadmission.progress import ProgressLine
from quadmission.run_interrupts import catch_interrupts

__all__ = [
    "LogSink",
    "Openers",
    "RunOptions",
    "SessionResult",
    "default_log_path",
    "run_session",
    "simulate",
]


class LogSink(EventSink, Protocol):
    """A durable run log the session can close (:class:`bt_runtime.eventlog.EventLogWriter`)."""

    def close(self) -> None: ...


class LiveStream(Protocol):
    """A live stream the session starts, announces and closes (:class:`StreamServer` fits)."""

    def start(self) -> tuple[str, int]: ...

    def banner(self) -> str: ...

    def close(self) -> None: ...


def _open_log(path: Path) -> LogSink:
    from bt_runtime.eventlog import EventLogError, EventLogWriter

    try:
        return EventLogWriter(path)
    except EventLogError as exc:
        raise MissionError(f"mission: error: --log: {exc}", EXIT_USAGE) from None


def _make_runs_folder(folder: Path) -> None:
    """The default folder of run logs (``runs/``), made if it is not there yet.

    Raises:
        MissionError: it cannot be made (a file by that name, no permission): ``EXIT_USAGE``.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        what = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise MissionError(f"mission: error: cannot make the folder of run logs {folder}: {what}; "
                           "move it, or give --log PATH", EXIT_USAGE) from None


def _new_stream(host: str, port: int) -> LiveStream:
    from bt_runtime.stream import StreamServer

    return StreamServer(host, port)


def _open_backend(name: str, options: Mapping[str, Any]) -> Any:
    from locomotion.backends import make_backend

    try:
        return make_backend(name, **options)
    except (ImportError, ValueError) as exc:
        raise MissionError(f"mission: error: --backend: {exc}", EXIT_USAGE) from None


@dataclass(frozen=True)
class Openers:
    """How a session opens its resources. Tests swap one to make it fail or to watch ``close``.

    Each opener raises :class:`MissionError` (``EXIT_USAGE``) when its input is bad.
    """

    log: Callable[[Path], LogSink] = _open_log
    stream: Callable[[str, int], LiveStream] = _new_stream
    backend: Callable[[str, Mapping[str, Any]], Any] = _open_backend


@dataclass(frozen=True)
class RunOptions:
    """What ``mission run`` was asked for, as plain values (the CLI flags, parsed)."""

    backend: str = "pybullet"
    seed: int | None = None
    log: Path | None = None
    stream: str | None = None
    faults: tuple[str, ...] = ()
    realtime: bool = False
    gui: bool = False
    quiet: bool = False
    backend_options: tuple[tuple[str, Any], ...] = ()
    """Extra keyword arguments for the backend (a campaign run's drawn sensor noise)."""


@dataclass(frozen=True)
class SessionResult:
    """A finished run: its report and how to find and reproduce it."""

    report: RunReport
    seed: int
    backend: str
    log_path: Path
    interrupted: bool = False

    @property
    def log_lost(self) -> bool:
        """Whether the run was aborted because its log could not be written (disk full...)."""
        reason = self.report.failure_reason or ""
        return self.report.outcome == "aborted" and reason.startswith(LOG_LOST)

    @property
    def exit_code(self) -> int:
        """``EXIT_OK`` when the mission succeeded and met every ``require`` line it could judge,
        ``EXIT_MISSED`` when it succeeded but missed one, ``EXIT_DISK_FULL`` when its log could not
        be written, ``EXIT_INTERRUPTED`` when Ctrl-C aborted it, ``EXIT_FAILED`` otherwise."""
        if self.log_lost:
            return EXIT_DISK_FULL
        if self.report.outcome != "success":
            return EXIT_INTERRUPTED if self.interrupted else EXIT_FAILED
        return EXIT_MISSED if self.report.missed else EXIT_OK

    def lines(self) -> list[str]:
        """The final report, then where the log is."""
        lines = [
            *self.report.lines(),
            f"log:       {self.log_path} (seed {self.seed}, {self.backend})",
        ]
        if self.log_lost:
            lines.append(
                "           aborted: disk full — the log holds the run up to the last tick it "
                "could write; free some space and run again"
            )
        return lines


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "mission"


def default_log_path(mission: str, seed: int, folder: str = "runs") -> Path:
    """``runs/<mission>-<UTC time>-<token>-<seed>.sqlite``, a name no other run has.

    The random token keeps two runs of the same mission and seed started in the same second
    apart; a name already taken on disk is never returned.

    Args:
        mission: the mission's name (slugged into the file name).
        seed: the run seed.
        folder: where run logs go.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    while True:
        path = Path(folder) / f"{_slug(mission)}-{stamp}-{secrets.token_hex(3)}-{seed}.sqlite"
        if not os.path.lexists(path):
            return path


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
    sensor: SensorModel | None = None,
    scenario_config: ScenarioConfig | None = None,
) -> RunReport:
    """Run ``mission`` on an (un-reset) ``backend`` with ``seed``; returns the final report.

    This is the one place that assembles a run: the robot context and the executor.
    ``sensor`` and ``scenario_config`` replace the robot's default detector and how far the seed
    moves victims and intruders (a campaign's drawn parameters; None keeps the defaults).

    Raises:
        MissionError: the start pose is not walkable in this world (``EXIT_USAGE``).
    """
    compiled = mission.compiled
    world = compiled.world
    if world is None:  # load_mission refuses such a mission; a hand-built one may not
        message = f"mission: error: {mission.path}: the mission names no `world` to run in"
        raise MissionError(message)
    extra = {} if sensor is None else {"sensor": sensor}
    config = RobotConfig.from_properties(compiled.robot, **extra)
    ctx = build_context(backend, world, config, seed, scenario_config=scenario_config)
    ctx.declare_variables(compiled.variables)
    pose, where = start_pose(world)
    try:
        ctx.start(pose)
    except ValueError as exc:  # the backend refuses the start (in water, an obstacle...)
        message = f"mission: error: cannot start on the {where}: {exc}"
        raise MissionError(message, EXIT_USAGE) from None
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
        physics=ctx.physics,
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
        requirements=compiled.requirements,
        temporal=compiled.temporal,
    )
    if on_executor is not None:
        on_executor(executor)
    return executor.run()


def _stream_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise MissionError(
            f"mission: error: --stream {text!r}: write HOST:PORT, e.g. 127.0.0.1:8765", EXIT_USAGE
        )
    return host, int(port)


def _start_stream(stack: ExitStack, text: str, openers: Openers, err: TextIO) -> LiveStream:
    from bt_runtime.stream import StreamError

    host, port = _stream_address(text)
    try:
        stream = openers.stream(host, port)
    except StreamError as exc:
        raise MissionError(f"mission: error: {exc}", EXIT_USAGE) from None
    stack.callback(stream.close)
    try:
        stream.start()
    except StreamError as exc:
        raise MissionError(f"mission: error: {exc}", EXIT_USAGE) from None
    print(stream.banner(), file=err)
    return stream


def _faults(specs: Sequence[str], world: Any) -> list[Fault]:
    try:
        return [parse_fault(spec, world) for spec in specs]
    except FaultSpecError as exc:
        raise MissionError(f"mission: error: {exc}", EXIT_USAGE) from None


def run_session(
    mission: Mission,
    options: RunOptions,
    err: TextIO,
    openers: Openers = Openers(),
    *,
    extra_faults: Sequence[Fault] = (),
    sensor: SensorModel | None = None,
    scenario_config: ScenarioConfig | None = None,
    monitor: Any = None,
    on_executor: Callable[[Executor], None] | None = None,
) -> SessionResult:
    """Run ``mission`` once as ``options`` say, recording it, and close everything it opened.

    Args:
        mission: a mission from :func:`~quadmission.loading.load_mission`.
        options: the run's flags.
        err: where the stream banner, notes, the "running" line and progress go (stderr).
        openers: how the log, the stream and the backend are opened.
        extra_faults: faults besides ``options.faults`` (a campaign run's drawn push, closures).
        sensor: the robot's detector (None: the default).
        scenario_config: how far the seed moves victims and intruders (None: the default).
        monitor: an in-process monitor's stream (``run --tui``), fed beside ``--stream``.
        on_executor: called with the executor once it exists (to abort it from elsewhere).

    Returns:
        The final report with the seed and the log's path.

    Raises:
        MissionError: bad input (a fault spec, the stream address, the log path, the backend, a
            start pose that is not walkable), ``EXIT_USAGE``. Nothing is left open.
    """
    faults = [*_faults(options.faults, mission.compiled.world), *extra_faults]
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
    log_path = options.log if options.log is not None else default_log_path(mission.name, seed)
    backend_options = dict(options.backend_options)
    if options.gui and options.backend == "pybullet":
        backend_options["gui"] = True
    with ExitStack() as stack:
        interrupts = catch_interrupts(stack)  # from the first moment: start-up can take seconds
        stream = _start_stream(stack, options.stream, openers, err) if options.stream else None
        if options.log is None:  # made only once the flags have passed: a refused run leaves none
            _make_runs_folder(log_path.parent)
        log = openers.log(log_path)
        stack.callback(log.close)
        if options.gui and options.backend != "pybullet":
            print("mission: note: --gui only applies to the pybullet backend", file=err)
        backend = openers.backend(options.backend, backend_options)
        stack.callback(backend.close)
        if not options.quiet:
            print(
                f"running {mission.name!r} on {options.backend}, seed {seed}, log {log_path}",
                file=err,
            )
        progress = ProgressLine(err)
        stack.callback(progress.close)
        if monitor is not None:
            from bt_runtime.localstream import Fanout

            stream = Fanout([stream, monitor]) if stream is not None else monitor

        def built(executor: Executor) -> None:
            interrupts.attach(executor)
            if on_executor is not None:
                on_executor(executor)

        report = simulate(
            mission,
            backend,
            seed,
            backend_name=options.backend,
            log=log,
            stream=stream,
            faults=faults,
            realtime=options.realtime,
            on_progress=None if options.quiet else progress,
            on_executor=built,
            sensor=sensor,
            scenario_config=scenario_config,
        )
    return SessionResult(report, seed, options.backend, log_path, interrupts.seen)
