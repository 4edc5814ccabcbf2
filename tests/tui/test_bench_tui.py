"""The monitor's bench module: its tree is the size it claims and its history stays bounded."""

from __future__ import annotations

from bench import bench_tui


def test_the_bench_tree_has_a_thousand_nodes_and_collapsed_tasks() -> None:
    root = bench_tui.big_tree()
    nodes = list(root.walk())
    assert len(nodes) == 1001
    assert sum(n.kind == "TaskCall" for n in nodes) == 90


def test_model_memory_does_not_grow_past_the_history_window() -> None:
    short, long = bench_tui._memory_after(300.0), bench_tui._memory_after(1200.0)
    assert long <= 1.2 * short

