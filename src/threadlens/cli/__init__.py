"""The ``threadlens`` command line: a thin layer over the library, one module per command."""

from __future__ import annotations

import os
import sys

from ._app import app
from . import analyze as _analyze  # noqa: F401  (each module registers its commands)
from . import stance as _stance  # noqa: F401
from . import convert as _convert  # noqa: F401
from . import fetch as _fetch  # noqa: F401
from . import report as _report  # noqa: F401
from . import label as _label  # noqa: F401  (label and stats)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``threadlens`` console script."""
    try:
        app()
    except Exception as exc:  # a bug, not bad input: say so in one line, traceback on request
        if os.environ.get("THREADLENS_DEBUG"):
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with THREADLENS_DEBUG=1 and report "
              "the traceback", file=sys.stderr)
        sys.exit(1)
