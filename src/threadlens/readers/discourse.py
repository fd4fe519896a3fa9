"""Discourse topics: the topic JSON (``/t/{id}.json``), ``posts.json`` listings, or a list of topics.

A topic's ``post_stream.posts`` become the posts of one thread (``Thread.id`` is the topic id, its title
``Thread.title``). Post ids are Discourse's post ids (``id``, unique on the site and the key of
``/posts/{id}.json``); the post number within the topic is kept in ``meta["post_number"]``. ``reply_to``
comes from ``reply_to_post_number``; a post without one answers the topic, so it replies to the first post.
Small-action posts (``post_type`` 3: "closed the topic", "pinned" ...) are not posts and are left out
(counted in ``Thread.meta["small_actions"]``). A topic JSON holds the first posts only (20 by default):
the ones listed in ``post_stream.stream`` but not included are reported in a ``more_posts`` notice.

The text is the ``cooked`` HTML as a reader sees it (``raw`` markdown, when the JSON has it, stays in
``meta["raw"]``). Quotes: a cooked ``<aside class="quote" data-username data-post data-topic>`` (its title
line dropped) is a quote segment citing the username; when it names a post of this topic that is in the
input, ``source`` is that post's id, else the quote splitter attributes it by text, preferring the cited
user's posts. Plain ``<blockquote>`` (markdown ``>``) quotes have no cite. Link previews (oneboxes) and
image metadata are dropped. A post with ``raw`` but no ``cooked`` is read from its ``[quote="user,
post:N, topic:M"]`` tags (the rest of the markdown is kept as written).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from ..errors import InputError
from ..thread import Notice, Post, Segment, Thread, parse_time
from . import Reader, register_reader
from ._bbcode import bbcode_to_text, quote_segments
from ._html import QuoteInfo, html_to_text
from ._json import loads as json_loads
from ._json import noting_surrogates
from ._linking import LoosePost, build_threads
from ._source import Source

__all__ = ["threads_from_json", "read_discourse"]

#: Post fields kept in ``Post.meta`` (besides ``post_number``, ``topic_id`` and ``raw``).
META_FIELDS = ("name", "reply_count", "quote_count", "reads", "score", "post_type", "hidden", "deleted_at",
               "user_deleted", "wiki", "accepted_answer", "updated_at", "reply_to_post_number")
_THREAD_FIELDS = ("slug", "category_id", "tags", "posts_count", "created_at", "views", "like_count")
_SMALL_ACTION = 3
_SNIFF_CHARS = 1 << 20


def threads_from_json(data: Any, *, source: str) -> list[Thread]:
    """Threads from decoded Discourse JSON: a topic (``post_stream``), a ``latest_posts`` listing, or a
    list of topics. Raises InputError for anything else."""
    topics: list[Mapping[str, Any]]
    if isinstance(data, Mapping) and isinstance(data.get("post_stream"), Mapping):
        topics = [data]
    elif isinstance(data, Mapping) and isinstance(data.get("latest_posts"), list):
        topics = _group_latest(data["latest_posts"])
    elif isinstance(data, list) and data and all(isinstance(t, Mapping) and isinstance(t.get("post_stream"), Mapping)
                                                 for t in data):
        topics = list(data)
    else:
        raise InputError("is not a Discourse topic (expected the JSON of /t/{id}.json with a post_stream, or "
                         "a posts.json listing); check the file or pass --input-format", source=source)
    threads: list[Thread] = []
    for topic in topics:
        threads.extend(_topic_threads(topic, source=source))
    return threads


def read_discourse(source: Source) -> list[Thread]:
    try:
        data, cleaned = json_loads(source.text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON ({exc}); pass a Discourse topic's .json", source=source.name) from None
    return noting_surrogates(threads_from_json(data, source=source.name), source.name, cleaned)


def _group_latest(posts: list[Any]) -> list[Mapping[str, Any]]:
    by_topic: dict[Any, dict[str, Any]] = {}
    for post in posts:
        if not isinstance(post, Mapping):
            continue
        topic = by_topic.setdefault(post.get("topic_id"), {"id": post.get("topic_id"), "title": post.get("topic_title"),
                                                            "post_stream": {"posts": []}})
        topic["post_stream"]["posts"].append(post)
    for topic in by_topic.values():
        topic["post_stream"]["posts"].sort(key=lambda p: p.get("post_number") or 0)
    return list(by_topic.values())


def _topic_threads(topic: Mapping[str, Any], *, source: str) -> list[Thread]:
    stream = topic["post_stream"]
    raw_posts = [p for p in stream.get("posts") or [] if isinstance(p, Mapping)]
    topic_id = None if topic.get("id") is None else str(topic["id"])
    small = [p for p in raw_posts if p.get("post_type") == _SMALL_ACTION]
    posts = [p for p in raw_posts if p.get("post_type") != _SMALL_ACTION]
    if topic_id is None and posts and posts[0].get("topic_id") is not None:
        topic_id = str(posts[0]["topic_id"])
    by_number = {str(p["post_number"]): _post_id(p, topic_id) for p in posts if p.get("post_number") is not None}
    root_id = _post_id(posts[0], topic_id) if posts else None
    notices: list[Notice] = []
    unresolved = 0
    items: list[LoosePost] = []
    for raw in posts:
        post = _post(raw, topic_id=topic_id, by_number=by_number)
        target = raw.get("reply_to_post_number")
        if post.id != root_id:
            post.reply_to = by_number.get(str(target)) if target is not None else root_id
            if post.reply_to is None:
                post.reply_to = root_id
                unresolved += 1
        items.append(LoosePost(post=post, conversation=topic_id))
    stream_ids = stream.get("stream")
    if isinstance(stream_ids, list):
        missing = len({str(i) for i in stream_ids} - {str(p.get("id")) for p in raw_posts})
        if missing:
            notices.append(Notice("more_posts", f"{source}: {missing} post(s) of topic {topic_id} not included (the "
                                  "topic JSON holds the first posts only); fetch /t/{id}/posts.json?post_ids[]=... "
                                  "for the rest", missing))
    if unresolved:
        notices.append(Notice("unresolved_reply", f"{source}: {unresolved} post(s) of topic {topic_id} reply to a post "
                              "not in the input; linked to the first post instead", unresolved))
    title = topic.get("title") if isinstance(topic.get("title"), str) else None
    if title is None and isinstance(topic.get("fancy_title"), str):
        title = html.unescape(topic["fancy_title"])
    threads = build_threads(items, source=source, notices=notices, title=title)
    for thread in threads:
        thread.meta.update({k: topic[k] for k in _THREAD_FIELDS if topic.get(k) is not None})
        if small:
            thread.meta["small_actions"] = len(small)
    return threads


def _post_id(post: Mapping[str, Any], topic_id: str | None) -> str:
    if post.get("id") is not None:
        return str(post["id"])
    return f"{topic_id}:{post.get('post_number')}"


def _post(data: Mapping[str, Any], *, topic_id: str | None, by_number: dict[str, str]) -> Post:
    def resolve(number: str | None, topic: str | None) -> str | None:
        if number is None or (topic is not None and topic_id is not None and topic != topic_id):
            return None
        return by_number.get(number)

    cooked, raw = data.get("cooked"), data.get("raw")
    meta: dict[str, Any] = {"post_number": data.get("post_number"), "topic_id": data.get("topic_id", topic_id)}
    meta.update({k: data[k] for k in META_FIELDS if data.get(k) is not None})
    markup: tuple[Segment, ...]
    if isinstance(cooked, str) and cooked.strip():
        rendered = html_to_text(cooked, classify=lambda el: _classify(el, resolve))
        text, markup = rendered.text, tuple(rendered.quotes)
    elif isinstance(raw, str):
        parsed = bbcode_to_text(raw)
        text = parsed.text
        markup = quote_segments(parsed.quotes, resolve=lambda a: resolve(a.post, a.topic), marker="bbcode")
    else:
        text, markup = "", ()
    if isinstance(raw, str):
        meta["raw"] = raw
    try:
        created = parse_time(data.get("created_at"))
    except (ValueError, OverflowError, OSError):
        created = None
    author = data.get("username")
    return Post(id=_post_id(data, topic_id), text=text, author=None if author is None else str(author),
                created=created, meta=meta, markup=markup)


def _classify(element: etree._Element, resolve: Callable[[str | None, str | None], str | None]
              ) -> QuoteInfo | bool | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = (element.get("class") or "").split()
    if tag == "aside" and "quote" in classes:
        number, topic = element.get("data-post"), element.get("data-topic")
        return QuoteInfo(cite=element.get("data-username") or None, source=resolve(number, topic),
                         marker="discourse")
    if tag == "aside" and "onebox" in classes:
        return False
    if tag == "div" and ("title" in classes or "quote-controls" in classes) and _in_quote_aside(element):
        return False
    if tag == "div" and "meta" in classes and _has_class_ancestor(element, "lightbox-wrapper"):
        return False
    if tag == "blockquote":
        parent = element.getparent()
        if parent is not None and parent.tag == "aside" and "quote" in (parent.get("class") or "").split():
            return None  # the body of an aside quote, already a quote
        return QuoteInfo(cite=None)
    return None


def _in_quote_aside(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == "aside" and "quote" in (parent.get("class") or "").split()


def _has_class_ancestor(element: etree._Element, name: str) -> bool:
    for ancestor in element.iterancestors():
        if name in (ancestor.get("class") or "").split():
            return True
    return False


def _sniff_discourse(source: Source) -> float:
    head = source.text[:_SNIFF_CHARS]
    if not head.lstrip().startswith(("{", "[")) or '"cooked"' not in head:
        return 0.0
    if '"post_stream"' in head or '"latest_posts"' in head:
        return 0.95
    return 0.0


register_reader(Reader("discourse", "Discourse topic JSON (/t/{id}.json: post_stream with cooked HTML, [quote] "
                       "asides)", read=read_discourse, sniff=_sniff_discourse))
