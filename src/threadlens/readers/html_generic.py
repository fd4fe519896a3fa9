"""Any HTML page no specific reader claims: the posts of a discussion page, found by their markup.

Posts are the repeated containers whose class, id or (custom) tag name says post, comment, message or
reply (``li.comment``, ``div#post-12``, ``<shreddit-comment>``), or ``article`` elements: the most frequent
kind wins, and a kind nested inside another repeated kind (``div.reply`` links inside ``li.comment``) gives
way to the outer one. A post nested in another replies to it (``data-parent-id`` and the like link flat
lists); a page's own ``article`` outside the comments (a blog post) becomes the first post, and the
top-level comments reply to it. In each post:

- the author is the first element whose class says author, user, username, byline (or ``fn``,
  ``itemprop=author``, ``rel=author``), narrowed to the most specific such element inside it; when the
  post holds none, its parent is searched (if it holds no other post): Hacker News puts it there;
- the time is the first ``<time datetime>`` (or ``datetime``/``title``/``data-timestamp`` of a date-ish
  element);
- the text is that of its body element (class ending in content, body, text or message) or else of the
  whole post without its author, time, action links and nested posts, through
  :func:`~threadlens.readers._html.html_to_text`, so every ``blockquote`` (and ``div.quote``) becomes a quote
  segment, citing the ``cite`` element or attribute.

A page with no repeated post structure is read as one post (its single ``article``, ``main`` or ``body``).
Scripts, styles and event handlers never reach the text; parsing is lenient (broken tags), iterative
(no recursion limit) and linear in the page size. The parser keeps at most 2,048 levels of nesting
(deeper content is cut, with a notice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..thread import Notice, Post, Segment, Thread, parse_time
from . import Reader, register_reader
from ._html import QuoteInfo, html_to_text
from ._source import Source

__all__ = ["read_html_page", "find_post_elements", "sniff_html"]

_POST_WORDS = frozenset(("post", "comment", "message", "reply"))
# "comment-item", "post-wrapper": a container word after the keyword doesn't change what the element is.
_CONTAINER_SUFFIXES = frozenset(("item", "wrapper", "wrap", "container", "block", "card", "box", "entry", "node",
                                 "row", "outer", "li"))
_CONTAINER_TAGS = frozenset("div li article section tr td dd aside table tbody details".split())
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
_PARENT_ATTRIBUTES = ("data-parent-id", "data-parent", "data-parentid", "data-reply-to", "data-in-reply-to")
_ID_ATTRIBUTES = ("id", "data-id", "data-comment-id", "data-post-id", "data-message-id")
_PAGE_POST_CLASSES = frozenset(("post", "entry", "hentry", "article"))
_NAME_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_MAX_NAMES = 20
_MAX_AUTHOR = 60
_MAX_TRIES = 25  # candidate author/body/time elements looked at per post (bounds the work on hostile pages)
_QUOTE_HEAD = 50  # elements at the start of a quote searched for its cite
_SNIFF_TAGS = ("<body", "<div", "<p>", "<p ", "<article", "<table", "<ul", "<li", "<blockquote", "<head", "<span",
               "<section", "<br")


def sniff_html(source: Source) -> float:
    """0.2 for anything that looks like HTML: low, so the readers of specific sites win."""
    if source.suffix in (".html", ".htm", ".xhtml"):
        return 0.2
    head = source.text[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html")):
        return 0.2
    if head.startswith("<") and any(tag in head for tag in _SNIFF_TAGS):
        return 0.2
    return 0.0


def read_html_page(source: Source) -> list[Thread]:
    """Read one HTML page as one thread (see the module docstring for how posts are found)."""
    notices: list[Notice] = []
    root = _parse(source, notices)
    thread_id = source.path.stem if source.path is not None else None
    title = _page_title(root) if root is not None else None
    if root is None:
        notices.append(Notice("empty_page", f"{source.name}: the page holds no HTML elements; no posts read"))
        return [Thread(posts=[], id=thread_id, title=title, notices=notices)]
    posts = _read_posts(root, source.name, notices)
    if not posts:
        notices.append(Notice("empty_page", f"{source.name}: the page holds no text; no posts read"))
    return [Thread(posts=posts, id=thread_id, title=title, notices=notices)]


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


# --- parsing -------------------------------------------------------------------------------------------

def _parse(source: Source, notices: list[Notice]) -> etree._Element | None:
    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    data = source.text.encode("utf-8", errors="replace")
    if not data.strip():
        return None
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        notices.append(Notice("html_truncated", f"{source.name}: elements nest more than 2,048 deep; the "
                              "parser cut what lies deeper"))
    return root


def _page_title(root: etree._Element) -> str | None:
    for element in root.iter("title", "h1"):
        text = _words(element, limit=300)
        if text:
            return text
    return None


# --- which elements are posts ------------------------------------------------------------------------------

def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _names(element: etree._Element) -> list[str]:
    names = (element.get("class") or "")[:1000].split()[:_MAX_NAMES]
    ident = element.get("id")
    if ident:
        names.append(ident[:200])
    return names


def _parts(name: str) -> list[str]:
    """``comment-body`` -> [comment, body]; ``messageText`` -> [message, text]; ``post_12`` -> [post, 12]."""
    return [part.lower() for part in _NAME_PARTS.findall(name[:200])]


def _name_parts(element: etree._Element) -> Iterator[list[str]]:
    for name in _names(element):
        yield _parts(name)


def _post_kind(element: etree._Element) -> tuple[str, str] | None:
    tag = _tag(element)
    custom = "-" in tag
    if tag not in _CONTAINER_TAGS and not custom and tag != "span":
        return None
    for parts in _name_parts(element):
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


# --- reading the posts ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Found:
    element: etree._Element
    post_id: str = ""
    parent: etree._Element | None = None
    author: str | None = None
    created: datetime | None = None
    text: str = ""
    quotes: tuple[Segment, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


def _read_posts(root: etree._Element, name: str, notices: list[Notice]) -> list[Post]:
    elements = find_post_elements(root)
    if not elements:
        return _whole_page(root, name, notices)
    members = set(elements)
    parents = _enclosing_posts(root, members)
    found = [_Found(element=element, parent=parents.get(element)) for element in elements]
    page = _page_article(root, members, elements[0])
    if page is not None:
        found.insert(0 if _precedes(page, elements[0]) else len(found), _Found(element=page))
    _assign_ids(found)
    by_element = {item.element: item for item in found}
    by_id = {item.post_id: item for item in found}
    anchors = _anchor_map(found)
    for item in found:
        if item.parent is None and item.element is not page:
            item.parent = _linked_parent(item.element, anchors, by_id)
    # Innermost first, detaching each post once read, so every element is read once (linear time).
    for item in reversed(found):
        if item.element is page:
            continue
        _fill(item, anchors, members, drop_meta=True)
        _detach(item.element)
    if page is not None:
        _fill(by_element[page], anchors, members, drop_meta=True)
    page_id = by_element[page].post_id if page is not None else None
    posts = []
    for item in found:
        if not item.text and not item.quotes:
            continue
        parent = by_element[item.parent].post_id if item.parent is not None else None
        if parent is None and page_id is not None and item.element is not page:
            parent = page_id
        posts.append(Post(id=item.post_id, text=item.text, author=item.author, reply_to=parent,
                          created=item.created, meta=item.meta, markup=item.quotes))
    kept = {post.id for post in posts}
    for post in posts:
        # A reply to an empty (left out) post answers that post's nearest kept ancestor instead.
        current = by_id.get(post.reply_to or "")
        while current is not None and current.post_id not in kept:
            current = by_element.get(current.parent) if current.parent is not None else None
        post.reply_to = current.post_id if current is not None else None
    return posts


def _enclosing_posts(root: etree._Element, members: set[etree._Element]) -> dict[etree._Element, etree._Element]:
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


def _precedes(first: etree._Element, second: etree._Element) -> bool:
    for element in first.getroottree().iter():
        if element is first:
            return True
        if element is second:
            return False
    return True


def _page_article(root: etree._Element, members: set[etree._Element],
                  first_post: etree._Element) -> etree._Element | None:
    """The page's own article (a blog post the comments discuss), outside and not inside any post."""
    if _tag(first_post) == "article" and all(_tag(member) == "article" for member in members):
        return None
    checked = 0
    for element in root.iter():
        if element in members:
            continue
        tag = _tag(element)
        classes = set((element.get("class") or "")[:1000].split()[:_MAX_NAMES])
        if tag != "article" and not classes & _PAGE_POST_CLASSES:
            continue
        checked += 1
        if checked > 50:
            return None
        if _nearest(element, members) is None:
            return element
    return None


