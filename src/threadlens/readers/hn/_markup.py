"""Hacker News comment HTML: text through ``html_to_text``, and italics that mark quotes.

HN has no quote markup. Commenters write ``> text`` (HN renders ``&gt; text`` at a paragraph start; the
core finds those lines), or set the quoted words in italics. Here a whole paragraph in italics is a quote,
and so is an italic phrase of three or more words found in the parent or an ancestor; one emphasised word
is not. These become ``Post.markup`` quote segments (marker ``italic``, ``source`` None: the splitter
attributes them by their words).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from lxml import etree

from ..._spans import trim_span
from ...thread import Segment, Thread
from .._html import HtmlText, QuoteInfo, html_to_text

__all__ = ["comment_text", "reopen_italics", "line_breaks", "italic_quotes", "add_italic_quotes", "ITALIC_MARKER"]

ITALIC_MARKER = "italic"
_PHRASE_MIN_WORDS = 3
_PARAGRAPH_MIN_WORDS = 2
_MAX_REOPEN = 4
_MAX_PHRASES = 200  # italic phrases looked up per post
# A tag: possessive quantifiers, so a '<' followed by 100,000 letters and no '>' costs one scan.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*+)[^>]*+>")
# The words the quote splitter matches on (as threadlens.quotes.words, which imports spaCy with its package).
_WORD = re.compile(r"\w++(?:['\u2019\u02bc]\w++)*+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})
_CONTAINERS = frozenset({"div", "span", "td", "tr", "table", "font", "body", "html", "blockquote", "li", "pre"})


def reopen_italics(markup: str) -> str:
    """Carry an ``<i>`` that HN leaves open across a ``<p>`` into the next paragraph.

    HN writes ``<i>quoted<p>more quoted</i>``; browsers show both paragraphs in italics, but libxml2
    closes the ``<i>`` at the ``<p>``. This closes it before the ``<p>`` and opens it again after. An
    element end (``</div>``, ``</span>``, ``</font>``, ``</td>`` ...) ends the carry, so a stray ``<i>``
    can't spread past its comment on a saved page.
    """
    if "<i" not in markup and "<I" not in markup:
        return markup
    out: list[str] = []
    position = 0
    open_italics = 0
    for match in _TAG.finditer(markup):
        closing, name = match.group(1), match.group(2).lower()
        if name == "i":
            open_italics = max(0, open_italics - 1) if closing else open_italics + 1
        elif name == "p" and not closing and open_italics:
            count = min(open_italics, _MAX_REOPEN)
            out.append(markup[position : match.start()])
            out.append("</i>" * count + match.group() + "<i>" * count)
            position = match.end()
        elif closing and name in _CONTAINERS:
            open_italics = 0
    out.append(markup[position:])
    return "".join(out)


def line_breaks(markup: str) -> str:
    """Keep the line breaks a commenter typed: ``\n`` in text (outside ``<pre>``) becomes ``<br>``.

    HN leaves a single newline in the HTML, where a browser shows a space; but ``> quote\nreply`` means
    a quote line, then the reply. Newlines inside tags are left alone.
    """
    if "\n" not in markup:
        return markup
    out: list[str] = []
    position = 0
    in_pre = 0
    for match in _TAG.finditer(markup):
        text = markup[position : match.start()]
        out.append(text.replace("\n", "<br>") if not in_pre else text)
        if match.group(2).lower() == "pre":
            in_pre = max(0, in_pre - 1) if match.group(1) else in_pre + 1
        out.append(match.group())
        position = match.end()
    tail = markup[position:]
    out.append(tail.replace("\n", "<br>") if not in_pre else tail)
    return "".join(out)


def comment_text(markup: str | etree._Element) -> HtmlText:
    """Text, blockquote segments and italic ranges of a comment's HTML (a string or a parsed element)."""
    if not isinstance(markup, str):
        markup = etree.tostring(markup, method="html", encoding="unicode", with_tail=False)
    return html_to_text(line_breaks(reopen_italics(markup)), classify=_drop_reply_links)


def _drop_reply_links(element: etree._Element) -> QuoteInfo | bool | None:
    """The ``reply`` link block of a page's comment is furniture, not text."""
    if element.tag == "div" and "reply" in (element.get("class") or "").split():
        return False
    return QuoteInfo() if element.tag == "blockquote" else None


def italic_quotes(text: str, italics: Sequence[tuple[int, int]], ancestors: Sequence[str] = ()) -> list[Segment]:
    """Quote segments for the italics of a post's ``text``.

    ``ancestors`` are the texts of the parent, grandparent, ... An italic paragraph (or run of them) is a
    quote when the post has other text too; any other italic phrase of three or more words is a quote when
    its words, normalised, appear in an ancestor. Italics on ``>`` lines are left to the core's marker
    rule.
    """
    return _italic_quotes(text, italics, [_joined(_words(a)) for a in ancestors])


