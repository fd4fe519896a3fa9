"""Saved vBulletin topic pages: vBulletin 4 (``li.postcontainer``) and vBulletin 5 (``li.js-post``).

vBulletin 4: a post is ``li.postcontainer`` with ``id="post_{id}"``; author ``a.username`` (``span.username``
for guests), time ``span.date`` ("13-09-2011, 06:41 PM"; relative dates such as "Today" stay in
``meta["time_text"]``), message ``div#post_message_{id} blockquote.postcontent`` (the signature is a
separate ``blockquote.signature``). vBulletin 5: ``li[data-node-id]`` with ``.js-post__content-text``,
``time[itemprop=dateCreated]`` and the author's ``itemprop=name``.

Quotes (both versions) are ``div.bbcode_quote`` (or a bare ``div.quote_container`` in skins without it): the "Originally Posted by **name** ↗" line
(``div.bbcode_postedby``) is dropped and gives the cited name, and its link (``showthread.php?p=123#post123``)
the quoted post. Code boxes lose their "Code:" header.
"""

from __future__ import annotations

from lxml import etree

from ..thread import Thread
from . import Reader, register_reader
from ._boards import FoundPost, board_threads, board_time, cls, digits_after, first, has_class, page_of, text_of
from ._html import QuoteInfo
from ._source import Source

__all__ = ["read_vbulletin", "vbulletin_quote"]


def read_vbulletin(source: Source) -> list[Thread]:
    page = page_of(source)
    found = [_post4(li) for li in page.xpath(f"//li[{cls('postcontainer')}][starts-with(@id, 'post_')]")]
    if not found:
        found = [_post5(li) for li in page.xpath(f"//li[@data-node-id][{cls('js-post')} or {cls('b-post')}]")]
    posts = [item for item in found if item is not None]
    title = text_of(first(page, f"//span[{cls('threadtitle')}]", f"//h1[{cls('main-title')}]",
                          f"//h2[{cls('b-post__title')}]", "//title"))
    link = first(page, "//link[@rel='canonical']/@href", "//input[@name='t']/@value")
    link_text = None if link is None else str(link)
    topic_id = link_text if link_text and link_text.isdigit() else digits_after(link_text, "t=", "threads/")
    if topic_id is None and link_text:  # vBulletin 5: .../forum/section/4411-thread-title
        topic_id = digits_after("/" + link_text.rstrip("/").rsplit("/", 1)[-1], "/")
    return board_threads(posts, board="vBulletin", source=source, classify=vbulletin_quote, thread_id=topic_id,
                         title=title)


def _post4(li: etree._Element) -> FoundPost | None:
    post_id = (li.get("id") or "")[len("post_"):]
    content = first(li, f".//div[starts-with(@id, 'post_message_')]//blockquote[{cls('postcontent')}]",
                    ".//div[starts-with(@id, 'post_message_')]")
    if not post_id.isdigit() or content is None:
        return None
    printed = text_of(first(li, f".//span[{cls('postdate')}]//span[{cls('date')}]", f".//span[{cls('date')}]"))
    number = text_of(first(li, f".//a[{cls('postcounter')}]"))
    return FoundPost(id=post_id, content=content, author=text_of(first(li, f".//*[{cls('username')}]")),
                     created=board_time(printed), time_text=printed,
                     meta={"number": number.lstrip("#")} if number else {})


def _post5(li: etree._Element) -> FoundPost | None:
    post_id = li.get("data-node-id") or ""
    content = first(li, f".//div[{cls('js-post__content-text')}]")
    if not post_id.isdigit() or content is None:
        return None
    author = text_of(first(li, ".//*[@itemprop='author']//*[@itemprop='name']", f".//div[{cls('author')}]//a",
                           ".//a[@data-vbnamecard]"))
    stamp = first(li, ".//time[@itemprop='dateCreated']/@datetime", ".//time/@datetime")
    number = text_of(first(li, f".//*[{cls('b-post__count')}]"))
    return FoundPost(id=post_id, content=content, author=author, created=board_time(None if stamp is None else str(stamp)),
                     meta={"number": number.lstrip("#")} if number else {})


def vbulletin_quote(element: etree._Element) -> QuoteInfo | bool | None:
    """The classifier of vBulletin messages: ``div.bbcode_quote`` is a quote, its "posted by" line goes."""
    if element.tag != "div":
        return None
    parent = element.getparent()
    if has_class(element, "bbcode_quote") or (has_class(element, "quote_container") and not (
            parent is not None and has_class(parent, "bbcode_quote"))):  # skins that drop the outer div
        posted_by = first(element, f".//div[{cls('bbcode_postedby')}]")
        cite = text_of(first(posted_by, ".//strong")) if posted_by is not None else None
        link = first(posted_by, ".//a/@href") if posted_by is not None else None
        source = digits_after(None if link is None else str(link), "#post", "p=", "/node/")
        return QuoteInfo(cite=cite, source=source)
    if has_class(element, "bbcode_postedby") or has_class(element, "bbcode_description") \
            or has_class(element, "bbcode_quote_container"):
        return False
    return None


def _sniff_vbulletin(source: Source) -> float:
    text = source.text
    if "<" not in text[:4096]:
        return 0.0
    if ("postcontainer" in text and "post_message_" in text) or "js-post__content-text" in text:
        return 0.93
    return 0.0


register_reader(Reader("vbulletin", "a saved vBulletin 4 or 5 topic page (postcontainer / js-post, bbcode_quote)",
                       read=read_vbulletin, sniff=_sniff_vbulletin))
