"""Saved Simple Machines Forum (SMF 2.0 and 2.1) topic pages.

A post is ``div.post_wrapper``; its id is the message id of ``div.inner#msg_{id}`` (the ``msg`` of
``index.php?topic=12.msg{id}``), its author the profile link in ``div.poster h4`` (the bare name for
guests), its time the "« Reply #1 on: June 20, 2011, 10:44:01 AM »" line of ``div.keyinfo`` (2.0) or the
date link of ``div.postinfo`` (2.1), its message ``div.post div.inner``.

Quotes are ``blockquote.bbc_standard_quote`` / ``bbc_alternate_quote`` (alternating with depth). The
"Quote from: Ann on <date>" header is a ``div.quoteheader`` before the blockquote in SMF 2.0 and a
``<cite>`` inside it in 2.1; either way it is dropped and gives the cited name, and its link
(``…msg123#msg123``) the quoted post. Code blocks lose their "Code: [Select]" header.
"""

from __future__ import annotations

from lxml import etree

from ..thread import Thread
from . import Reader, register_reader
from ._boards import FoundPost, board_threads, board_time, cls, digits_after, first, has_class, page_of, text_of
from ._html import QuoteInfo
from ._source import Source

__all__ = ["read_smf", "smf_quote"]

_QUOTE_CLASSES = ("bbc_standard_quote", "bbc_alternate_quote")


def read_smf(source: Source) -> list[Thread]:
    page = page_of(source)
    posts = [item for item in (_post(w) for w in page.xpath(f"//div[{cls('post_wrapper')}]")) if item is not None]
    title = text_of(first(page, "//*[@id='top_subject']", "//h5[starts-with(@id, 'subject_')]", "//title"))
    if title and title.startswith("Topic: "):
        title = title[len("Topic: "):]
    link = first(page, "//link[@rel='canonical']/@href", "//input[@name='topic']/@value")
    link_text = None if link is None else str(link)
    topic_id = link_text if link_text and link_text.isdigit() else digits_after(link_text, "topic=")
    return board_threads(posts, board="SMF", source=source, classify=smf_quote, thread_id=topic_id, title=title)


def _post(wrapper: etree._Element) -> FoundPost | None:
    content = first(wrapper, f".//div[{cls('post')}]/div[{cls('inner')}]", f".//div[{cls('inner')}][starts-with(@id, 'msg_')]")
    if content is None:
        return None
    post_id = content.get("data-msgid") or (content.get("id") or "")[len("msg_"):]
    if not post_id.isdigit():
        return None
    poster = first(wrapper, f".//div[{cls('poster')}]//h4")
    author = text_of(first(poster, ".//a[contains(@href, 'action=profile')]")) if poster is not None else None
    if author is None and poster is not None:
        author = text_of(poster)
    printed = _printed_time(wrapper)
    subject = text_of(first(wrapper, ".//h5[starts-with(@id, 'subject_')]", f".//div[{cls('keyinfo')}]//h5"))
    return FoundPost(id=post_id, content=content, author=author, created=board_time(printed), time_text=printed,
                     meta={"subject": subject} if subject else {})


def _printed_time(wrapper: etree._Element) -> str | None:
    line = text_of(first(wrapper, f".//div[{cls('keyinfo')}]/div[{cls('smalltext')}]"))
    if line and "on:" in line:
        return line.split("on:", 1)[1].strip(" »\u00bb")
    return text_of(first(wrapper, f".//div[{cls('postinfo')}]//a[{cls('smalltext')}]",
                         f".//div[{cls('keyinfo')}]//a[{cls('smalltext')}]"))


def smf_quote(element: etree._Element) -> QuoteInfo | bool | None:
    """The classifier of SMF messages: quote blockquotes are quotes, their headers and footers go."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "blockquote":
        header = first(element, "./cite")
        if header is None:
            previous = element.getprevious()
            header = previous if previous is not None and has_class(previous, "quoteheader") else None
        link = first(header, ".//a/@href") if header is not None else None
        return QuoteInfo(cite=_cited_name(text_of(header)), source=digits_after(None if link is None else str(link),
                                                                               "#msg", "msg"))
    if tag == "div" and (has_class(element, "quoteheader") or has_class(element, "quotefooter")
                         or has_class(element, "codeheader")):
        return False
    if tag == "cite" and (parent := element.getparent()) is not None and parent.tag == "blockquote":
        return False
    return None


def _cited_name(header: str | None) -> str | None:
    """"Quote from: Ann Lee on June 20, 2011" -> "Ann Lee"; a bare "Quote" -> None."""
    if not header or ":" not in header:
        return None
    name = header.split(":", 1)[1].strip()
    if " on " in name:
        name = name.rsplit(" on ", 1)[0].strip()
    return name or None


def _sniff_smf(source: Source) -> float:
    text = source.text
    if "<" not in text[:4096]:
        return 0.0
    return 0.93 if "post_wrapper" in text and 'id="msg_' in text else 0.0


register_reader(Reader("smf", "a saved Simple Machines Forum 2.x topic page (post_wrapper, bbc_standard_quote)",
                       read=read_smf, sniff=_sniff_smf))
