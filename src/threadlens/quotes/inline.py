"""Words in double quotation marks: candidates for inline quotes.

Pairs ``"…"``, ``“…”``, ``„…“`` and ``«…»`` in one linear pass. A pair never spans a blank line and
holds at most ``max_chars`` characters, so 10,000 stray quote marks cost a single scan.
"""

from __future__ import annotations

import re

__all__ = ["quoted_spans"]

_OPENERS = {"\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb"}
_STRAIGHT = '"'
_CLOSERS = set("\u201d\u00bb")
_QUOTE_MARKS = re.compile('["\u201c\u201e\u00ab]')  # a pair needs one of these openers


def quoted_spans(text: str, start: int = 0, end: int | None = None, *, max_chars: int = 600,
                 limit: int = 500) -> list[tuple[int, int]]:
    """``(open, close)`` offsets of quotation-mark pairs in ``text[start:end]``: the marks themselves are at
    ``open`` and ``close - 1``. At most ``limit`` pairs are returned."""
    end = len(text) if end is None else end
    if not _QUOTE_MARKS.search(text, start, end):
        return []
    spans: list[tuple[int, int]] = []
    open_at = -1
    closers = ""
    i = start
    while i < end and len(spans) < limit:
        char = text[i]
        if open_at >= 0:
            if char in closers or (char == _STRAIGHT and _STRAIGHT in closers):
                if i - open_at - 1 <= max_chars and i > open_at + 1:
                    spans.append((open_at, i + 1))
                open_at = -1
            elif char == "\n" and text.startswith("\n", i + 1) or i - open_at > max_chars:
                open_at = -1  # unmatched: forget the opener, look again from here
                continue
            i += 1
            continue
        if char == _STRAIGHT:
            open_at, closers = i, _STRAIGHT + "\u201d"
        elif char in _OPENERS:
            open_at, closers = i, _OPENERS[char] + _STRAIGHT
        i += 1
    return spans
