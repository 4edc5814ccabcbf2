"""Benchmarks: figures, not pass/fail tests. Run all with ``python -m bench``."""
