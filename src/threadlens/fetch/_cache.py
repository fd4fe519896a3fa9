"""The on-disk HTTP cache: one file per URL, written atomically, read back until it expires."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from .._atomic import write_bytes_atomic

__all__ = ["DiskCache", "default_cache_dir"]

_MAGIC = b"threadlens-http-cache 1\n"


def default_cache_dir() -> Path:
    """``$THREADLENS_CACHE_DIR``, else ``~/.cache/threadlens/http`` (``$XDG_CACHE_HOME`` honoured)."""
    configured = os.environ.get("THREADLENS_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "threadlens" / "http"


class DiskCache:
    """Response bodies keyed by URL (a SHA-256 file name), each kept for ``ttl`` seconds.

    A file holds a header line, a JSON line (URL, time fetched) and the body. A file that is unreadable,
    of another URL or expired counts as a miss; writes go to a temporary file and are renamed into place,
    so a reader never sees half of one.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, ttl: float = 3600.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.ttl = ttl
        self._clock = clock

    def path_for(self, url: str) -> Path:
        return self.directory / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}.http"

    def get(self, url: str) -> bytes | None:
        """The cached body of ``url``, or None (absent, expired, damaged)."""
        try:
            data = self.path_for(url).read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        header_end = data.find(b"\n", len(_MAGIC))
        if header_end < 0:
            return None
        try:
            header = json.loads(data[len(_MAGIC) : header_end])
            fetched = float(header["fetched"])
        except (ValueError, KeyError, TypeError):
            return None
        if header.get("url") != url or self._clock() - fetched > self.ttl:
            return None
        return data[header_end + 1 :]

    def put(self, url: str, body: bytes) -> None:
        """Store ``body`` for ``url``; a cache that can't be written is skipped (fetching still works)."""
        header = json.dumps({"url": url, "fetched": self._clock()}).encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.path_for(url), _MAGIC + header + b"\n" + body)
        except OSError:
            pass
