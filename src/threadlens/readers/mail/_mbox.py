"""Splitting an mbox file into its messages.

A message starts at a ``From `` line (an address, then a date with a time) at the top of the file or
after a blank line (mboxo/mboxrd, as mail clients and Python's ``mailbox`` write them). Body lines escaped
as ``>From `` (``>>From `` in mboxrd) lose one ``>``; the blank line before the next ``From `` line is the
separator's, not the message's. Works on bytes: each message's parts declare their own charsets.
:func:`mbox_entries` finds the messages of a stream a piece at a time (``label`` streams big mailboxes
with it); :func:`split_mbox` splits bytes in memory with it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from ...errors import InputError

__all__ = ["split_mbox", "mbox_entries", "unescape_message", "looks_like_mbox", "starts_like_mbox",
           "is_from_line"]

_PIECE_BYTES = 1 << 20  # lines are read in pieces of at most this many bytes
_FROM_LINE_BYTES = 4096

_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def looks_like_mbox(head: str) -> bool:
    """Whether text starts like an mbox: a ``From `` line followed by a header line."""
    first, _, rest = head.partition("\n")
    if not first.startswith("From ") or len(first.split()) < 2:
        return False
    second = rest.split("\n", 1)[0]
    name, colon, _ = second.partition(":")
    return bool(colon) and bool(name) and " " not in name and len(name) < 80


def starts_like_mbox(head: bytes) -> bool:
    """Whether a file's first bytes start like an mbox: a ``From `` line followed by a header line, or a
    ``From`` line proper (an address, then a date with a time) whatever follows it — the first entry of a
    list's archive may lack headers (``label`` and the reader of a directory of mbox files check the rest)."""
    if not head.startswith(b"From "):
        return False
    line = head[: head.find(b"\n") + 1] if b"\n" in head else head
    return looks_like_mbox(head.decode("utf-8", errors="replace")) or is_from_line(line[:_FROM_LINE_BYTES])


def split_mbox(data: bytes, *, name: str) -> list[tuple[int, bytes]]:
    """``(line number of the From line, message bytes)`` for each message, in file order."""
    if not data.lstrip(b"\r\n\t ").startswith(b"From "):
        raise InputError("doesn't start with a 'From ' line, so it isn't an mbox file; pass an mbox, an .eml "
                         "file or a maildir (or --input-format eml for a single message)", source=name)
    return [(line, unescape_message(data[start:end])) for line, start, end, _ in mbox_entries(io.BytesIO(data))]


def mbox_entries(stream: BinaryIO, *, header_bytes: int = 0) -> Iterator[tuple[int, int, int, bytes]]:
    """``(line number of the From line, offset of the message's first byte, offset past its last byte, header
    block)`` for each message of an mbox read from ``stream`` (at its start), in file order, holding at most
    a megabyte of it at a time. A ``From`` line is judged on its first 4 KB.

    The header block — the message's bytes up to the empty line that ends its headers, at most
    ``header_bytes`` of them — is only collected when ``header_bytes`` is set (else it is ``b""``). The
    message bytes still need :func:`unescape_message`.
    """
    start_line, body_start = 0, -1
    previous_blank = True
    number, position = 0, 0
    line_start, line_blank = True, True
    header: list[bytes] = []
    header_size, in_header = 0, False
    while piece := stream.readline(_PIECE_BYTES):
        if line_start and previous_blank:  # a From line may start here: judge it on enough of it
            while not piece.endswith(b"\n") and len(piece) < _FROM_LINE_BYTES:
                more = stream.readline(min(_PIECE_BYTES, _FROM_LINE_BYTES - len(piece)))
                if not more:
                    break
                piece += more
        end = position + len(piece)
        whole = piece.endswith(b"\n")
        if line_start:
            number += 1
            if previous_blank and piece.startswith(b"From ") and is_from_line(piece[:_FROM_LINE_BYTES]):
                if body_start >= 0:
                    yield start_line, body_start, position, b"".join(header)
                while piece and not piece.endswith(b"\n"):  # the rest of a long From line
                    piece = stream.readline(_PIECE_BYTES)
                    end += len(piece)
                start_line, body_start = number, end
                header, header_size, in_header = [], 0, bool(header_bytes)
                position, line_start, previous_blank = end, True, False
                continue
            line_blank = True
            if in_header and piece[:1] in (b"\n", b"\r"):
                in_header = False  # the empty line that ends the headers (as the email parser sees it)
        if in_header and header_size < header_bytes:
            header.append(piece[: header_bytes - header_size])
            header_size += len(header[-1])
        line_blank = line_blank and not piece.strip()
        if whole:
            previous_blank = line_blank
        line_start = whole
        position = end
    if body_start >= 0:
        yield start_line, body_start, position, b"".join(header)


def is_from_line(line: bytes) -> bool:
    """``From sender@example.org Tue Mar  3 10:00:00 2009``: an address, then a date with a time."""
    return len(line.split()) >= 3 and b":" in line and any(48 <= c <= 57 for c in line)


def unescape_message(message: bytes) -> bytes:
    """Undo ``>From`` escaping, and drop the blank line that separates a message from the next From line."""
    if message.endswith(b"\n\n"):
        message = message[:-1]
    elif message.endswith(b"\r\n\r\n"):
        message = message[:-2]
    return _ESCAPED_FROM.sub(rb"\1", message) if b">From " in message else message
