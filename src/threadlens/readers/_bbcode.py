"""BBCode to plain text, keeping every ``[quote]`` as a quote span with what its tag says.

Quote tags of the common boards are understood, nested and in any case::

    [quote]  [quote=name]  [quote="name"]                        generic
    [quote="name" post_id=12 time=1600000000 user_id=3]          phpBB 3
    [QUOTE=name;12345]                                           vBulletin
    [quote author=name link=msg=123 date=1600000000]             SMF
    [quote='name' pid='12' dateline='1600000000']                MyBB
    [quote="name, post:3, topic:45"]  [QUOTE="name, post: 12, member: 3"]   Discourse, XenForo

Other tags become plain text the way a reader sees them: ``[b]``, ``[i]``, ``[color=…]``, ``[size=…]``
… vanish and keep their text; ``[url=…]label[/url]`` keeps the label, ``[url]…[/url]`` the address;
``[list]``/``[*]`` become ``- `` items on their own lines; ``[code]`` keeps its content verbatim (no tags
inside); ``[img]``, ``[attach]``, ``[youtube]``, ``[media]`` are dropped with their content. A bracketed
word that is not a known tag (``[sic]``, ``[1]``, ``[citation needed]``) stays text. HTML entities are
decoded, ``<br>`` is a line break, phpBB's ``:uid`` tag suffixes and its XML storage format are read.

Parsing is one left-to-right scan with a stack (no regex over the text, no recursion): linear in the
length of the input, whatever the nesting. Unbalanced tags are tolerated: a stray ``[/quote]`` is
dropped, an unclosed ``[quote]`` runs to the end of the post; both are counted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .._spans import trim_span
from ..thread import Segment
from ._text_parts import TextParts

__all__ = ["QuoteAttrs", "QuoteSpan", "BBText", "bbcode_to_text", "parse_quote_attrs", "looks_like_bbcode",
           "quote_segments"]

_MAX_TAG = 512  # a "tag" longer than this is text
_QUOTE = frozenset(("quote",))
_VERBATIM = frozenset(("code", "php", "html", "sql", "js", "noparse", "nobbc", "pre", "icode", "plain"))
_DROPPED = frozenset(("img", "image", "attach", "attachment", "youtube", "video", "media", "flash", "embed",
                      "tweet", "audio"))
_LIST = frozenset(("list", "ul", "ol"))
_ITEM = frozenset(("*", "li"))
_PARAGRAPH = frozenset(("center", "left", "right", "justify", "indent", "spoiler", "hide", "table", "h1", "h2",
                        "h3", "h4", "h5", "h6", "heading", "box", "block", "align", "div", "p", "collapse"))
_LINE = frozenset(("tr",))
_CELL = frozenset(("td", "th"))
_BREAK = frozenset(("hr", "br"))
_INLINE = frozenset(("b", "i", "u", "s", "strike", "del", "ins", "sup", "sub", "color", "colour", "size", "font",
                     "highlight", "glow", "shadow", "tt", "abbr", "acronym", "url", "iurl", "email", "link", "mention",
                     "user", "member", "ispoiler", "em", "strong", "mark", "blur", "fade", "move", "marquee",
                     "anchor", "ftp", "bdo", "me", "time", "blink", "small", "big", "thread", "post"))
_KNOWN = _QUOTE | _VERBATIM | _DROPPED | _LIST | _ITEM | _PARAGRAPH | _LINE | _CELL | _BREAK | _INLINE
_TAG_NAME = re.compile(r"(/?)([A-Za-z0-9*]*)")
_UID = re.compile(r":[a-z0-9]{5,10}$")  # phpBB 3.0 stores "[b:2kxb3q2j]"
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_XML_TAG = re.compile(r"<[^<>]*>")  # stops at the next bracket: linear
_KEY = re.compile(r"(?:^|\s)(\w{1,20})\s*=")
_DIGITS = re.compile(r"\d+")
_NAME_KEYS = ("username", "author", "name", "user")
_POST_KEYS = ("post_id", "pid", "postid", "p", "post")
_TIME_KEYS = ("time", "date", "dateline", "timestamp")
_USER_KEYS = ("user_id", "uid", "userid", "member", "memberid")


@dataclass(frozen=True, slots=True)
class QuoteAttrs:
    """What a quote tag says: the quoted author (``cite``), the post it names (``post``: an id on most
    boards, a post number on Discourse, where ``topic`` is set too), the author's id and the time."""

    cite: str | None = None
    post: str | None = None
    topic: str | None = None
    user_id: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A stretch of quoted text at its innermost quote level (``depth`` 1 for a top-level quote)."""

    start: int
    end: int
    depth: int
    attrs: QuoteAttrs


@dataclass(slots=True)
class BBText:
    """Plain text of a BBCode source, its quote spans, and how many quote tags did not pair up."""

    text: str
    quotes: list[QuoteSpan] = field(default_factory=list)
    unbalanced: int = 0


def looks_like_bbcode(text: str) -> bool:
    """Whether a text holds a BBCode quote tag (what the readers sniff for)."""
    lowered = text.lower()
    return "[quote" in lowered or "[/quote" in lowered


class _Out(TextParts):
    """The text being built: block boundaries become line breaks, without doubling the author's own."""

    def text(self, value: str) -> None:
        if self.trailing or not self.length:
            value = value.lstrip(" \t\n")
        elif value[:1] == " " and self.parts[-1][-1:] == " ":  # a dropped tag between two spaces
            value = value.lstrip(" ")
        self.append(value)

    def breaks(self, count: int) -> None:
        if not self.length:
            return
        while self.trailing == 0 and self.parts and self.parts[-1][-1:] in (" ", "\t"):
            last = self.parts.pop()
            kept = last.rstrip(" \t")
            self.length -= len(last) - len(kept)
            if kept:
                self.parts.append(kept)
                break
        if self.trailing < count:
            self.append("\n" * (count - self.trailing))


