"""What an element's markup says about it: its tag, the words of its class and id, whether it holds text.

``comment-body`` is the words [comment, body], ``messageText`` [message, text], ``post_12`` [post, 12]:
the HTML readers match these words, not substrings, so ``comment`` never matches ``commentary``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

__all__ = ["tag_of", "class_names", "names_of", "split_name", "name_parts", "names_say", "has_text", "short_text",
           "contains", "first_passing", "MAX_TRIES"]

_NAME_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+|[0-9]+")  # no nested repetition: linear
_MAX_NAMES = 20

MAX_TRIES = 25  # candidate author/body/time elements looked at per post (bounds the work on hostile pages)


def tag_of(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def class_names(element: etree._Element) -> list[str]:
    """The element's class names (at most 20: a hostile page may give thousands)."""
    return (element.get("class") or "")[:1000].split()[:_MAX_NAMES]


def names_of(element: etree._Element) -> list[str]:
    """Its class names and its id."""
    names = class_names(element)
    ident = element.get("id")
    if ident:
        names.append(ident[:200])
    return names


def split_name(name: str) -> list[str]:
    """``comment-body`` -> [comment, body]; ``messageText`` -> [message, text]; ``post_12`` -> [post, 12]."""
    return [part.lower() for part in _NAME_PARTS.findall(name[:200])]


def name_parts(element: etree._Element) -> Iterator[list[str]]:
    for name in names_of(element):
        yield split_name(name)


def names_say(element: etree._Element, words: frozenset[str]) -> bool:
    return any(part in words for parts in name_parts(element) for part in parts)


def has_text(element: etree._Element) -> bool:
    for text in element.itertext():
        if text.strip():
            return True
    return False


def short_text(element: etree._Element, *, limit: int) -> str:
    """An element's text, whitespace collapsed, at most ``limit`` characters (script text included: for
    titles and comparisons only, never for text a post keeps)."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        pieces.append(str(piece))
        size += len(piece)
        if size > limit:
            break
    return " ".join(" ".join(pieces).split())[:limit]


def contains(outer: etree._Element, inner: etree._Element, *, stop: etree._Element) -> bool:
    """Whether ``inner`` lies inside ``outer``, looking no higher than ``stop``."""
    for ancestor in inner.iterancestors():
        if ancestor is outer:
            return True
        if ancestor is stop:
            return False
    return False


def first_passing(elements: Iterable[etree._Element], test: Any, check: Any) -> etree._Element | None:
    """The first element passing ``test`` (cheap) and ``check``; gives up after a few failing ``check``."""
    tries = 0
    for element in elements:
        if isinstance(element.tag, str) and test(element):
            if check(element):
                return element
            tries += 1
            if tries >= MAX_TRIES:
                return None
    return None
