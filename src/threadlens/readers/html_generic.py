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

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..thread import Notice, Post, Segment, Thread
from . import Reader, register_reader
from . import _html_post_parts as inside
from ._html import html_to_text
from ._html_names import short_text
from ._html_posts import enclosing_posts, find_post_elements, page_article, precedes
from ._source import Source

__all__ = ["read_html_page", "find_post_elements", "sniff_html"]

_PARENT_ATTRIBUTES = ("data-parent-id", "data-parent", "data-parentid", "data-reply-to", "data-in-reply-to")

_ID_ATTRIBUTES = ("id", "data-id", "data-comment-id", "data-post-id", "data-message-id")

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
    thread_id = source.stem
    title = _page_title(root) if root is not None else None
    if root is None:
        notices.append(Notice("empty_page", f"{source.name}: the page holds no HTML elements; no posts read"))
        return [Thread(posts=[], id=thread_id, title=title, notices=notices)]
    posts = _read_posts(root, source.name, notices)
    if not posts:
        notices.append(Notice("empty_page", f"{source.name}: the page holds no text; no posts read"))
    return [Thread(posts=posts, id=thread_id, title=title, notices=notices)]


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
        text = short_text(element, limit=300)
        if text:
            return text
    return None


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
    parents = enclosing_posts(root, members)
    found = [_Found(element=element, parent=parents.get(element)) for element in elements]
    page = page_article(root, members, elements[0])
    if page is not None:
        found.insert(0 if precedes(page, elements[0]) else len(found), _Found(element=page))
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
    author = inside.author_element(element)
    time_element, created, raw_time = inside.time_of(element)
    context = _header_context(element, members) if author is None or time_element is None else None
    if context is not None:
        if author is None:
            outside = inside.author_element(context)
            item.author = inside.author_text(outside[1]) if outside is not None else None
        if time_element is None:
            _, created, raw_time = inside.time_of(context)
    author_element = author[0] if author is not None else None
    if author is not None:
        item.author = inside.author_text(author[1])
    item.created = created
    if raw_time is not None:
        item.meta["time"] = raw_time
    body = inside.body_element(element, avoid=[e for e in (author_element, time_element) if e is not None])
    drop = {e for e in (author_element, time_element) if e is not None} if body is None else set()
    target = body if body is not None else element
    classifier = inside.PostClassifier(target, anchors, drop, drop_meta=body is None and drop_meta)
    converted = html_to_text(target, classify=classifier)
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
    author = inside.author_element(container)
    author_element = author[0] if author is not None else None
    time_element, created, raw_time = inside.time_of(container)
    item.author = inside.author_text(author[1]) if author is not None else _meta_content(root, "author")
    item.created = created if created is not None else inside.parsed_time(_meta_content(root, "article:published_time"))
    if raw_time is not None:
        item.meta["time"] = raw_time
    body = inside.body_element(container, avoid=[e for e in (author_element, time_element) if e is not None])
    drop = {e for e in (author_element, time_element) if e is not None} if body is None else set()
    heading = next(iter(container.iter("h1")), None)
    title = _page_title(root)
    if body is None and heading is not None and title is not None:
        text = short_text(heading, limit=300)
        if text and title.startswith(text):
            drop.add(heading)  # the page's title, already the thread's title
    target = body if body is not None else container
    classifier = inside.PostClassifier(target, {}, drop, drop_meta=body is None, page_level=page_level and body is None)
    converted = html_to_text(target, classify=classifier)
    if not converted.text:
        return []
    notices.append(Notice("whole_page", f"{name}: found no repeated post structure; read the page as one post"))
    return [Post(id="p1", text=converted.text, author=item.author, created=item.created, meta=item.meta,
                 markup=tuple(converted.quotes))]


def _meta_content(root: etree._Element, name: str) -> str | None:
    for element in root.iter("meta"):
        if name in (element.get("name"), element.get("property")):
            content = " ".join((element.get("content") or "").split())
            return content[:inside.MAX_AUTHOR] or None
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
