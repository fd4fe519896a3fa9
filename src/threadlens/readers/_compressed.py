"""Compressed input files: gzip, bzip2, xz and Zstandard (Pushshift's dumps), recognised by their first bytes.

Reading a file whole decompresses it in memory, up to :data:`MAX_DECOMPRESSED_BYTES` (a small file can
expand a thousandfold); ``threadlens label`` instead decompresses once to a file of its run and streams that.
Zstandard needs the ``zstandard`` package and accepts the 2 GB windows Pushshift dumps are written with.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError

__all__ = ["compression_of", "compression_in", "open_decompressed", "read_decompressed", "decompress_to", "MAX_DECOMPRESSED_BYTES"]

#: Reading a compressed file whole stops past this many decompressed bytes.
MAX_DECOMPRESSED_BYTES = 2 << 30
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))
_ZSTD_WINDOW = 1 << 31
_ZSTD_FEED = 4096  # compressed bytes per step: at most about 128 MB come out of one
_PIECE = 1 << 20
_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


def compression_of(path: str | os.PathLike[str]) -> str | None:
    """``gzip``, ``bzip2``, ``xz`` or ``zstd`` when the file starts with that format's magic bytes, else None."""
    try:
        with open(path, "rb") as stream:
            return compression_in(stream.read(6))
    except OSError:
        return None


def compression_in(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` (a file's first bytes) starts with, else None."""
    for magic, name in _MAGIC:
        if head.startswith(magic) and not (name == "bzip2" and head[3:4] not in b"123456789"):
            return name
    return None


def open_decompressed(path: str | os.PathLike[str], kind: str) -> BinaryIO:
    """A binary stream of the decompressed bytes of ``path`` (compressed as ``kind``)."""
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "bzip2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.open(path, "rb")  # type: ignore[return-value]
    try:
        import zstandard
    except ImportError:
        raise InputError("is Zstandard-compressed; reading it needs the zstandard package (pip install zstandard), "
                         "or decompress it first (zstd -d --long=31)", source=os.fspath(path)) from None
    return io.BufferedReader(_ZstdReader(path, zstandard), _PIECE)  # type: ignore[return-value]


class _ZstdReader(io.RawIOBase):
    """Zstandard frames one after another, fed a few KB at a time (so a frame that expands a thousandfold
    still comes out in bounded pieces); a file that ends inside a frame raises EOFError."""

    def __init__(self, path: str | os.PathLike[str], zstandard: Any) -> None:
        self._raw = open(path, "rb")
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW)
        self._frame = self._decompressor.decompressobj()
        self._fed = False
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(_ZSTD_FEED)
            if not chunk:
                if self._fed and not self._frame.eof:
                    raise EOFError("the file ends inside a Zstandard frame (truncated?)")
                return 0
            pieces = []
            while chunk:
                if self._frame.eof:
                    self._frame = self._decompressor.decompressobj()
                pieces.append(self._frame.decompress(chunk))
                self._fed = True
                chunk = self._frame.unused_data if self._frame.eof else b""
            self._pending = b"".join(pieces)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_decompressed(path: Path, kind: str, *, name: str, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """The decompressed bytes of a file, refused past ``limit`` bytes or when they are damaged."""
    pieces: list[bytes] = []
    size = 0
    try:
        with open_decompressed(path, kind) as stream:
            while piece := stream.read(_PIECE):
                size += len(piece)
                if size > limit:
                    raise InputError(f"decompresses to more than {limit >> 20:,} MB; label it with threadlens label "
                                     "(which streams it), or decompress it and pass the file", source=name)
                pieces.append(piece)
    except InputError:
        raise
    except _ERRORS + _zstd_errors() as exc:
        raise _damaged(name, kind, exc) from None
    return b"".join(pieces)


def decompress_to(path: Path, kind: str, target: Path) -> None:
    """Decompress ``path`` into ``target`` (written under a temporary name, renamed when complete)."""
    temporary = target.with_name(f".{target.name}.tmp")
    damaged = _ERRORS + _zstd_errors()
    try:
        try:
            source = open_decompressed(path, kind)
        except OSError as exc:
            raise InputError(f"can't be read ({exc.strerror or exc}); check its permissions", source=str(path)) \
                from None
        with source as stream:
            try:
                out = open(temporary, "wb")
            except OSError as exc:
                raise _unwritable(path, target, exc) from None
            with out:
                while True:
                    try:
                        piece = stream.read(_PIECE)
                    except damaged as exc:
                        raise _damaged(str(path), kind, exc) from None
                    if not piece:
                        break
                    try:
                        out.write(piece)
                    except OSError as exc:
                        raise _unwritable(path, target, exc) from None
                try:
                    out.flush()
                    os.fsync(out.fileno())
                except OSError as exc:
                    raise _unwritable(path, target, exc) from None
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _unwritable(path: Path, target: Path, exc: OSError) -> InputError:
    return InputError(f"can't be decompressed into {target.parent} ({exc.strerror or exc}); free some space there, "
                      "or decompress it yourself and pass the file", source=str(path))


def _damaged(name: str, kind: str, exc: BaseException) -> InputError:
    reason = (str(exc).strip() or type(exc).__name__).splitlines()[0][:200]
    return InputError(f"is {kind}-compressed but can't be decompressed ({reason}); check the file", source=name)


def _zstd_errors() -> tuple[type[BaseException], ...]:
    try:
        import zstandard
    except ImportError:
        return ()
    return (zstandard.ZstdError,)
