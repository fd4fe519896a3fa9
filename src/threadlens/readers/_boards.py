"""What the readers of saved forum pages share: finding elements, board dates, building the thread.

A board reader (phpBB, vBulletin, SMF, XenForo) finds each post on the page as a :class:`FoundPost` (id,
author, time, the element holding the message) and a classifier that tells ``html_to_text`` which
elements are quotes (with the cited author and the post id the markup names) and which are furniture to
drop ("Name wrote:", "Click to expand..."). :func:`board_threads` does the rest the same way for all:
the message becomes text with quote segments, a quote's ``source`` is kept only when it names another
post on the page, and a post that quotes one is linked to it (``reply_to``): boards record no reply links
of their own, so a post that quotes nobody stays a root of the flat thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from lxml import etree

from ..errors import InputError
from ..thread import Post, Segment, Thread, parse_time
from ._html import QuoteInfo, html_to_text, parse_html
from ._linking import LoosePost, build_threads
from ._source import Source

__all__ = ["FoundPost", "board_threads", "has_class", "cls", "text_of", "board_time", "first", "digits_after",
           "page_of", "Classifier"]

Classifier = Callable[[etree._Element], "QuoteInfo | bool | None"]
_SPACES = re.compile(r"\s+")
_TIME_FORMATS = (
    "%a %b %d, %Y %I:%M %p",        # phpBB: Tue Nov 12, 2024 3:43 am
    "%a %b %d, %Y %H:%M",
    "%d-%m-%Y, %I:%M %p",           # vBulletin: 13-09-2011, 06:41 PM
    "%m-%d-%Y, %I:%M %p",
    "%m-%d-%Y %I:%M %p",
    "%d.%m.%Y, %H:%M",
    "%a, %d %B %Y, %H:%M:%S",       # SMF: Fri, 07 January 2022, 11:21:09
    "%B %d, %Y, %I:%M:%S %p",       # SMF: June 20, 2011, 10:44:01 AM
    "%b %d, %Y at %I:%M %p",        # XenForo: Mar 1, 2021 at 10:00 AM
    "%b %d, %Y",
    "%d %B %Y, %H:%M",
)


@dataclass(slots=True)
class FoundPost:
    """A post found on a page: ``content`` is the element holding the message (signature excluded)."""

    id: str
    content: etree._Element
    author: str | None = None
    created: datetime | None = None
    time_text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def page_of(source: Source) -> etree._Element:
    """The parsed page."""
    return parse_html(source.text)


def cls(name: str) -> str:
    """An XPath test for an element having the class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def first(element: etree._Element, *paths: str) -> etree._Element | None:
    """The first element any of the XPath expressions finds (tried in order)."""
    for path in paths:
        found = element.xpath(path)
        if found:
            return found[0]
    return None


def text_of(element: etree._Element | None) -> str | None:
    """The element's text content, whitespace collapsed; None for a missing or empty element."""
    if element is None:
        return None
    value = _SPACES.sub(" ", element.text_content() if hasattr(element, "text_content") else str(element)).strip()
    return value or None


def digits_after(text: str | None, *markers: str) -> str | None:
    """The digits that follow the first marker found in ``text`` (``p=`` in ``viewtopic.php?p=12``)."""
    if not text:
        return None
    for marker in markers:
        at = text.find(marker)
        if at < 0:
            continue
        start = end = at + len(marker)
        while end < len(text) and text[end].isdigit():
            end += 1
        if end > start:
            return text[start:end]
    return None


def board_time(value: str | None) -> datetime | None:
    """A post time from an ISO/unix value or a board's date text; None when it can't be read
    ("Today, 10:00 AM"). Times without a zone are taken as UTC (boards print their own local time)."""
    if not value:
        return None
    text = _SPACES.sub(" ", value.replace("\xa0", " ")).strip(" «»\u00ab\u00bb")
    try:
        return parse_time(text)
    except (ValueError, OverflowError, OSError):
        pass
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def _quoted_post(markup: tuple[Segment, ...]) -> str | None:
    """The post a reply answers: the first top-level quote naming one, else the first nested one."""
    outer = [s.source for s in markup if s.source is not None and ":" not in (s.marker or "")]
    inner = [s.source for s in markup if s.source is not None]
    return (outer or inner or [None])[0]


def board_threads(found: list[FoundPost], *, board: str, source: Source, classify: Classifier,
                  thread_id: str | None, title: str | None) -> list[Thread]:
    """One thread from the posts of a saved page; InputError when the page holds none."""
    if not found:
        raise InputError(f"holds no {board} posts (expected a saved topic page of the board); check the file or "
                         "pass another --input-format", source=source.name)
    ids = {item.id for item in found}
    conversation = thread_id or source.stem or board
    items: list[LoosePost] = []
    for item in found:
        rendered = html_to_text(item.content, classify=classify)
        markup = tuple(replace(s, source=s.source if s.source in ids and s.source != item.id else None)
                       for s in rendered.quotes)
        meta = {"board": board, **item.meta}
        if item.created is None and item.time_text:
            meta["time_text"] = item.time_text
        post = Post(id=item.id, text=rendered.text, author=item.author, created=item.created, meta=meta,
                    reply_to=_quoted_post(markup), markup=markup)
        items.append(LoosePost(post=post, conversation=conversation))
    threads = build_threads(items, source=source.name, title=title)
    for thread in threads:
        thread.meta["board"] = board
    return threads