def _italic_quotes(text: str, italics: Sequence[tuple[int, int]], haystacks: Sequence[str]) -> list[Segment]:
    if not italics:
        return []
    marked = _Ranges(_marker_lines(text))
    spans = _Ranges(_union(italics))
    paragraphs = _paragraphs(text)
    whole: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    stray = False  # italics flowing in from the middle of the paragraph before: a stray '*', not a quote
    for start, end in paragraphs:
        if (not marked.overlaps(start, end) and spans.covers_letters(text, start, end)
                and len(_words(text, start, end)) >= _PARAGRAPH_MIN_WORDS):
            run.append((start, end))
            continue
        if run and not stray:
            whole.append((run[0][0], run[-1][1]))
        run = []
        stray = spans.ends_in(text, start, end)
    if run and not stray:
        whole.append((run[0][0], run[-1][1]))
    taken = _Ranges(whole)
    if whole and all(taken.overlaps(s, e) for s, e in paragraphs):
        whole, taken = [], _Ranges(())  # a post all in italics is emphasis, unless an ancestor holds its words (below)
    segments = [Segment("quote", s, e, marker=ITALIC_MARKER) for s, e in whole]
    if not haystacks:
        return segments
    for start, end in spans.items[:_MAX_PHRASES]:
        if taken.overlaps(start, end) or marked.overlaps(start, end):
            continue
        words = list(_WORD.finditer(text, start, end))
        if len(words) < _PHRASE_MIN_WORDS:
            continue
        needle = _joined([_normal(w.group()) for w in words])
        if any(needle in haystack for haystack in haystacks):
            segments.append(Segment("quote", words[0].start(), _extend_closing(text, words[-1].end(), end),
                                    marker=ITALIC_MARKER))
    return sorted(segments, key=lambda s: s.start)


def add_italic_quotes(threads: Sequence[Thread], italics: dict[str, list[tuple[int, int]]]) -> None:
    """Set ``Post.markup`` of each post with italics (keeping markup it already has)."""
    for thread in threads:
        joined: dict[str, str] = {}  # post id -> its normalised words, each computed once
        for post in thread.posts:
            spans = italics.get(post.id)
            if not spans:
                continue
            haystacks = []
            for ancestor in thread.ancestors(post.id):
                if ancestor.id not in joined:
                    joined[ancestor.id] = _joined(_words(ancestor.text))
                haystacks.append(joined[ancestor.id])
            existing = _Ranges((m.start, m.end) for m in post.markup)
            found = [s for s in _italic_quotes(post.text, spans, haystacks) if not existing.overlaps(s.start, s.end)]
            if found:
                post.markup = tuple(sorted([*post.markup, *found], key=lambda s: s.start))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each blank-line-separated paragraph, trimmed."""
    out: list[tuple[int, int]] = []
    position = 0
    while position < len(text):
        gap = text.find("\n\n", position)
        end = len(text) if gap < 0 else gap
        start, stop = trim_span(text, position, end)
        if stop > start:
            out.append((start, stop))
        position = end + 2
    return out


class _Ranges:
    """Sorted, disjoint ``(start, end)`` ranges with logarithmic overlap tests."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self.items = sorted(ranges)
        self._starts = [s for s, _ in self.items]
        self._ends = [e for _, e in self.items]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._ends, start)
        return i < len(self.items) and self._starts[i] < end

    def covers_letters(self, text: str, start: int, end: int) -> bool:
        """Whether every letter and digit of ``text[start:end]`` lies inside the ranges."""
        position = start
        i = bisect_right(self._ends, start)
        while i < len(self.items) and self._starts[i] < end:
            if any(c.isalnum() for c in text[position : self._starts[i]]):
                return False
            position = max(position, self._ends[i])
            i += 1
        return position >= end or not any(c.isalnum() for c in text[position:end])


    def ends_in(self, text: str, start: int, end: int) -> bool:
        """Whether the last letter or digit of ``text[start:end]`` is inside the ranges."""
        last = end - 1
        while last >= start and not text[last].isalnum():
            last -= 1
        return last >= start and self.overlaps(last, last + 1)


def _union(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ranges merged (nested ``<i>`` give nested ranges)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Lower-cased words of ``text[start:end]``, apostrophes unified."""
    return [_normal(m.group()) for m in _WORD.finditer(text, start, len(text) if end is None else end)]


def _normal(word: str) -> str:
    return word.lower().translate(_APOSTROPHES)


def _marker_lines(text: str) -> list[tuple[int, int]]:
    """Lines starting with ``>`` (after up to three spaces): the core's quote-marker lines."""
    out: list[tuple[int, int]] = []
    position = 0
    while position <= len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        if text[position : min(end, position + 4)].lstrip(" ").startswith(">"):
            out.append((position, end))
        if newline < 0:
            break
        position = newline + 1
    return out


def _joined(tokens: Sequence[str]) -> str:
    return " " + " ".join(tokens) + " "


def _extend_closing(text: str, position: int, limit: int) -> int:
    """Take punctuation closing the italic phrase ('.', '?', '…') into the quote."""
    while position < limit and not text[position].isspace() and not text[position].isalnum():
        position += 1
    return position
