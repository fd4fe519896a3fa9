"""BBCode posts in the core JSONL layout (phpBB, vBulletin, SMF, MyBB exports), read as plain text with quotes.

Each line is an utterance as the ``jsonl`` reader reads it (``id``, ``conversation_id``, ``reply_to``,
``speaker``, ``timestamp``, ``text``) whose ``text`` is BBCode. The text becomes what the board shows
(see :mod:`threadlens.readers._bbcode`), the BBCode source is kept in ``Post.meta["bbcode"]``, and each
``[quote]`` becomes a quote segment of ``Post.markup``: ``cite`` is the quoted name, ``source`` the post
the tag names when that post is in the input (phpBB ``post_id``, vBulletin ``;id``, SMF ``link=msg``,
MyBB ``pid``), else None and the quote splitter attributes it by text, preferring posts by ``cite``.

Detected when the first line is a core-layout object and the file holds a ``[quote``/``[/quote]`` tag;
``--input-format bbcode`` forces it.
"""

from __future__ import annotations

from ..thread import Notice, Post, Thread
from . import Reader, register_reader
from ._bbcode import BBText, QuoteAttrs, bbcode_to_text, looks_like_bbcode, quote_segments
from ._linking import build_threads
from ._source import Source
from .jsonl import first_json_object, loose_posts, with_thread_fields

__all__ = ["read_bbcode_jsonl", "bbcode_to_text", "bbcode_posts"]

_SNIFF_CHARS = 1 << 20


def bbcode_posts(posts: list[Post]) -> tuple[list[Post], int]:
    """Convert the BBCode text of posts in place (text, ``meta["bbcode"]``, quote markup); resolves quoted
    post ids among these posts. Returns the posts and the number of unbalanced quote tags."""
    parsed: list[BBText] = []
    for post in posts:
        converted = bbcode_to_text(post.text)
        post.meta["bbcode"] = post.text
        post.text = converted.text
        parsed.append(converted)
    ids = {post.id for post in posts}

    def resolve(attrs: QuoteAttrs) -> str | None:
        return attrs.post if attrs.post in ids else None

    for post, converted in zip(posts, parsed):
        post.markup = quote_segments(converted.quotes, resolve=resolve)
    return posts, sum(p.unbalanced for p in parsed)


def read_bbcode_jsonl(source: Source) -> list[Thread]:
    notices: list[Notice] = []
    loose, thread_fields = loose_posts(source, notices)
    _, unbalanced = bbcode_posts([item.post for item in loose])
    if unbalanced:
        notices.append(Notice("unbalanced_quote", f"{source.name}: {unbalanced} [quote] tag(s) without a partner "
                              "(stray closing tags dropped, unclosed quotes run to the end of their post)",
                              unbalanced))
    return with_thread_fields(build_threads(loose, source=source.name, notices=notices), thread_fields)


def _sniff_bbcode(source: Source) -> float:
    record = first_json_object(source.text)
    if record is None or "id" not in record or "text" not in record:
        return 0.0
    return 0.85 if looks_like_bbcode(source.text[:_SNIFF_CHARS]) else 0.0


register_reader(Reader("bbcode", "JSONL in the core layout whose texts are BBCode (phpBB, vBulletin, SMF, MyBB "
                       "[quote] tags)", read=read_bbcode_jsonl, sniff=_sniff_bbcode))