def _assign_ids(found: list[_Found]) -> None:
    """The posts' ``id`` (else ``data-id``, ``data-comment-id`` ...) attribute when every post has a distinct
    one, else ``p1..pN``; an element id stays in meta as ``html_id``."""
    for attribute in _ID_ATTRIBUTES:
        idents = [(item.element.get(attribute) or "")[:200] for item in found]
        if all(idents) and len(set(idents)) == len(idents):
            break
    else:
        idents = []
    for number, item in enumerate(found, start=1):
        item.post_id = idents[number - 1] if idents else f"p{number}"
        if item.element.get("id"):
            item.meta["html_id"] = item.element.get("id")


def _anchor_map(found: list[_Found]) -> dict[str, str]:
    """Every id-ish attribute value of a post -> its post id (for fragment links and data-parent links)."""
    anchors: dict[str, str] = {}
    for item in found:
        for attribute in _ID_ATTRIBUTES:
            value = item.element.get(attribute)
            if value:
                anchors.setdefault(value, item.post_id)
    return anchors


def _linked_parent(element: etree._Element, anchors: dict[str, str],
                   by_id: dict[str, _Found]) -> etree._Element | None:
    for attribute in _PARENT_ATTRIBUTES:
        value = (element.get(attribute) or "").lstrip("#")
        if not value:
            continue
        target = anchors.get(value) or anchors.get(f"comment-{value}") or anchors.get(f"post-{value}")
        if target is not None and by_id[target].element is not element:
            return by_id[target].element
    return None


