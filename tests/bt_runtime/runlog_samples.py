"""Sample run events shared by the event log, replay and stream tests (plain values, no executor)."""

from __future__ import annotations

from bt_runtime.events import (
    Alert,
    Detection,
    Event,
    FactChanged,
    RunFinished,
    RunStarted,
    Snapshot,
    StatusChanged,
    Telemetry,
    TreeDefinition,
    TreeNode,
)

TICK = 0.05  # 20 Hz


def run_started(
    run_id: str = "20261129T010000Z-abcdef", started_at: float = 1_795_000_000.0
) -> RunStarted:
    return RunStarted(
        run_id=run_id,
        mission="patrol",
        source="mission patrol { go to dock }\n",
        source_path="missions/patrol.mission",
        seed=7,
        backend="kinematic",
        versions={"quadmission": "0.1.0", "py_trees": "2.6.0", "python": "3.11.7"},
        tick_rate=20.0,
        started_at=started_at,
    )


def tree() -> TreeDefinition:
    go = TreeNode("n1", "go to dock", "GoTo", {"goal": [1.0, 2.0], "speed": 0.5})
    check = TreeNode("n2", "battery > 20 %", "Condition", {"threshold": 0.2})
    return TreeDefinition(TreeNode("n0", "patrol", "Sequence", {"memory": True}, (check, go)))


def telemetry(tick: int, **changes: object) -> Telemetry:
    values: dict[str, object] = {
        "tick": tick,
        "sim_time": tick * TICK,
        "x": 0.02 * tick,
        "y": 0.0,
        "z": 0.3,
        "roll": 0.0,
        "pitch": 0.0,
        "yaw": 0.0,
        "vx": 0.4,
        "vy": 0.0,
        "wz": 0.0,
        "battery": 100.0 - 0.01 * tick,
        "terrain": "flat",
        "gait": "trot",
        "energy": 0.001 * tick,
        "fallen": False,
        "stuck": False,
    }
    values.update(changes)
    return Telemetry(**values)  # type: ignore[arg-type]


def tick_events(tick: int) -> list[Event]:
    """What one tick of a small mission produces: status changes, telemetry, now and then more."""
    t = tick * TICK
    events: list[Event] = []
    if tick == 0:
        events += [
            StatusChanged(0, t, "n0", "patrol", "INVALID", "RUNNING"),
            StatusChanged(0, t, "n2", "patrol/battery > 20 %", "INVALID", "SUCCESS"),
            StatusChanged(0, t, "n1", "patrol/go to dock", "INVALID", "RUNNING", "walking"),
        ]
    if tick == 30:
        events.append(FactChanged(tick, t, "victims_found", 0, 1))
        events.append(FactChanged(tick, t, "victim_found", False, True))
        events.append(Detection(tick, t, "victim", "v1", 3.0, 4.0, 5.0, 0.69, "go to dock",
                                "patrol/go to dock", "n1"))
    if tick == 40:
        events.append(Alert(tick, t, "warning", "battery below 99.7 %", "patrol/go to dock", "n1"))
    events.append(telemetry(tick))
    return events


def finished(tick: int) -> list[Event]:
    t = tick * TICK
    return [
        StatusChanged(tick, t, "n1", "patrol/go to dock", "RUNNING", "SUCCESS", "reached"),
        StatusChanged(tick, t, "n0", "patrol", "RUNNING", "SUCCESS"),
        RunFinished(tick, "success", t, 2.0 * t * 0.4 / 2.0, 0.001 * tick, {"victims_found": 1}),
    ]


def snapshot(tick: int) -> Snapshot:
    return Snapshot(
        tick=tick,
        sim_time=tick * TICK,
        statuses={"n0": "RUNNING", "n1": "RUNNING", "n2": "SUCCESS"},
        active_path=("n0", "n1"),
        facts={"victim_found": tick >= 30, "victims_found": int(tick >= 30)},
        telemetry=telemetry(tick),
    )
