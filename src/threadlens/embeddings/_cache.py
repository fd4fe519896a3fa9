"""On-disk cache of built ONNX files: atomic writes, sha256 sidecars, corrupt files rebuilt.

Layout: ``<cache root>/embeddings/<key>.onnx`` plus ``<key>.onnx.sha256`` holding the
hex digest of the .onnx bytes.  The root is ``$THREADLENS_CACHE_DIR``, else
``$XDG_CACHE_HOME/threadlens``, else ``~/.cache/threadlens``.  A file whose digest does
not match its sidecar (or has no sidecar) is never used: it is rebuilt and replaced.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .encoder import EncoderError

log = logging.getLogger(__name__)


def cache_root() -> Path:
    if env := os.environ.get("THREADLENS_CACHE_DIR"):
        return Path(env).expanduser()
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / "threadlens"
    return Path.home() / ".cache" / "threadlens"


def cache_dir() -> Path:
    return cache_root() / "embeddings"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


_HASHED: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The file's sha256, computed once per process for an unchanged file (same inode, size and mtime)."""
    stat = os.stat(path)
    key = (os.fspath(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key in _HASHED:
        return _HASHED[key]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    _HASHED[key] = h.hexdigest()
    return _HASHED[key]


def is_valid(path: Path) -> bool:
    """True when ``path`` exists and its sha256 equals the one recorded in its sidecar."""
    try:
        return sha256_file(path) == _sidecar(path).read_text().strip()
    except OSError:
        return False


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def get_or_build(key: str, build: Callable[[], bytes]) -> Path:
    """Path of the verified cached file for ``key``, building and storing it first if needed."""
    path = cache_dir() / f"{key}.onnx"
    if is_valid(path):
        return path
    if path.exists():
        log.warning("cached %s fails its sha256 check; rebuilding it", path)
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, data)  # model first: a stale sidecar only ever causes a rebuild
        _write_atomic(_sidecar(path), (hashlib.sha256(data).hexdigest() + "\n").encode())
    except OSError as exc:
        raise EncoderError(
            f"cannot write the encoder cache at {path.parent} ({exc.strerror}); set THREADLENS_CACHE_DIR to a writable dir"
        ) from exc
    return path