def _header_context(element: etree._Element, members: set[etree._Element]) -> etree._Element | None:
    """The post's parent when it holds no other post: where layouts like Hacker News put the author and
    time, beside the post's text rather than in it."""
    parent = element.getparent()
    if parent is None or parent in members:
        return None
    count = 0
    for child in parent.iterdescendants():
        if child in members:
            count += 1
            if count > 1:
                return None
    return parent


def _fill(item: _Found, anchors: dict[str, str], members: set[etree._Element], *, drop_meta: bool) -> None:
    """Author, time and text of one post (its nested posts are already detached)."""
    element = item.element
    author = _author_element(element)
    time_element, created, raw_time = _time_of(element)
    context = _header_context(element, members) if author is None or time_element is None else None
    if context is not None:
        if author is None:
            outside = _author_element(context)
            item.author = _author_text(outside[1]) if outside is not None else None
        if time_element is None:
            _, created, raw_time = _time_of(context)
    author_element = author[0] if author is not None else None
    if author is not None:
        item.author = _author_text(author[1])
    item.created = created
    if raw_time is not None:
        item.meta["time"] = raw_time
    body = _body_element(element, avoid=[e for e in (author_element, time_element) if e is not None])
    drop = {e for e in (author_element, time_element) if e is not None} if body is None else set()
    target = body if body is not None else element
    converted = html_to_text(target, classify=_Classifier(target, anchors, drop, drop_meta=body is None and drop_meta))
    item.text = converted.text
    item.quotes = tuple(converted.quotes)


