"""Small helpers on character spans of a text."""

from __future__ import annotations

__all__ = ["trim_span"]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past whitespace at both ends (``start == end`` when only whitespace)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
