"""Quote-marker lines: ``> text``, ``>text``, nested ``>> text`` / ``> > text``, and ``&gt;`` from HTML.

Scanning is a single pass over each line's first characters (no backtracking regex), so a line of
100,000 ``>`` costs what reading it costs.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MarkedBlock", "marked_blocks", "marker_prefix"]

_ENTITY = "&gt;"
_MAX_INDENT = 3


@dataclass(frozen=True, slots=True)
class MarkedBlock:
    """Consecutive lines quoted at the same depth.

    ``start``/``end`` cover the whole lines (markers included); ``content`` lists the ``(start, end)``
    offsets of each line's text after its marker, for matching the quoted words to their source.
    """

    start: int
    end: int
    depth: int
    marker: str
    content: tuple[tuple[int, int], ...]


def marker_prefix(text: str, start: int, end: int) -> tuple[int, str, int]:
    """For the line ``text[start:end]``: ``(depth, marker, content_start)``; depth 0 for an unquoted line."""
    i = start
    limit = min(end, start + _MAX_INDENT)
    while i < limit and text[i] in " \t":
        i += 1
    depth = 0
    entity = False
    while i < end:
        if text[i] == ">":
            i += 1
        elif text.startswith(_ENTITY, i):
            i += len(_ENTITY)
            entity = True
        else:
            break
        depth += 1
        if i < end and text[i] == " " and i + 1 < end and (text[i + 1] == ">" or text.startswith(_ENTITY, i + 1)):
            i += 1  # "> > nested"
    if depth == 0:
        return 0, "", start
    if i < end and text[i] in " \t":
        i += 1
    unit = _ENTITY if entity else ">"
    return depth, unit * min(depth, 8) if depth <= 8 else f"{unit}x{depth}", i


def marked_blocks(text: str, start: int = 0, end: int | None = None) -> list[MarkedBlock]:
    """Quote blocks in ``text[start:end]``, in order. Blank lines between lines of the same depth join them;
    an empty quoted line (just ``>``) belongs to its block."""
    end = len(text) if end is None else end
    if text.find(">", start, end) < 0 and text.find(_ENTITY, start, end) < 0:
        return []
    blocks: list[MarkedBlock] = []
    current: list[tuple[int, int, int, str, int]] = []  # (line_start, line_end, depth, marker, content_start)
    pending_blank = False

    def flush() -> None:
        if current:
            blocks.append(MarkedBlock(start=current[0][0], end=current[-1][1], depth=current[0][2],
                                      marker=current[0][3],
                                      content=tuple((c, e) for _, e, _, _, c in current if c < e)))
            current.clear()

    position = start
    while position <= end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        stripped_end = line_end - 1 if line_end > position and text[line_end - 1] == "\r" else line_end
        depth, marker, content = marker_prefix(text, position, stripped_end)
        if depth:
            if current and (current[-1][2] != depth or (pending_blank and current[-1][2] != depth)):
                flush()
            current.append((position, stripped_end, depth, marker, content))
            pending_blank = False
        elif not text[position:stripped_end].strip():
            pending_blank = bool(current)
        else:
            flush()
            pending_blank = False
        if newline < 0:
            break
        position = newline + 1
    flush()
    return blocks