def _whole_page(root: etree._Element, name: str, notices: list[Notice]) -> list[Post]:
    articles = list(root.iter("article"))
    container = articles[0] if len(articles) == 1 else None
    if container is None:
        container = next(iter(root.iter("main")), None)
    if container is None:
        container = next((e for e in root.iter() if e.get("role") == "main"), None)
    page_level = container is None
    if container is None:
        container = next(iter(root.iter("body")), root)
    item = _Found(element=container, post_id="p1")
    author = _author_element(container)
    author_element = author[0] if author is not None else None
    time_element, created, raw_time = _time_of(container)
    item.author = _author_text(author[1]) if author is not None else _meta_content(root, "author")
    item.created = created if created is not None else _parsed(_meta_content(root, "article:published_time"))
    if raw_time is not None:
        item.meta["time"] = raw_time
    body = _body_element(container, avoid=[e for e in (author_element, time_element) if e is not None])
    drop = {e for e in (author_element, time_element) if e is not None} if body is None else set()
    heading = next(iter(container.iter("h1")), None)
    title = _page_title(root)
    if body is None and heading is not None and title is not None:
        text = _words(heading, limit=300)
        if text and title.startswith(text):
            drop.add(heading)  # the page's title, already the thread's title
    target = body if body is not None else container
    classifier = _Classifier(target, {}, drop, drop_meta=body is None, page_level=page_level and body is None)
    converted = html_to_text(target, classify=classifier)
    if not converted.text:
        return []
    notices.append(Notice("whole_page", f"{name}: found no repeated post structure; read the page as one post"))
    return [Post(id="p1", text=converted.text, author=item.author, created=item.created, meta=item.meta,
                 markup=tuple(converted.quotes))]


# --- inside a post -----------------------------------------------------------------------------------------

def _is_author(element: etree._Element) -> bool:
    if element.get("itemprop") == "author" or element.get("rel") == "author":
        return True
    for name in _names(element):
        parts = _parts(name)
        if any(part in _AUTHOR_NOT for part in parts):
            continue
        if any(part in _AUTHOR_WORDS for part in parts) or name.lower().endswith(("author", "user")):
            return True
    return False


def _author_element(post: etree._Element) -> tuple[etree._Element, etree._Element] | None:
    """The post's author block (a byline, dropped from the text) and the element naming the author in it."""
    outer = _first(post.iterdescendants(), _is_author, _has_text)
    if outer is None:
        return None
    found = outer
    while True:
        narrower = _first(found.iterdescendants(),
                          lambda e: _is_author(e) or _names_any(e, _AUTHOR_NAME_WORDS) or e.get("itemprop") == "name",
                          _has_text)
        if narrower is None:
            return outer, found
        found = narrower


def _author_text(element: etree._Element) -> str | None:
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
    if len(text) > _MAX_AUTHOR:
        for separator in (" on ", " | ", " \u00b7 ", " - ", " at "):
            if separator in text:
                text = text.split(separator, 1)[0].strip()
                break
    return text if text and len(text) <= _MAX_AUTHOR else None


def _time_of(post: etree._Element) -> tuple[etree._Element | None, datetime | None, str | None]:
    """The post's time element, its parsed time, and the raw value when it doesn't parse."""
    first_time = None
    tries = 0
    for element in post.iterdescendants():
        tag = _tag(element)
        if tag == "time" or element.get("datetime") is not None:
            tries += 1
            if tries > _MAX_TRIES:
                break
            value = element.get("datetime") or " ".join(html_to_text(element).text.split())[:200]
            parsed = _parsed(value)
            if parsed is not None:
                return element, parsed, None
            if first_time is None and value:
                first_time = (element, value[:100])
            continue
        if _names_any(element, _TIME_WORDS):
            for attribute in _TIME_ATTRIBUTES:
                parsed = _parsed(element.get(attribute))
                if parsed is not None:
                    return element, parsed, None
    if first_time is not None:
        return first_time[0], None, first_time[1]
    return None, None, None


