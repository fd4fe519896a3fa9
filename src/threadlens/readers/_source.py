"""Turning what the user passed (a path, ``-`` for stdin, raw text, bytes) into decoded text.

Decoding never fails on odd bytes: invalid UTF-8 is replaced and counted, a file with no valid UTF-8 at
all is read as Windows-1252, byte-order marks select UTF-16/32. What can't be a thread (a missing path,
a directory, a binary file) raises :class:`~threadlens.errors.InputError`.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Union

from ..errors import InputError
from ..thread import Notice

__all__ = ["Source", "SourceLike", "load_source", "file_bytes", "decode_bytes", "looks_like_path"]

SourceLike = Union[str, "os.PathLike[str]", bytes, IO[str], IO[bytes]]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ESCAPED = re.compile("[\udc80-\udcff]")
_BINARY_PROBE = 65536
_HIGH_BYTES = bytes(range(0x80, 0x100))
_COMPRESSION_SUFFIXES = frozenset({".gz", ".bz2", ".xz", ".zst", ".zstd"})


@dataclass(slots=True)
class Source:
    """Decoded input: ``name`` is what messages call it (a path, ``<stdin>``, ``<text>``); ``raw`` holds the bytes
    of an input that can't be read again (stdin, a pipe), for readers that decode parts on their own (mail)."""

    name: str
    text: str
    path: Path | None = None
    notices: list[Notice] = field(default_factory=list)
    raw: bytes | None = field(default=None, repr=False)

    @property
    def stem(self) -> str | None:
        """The file's name without its suffix, as text (None without a file): what a thread read from it is
        called when its content names none."""
        return printable_name(self.path.stem) if self.path is not None else None

    @property
    def suffix(self) -> str:
        """The file's suffix, lower-cased, under a compression suffix (``.json`` for ``thread.json.gz``)."""
        if self.path is None:
            return ""
        suffixes = [s.lower() for s in self.path.suffixes]
        while suffixes and suffixes[-1] in _COMPRESSION_SUFFIXES:
            suffixes.pop()
        return suffixes[-1] if suffixes else ""


def printable_name(name: str) -> str:
    """A file name as text any output can hold: the bytes of a name that aren't UTF-8 (which Python keeps as
    surrogates) become U+FFFD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "replace")
    return name


def looks_like_path(value: str) -> bool:
    """Whether a string passed as a source names a file rather than holding a thread's text.

    A string with a line break is text; an existing path is a path; a single short word with a
    path separator or a file extension (``thread.txt``) is taken as a path that doesn't exist yet.
    """
    if "\n" in value or "\r" in value or not value.strip():
        return False
    if value == "-":
        return True
    if len(value) < 4096 and os.path.exists(value):
        return True
    if " " in value.strip() or len(value) > 1024:
        return False
    return "/" in value or os.sep in value or bool(re.search(r"\.[A-Za-z0-9]{1,8}$", value))


def load_source(source: SourceLike, *, name: str | None = None) -> Source:
    """Read and decode a source. A ``str`` is a path when :func:`looks_like_path`, else the text itself."""
    if isinstance(source, bytes):
        text, notices = decode_bytes(source, name=name or "<bytes>")
        return Source(name=name or "<bytes>", text=text, notices=notices)
    if isinstance(source, (io.TextIOBase,)) or (hasattr(source, "read") and not isinstance(source, (str, os.PathLike))):
        data = source.read()  # type: ignore[union-attr]
        label = name or getattr(source, "name", None) or "<stream>"
        if isinstance(data, bytes):
            text, notices = decode_bytes(data, name=str(label))
            return Source(name=str(label), text=text, notices=notices)
        return Source(name=str(label), text=data)
    if isinstance(source, str) and not looks_like_path(source):
        return Source(name=name or "<text>", text=source)
    path_text = os.fspath(source)
    if path_text == "-":
        data = sys.stdin.buffer.read()
        text, notices = decode_bytes(data, name="<stdin>")
        return Source(name=name or "<stdin>", text=text, notices=notices, raw=data)
    path = Path(path_text)
    label = name or path_text
    if not path.exists():
        raise InputError("no such file; check the path", source=label)
    if path.is_char_device() or path.is_block_device() or path.is_socket():
        raise InputError("is a device, not a file (it would be read without end); pass a thread file", source=label)
    if path.is_dir():
        raise InputError("is a directory; pass a thread file (or a directory of files to `threadlens label`)",
                         source=label)
    if not path.is_file():  # a pipe (``<(zcat x.gz)``, a FIFO): its bytes can be read once, so readers get them
        data = _pipe_bytes(path, name=label)
        text, notices = decode_bytes(data, name=label)
        return Source(name=label, text=text, notices=notices, raw=data)
    data = file_bytes(path, name=label)
    text, notices = decode_bytes(data, name=label)
    return Source(name=label, text=text, path=path, notices=notices)


def _pipe_bytes(path: Path, *, name: str) -> bytes:
    """All the bytes of a pipe, read once, decompressed as a file's would be."""
    import tempfile

    from ._compressed import compression_in, read_decompressed

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"can't be read ({exc.strerror or exc})", source=name) from None
    kind = compression_in(data[:6])
    if kind is None:
        return data
    with tempfile.TemporaryDirectory(prefix="threadlens-pipe-") as folder:
        spooled = Path(folder) / "input"
        spooled.write_bytes(data)
        del data
        return read_decompressed(spooled, kind, name=name)


def file_bytes(path: Path, *, name: str | None = None) -> bytes:
    """A file's bytes, decompressed when it is gzip, bzip2, xz or Zstandard (see :mod:`._compressed`)."""
    from ._compressed import compression_of, read_decompressed

    label = name or str(path)
    try:
        kind = compression_of(path)
        if kind is not None:
            return read_decompressed(path, kind, name=label)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"can't be read ({exc.strerror or exc}); check its permissions", source=label) from None


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text written as UTF-16 without a byte-order mark (mostly Latin text:
    every other byte zero), else None."""
    head = head[: len(head) & ~1]
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.9 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.9 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, name: str) -> tuple[str, list[Notice]]:
    """Decode file bytes: BOMs honoured, invalid UTF-8 replaced and counted, binary refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), []
    wide = _utf16_without_bom(data[:_BINARY_PROBE])
    if wide is not None:
        return data.decode(wide, errors="replace"), [Notice("decoded_utf16", f"{name}: no byte-order mark, but "
                                                            f"UTF-16 by its zero bytes; read as {wide.upper()}", 1)]
    if b"\x00" in data[:_BINARY_PROBE]:
        raise InputError("looks like a binary file (it holds NUL bytes), not a thread; pass a text, JSONL, "
                         "HTML or mail file", source=name)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED.findall(text))
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if invalid == non_ascii:
        # Not one valid multi-byte sequence: a legacy 8-bit file, most likely Windows-1252.
        decoded = data.decode("cp1252", errors="replace")
        return decoded, [Notice("decoded_cp1252", f"{name}: not UTF-8; read as Windows-1252", 1)]
    return _ESCAPED.sub("\ufffd", text), [
        Notice("replaced_bytes", f"{name}: replaced {invalid} invalid UTF-8 byte(s) with U+FFFD", invalid)]
