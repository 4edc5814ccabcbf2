"""``python -m quadmission``: the ``mission`` command without its console script."""

from quadmission.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
