"""Saved Hacker News item pages (``news.ycombinator.com/item?id=N``), current and 2011-13 markup.

Current markup: each comment is a ``tr.athing.comtr`` with its id, ``td.ind[indent]`` (or a spacer
``img`` 40 px per level), ``a.hnuser``, ``span.age[title]`` (ISO time and unix time) and
``div.commtext``. The old table markup has no row ids: a comment is a ``td.default`` whose row starts
with a spacer ``img[width]``, its id in the ``item?id=`` link of ``span.comhead``, its text in
``span.comment > font``. Pages never say who answers whom: the parent of a comment is the nearest
comment above it with a smaller indent, the story for the top level. A comment's permalink page (one
comment and its replies) parses too: that comment is the root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ...errors import InputError
from ...thread import Notice, Post, Thread, parse_time
from .._html import HtmlText, parse_html
from .._linking import LoosePost, build_threads
from .._source import Source
from ._markup import add_italic_quotes, comment_text, reopen_italics

__all__ = ["read_hn_page", "threads_from_page", "sniff_hn_page"]

_INDENT_PX = 40
_ITEM_ID = re.compile(r"item\?id=(\d{1,20})")
_DIGITS = re.compile(r"\d{1,20}")
_HN_URL = "https://news.ycombinator.com/item?id={}"
_FLAGS = ("dead", "flagged", "deleted")
_PLAIN_TEXT_COLOURS = frozenset({"", "#000000", "#000"})


@dataclass(slots=True)
class _Comment:
    id: str | None
    indent: int
    author: str | None
    text: HtmlText
    meta: dict[str, Any] = field(default_factory=dict)
    created: Any = None


def read_hn_page(source: Source) -> list[Thread]:
    """Read a saved Hacker News item page."""
    return threads_from_page(source.text, source=source.name)


def threads_from_page(markup: str, *, source: str) -> list[Thread]:
    """The thread of an HN item page: the story (or the comment of a permalink page) and every comment."""
    root = parse_html(reopen_italics(markup))
    notices: list[Notice] = []
    top, story_id, title, top_italics = _story(root)
    if top is None:
        top, story_id, title, top_italics = _focal_comment(root)
    italics: dict[str, list[tuple[int, int]]] = {}
    rows = _modern_comments(root)
    comments = rows if rows else _old_comments(root)
    if top is None and not comments:
        raise InputError("holds no Hacker News story or comment; pass an item page saved from "
                         "news.ycombinator.com/item?id=N (or its JSON from the HN API)", source=source)
    conversation = story_id or "page"  # one page, one thread
    loose: list[LoosePost] = []
    if top is not None:
        loose.append(LoosePost(post=top, conversation=conversation, line=1))
        if top_italics:
            italics[top.id] = top_italics
    else:
        notices.append(Notice("no_story", f"{source}: the page holds comments without their story (a 'More' "
                              "page); its top-level comments are roots"))
    _link(comments, top.id if top is not None else None, source, notices, loose, italics, conversation)
    if _has_more_link(root):
        notices.append(Notice("partial_page", f"{source}: the page shows part of the thread (it ends in a 'More' "
                              "link); save the next pages too, or fetch the item URL"))
    threads = build_threads(loose, source=source, notices=notices, title=title)
    for thread in threads:
        thread.id = story_id
        if story_id is not None:
            thread.meta["url"] = _HN_URL.format(story_id)
    add_italic_quotes(threads, italics)
    return threads


def sniff_hn_page(source: Source) -> float:
    head = source.text[:4096].lower()
    if "<html" not in head and "<table" not in head and "<!doctype" not in head:
        return 0.0
    text = source.text
    if 'class="comhead"' in text or "athing comtr" in text or 'class="fatitem"' in text:
        return 0.95 if ("hacker news" in head or "ycombinator" in text) else 0.6
    return 0.0


def _link(comments: list[_Comment], top: str | None, source: str, notices: list[Notice],
          loose: list[LoosePost], italics: dict[str, list[tuple[int, int]]], conversation: str) -> None:
    """Parents from indents: the nearest comment above with a smaller indent, else ``top``."""
    stack: list[tuple[int, str]] = []
    unknown: list[str] = []
    unnamed = 0
    line = len(loose)
    for comment in comments:
        line += 1
        if comment.id is None:
            unnamed += 1
            comment.id = f"unknown-{unnamed}"
            comment.meta["id_unknown"] = True
        while stack and stack[-1][0] >= comment.indent:
            stack.pop()
        if stack:
            parent: str | None = stack[-1][1]
        elif comment.indent == 0:
            parent = top
        else:
            parent = None
            unknown.append(comment.id)
        stack.append((comment.indent, comment.id))
        created = None
        if comment.created is not None:
            try:
                created = parse_time(comment.created)
            except (ValueError, OverflowError, OSError):
                comment.meta["time"] = comment.created
        post = Post(id=comment.id, text=comment.text.text, author=comment.author, reply_to=parent,
                    created=created, meta=comment.meta, markup=tuple(comment.text.quotes))
        if comment.text.italics:
            italics[post.id] = list(comment.text.italics)
        loose.append(LoosePost(post=post, conversation=conversation, line=line))
    if unnamed:
        notices.append(Notice("missing_id", f"{source}: {unnamed} comment(s) show no id (deleted comments on old "
                              "pages); named unknown-1, unknown-2, ...", unnamed))
    if unknown:
        notices.append(Notice("unknown_parent", f"{source}: {len(unknown)} comment(s) are indented under a comment "
                              f"that is not on the page (first: {unknown[0]}); treated as roots", len(unknown)))


# --- the story ------------------------------------------------------------------------------------------

_Top = tuple[Post | None, str | None, str | None, list[tuple[int, int]]]


def _story(root: etree._Element) -> _Top:
    """The story post (title, then its text), its id, title and italic ranges; Nones on a page without one."""
    submission = _first(root, "//tr[contains(@class, 'athing') and contains(@class, 'submission')]")
    link = _first(root, "//td[@class='title']/span[@class='titleline']/a"
                        " | //td[@class='title']/a[not(normalize-space(.)='More')]")
    subtext = _first(root, "//td[@class='subtext']")
    if link is None and submission is None:
        return None, None, None, []
    story_id = submission.get("id") if submission is not None else None
    if story_id is None and subtext is not None:
        story_id = _item_id(subtext.xpath(".//a[starts-with(@href, 'item?id=')]/@href"))
        if story_id is None:
            story_id = _digits(subtext.xpath(".//span[starts-with(@id, 'score_')]/@id"))
    if story_id is None:
        return None, None, None, []
    title = _clean(link.text_content()) if link is not None else None
    meta: dict[str, Any] = {"type": "story"}
    if title:
        meta["title"] = title
    href = link.get("href") if link is not None else None
    if href and not href.startswith("item?id="):
        meta["url"] = href
    author = created = None
    if subtext is not None:
        author = _first_text(subtext, ".//a[contains(@class, 'hnuser')] | .//a[starts-with(@href, 'user?id=')]")
        score = _digits(subtext.xpath(".//span[contains(@class, 'score')]/text() | .//span[starts-with(@id, 'score_')]/text()"))
        if score is not None:
            meta["score"] = int(score)
        created = _age(subtext, meta)
    body = _story_text(root, subtext)
    text = title or ""
    italic_shift = 0
    if body is not None and body.text:
        italic_shift = len(text) + 2 if text else 0
        text = f"{text}\n\n{body.text}" if text else body.text
    post = Post(id=story_id, text=text, author=author, created=_time(created, meta), meta=meta)
    italics = [(s + italic_shift, e + italic_shift) for s, e in body.italics] if body is not None else []
    return post, story_id, title, italics


def _story_text(root: etree._Element, subtext: etree._Element | None) -> HtmlText | None:
    toptext = _first(root, "//div[contains(@class, 'toptext')]")
    if toptext is not None:
        return comment_text(toptext)
    if subtext is None:
        return None
    row = subtext.getparent()
    for sibling in row.itersiblings("tr") if row is not None else ():
        cells = sibling.xpath("./td")
        if len(cells) >= 2 and not cells[1].xpath(".//form | .//textarea") and _clean(cells[1].text_content()):
            return comment_text(cells[1])
    return None


def _focal_comment(root: etree._Element) -> _Top:
    """The comment a permalink page is about (its ``reply_to`` its parent), the story id and title."""
    row = _first(root, "//table[contains(@class, 'fatitem')]//tr[contains(@class, 'athing')]")
    if row is None or row.get("id") is None:
        return None, None, None, []
    comment = _modern_comment(row)
    parent = _item_id(row.xpath(".//span[contains(@class, 'navs')]/a[normalize-space(.)='parent']/@href"))
    on_story = _first(row, ".//span[contains(@class, 'onstory')]/a")
    story_id = _item_id([on_story.get("href", "")]) if on_story is not None else None
    title = (on_story.get("title") or _clean(on_story.text_content())) if on_story is not None else None
    created = None
    if comment.created is not None:
        created = _time(comment.created, comment.meta)
    post = Post(id=str(comment.id), text=comment.text.text, author=comment.author, reply_to=parent, created=created,
                meta=comment.meta, markup=tuple(comment.text.quotes))
    return post, story_id or parent, title, list(comment.text.italics)


# --- comments -------------------------------------------------------------------------------------------

def _modern_comments(root: etree._Element) -> list[_Comment]:
    rows = root.xpath("//tr[contains(concat(' ', normalize-space(@class), ' '), ' comtr ')]")
    return [_modern_comment(row) for row in rows]


def _modern_comment(row: etree._Element) -> _Comment:
    indent_cell = _first(row, ".//td[contains(@class, 'ind')]")
    indent = 0
    if indent_cell is not None:
        value = indent_cell.get("indent")
        indent = int(value) if value is not None and value.isdigit() else _spacer_indent(indent_cell)
    head = _first(row, ".//span[contains(@class, 'comhead')]")
    author = _first_text(row, ".//a[contains(@class, 'hnuser')]")
    meta: dict[str, Any] = {"type": "comment"}
    created = None
    if head is not None:
        age = _first(head, ".//span[contains(@class, 'age')]")
        if age is not None and age.get("title"):
            created = _age_title(age.get("title", ""))
        _flags(head.text_content(), meta)
    body = _first(row, ".//div[contains(@class, 'commtext')]")
    if body is not None:
        colour = next((c for c in body.get("class", "").split() if c != "commtext"), "c00")
        if colour != "c00":
            meta["faded"] = True
    else:
        body = _first(row, ".//div[contains(@class, 'comment')]")
    text = comment_text(body) if body is not None else HtmlText(text="")
    _flags(text.text if len(text.text) < 40 else "", meta)
    return _Comment(id=row.get("id"), indent=indent, author=author, text=text, meta=meta, created=created)


def _old_comments(root: etree._Element) -> list[_Comment]:
    out: list[_Comment] = []
    for cell in root.xpath("//td[@class='default']"):
        row = cell.getparent()
        spacer = row.xpath("./td[1]//img/@width") if row is not None else []
        indent = int(spacer[0]) // _INDENT_PX if spacer and str(spacer[0]).isdigit() else 0
        head = _first(cell, ".//span[@class='comhead']")
        author = comment_id = None
        meta: dict[str, Any] = {"type": "comment"}
        if head is not None:
            author = _first_text(head, ".//a[starts-with(@href, 'user?id=')]")
            comment_id = _item_id(head.xpath(".//a[starts-with(@href, 'item?id=')]/@href"))
            _age(head, meta)
            _flags(head.text_content(), meta)
        if comment_id is None and row is not None:
            comment_id = _digits(row.xpath(".//a[starts-with(@id, 'up_')]/@id"))
        body = _first(cell, ".//span[@class='comment']")
        if body is not None:
            colour = (body.xpath("./font/@color") or [""])[0].lower()
            if colour not in _PLAIN_TEXT_COLOURS:
                meta["faded"] = True
        text = comment_text(body) if body is not None else HtmlText(text="")
        _flags(text.text if len(text.text) < 40 else "", meta)
        out.append(_Comment(id=comment_id, indent=indent, author=author, text=text, meta=meta))
    return out


def _flags(text: str, meta: dict[str, Any]) -> None:
    """``[dead]``, ``[flagged]``, ``[deleted]`` in a comment head or as a comment's whole text."""
    for flag in _FLAGS:
        if f"[{flag}]" in text:
            meta[flag] = True


