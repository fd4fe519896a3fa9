"""The lines of a message body, as the furniture finders see them.

Each line knows its offsets (without the line break or a ``\\r``), whether it is a ``>`` quote line as
the core quote splitter reads it, and whether it lies inside a span already taken (an HTML quote).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ...quotes.markers import marker_prefix
from ...thread import Segment

__all__ = ["Line", "split_lines", "next_content"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text: ``text`` is ``body[start:end]`` without its line break."""

    start: int
    end: int
    text: str
    depth: int      # '>' quote depth (0: not a quote line)
    taken: bool     # inside a span the markup already claims
    blank: bool     # nothing but whitespace

    @property
    def plain(self) -> bool:
        """A line of the author's own text: not blank, not '>' quoted, not inside an HTML quote."""
        return not self.depth and not self.taken and not self.blank

    @property
    def content_start(self) -> int:
        """Offset of the first non-blank character (``end`` for a blank line)."""
        return self.start + len(self.text) - len(self.text.lstrip())


def split_lines(text: str, taken: Sequence[Segment] = ()) -> list[Line]:
    """The lines of ``text`` with their quote depth and whether a ``taken`` span covers them."""
    spans = sorted((s.start, s.end) for s in taken)
    starts = [s for s, _ in spans]
    lines: list[Line] = []
    position = 0
    while position <= len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        stripped_end = end - 1 if end > position and text[end - 1] == "\r" else end
        depth, _, _ = marker_prefix(text, position, stripped_end)
        content = text[position:stripped_end]
        lines.append(Line(position, stripped_end, content, depth, _covered(spans, starts, position, stripped_end),
                          not content.strip()))
        if newline < 0:
            break
        position = newline + 1
    return lines


def next_content(lines: Sequence[Line], index: int) -> Line | None:
    """The first non-blank line at or after ``index``, or None."""
    while index < len(lines):
        if not lines[index].blank:
            return lines[index]
        index += 1
    return None


def _covered(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` (a blank line counts as one character wide) meets a span; spans don't overlap."""
    i = bisect_right(starts, max(start, end - 1)) - 1
    return i >= 0 and spans[i][1] > start
