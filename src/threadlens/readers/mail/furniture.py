"""Mail furniture: the parts of a message body that are neither the author's words nor ``>`` quotes.

:func:`find_furniture` returns segments for ``Post.markup``:

- ``attribution``: "On Tue, Ann <a@b> wrote:" lines, ``-----Original Message-----`` separators and
  Outlook ``From:/Sent:/To:/Subject:`` blocks (marker ``attribution``, ``separator``, ``header-block``);
- ``quote`` (marker ``unmarked``): the quoted message after a separator, a header block or an attribution
  that carries a date or an address, when its lines have no ``>`` (it runs to the end of the message,
  stopping at ``>`` lines, which the core splitter handles); ``cite`` is the author the attribution names;
- ``signature`` (marker ``--``, ``device``, ``sign-off``) and ``footer`` (marker ``list-footer``).

Supercite quotes (``LK> text``, two lines or more) are ``quote`` segments with the initials as marker.

``>`` quoting itself is left to the core splitter. Two mail habits that fool a ``>`` reader are settled
here: a line framed in arrows (``>>> Visit our site <<<``) is reply text (a ``reply`` segment, marker
``decoration``), and a URL the sender's client wrapped out of a quote (a one-word line between two
``>`` lines that completes a link) is quoted (marker ``wrapped``). A ``>`` block that the furniture
cuts into is given back as ``quote`` segments for its remaining lines, so no quoted line is lost.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ...quotes.markers import marked_blocks
from ...thread import Segment
from ._attribution import QuoteAfter, cited_name, find_attribution
from ._lines import Line, next_content, split_lines
from ._outlook import header_block, is_separator
from ._signature import footer_start, signature_start
from ._supercite import supercite_runs

__all__ = ["find_furniture"]

_MAX_FOOTERS = 3


@dataclass(frozen=True, slots=True)
class _Introduction:
    first: int
    last: int
    start: int
    marker: str
    cuts: bool  # what follows is the quoted message, '>' or not
    cite: str | None = None


def find_furniture(text: str, *, taken: Sequence[Segment] = ()) -> list[Segment]:
    """Attribution, unmarked quote, signature, footer (and decoration) segments of a message body, in order.

    ``taken`` are spans the markup already claims (quotes an HTML part marks); they are left alone.
    """
    lines = split_lines(text, taken)
    decorations = [i for i, line in enumerate(lines) if _is_decoration(line)]
    for index in decorations:
        lines[index] = replace(lines[index], depth=0)
    segments: list[Segment] = []
    for first, last, initials in supercite_runs(lines):
        segments.append(_segment("quote", lines, first, last, f"{initials}>"))
        for index in range(first, last + 1):
            lines[index] = replace(lines[index], depth=1)  # quoted, for everything below
    claimed = [False] * len(lines)

    end = len(lines)
    for _ in range(_MAX_FOOTERS):
        start = footer_start(lines, end)
        if start is None:
            break
        segments.append(_segment("footer", lines, start, _last_content(lines, start, end), "list-footer"))
        _claim(claimed, start, end)
        end = start

    segments.extend(_introductions(lines[:end], claimed))
    segments.extend(_wrapped_links(lines, end, claimed))
    segments.extend(_signatures(lines, end, claimed))
    segments.extend(Segment("reply", lines[i].content_start, lines[i].end, marker="decoration")
                    for i in decorations if not claimed[i])
    segments.extend(_remainders(text, lines, [*segments, *taken]))
    return sorted(segments, key=lambda s: s.start)


def _introductions(lines: Sequence[Line], claimed: list[bool]) -> list[Segment]:
    """Attributions, separators and header blocks, and the unmarked quotes they introduce."""
    end = len(lines)
    out: list[Segment] = []
    cutting = False
    cite: str | None = None
    run: list[int] = []

    def quote_after(index: int) -> bool:
        following = next_content(lines, index + 1)
        return following is not None and (bool(following.depth) or following.taken)

    def close_run() -> None:
        if run:
            out.append(_segment("quote", lines, run[0], run[-1], "unmarked", cite=cite))
            run.clear()

    index = 0
    while index < end:
        line = lines[index]
        if not line.plain:
            if line.depth or line.taken:
                close_run()
            index += 1
            continue
        found = _introduction(lines, index, quote_after)
        if isinstance(found, int):  # a forwarded message's headers: text like any other
            if cutting:
                run.extend(range(index, found + 1))
                _claim(claimed, index, found + 1)
            index = found + 1
            continue
        if found is not None:
            close_run()
            out.append(Segment("attribution", found.start, lines[found.last].end, marker=found.marker,
                               cite=found.cite))
            _claim(claimed, found.first, found.last + 1)
            if found.cuts and not quote_after(found.last):
                cutting, cite = True, found.cite
            index = found.last + 1
            continue
        if cutting:
            run.append(index)
            claimed[index] = True
        index += 1
    close_run()
    return out


def _introduction(lines: Sequence[Line], index: int, quote_after: QuoteAfter) -> _Introduction | int | None:
    """What introduces a quote at line ``index``; for headers that don't, the index of their last line."""
    line = lines[index]
    if is_separator(line.text):
        last = index
        following = index + 1
        while following < len(lines) and lines[following].blank and following - index <= 2:
            following += 1
        if following < len(lines):
            block = header_block(lines, following)
            if block is not None and block.introduces:
                last = block.last
        return _Introduction(index, last, line.content_start, "separator", True)
    block = header_block(lines, index)
    if block is not None:
        if not block.introduces:
            return block.last
        return _Introduction(index, block.last, line.content_start, "header-block", True)
    found = find_attribution(lines, index, quote_after)
    if found is not None:
        return _Introduction(found.first, found.last, found.start, "attribution", found.strong,
                             cited_name(found.text))
    return None


