"""Inside one post of a page: its author, its time, its body, and the quotes and furniture of its text.

:class:`PostClassifier` is the hook :func:`~threadlens.readers._html.html_to_text` asks about each element:
``blockquote`` and ``div.quote`` are quotes (citing a ``cite`` element or attribute), action links,
vote buttons and meta lines are dropped.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice

from lxml import etree

from ..thread import parse_time
from ._html import QuoteInfo, html_to_text
from ._html_names import (MAX_TRIES, contains, first_passing, has_text, name_parts, names_of, names_say, split_name,
                          tag_of)

__all__ = ["author_element", "author_text", "time_of", "parsed_time", "body_element", "PostClassifier",
           "MAX_AUTHOR"]

_AUTHOR_WORDS = frozenset(("author", "user", "username", "byline", "fn", "nickname", "poster", "commenter"))

_AUTHOR_NOT = frozenset(("avatar", "actions", "action", "flair", "menu", "image", "img", "photo", "pic", "content",
                         "body", "text", "message"))

_AUTHOR_NAME_WORDS = frozenset(("fn", "username", "nickname", "name"))

_BODY_WORDS = frozenset(("content", "body", "text", "message", "msg"))

_QUOTE_WORDS = frozenset(("quote", "quotation", "blockquote"))

_QUOTE_TAGS = frozenset(("div", "aside", "section", "figure"))

_TIME_WORDS = frozenset(("date", "time", "timestamp", "published", "posted", "age", "datetime"))

_TIME_ATTRIBUTES = ("datetime", "data-timestamp", "data-time", "data-utime", "data-date", "title")

_DROP_WORDS = frozenset(("meta", "metadata", "actions", "toolbar", "share", "sharing", "vote", "votes", "voting",
                         "permalink", "avatar"))

_DROP_TAGS = frozenset(("form", "nav"))

_PAGE_DROP_TAGS = frozenset(("form", "nav", "header", "footer", "aside"))

_PAGE_DROP_WORDS = frozenset(("sidebar", "nav", "navbar", "navigation", "menu", "footer", "header", "widget",
                              "breadcrumb", "breadcrumbs", "cookie", "banner", "share", "sharing", "social"))

MAX_AUTHOR = 60

_QUOTE_HEAD = 50  # elements at the start of a quote searched for its cite


def _is_author(element: etree._Element) -> bool:
    if element.get("itemprop") == "author" or element.get("rel") == "author":
        return True
    for name in names_of(element):
        parts = split_name(name)
        if any(part in _AUTHOR_NOT for part in parts):
            continue
        if any(part in _AUTHOR_WORDS for part in parts) or name.lower().endswith(("author", "user")):
            return True
    return False


def author_element(post: etree._Element) -> tuple[etree._Element, etree._Element] | None:
    """The post's author block (a byline, dropped from the text) and the element naming the author in it."""
    outer = first_passing(post.iterdescendants(), _is_author, has_text)
    if outer is None:
        return None
    found = outer
    while True:
        narrower = first_passing(found.iterdescendants(),
                          lambda e: _is_author(e) or names_say(e, _AUTHOR_NAME_WORDS) or e.get("itemprop") == "name",
                          has_text)
        if narrower is None:
            return outer, found
        found = narrower


def author_text(element: etree._Element) -> str | None:
    text = " ".join(html_to_text(element).text.split())
    lowered = text.lower()
    for prefix in ("posted by ", "written by ", "comment by ", "by ", "@"):
        if lowered.startswith(prefix):
            text = text[len(prefix):]
            break
    for suffix in (" says:", " says", " said:", " wrote:", " writes:", ":"):
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
            break
    text = text.strip(" -\u2013\u2014\u00b7|,")
    if len(text) > MAX_AUTHOR:
        for separator in (" on ", " | ", " \u00b7 ", " - ", " at "):
            if separator in text:
                text = text.split(separator, 1)[0].strip()
                break
    return text if text and len(text) <= MAX_AUTHOR else None


def time_of(post: etree._Element) -> tuple[etree._Element | None, datetime | None, str | None]:
    """The post's time element, its parsed time, and the raw value when it doesn't parse."""
    first_time = None
    tries = 0
    for element in post.iterdescendants():
        tag = tag_of(element)
        if tag == "time" or element.get("datetime") is not None:
            tries += 1
            if tries > MAX_TRIES:
                break
            value = element.get("datetime") or " ".join(html_to_text(element).text.split())[:200]
            parsed = parsed_time(value)
            if parsed is not None:
                return element, parsed, None
            if first_time is None and value:
                first_time = (element, value[:100])
            continue
        if names_say(element, _TIME_WORDS):
            for attribute in _TIME_ATTRIBUTES:
                parsed = parsed_time(element.get(attribute))
                if parsed is not None:
                    return element, parsed, None
    if first_time is not None:
        return first_time[0], None, first_time[1]
    return None, None, None