def bbcode_to_text(source: str) -> BBText:
    """Convert a BBCode post to plain text with quote spans."""
    text = _prepare(source)
    lowered = text.lower()
    out = _Out()
    stack: list[list] = []  # open quotes: [run start, attrs]
    pieces: list[tuple[int, int, int, QuoteAttrs]] = []
    unbalanced = 0
    unclosed: set[str] = set()
    position = 0
    close_at = -1
    length = len(text)

    def close_run() -> None:
        if stack:
            pieces.append((stack[-1][0], out.length, len(stack), stack[-1][1]))

    while position < length:
        start = text.find("[", position)
        if start < 0:
            out.text(html.unescape(text[position:]))
            break
        if start > position:
            out.text(html.unescape(text[position:start]))
        if close_at < start:
            close_at = text.find("]", start)
        if close_at < 0:
            out.text(html.unescape(text[start:]))
            break
        next_open = text.find("[", start + 1, close_at)
        if next_open >= 0 or close_at - start > _MAX_TAG:
            stop = next_open if next_open >= 0 else start + 1
            out.text(text[start:stop])
            position = stop
            continue
        closing, name, option = _split_tag(text[start + 1 : close_at])
        position = close_at + 1
        if name not in _KNOWN or (closing and option):
            out.text(html.unescape(text[start:position]))
            continue
        if name in _QUOTE:
            if closing:
                if not stack:
                    unbalanced += 1
                    continue
                close_run()
                stack.pop()
                if stack:
                    stack[-1][0] = out.length
                out.breaks(2)
            else:
                out.breaks(2)
                close_run()
                stack.append([out.length, parse_quote_attrs(html.unescape(option))])
        elif closing:
            if name in _LIST or name in _PARAGRAPH:
                out.breaks(2)
            elif name in _LINE:
                out.breaks(1)
        elif name in _VERBATIM or name in _DROPPED:
            end = -1 if name in unclosed else lowered.find(f"[/{name}", position)
            end_close = text.find("]", end) if end >= 0 else -1
            if end < 0 or end_close < 0:
                unclosed.add(name)  # no closing tag further on: later searches would fail too
                continue  # unclosed: the tag goes, its content stays text
            if name in _VERBATIM:
                out.breaks(1)
                out.append(html.unescape(text[position:end]).strip("\n"))
                out.breaks(1)
            position = end_close + 1
            close_at = -1
        elif name in _LIST:
            out.breaks(1)
        elif name in _ITEM:
            out.breaks(1)
            out.append("- ")
        elif name in _PARAGRAPH:
            out.breaks(2)
        elif name in _LINE:
            out.breaks(1)
        elif name in _CELL:
            if out.trailing == 0 and out.length:
                out.append(" | ")
        elif name in _BREAK:
            out.breaks(2 if name == "hr" else 1)

    while stack:  # unclosed quotes run to the end
        unbalanced += 1
        close_run()
        stack.pop()
        if stack:
            stack[-1][0] = out.length
    full = out.value()
    stripped = full.rstrip()
    spans = []
    for begin, end, depth, attrs in pieces:
        begin, end = trim_span(stripped, begin, min(end, len(stripped)))
        if end > begin:
            spans.append(QuoteSpan(begin, end, depth, attrs))
    return BBText(text=stripped, quotes=sorted(spans, key=lambda s: s.start), unbalanced=unbalanced)


