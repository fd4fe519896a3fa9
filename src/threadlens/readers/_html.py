"""HTML to post text, keeping what the markup says about quotes.

Every HTML reader (Hacker News, Discourse cooked posts, forum pages, mail HTML parts, generic pages)
goes through :func:`html_to_text`: block elements become paragraphs separated by a blank line, ``<br>``
a line break, entities are decoded, scripts/styles/comments dropped, and each ``<blockquote>`` (or any
element a reader classifies as a quote) becomes a quote :class:`~threadlens.thread.Segment` of the text.
Nested quotes give one segment per stretch of text at its innermost level (marker ``blockquote`` at depth
1, ``blockquote:2`` deeper). Italic ranges are kept for readers where italics mark quotes (Hacker News).

The walk is iterative (no recursion limit on hostile nesting) and never interprets the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree, html as lxml_html

from .._spans import trim_span
from ..thread import Segment

__all__ = ["HtmlText", "html_to_text", "QuoteInfo", "parse_html"]

_BLOCKS = frozenset("""address article aside blockquote center dd details dialog div dl dt fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr ul
""".split())
_DROP = frozenset("script style noscript template head title iframe object embed svg math button select".split())
_ITALIC = frozenset(("i", "em"))
_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")


@dataclass(frozen=True, slots=True)
class QuoteInfo:
    """What a reader's classifier says of a quote element: who it cites, and which post it names."""

    cite: str | None = None
    source: str | None = None
    marker: str = "blockquote"


@dataclass(slots=True)
class HtmlText:
    """Text of an HTML fragment, its quote segments, and its italic ranges."""

    text: str
    quotes: list[Segment] = field(default_factory=list)
    italics: list[tuple[int, int]] = field(default_factory=list)


Classifier = Callable[[etree._Element], "QuoteInfo | bool | None"]
"""Decides for an element: a ``QuoteInfo`` (it is a quote), ``False`` (drop it and its text), None (default)."""


def parse_html(markup: str) -> etree._Element:
    """Parse a fragment or page leniently (huge text nodes allowed, comments dropped).

    An XML declaration naming an encoding is dropped first: the text is already decoded, and lxml
    refuses str input that declares one.
    """
    markup = _XML_DECLARATION.sub("", markup, count=1) if markup[:64].lstrip().startswith("<?xml") else markup
    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    document = lxml_html.document_fromstring(markup or "<p></p>", parser=parser)
    return document


def _default_quote(element: etree._Element) -> QuoteInfo | bool | None:
    if element.tag == "blockquote":
        return QuoteInfo(cite=element.get("cite") or None)
    return None


class _Builder:
    def __init__(self, preserve: int = 0) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.trailing_newlines = 0
        self.pending_space = False
        self.preserve = preserve

    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.preserve:
            self._append(value)
            self.trailing_newlines = len(value) - len(value.rstrip("\n")) if value.strip("\n") else self.trailing_newlines + len(value)
            self.pending_space = False
            return
        collapsed = _SPACES.sub(" ", value)
        if collapsed.startswith(" "):
            self.pending_space = True
            collapsed = collapsed.lstrip(" ")
        if not collapsed:
            return
        if self.pending_space and self.length and not self.trailing_newlines:
            self._append(" ")
        self.pending_space = collapsed.endswith(" ")
        self._append(collapsed.rstrip(" "))
        self.trailing_newlines = 0

    def bullet(self) -> None:
        self._append("- ")
        self.trailing_newlines = 0
        self.pending_space = False

    def newlines(self, count: int) -> None:
        self.pending_space = False
        if not self.length:
            return
        if self.trailing_newlines < count:
            self._append("\n" * (count - self.trailing_newlines))
            self.trailing_newlines = count

    def _append(self, value: str) -> None:
        self.parts.append(value)
        self.length += len(value)


def html_to_text(markup: str | etree._Element, *, classify: Classifier | None = None) -> HtmlText:
    """Convert an HTML fragment (or a parsed element) to text plus quote segments and italic ranges."""
    root = parse_html(markup) if isinstance(markup, str) else markup
    classify = classify or _default_quote
    out = _Builder()
    quotes: list[tuple[int, QuoteInfo, int]] = []  # open quotes: (run start, info, depth)
    pieces: list[tuple[int, int, QuoteInfo, int]] = []
    italics: list[tuple[int, int]] = []
    open_italics: list[int] = []
    skip_until: etree._Element | None = None
    kinds: dict[int, str] = {}

    def close_run(end: int) -> None:
        if quotes:
            start, info, depth = quotes[-1]
            pieces.append((start, end, info, depth))

    for event, element in etree.iterwalk(root, events=("start", "end")):
        if skip_until is not None:
            if event == "end" and element is skip_until:
                skip_until = None
                out.text(element.tail)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if tag in _DROP:
                skip_until = element
                continue
            verdict = classify(element)
            if verdict is False:
                skip_until = element
                continue
            if isinstance(verdict, QuoteInfo):
                out.newlines(2)
                close_run(out.length)
                quotes.append((out.length, verdict, len(quotes) + 1))
                kinds[id(element)] = "quote"
            elif tag in _BLOCKS:
                out.newlines(2 if tag not in ("li", "dd", "dt", "tr") else 1)
                if tag == "li":
                    out.bullet()
            elif tag == "br":
                out.newlines(1)
            if tag == "pre":
                out.preserve += 1
            if tag in _ITALIC:
                open_italics.append(out.length)
            out.text(element.text)
        else:
            if kinds.pop(id(element), None) == "quote":
                close_run(out.length)
                quotes.pop()
                if quotes:
                    start, info, depth = quotes[-1]
                    quotes[-1] = (out.length, info, depth)
                out.newlines(2)
            elif tag in _BLOCKS:
                out.newlines(2 if tag not in ("li", "dd", "dt", "tr") else 1)
            if tag == "pre":
                out.preserve = max(0, out.preserve - 1)
            if tag in _ITALIC and open_italics:
                italics.append((open_italics.pop(), out.length))
            if element is not root:
                out.text(element.tail)

    text = "".join(out.parts)
    segments: list[Segment] = []
    for start, end, info, depth in pieces:
        start, end = trim_span(text, start, min(end, len(text)))
        if end > start:
            marker = info.marker if depth == 1 else f"{info.marker}:{depth}"
            segments.append(Segment("quote", start, end, source=info.source, marker=marker, cite=info.cite))
    stripped = text.rstrip()
    segments = [s for s in segments if s.start < len(stripped)]
    italic_ranges = [(s, e) for s, e in (trim_span(text, a, b) for a, b in italics) if e > s]
    return HtmlText(text=stripped, quotes=sorted(segments, key=lambda s: s.start), italics=italic_ranges)

