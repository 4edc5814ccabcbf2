"""Where the ``mission`` console script of the interpreter under test is.

The script next to ``sys.executable`` comes first: a ``mission`` earlier on PATH (another checkout's
install, a pyenv shim) would run other code and write another log schema.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def mission_executable() -> str | None:
    """The path of the ``mission`` script to test, or None when it is not installed."""
    return shutil.which("mission", path=str(Path(sys.executable).parent)) or shutil.which("mission")
