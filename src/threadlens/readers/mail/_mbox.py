"""Splitting an mbox file into its messages.

A message starts at a ``From `` line (an address, then a date with a time) at the top of the file or
after a blank line (mboxo/mboxrd, as mail clients and Python's ``mailbox`` write them). Body lines escaped as ``>From `` (``>>From `` in mboxrd)
lose one ``>``; the blank line before the next ``From `` line is the separator's, not the message's.
Works on bytes: each message's parts declare their own charsets.
"""

from __future__ import annotations

import re

from ...errors import InputError

__all__ = ["split_mbox", "looks_like_mbox"]

_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def looks_like_mbox(head: str) -> bool:
    """Whether text starts like an mbox: a ``From `` line followed by a header line."""
    first, _, rest = head.partition("\n")
    if not first.startswith("From ") or len(first.split()) < 2:
        return False
    second = rest.split("\n", 1)[0]
    name, colon, _ = second.partition(":")
    return bool(colon) and bool(name) and " " not in name and len(name) < 80


def split_mbox(data: bytes, *, name: str) -> list[tuple[int, bytes]]:
    """``(line number of the From line, message bytes)`` for each message, in file order."""
    if not data.lstrip(b"\r\n\t ").startswith(b"From "):
        raise InputError("doesn't start with a 'From ' line, so it isn't an mbox file; pass an mbox, an .eml "
                         "file or a maildir (or --input-format eml for a single message)", source=name)
    messages: list[tuple[int, bytes]] = []
    start_line, body_start = 0, -1
    previous_blank = True
    position, number = 0, 0
    while position < len(data):
        newline = data.find(b"\n", position)
        end = len(data) if newline < 0 else newline + 1
        number += 1
        if previous_blank and data.startswith(b"From ", position) and _is_from_line(data[position:end]):
            if body_start >= 0:
                messages.append((start_line, _unescape(data[body_start:position])))
            start_line, body_start = number, end
        previous_blank = not data[position:end].strip()
        position = end
    if body_start >= 0:
        messages.append((start_line, _unescape(data[body_start:])))
    return messages


def _is_from_line(line: bytes) -> bool:
    """``From sender@example.org Tue Mar  3 10:00:00 2009``: an address, then a date with a time."""
    return len(line.split()) >= 3 and b":" in line and any(48 <= c <= 57 for c in line)


def _unescape(message: bytes) -> bytes:
    """Undo ``>From`` escaping, and drop the blank line that separates a message from the next From line."""
    if message.endswith(b"\n\n"):
        message = message[:-1]
    elif message.endswith(b"\r\n\r\n"):
        message = message[:-2]
    return _ESCAPED_FROM.sub(rb"\1", message) if b">From " in message else message
