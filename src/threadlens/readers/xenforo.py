"""Saved XenForo topic pages: XenForo 2 (``article.message--post``) and XenForo 1 (``li.message``).

XenForo 2: a post is ``article.message`` with ``data-content="post-{id}"`` and ``data-author``; its time
is the ``<time datetime>`` of the attribution header, its message the ``div.bbWrapper`` of
``article.message-body`` (signatures hold a ``bbWrapper`` of their own and are skipped). Quotes are
``blockquote.bbCodeBlock--quote`` with ``data-quote`` (the cited name) and ``data-source="post: 123"``;
the "Ann said:" title and the "Click to expand..." link are dropped.

XenForo 1: ``li.message#post-{id}`` with ``data-author``, message ``blockquote.messageText``, time
``.DateTime`` (``data-time`` or its title), quotes ``div.bbCodeQuote[data-author]`` whose attribution
link (``goto/post?id=123``) names the quoted post.
"""

from __future__ import annotations

from lxml import etree

from ..thread import Thread
from . import Reader, register_reader
from ._boards import FoundPost, board_threads, board_time, cls, digits_after, first, has_class, page_of, text_of
from ._html import QuoteInfo
from ._source import Source

__all__ = ["read_xenforo", "xenforo_quote"]


def read_xenforo(source: Source) -> list[Thread]:
    page = page_of(source)
    found = [_post2(a) for a in page.xpath(f"//article[{cls('message')}][starts-with(@data-content, 'post-')]")]
    if not found:
        found = [_post1(li) for li in page.xpath(f"//li[{cls('message')}][starts-with(@id, 'post-')]")]
    posts = [item for item in found if item is not None]
    title = text_of(first(page, f"//h1[{cls('p-title-value')}]", f"//div[{cls('titleBar')}]/h1", "//title"))
    link = first(page, "//link[@rel='canonical']/@href")
    thread_id = _thread_id(None if link is None else str(link))
    return board_threads(posts, board="XenForo", source=source, classify=xenforo_quote, thread_id=thread_id,
                         title=title)


def _thread_id(link: str | None) -> str | None:
    """``https://x.org/threads/some-title.123/`` -> ``123``."""
    if not link or "/threads/" not in link:
        return None
    slug = link.split("/threads/", 1)[1].split("/", 1)[0]
    tail = slug.rsplit(".", 1)[-1]
    return tail if tail.isdigit() else None


def _post2(article: etree._Element) -> FoundPost | None:
    post_id = (article.get("data-content") or "")[len("post-"):]
    content = first(article, f".//article[{cls('message-body')}]//div[{cls('bbWrapper')}]",
                    f".//div[{cls('message-userContent')}]//div[{cls('bbWrapper')}]")
    if not post_id.isdigit() or content is None:
        return None
    stamp = first(article, f".//header[{cls('message-attribution')}]//time/@datetime", ".//time/@datetime")
    number = text_of(first(article, f".//ul[{cls('message-attribution-opposite')}]//a[contains(., '#')]"))
    author = article.get("data-author") or text_of(first(article, f".//*[{cls('message-name')}]"))
    return FoundPost(id=post_id, content=content, author=author,
                     created=board_time(None if stamp is None else str(stamp)),
                     meta={"number": number.lstrip("#")} if number else {})


def _post1(li: etree._Element) -> FoundPost | None:
    post_id = (li.get("id") or "")[len("post-"):]
    content = first(li, f".//blockquote[{cls('messageText')}]")
    if not post_id.isdigit() or content is None:
        return None
    stamp = first(li, f".//*[{cls('DateTime')}]/@data-time")
    printed = None
    if stamp is None:
        date = first(li, f".//*[{cls('DateTime')}]")
        printed = None if date is None else (date.get("title") or text_of(date))
    return FoundPost(id=post_id, content=content, author=li.get("data-author"),
                     created=board_time(str(stamp) if stamp is not None else printed), time_text=printed)


def xenforo_quote(element: etree._Element) -> QuoteInfo | bool | None:
    """The classifier of XenForo messages (both versions)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("blockquote", "div") and (has_class(element, "bbCodeBlock--quote") or has_class(element, "bbCodeQuote")):
        cite = element.get("data-quote") or element.get("data-author") or None
        source = digits_after(element.get("data-source"), "post:", "post: ")
        if source is None:
            link = first(element, f".//a[{cls('AttributionLink')}]/@href", f".//a[{cls('bbCodeBlock-sourceJump')}]/@href")
            source = digits_after(None if link is None else str(link), "id=", "posts/", "post-")
        return QuoteInfo(cite=cite, source=source)
    if tag == "div" and (has_class(element, "bbCodeBlock-title") or has_class(element, "bbCodeBlock-expandLink")
                         or has_class(element, "attribution") or has_class(element, "quoteExpand")):
        return False
    return None


def _sniff_xenforo(source: Source) -> float:
    text = source.text
    if "<" not in text[:4096]:
        return 0.0
    if "message--post" in text and "bbWrapper" in text:
        return 0.93
    if "messageText" in text and "data-author" in text and ("XenForo" in text or "xenforo" in text):
        return 0.93
    return 0.0


register_reader(Reader("xenforo", "a saved XenForo 1 or 2 topic page (article.message, bbCodeBlock--quote)",
                       read=read_xenforo, sniff=_sniff_xenforo))
