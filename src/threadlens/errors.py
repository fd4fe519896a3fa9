"""The exceptions threadlens raises, as one small tree.

::

    ThreadlensError            anything threadlens refuses to do; catch this to catch all
    ├── InputError             a thread, corpus or data file that can't be read as asked
    ├── ModelError             a model that can't be loaded, trained or saved (tampered, wrong version)
    └── FetchError             a live fetch that failed (HTTP error, timeout, robots.txt, size cap)

Every message is one line that names the input and says what to do. The CLI prints it as
``error: <message>`` and exits with code 2.
"""

from __future__ import annotations

__all__ = ["ThreadlensError", "InputError", "ModelError", "FetchError"]


class ThreadlensError(Exception):
    """Base class of every error threadlens raises on purpose."""


class InputError(ThreadlensError, ValueError):
    """An input (file, text, URL, data set) that can't be used.

    ``source`` names the input and ``line`` the 1-based line, where known.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source or ""
        if source and line is not None:
            where = f"{source}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class ModelError(ThreadlensError):
    """A model directory that can't be loaded or written, or a model that can't be trained."""


class FetchError(ThreadlensError):
    """A live fetch that failed: HTTP status, timeout, robots.txt refusal or size cap."""