def quote_segments(spans: list[QuoteSpan], *, resolve: Callable[[QuoteAttrs], str | None] = lambda a: None,
                   marker: str = "bbcode") -> tuple[Segment, ...]:
    """Quote segments for ``Post.markup``: ``source`` is what ``resolve`` makes of the tag (the id of a
    post in the thread, or None to attribute by text), ``cite`` the quoted author."""
    return tuple(Segment("quote", span.start, span.end, source=resolve(span.attrs),
                         marker=marker if span.depth == 1 else f"{marker}:{span.depth}", cite=span.attrs.cite)
                 for span in spans)


def _prepare(source: str) -> str:
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith(("<r>", "<t>")) and text.rstrip().endswith(("</r>", "</t>")):  # phpBB 3.2+ storage
        text = _XML_TAG.sub("", _BR.sub("\n", text))
    elif "<br" in text.lower():
        text = _BR.sub("\n", text)
    return text


def _split_tag(inner: str) -> tuple[bool, str, str]:
    """``(closing, lower-case name, option text)`` of a tag's inside (between the brackets)."""
    match = _TAG_NAME.match(inner)
    assert match is not None  # the pattern matches the empty string
    closing, name, option = bool(match.group(1)), match.group(2).lower(), inner[match.end():]
    if option.startswith(":"):  # phpBB 3.0's bbcode_uid: [b:uid], [/quote:uid], [/*:m:uid]
        option = ""
    elif name == "quote":  # [quote=&quot;name&quot;:uid]
        uid = _UID.search(option)
        if uid is not None and option[: uid.start()].endswith(("\"", "'", "&quot;")):
            option = option[: uid.start()]
    return closing, name, option.strip() if closing else option


def parse_quote_attrs(option: str) -> QuoteAttrs:
    """Read the option text of a quote tag (everything after ``quote``), e.g. ``="ann" post_id=12``."""
    rest = option.strip()
    cite: str | None = None
    values: dict[str, str] = {}
    if rest.startswith("="):
        value = rest[1:].lstrip()
        if value[:1] in ("\"", "'"):
            end = value.find(value[0], 1)
            cite, rest = (value[1:end], value[end + 1 :]) if end > 0 else (value[1:], "")
        else:
            match = _KEY.search(value)
            cite, rest = (value[: match.start()], value[match.start() :]) if match else (value, "")
        cite, values = _named_parts(cite.strip())
    values.update(_pairs(rest))
    for key in _NAME_KEYS:
        if values.get(key):
            cite = values[key]
            break
    post = next((values[k] for k in _POST_KEYS if values.get(k)), None)
    if post is None and values.get("link"):
        found = _after_msg(values["link"])
        post = found
    return QuoteAttrs(cite=cite or None, post=_digits(post), topic=_digits(values.get("topic")),
                      user_id=next((values[k] for k in _USER_KEYS if values.get(k)), None),
                      time=next((values[k] for k in _TIME_KEYS if values.get(k)), None))


def _named_parts(value: str) -> tuple[str, dict[str, str]]:
    """``name;123`` (vBulletin) and ``name, post:3, topic:4`` (Discourse, XenForo) into name and parts."""
    parts: dict[str, str] = {}
    if ";" in value:
        name, _, tail = value.rpartition(";")
        if tail.strip().lstrip("n").isdigit():
            return name.strip(), {"post": tail.strip().lstrip("n")}
    if "," in value and ":" in value:
        pieces = value.split(",")
        name = pieces[0].strip()
        for piece in pieces[1:]:
            key, sep, val = piece.partition(":")
            if sep:
                parts[key.strip().lower()] = val.strip()
        return name, parts
    return value, parts


def _pairs(text: str) -> dict[str, str]:
    """``key=value`` pairs; a value is quoted, or runs to the next `` key=``."""
    out: dict[str, str] = {}
    matches = list(_KEY.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in ("\"", "'"):
            value = value[1:-1]
        out.setdefault(match.group(1).lower(), value)
    return out


def _after_msg(link: str) -> str | None:
    at = link.find("msg")
    if at < 0:
        return None
    match = _DIGITS.search(link, at)
    return match.group() if match else None


def _digits(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value if value.isdigit() else None