def _age(element: etree._Element, meta: dict[str, Any]) -> str | None:
    """The time of a head or subtext: ``span.age[title]`` (current pages), else the "3 hours ago" text in meta."""
    age = _first(element, ".//span[contains(@class, 'age')]")
    if age is not None and age.get("title"):
        return _age_title(age.get("title", ""))
    words = _clean(element.text_content()).split()
    if "ago" in words:
        end = words.index("ago")
        if end >= 2:
            meta["age"] = " ".join(words[end - 2 : end + 1])
    return None


def _age_title(title: str) -> str:
    """``"2026-05-31T22:59:50 1780268390"`` -> the unix time (or the ISO time where there is none)."""
    parts = title.split()
    if parts and parts[-1].isdigit():
        return parts[-1]
    return parts[0] if parts else ""


def _time(value: str | None, meta: dict[str, Any]) -> Any:
    if value is None:
        return None
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError):
        meta["time"] = value
        return None


def _has_more_link(root: etree._Element) -> bool:
    return bool(root.xpath("//a[contains(@class, 'morelink')] | //td[@class='title']/a[normalize-space(.)='More']"))


def _spacer_indent(cell: etree._Element) -> int:
    width = cell.xpath(".//img/@width")
    return int(width[0]) // _INDENT_PX if width and str(width[0]).isdigit() else 0


def _first(element: etree._Element, path: str) -> Any:
    found = element.xpath(path)
    return found[0] if found else None


def _first_text(element: etree._Element, path: str) -> str | None:
    found = _first(element, path)
    text = _clean(found.text_content()) if found is not None else ""
    return text or None


def _item_id(hrefs: list[Any]) -> str | None:
    for href in hrefs:
        match = _ITEM_ID.search(str(href))
        if match:
            return match.group(1)
    return None


def _digits(values: list[Any]) -> str | None:
    for value in values:
        match = _DIGITS.search(str(value))
        if match:
            return match.group()
    return None


def _clean(text: str) -> str:
    return " ".join(text.split())
