"""Markdown (Reddit, Discourse ``raw``) to plain text, with the block quotes a CommonMark renderer sees.

The source is parsed with markdown-it-py (CommonMark, plus tables and strikethrough as Reddit has them),
so ``>`` quotes, nested ``>>``, lazy continuation lines and quoted code blocks are found exactly where a
renderer puts its ``<blockquote>``. The text is what a reader sees: emphasis, link and HTML tags dropped,
link labels kept, paragraphs separated by a blank line, list items by a line break. Each stretch of quoted
text becomes a quote :class:`~threadlens.thread.Segment`: marker ``>`` at depth 1, ``>>`` at depth 2 ...
(one segment per stretch at its innermost level, as :func:`~threadlens.readers._html.html_to_text` does).

The token stream is walked in a loop; markdown-it's own nesting limit bounds how deep quotes can go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .._spans import trim_span
from ..thread import Segment
from ._text_parts import TextParts

__all__ = ["MarkdownText", "markdown_to_text", "unescape_reddit"]

_TAG = re.compile(r"<[^<>]*>")  # stops at the next bracket: linear on any input
_REDDIT_ESCAPED = re.compile(r"&(?:lt|gt|amp);")
_REDDIT_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
_SPOILER = re.compile(r"^( {0,3})>!(?=[^\n]*!<)", re.MULTILINE)
_MAX_NESTING = 50


@dataclass(slots=True)
class MarkdownText:
    """Rendered text of a markdown source and its quote segments (offsets into ``text``)."""

    text: str
    quotes: list[Segment] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING})
    md.enable(["table", "strikethrough"])
    return md


def unescape_reddit(body: str) -> str:
    """Undo the escaping of Reddit's JSON API (``&lt;``, ``&gt;``, ``&amp;``), in one pass."""
    if "&" not in body:
        return body
    return _REDDIT_ESCAPED.sub(lambda m: _REDDIT_ENTITIES[m.group()], body)


def markdown_to_text(source: str) -> MarkdownText:
    """Render markdown to plain text; every block quote becomes a quote segment.

    A line starting with Reddit's spoiler mark ``>!`` (closed by ``!<`` on the line) is a spoiler,
    not a quote.
    """
    source = _SPOILER.sub(r"\1\\>!", source)
    tokens = _parser().parse(source)
    out = TextParts()
    open_quotes: list[int] = []  # start offset of the current run at each open depth
    pieces: list[tuple[int, int, int]] = []  # (start, end, depth)
    lists: list[str] = []

    def close_run() -> None:
        if open_quotes:
            pieces.append((open_quotes[-1], out.length, len(open_quotes)))

    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            out.breaks(2)
            close_run()
            open_quotes.append(out.length)
        elif kind == "blockquote_close":
            close_run()
            open_quotes.pop()
            if open_quotes:
                open_quotes[-1] = out.length
            out.breaks(2)
        elif kind in ("paragraph_open", "heading_open", "table_open"):
            if not (lists and token.hidden):
                out.breaks(2)
        elif kind in ("paragraph_close", "heading_close", "table_close"):
            if not (lists and token.hidden):
                out.breaks(2)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            out.breaks(2)
            lists.append(kind)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            out.breaks(2)
        elif kind == "list_item_open":
            out.breaks(1)
            out.append(f"{token.info}{token.markup} " if lists and lists[-1] == "ordered_list_open" else "- ")
        elif kind == "list_item_close":
            out.breaks(1)
        elif kind == "tr_open":
            out.breaks(1)
        elif kind in ("th_open", "td_open"):
            if out.trailing == 0 and out.length:
                out.append(" | ")
        elif kind in ("code_block", "fence"):
            out.breaks(2)
            out.append(token.content.rstrip("\n"))
            out.breaks(2)
        elif kind == "html_block":
            text = _TAG.sub("", token.content).strip()
            if text:
                out.breaks(2)
                out.append(text)
                out.breaks(2)
        elif kind == "inline":
            _inline(token.children or [], out)

    text = out.value()
    quotes: list[Segment] = []
    for start, end, depth in pieces:
        start, end = trim_span(text, start, min(end, len(text)))
        if end > start:
            quotes.append(Segment("quote", start, end, marker=">" * min(depth, 8) if depth <= 8 else f">x{depth}"))
    stripped = text.rstrip()
    return MarkdownText(text=stripped, quotes=[q for q in quotes if q.start < len(stripped)])


def _inline(children: list[Token], out: TextParts) -> None:
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            _inline(child.children or [], out)  # the alt text; images hold no images, so this stays shallow

