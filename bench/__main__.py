"""Run every benchmark module ``bench/bench_*.py`` and print one table.

Each module defines ``rows(quick: bool) -> list[Row]``. ``--only NAME`` runs the modules whose name
contains NAME; ``--quick`` asks each for a shorter measurement (for smoke runs, not for quoting).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

from bench.table import Row, format_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default="", help="run only modules whose name contains this")
    parser.add_argument("--quick", action="store_true", help="shorter runs (smoke test)")
    args = parser.parse_args(argv)
    import bench

    rows: list[Row] = []
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if args.only and args.only not in name:
            continue
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        rows.extend(module.rows(quick=args.quick))
        print(f"[{name}: {time.perf_counter() - started:.1f} s]", file=sys.stderr)
    if not rows:
        print("no benchmark matched", file=sys.stderr)
        return 2
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