def _signatures(lines: Sequence[Line], end: int, claimed: list[bool]) -> list[Segment]:
    """A signature at the end of each run of the author's own lines (its lines are claimed)."""
    out: list[Segment] = []
    first: int | None = None
    for index in range(end + 1):
        own = index < end and not claimed[index] and not lines[index].depth and not lines[index].taken
        if own and first is None:
            first = index
        elif not own and first is not None:
            start = signature_start(lines, first, index - 1)
            if start is not None:
                last = _last_content(lines, start, index)
                out.append(_segment("signature", lines, start, last, _signature_marker(lines[start].text)))
                _claim(claimed, start, last + 1)
            first = None
    return out


def _wrapped_links(lines: Sequence[Line], end: int, claimed: list[bool]) -> list[Segment]:
    """A one-word line between two '>' lines that completes a link the previous line started."""
    out: list[Segment] = []
    for index in range(1, end - 1):
        line, before, after = lines[index], lines[index - 1], lines[index + 1]
        if (line.plain and not claimed[index] and before.depth and after.depth and len(line.text.split()) == 1
                and ("://" in before.text.rsplit(None, 1)[-1] or before.text.count("(") > before.text.count(")"))):
            out.append(_segment("quote", lines, index, index, "wrapped"))
            claimed[index] = True
    return out


def _remainders(text: str, lines: Sequence[Line], segments: Sequence[Segment]) -> list[Segment]:
    """Quote segments for the lines of a '>' block that other segments cut into (the core skips such blocks)."""
    if not segments:
        return []
    starts = [line.start for line in lines]
    covered = [False] * len(lines)
    for segment in segments:
        first = max(0, bisect_right(starts, segment.start) - 1)
        last = bisect_left(starts, segment.end)
        for index in range(first, min(last, len(lines))):
            line = lines[index]
            if segment.start < max(line.end, line.start + 1) and line.start < segment.end:
                covered[index] = True
    out: list[Segment] = []
    for block in marked_blocks(text):
        first = bisect_right(starts, block.start) - 1
        last = bisect_right(starts, block.end) - 1
        if not any(covered[first : last + 1]):
            continue
        run: list[Line] = []
        for index in range(first, last + 1):
            line = lines[index]
            if line.depth and not covered[index]:
                run.append(line)
            elif covered[index] or not line.blank:
                if run:
                    out.append(Segment("quote", run[0].content_start, run[-1].end, marker=block.marker))
                run = []
        if run:
            out.append(Segment("quote", run[0].content_start, run[-1].end, marker=block.marker))
    return out


def _is_decoration(line: Line) -> bool:
    """``>>> Visit our site <<<``: arrows around a line, not a quote."""
    return line.depth > 0 and _marker_depth(line.text) >= 3 and line.text.rstrip().endswith("<<<")


def _marker_depth(text: str) -> int:
    stripped = text.lstrip()
    return len(stripped) - len(stripped.lstrip(">"))


def _signature_marker(text: str) -> str:
    stripped = text.strip()
    if stripped == "--":
        return "--"
    return "sign-off" if stripped.startswith("-") else "device"


def _segment(kind: str, lines: Sequence[Line], first: int, last: int, marker: str, *,
             cite: str | None = None) -> Segment:
    return Segment(kind, lines[first].content_start, lines[last].end, marker=marker, cite=cite)


def _last_content(lines: Sequence[Line], first: int, end: int) -> int:
    last = end - 1
    while last > first and lines[last].blank:
        last -= 1
    return last


def _claim(claimed: list[bool], first: int, end: int) -> None:
    for index in range(first, end):
        claimed[index] = True
