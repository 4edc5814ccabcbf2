"""``python -m quadmission``: the ``mission`` command without its console script."""

import sys

if __name__ == "__main__":
    try:  # Ctrl-C while the interpreter is still importing: no traceback, the usual status
        from quadmission.cli import main
    except KeyboardInterrupt:
        print("mission: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(main())
