"""Which elements of a page are its posts, how they nest, and the page's own article.

Posts are the repeated containers whose class, id or custom tag says post, comment, message or reply, or
``article`` elements; see :func:`find_post_elements`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from lxml import etree

from ._html_names import class_names, name_parts, tag_of

__all__ = ["find_post_elements", "enclosing_posts", "precedes", "page_article"]

_POST_WORDS = frozenset(("post", "comment", "message", "reply"))

# "comment-item", "post-wrapper": a container word after the keyword doesn't change what the element is.
_CONTAINER_SUFFIXES = frozenset(("item", "wrapper", "wrap", "container", "block", "card", "box", "entry", "node",
                                 "row", "outer", "li"))

_CONTAINER_TAGS = frozenset("div li article section tr td dd aside table tbody details".split())

_PAGE_POST_CLASSES = frozenset(("post", "entry", "hentry", "article"))


def find_post_elements(root: etree._Element) -> list[etree._Element]:
    """The elements holding a page's posts, in document order (empty when no kind repeats)."""
    candidates: list[tuple[etree._Element, tuple[str, str], frozenset[tuple[str, str]]]] = []
    open_kinds: Counter[tuple[str, str]] = Counter()
    open_stack: list[tuple[etree._Element, tuple[str, str]]] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            kind = _post_kind(element)
            if kind is not None:
                candidates.append((element, kind, frozenset(k for k, n in open_kinds.items() if n > 0)))
                open_kinds[kind] += 1
                open_stack.append((element, kind))
        elif open_stack and open_stack[-1][0] is element:
            open_kinds[open_stack.pop()[1]] -= 1
    groups: dict[tuple[str, str], list[int]] = {}
    for position, (_, kind, _) in enumerate(candidates):
        groups.setdefault(kind, []).append(position)
    eligible = {kind: members for kind, members in groups.items() if len(members) >= 2}
    if not eligible:
        return []
    chosen = max(eligible, key=lambda kind: len(eligible[kind]))
    for _ in range(len(eligible)):
        outer = _enclosing_kind(chosen, eligible, candidates)
        if outer is None:
            break
        chosen = outer
    return [candidates[position][0] for position in eligible[chosen]]


def _post_kind(element: etree._Element) -> tuple[str, str] | None:
    tag = tag_of(element)
    custom = "-" in tag
    if tag not in _CONTAINER_TAGS and not custom and tag != "span":
        return None
    for parts in name_parts(element):
        while len(parts) > 1 and (parts[-1].isdigit() or parts[-1] in _CONTAINER_SUFFIXES):
            parts.pop()
        if parts and parts[-1] in _POST_WORDS and (tag != "span" or len(parts) == 1):
            return tag, parts[-1]
    if tag == "span":  # a span only as a bare ``span.comment`` (old table layouts)
        return None
    if custom and tag.rsplit("-", 1)[-1] in _POST_WORDS:
        return tag, tag.rsplit("-", 1)[-1]
    if tag == "article":
        return tag, "article"
    return None


_Kind = tuple[str, str]  # (tag, keyword): ("li", "comment")


def _enclosing_kind(chosen: _Kind, eligible: dict[_Kind, list[int]],
                    candidates: list[tuple[Any, _Kind, frozenset[_Kind]]]) -> _Kind | None:
    """Another repeated kind that holds (nearly) every element of ``chosen``, if any."""
    members = eligible[chosen]
    best, best_share = None, 0.0
    for kind, others in eligible.items():
        if kind == chosen:
            continue
        inside = sum(1 for position in members if kind in candidates[position][2]) / len(members)
        reverse = sum(1 for position in others if chosen in candidates[position][2]) / len(others)
        if inside >= 0.9 and reverse < 0.5 and inside > best_share:
            best, best_share = kind, inside
    return best


def enclosing_posts(root: etree._Element, members: set[etree._Element]) -> dict[etree._Element, etree._Element]:
    """Each post's nearest enclosing post, in one walk of the page (no ancestor walks per post)."""
    parents: dict[etree._Element, etree._Element] = {}
    open_posts: list[etree._Element] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element not in members:
            continue
        if event == "start":
            if open_posts:
                parents[element] = open_posts[-1]
            open_posts.append(element)
        elif open_posts and open_posts[-1] is element:
            open_posts.pop()
    return parents


def _nearest(element: etree._Element, members: set[etree._Element]) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor in members:
            return ancestor
    return None


def precedes(first: etree._Element, second: etree._Element) -> bool:
    for element in first.getroottree().iter():
        if element is first:
            return True
        if element is second:
            return False
    return True


def page_article(root: etree._Element, members: set[etree._Element],
                  first_post: etree._Element) -> etree._Element | None:
    """The page's own article (a blog post the comments discuss), outside and not inside any post."""
    if tag_of(first_post) == "article" and all(tag_of(member) == "article" for member in members):
        return None
    checked = 0
    for element in root.iter():
        if element in members:
            continue
        tag = tag_of(element)
        classes = set(class_names(element))
        if tag != "article" and not classes & _PAGE_POST_CLASSES:
            continue
        checked += 1
        if checked > 50:
            return None
        if _nearest(element, members) is None:
            return element
    return None
