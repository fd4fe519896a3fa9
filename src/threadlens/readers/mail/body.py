"""A message body as threadlens reads it: text, the quotes its HTML marks, and its mail furniture.

:func:`prepare_body` is what the mail readers do with the body of every message; it also serves a body
that didn't come from a mail file (a CSV column, an API). :func:`visible_text` renders what a mail
reader would show of a post once quotes and furniture are folded away.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from lxml import etree

from ...thread import Post, Segment
from .._html import QuoteInfo, html_to_text
from .furniture import find_furniture

__all__ = ["prepare_body", "post_from_body", "visible_text", "html_quote"]

_QUOTE_IDS = frozenset({"OLK_SRC_BODY_SECTION"})
_QUOTE_CLASSES = frozenset({"yahoo_quoted", "gmail_quote_container"})


def prepare_body(body: str, *, html: bool = False) -> tuple[str, tuple[Segment, ...]]:
    """The text of a message body and its markup, in text order.

    A plain body keeps its lines (``\\r\\n`` becomes ``\\n``); an HTML body goes through
    :func:`~threadlens.readers._html.html_to_text`, its quote elements (``blockquote``, Outlook's
    ``OLK_SRC_BODY_SECTION``, Yahoo's ``yahoo_quoted``) becoming ``quote`` segments. The mail
    furniture (attribution lines, Outlook headers, signatures, list footers) is found in the text.
    """
    taken: list[Segment] = []
    if html:
        converted = html_to_text(_without_xml_declaration(body), classify=html_quote)
        text, taken = converted.text, converted.quotes
    else:
        text = body.replace("\r\n", "\n").replace("\r", "\n")
    markup = [*taken, *find_furniture(text, taken=taken)]
    return text, tuple(sorted(markup, key=lambda s: (s.start, s.end)))


def post_from_body(body: str, *, id: str = "m1", html: bool = False, author: str | None = None,
                   reply_to: str | None = None) -> Post:
    """A :class:`~threadlens.thread.Post` from a message body alone (see :func:`prepare_body`)."""
    text, markup = prepare_body(body, html=html)
    return Post(id=id, text=text, author=author, reply_to=reply_to, markup=markup)


def visible_text(text: str, segments: Sequence[Segment], *, keep: Collection[str] = ("reply",)) -> str:
    """``text`` without its segments of kinds not in ``keep``, as a mail client folds them away.

    Each removed stretch goes together with the whitespace that follows it, so the text around it
    keeps its own line breaks ("Hi\\n\\n<quote>\\n\\nThanks" becomes "Hi\\n\\nThanks"); the result is stripped.
    """
    removed = sorted((s.start, s.end) for s in segments if s.kind not in keep)
    pieces: list[str] = []
    position = 0
    for start, end in removed:
        if end <= position:
            continue
        if start > position:
            pieces.append(text[position:start])
        position = max(position, end)
        while position < len(text) and text[position].isspace():
            position += 1
    pieces.append(text[position:])
    return "".join(pieces).strip()


def _without_xml_declaration(markup: str) -> str:
    """lxml refuses a ``str`` that starts with ``<?xml ... encoding=...?>`` (XHTML mail parts do)."""
    stripped = markup.lstrip()
    if stripped.startswith("<?xml"):
        end = stripped.find("?>")
        return stripped[end + 2 :] if end >= 0 else stripped
    return markup


def html_quote(element: etree._Element) -> QuoteInfo | None:
    """The mail classifier for :func:`~threadlens.readers._html.html_to_text`: which elements are quotes.

    ``cite="mid:..."`` on a blockquote (Thunderbird, Apple Mail) names the quoted message; it is kept as
    the segment's ``cite`` and resolved to a post by the mail readers.
    """
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() == "blockquote":
        return QuoteInfo(cite=element.get("cite") or None)
    if element.get("id") in _QUOTE_IDS:
        return QuoteInfo(marker="outlook-quote")
    classes = (element.get("class") or "").split()
    if _QUOTE_CLASSES.intersection(classes):
        return QuoteInfo(marker="html-quote")
    return None