def parsed_time(value: str | None) -> datetime | None:
    """A time from an attribute: ISO 8601, unix seconds or milliseconds, or the first of several words
    (Hacker News: ``title="2026-05-18T20:14:41 1779135281"``)."""
    if not value:
        return None
    for candidate in (value.strip(), value.strip().split(" ", 1)[0]):
        try:
            if candidate.isdigit() and len(candidate) >= 12:  # milliseconds since 1970
                return parse_time(int(candidate) / 1000)
            return parse_time(candidate)
        except (ValueError, OverflowError, OSError):
            continue
    return None


def body_element(post: etree._Element, *, avoid: list[etree._Element]) -> etree._Element | None:
    def looks_like_body(element: etree._Element) -> bool:
        return tag_of(element) not in ("blockquote", "a", "span", "time") and any(
            parts and parts[-1] in _BODY_WORDS for parts in name_parts(element))

    return first_passing(post.iterdescendants(), looks_like_body,
                  lambda e: not any(contains(e, other, stop=post) for other in avoid) and has_text(e))


class PostClassifier:
    """html_to_text's hook: quotes (with cite/source), and what is dropped from a post's text."""

    def __init__(self, root: etree._Element, anchors: dict[str, str], drop: set[etree._Element], *,
                 drop_meta: bool, page_level: bool = False) -> None:
        self.root = root
        self.anchors = anchors
        self.drop = set(drop)
        self.drop_meta = drop_meta
        self.page_level = page_level

    def __call__(self, element: etree._Element) -> QuoteInfo | bool | None:
        if element in self.drop:
            return False
        tag = tag_of(element)
        if tag == "blockquote":
            return self._quote(element, marker="blockquote")
        if tag in _QUOTE_TAGS and _is_quote_class(element):
            return self._quote(element, marker="quote")
        if element is self.root:
            return None
        if tag in _DROP_TAGS:
            return False
        if self.drop_meta and _is_furniture(element):
            return False
        if self.page_level and (tag in _PAGE_DROP_TAGS or names_say(element, _PAGE_DROP_WORDS)):
            return False
        return None

    def _quote(self, element: etree._Element, *, marker: str) -> QuoteInfo:
        cite, source = None, None
        attribute = (element.get("cite") or "").strip()
        if attribute:
            fragment = attribute.rsplit("#", 1)[1] if "#" in attribute else None
            source = self.anchors.get(fragment) if fragment else None
            cite = attribute[:200]
        cite_element = _own_cite(element)
        if cite_element is not None:
            holder = cite_element.getparent()
            # "<footer>— <cite>Name</cite></footer>": the attribution goes, not just the name.
            self.drop.add(holder if holder is not None and holder is not element
                          and tag_of(holder) in ("footer", "header", "figcaption") else cite_element)
            named = _cited_name(cite_element)
            if named:
                cite = named
        return QuoteInfo(cite=cite, source=source, marker=marker)


def _own_cite(quote: etree._Element) -> etree._Element | None:
    """The quote's ``cite`` element (else an element whose class says author) that isn't inside a quote
    nested in it."""
    for test in (lambda e: tag_of(e) == "cite", _is_author):
        # An attribution opens the quote: looking at its first elements keeps nested quotes linear.
        found = first_passing(islice(quote.iterdescendants(), _QUOTE_HEAD), test, lambda e: _own(quote, e))
        if found is not None:
            return found
    return None


def _own(quote: etree._Element, element: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is quote:
            return True
        if tag_of(ancestor) == "blockquote" or (tag_of(ancestor) in _QUOTE_TAGS and _is_quote_class(ancestor)):
            return False
    return False


def _cited_name(element: etree._Element) -> str | None:
    text = " ".join(html_to_text(element).text.split())
    lowered = text.lower()
    for suffix in (" wrote:", " wrote", " said:", " said", " says:", " writes:", ":"):
        if lowered.endswith(suffix):
            text = text[: -len(suffix)]
            break
    for prefix in ("quote from ", "quoting ", "originally posted by "):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    text = text.strip(" -\u2013\u2014~\u00b7,\"'")
    return text[:MAX_AUTHOR] or None


def _is_quote_class(element: etree._Element) -> bool:
    return any(parts and parts[-1] in _QUOTE_WORDS for parts in name_parts(element))


def _is_furniture(element: etree._Element) -> bool:
    """Action links, vote buttons, meta lines: a post's furniture, not its text."""
    for parts in name_parts(element):
        if any(part in _DROP_WORDS for part in parts):
            return True
        if "reply" in parts and parts[-1] in ("reply", "link", "button", "btn"):
            return True
    return False
