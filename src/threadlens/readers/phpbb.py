"""Saved phpBB topic pages (3.x, prosilver and styles built on it).

A post is ``div.post`` with ``id="p{post_id}"``; its author is the ``username`` link of the post profile
(or of ``p.author``), its time the ``<time datetime>`` of ``p.author`` (3.2+; the printed date before),
its message ``div.postbody div.content`` (the signature and attachments are outside it). Quotes are
``blockquote`` elements: the ``<cite>`` line ("Ann wrote: ↑ date") is dropped and gives the cited name; the
quoted post is the ``data-post-id`` of its link or the ``p=`` of the blockquote's ``cite`` attribute
(phpBB 3.2+); an ``uncited`` blockquote has no author. Code boxes lose their "Code: Select all" header.
"""

from __future__ import annotations

from lxml import etree

from ..thread import Thread
from . import Reader, register_reader
from ._boards import (FoundPost, board_threads, board_time, cls, digits_after, first, has_class, page_of,
                      text_of)
from ._html import QuoteInfo
from ._source import Source

__all__ = ["read_phpbb", "phpbb_quote"]

_WROTE = ("wrote", "a écrit", "schrieb", "escribió", "ha scritto", "написал", "schreef", "napisał", "escreveu",
          "skrev", "kirjoitti", "yazdı", "napsal", "írta")


def read_phpbb(source: Source) -> list[Thread]:
    page = page_of(source)
    found = [_post(element) for element in page.xpath(f"//div[{cls('post')}][starts-with(@id, 'p')]")]
    found = [item for item in found if item is not None]
    title = text_of(first(page, f"//h2[{cls('topic-title')}]", "//h2/a[contains(@href, 'viewtopic')]"))
    if title is None and found:
        title = found[0].meta.pop("subject", None)
    topic = first(page, "//input[@name='t']/@value", f"//h2[{cls('topic-title')}]/a/@href",
                  "//link[@rel='canonical']/@href")
    topic_id = str(topic) if topic is not None and str(topic).isdigit() else digits_after(
        None if topic is None else str(topic), "t=")
    return board_threads(found, board="phpBB", source=source, classify=phpbb_quote, thread_id=topic_id, title=title)


def _post(element: etree._Element) -> FoundPost | None:
    post_id = (element.get("id") or "")[1:]
    content = first(element, f".//div[{cls('postbody')}]//div[{cls('content')}]", f".//div[{cls('content')}]")
    if not post_id.isdigit() or content is None:
        return None
    author = text_of(first(element,
                           f".//dl[{cls('postprofile')}]//*[{cls('username')} or {cls('username-coloured')}]",
                           f".//p[{cls('author')}]//*[{cls('username')} or {cls('username-coloured')}]",
                           f".//p[{cls('author')}]//strong"))
    stamp = first(element, f".//p[{cls('author')}]//time/@datetime")
    printed = None
    if stamp is None:
        author_line = text_of(first(element, f".//p[{cls('author')}]"))
        printed = author_line.rsplit("»", 1)[-1].strip() if author_line and "»" in author_line else None
    meta = {"subject": text_of(first(element, ".//h3"))}
    return FoundPost(id=post_id, content=content, author=author, created=board_time(str(stamp) if stamp else printed),
                     time_text=printed, meta={k: v for k, v in meta.items() if v})


def phpbb_quote(element: etree._Element) -> QuoteInfo | bool | None:
    """The classifier of phpBB messages: blockquotes are quotes, their cite lines and code headers go."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "blockquote":
        cite = first(element, "./cite", "./div/cite")
        post = first(element, "./cite//a/@data-post-id", "./div/cite//a/@data-post-id")
        source = str(post) if post is not None else digits_after(element.get("cite"), "p=", "#p")
        return QuoteInfo(cite=_cited_name(cite) if cite is not None else None, source=source)
    if tag == "cite" and _parent_is_quote(element):
        return False
    if (tag in ("p", "dt") and (parent := element.getparent()) is not None and has_class(parent, "codebox")
            and element is parent[0]):
        return False
    return None


def _parent_is_quote(element: etree._Element) -> bool:
    parent = element.getparent()
    if parent is not None and parent.tag == "div":
        parent = parent.getparent()
    return parent is not None and parent.tag == "blockquote"


def _cited_name(cite: etree._Element) -> str | None:
    for link in cite.iter("a"):
        if link.get("data-post-id") is None and "memberlist" in (link.get("href") or ""):
            return text_of(link)
    lead = (cite.text or "").strip()
    if not lead:
        link = next((a for a in cite.iter("a") if a.get("data-post-id") is None), None)
        return text_of(link) if link is not None else None
    lead = lead.rstrip(": \u00a0")
    lowered = lead.lower()
    for verb in _WROTE:
        if lowered.endswith(" " + verb):
            return lead[: -len(verb) - 1].strip() or None
    return lead.rsplit(" ", 1)[0].strip() if " " in lead else lead or None


def _sniff_phpbb(source: Source) -> float:
    text = source.text
    if "<" not in text[:4096] or 'class="postbody"' not in text:
        return 0.0
    if 'id="phpbb"' in text or ("viewtopic.php" in text and 'class="content"' in text):
        return 0.93
    return 0.0


register_reader(Reader("phpbb", "a saved phpBB 3.x topic page (div.post, blockquote quotes with cite)",
                       read=read_phpbb, sniff=_sniff_phpbb))