def _parsed(value: str | None) -> datetime | None:
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


def _body_element(post: etree._Element, *, avoid: list[etree._Element]) -> etree._Element | None:
    def looks_like_body(element: etree._Element) -> bool:
        return _tag(element) not in ("blockquote", "a", "span", "time") and any(
            parts and parts[-1] in _BODY_WORDS for parts in _name_parts(element))

    return _first(post.iterdescendants(), looks_like_body,
                  lambda e: not any(_contains(e, other, stop=post) for other in avoid) and _has_text(e))


class _Classifier:
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
        tag = _tag(element)
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
        if self.page_level and (tag in _PAGE_DROP_TAGS or _names_any(element, _PAGE_DROP_WORDS)):
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
                          and _tag(holder) in ("footer", "header", "figcaption") else cite_element)
            named = _cited_name(cite_element)
            if named:
                cite = named
        return QuoteInfo(cite=cite, source=source, marker=marker)


def _own_cite(quote: etree._Element) -> etree._Element | None:
    """The quote's ``cite`` element (else an element whose class says author) that isn't inside a quote
    nested in it."""
    for test in (lambda e: _tag(e) == "cite", _is_author):
        # An attribution opens the quote: looking at its first elements keeps nested quotes linear.
        found = _first(islice(quote.iterdescendants(), _QUOTE_HEAD), test, lambda e: _own(quote, e))
        if found is not None:
            return found
    return None


def _own(quote: etree._Element, element: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is quote:
            return True
        if _tag(ancestor) == "blockquote" or (_tag(ancestor) in _QUOTE_TAGS and _is_quote_class(ancestor)):
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
    return text[:_MAX_AUTHOR] or None


def _is_quote_class(element: etree._Element) -> bool:
    return any(parts and parts[-1] in _QUOTE_WORDS for parts in _name_parts(element))


def _is_furniture(element: etree._Element) -> bool:
    """Action links, vote buttons, meta lines: a post's furniture, not its text."""
    for parts in _name_parts(element):
        if any(part in _DROP_WORDS for part in parts):
            return True
        if "reply" in parts and parts[-1] in ("reply", "link", "button", "btn"):
            return True
    return False


# --- small helpers -----------------------------------------------------------------------------------------

def _names_any(element: etree._Element, words: frozenset[str]) -> bool:
    return any(part in words for parts in _name_parts(element) for part in parts)


def _words(element: etree._Element, *, limit: int) -> str:
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


def _has_text(element: etree._Element) -> bool:
    for text in element.itertext():
        if text.strip():
            return True
    return False


def _contains(outer: etree._Element, inner: etree._Element, *, stop: etree._Element) -> bool:
    """Whether ``inner`` lies inside ``outer``, looking no higher than ``stop``."""
    for ancestor in inner.iterancestors():
        if ancestor is outer:
            return True
        if ancestor is stop:
            return False
    return False


def _first(elements: Iterable[etree._Element], test: Any, check: Any) -> etree._Element | None:
    """The first element passing ``test`` (cheap) and ``check``; gives up after a few failing ``check``."""
    tries = 0
    for element in elements:
        if isinstance(element.tag, str) and test(element):
            if check(element):
                return element
            tries += 1
            if tries >= _MAX_TRIES:
                return None
    return None


def _meta_content(root: etree._Element, name: str) -> str | None:
    for element in root.iter("meta"):
        if name in (element.get("name"), element.get("property")):
            content = " ".join((element.get("content") or "").split())
            return content[:_MAX_AUTHOR] or None
    return None


def _detach(element: etree._Element) -> None:
    """Remove an element from the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


register_reader(Reader("html", "any HTML page: posts found by their markup (comment/post/message containers, "
                       "article), else the page as one post", read=read_html_page, sniff=sniff_html))
