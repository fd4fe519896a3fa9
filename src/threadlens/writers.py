"""Threads out as JSONL in ConvoKit's utterances layout, the layout the ``jsonl`` reader reads back.

One utterance per line: ``id``, ``conversation_id``, ``reply_to``, ``speaker``, ``timestamp`` (unix
seconds), ``text``, then the post's meta fields (a meta field named like a core field goes into a
``meta`` object instead), and ``markup`` when the source marked quotes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .thread import Post, Thread

__all__ = ["utterance_records", "threads_to_jsonl"]

_CORE = ("id", "conversation_id", "reply_to", "speaker", "timestamp", "text", "meta", "markup", "user", "root")


def utterance_records(threads: Iterable[Thread]) -> Iterator[dict[str, Any]]:
    """One JSON-ready record per post, thread by thread, posts in their order."""
    for thread in threads:
        roots = thread.roots()
        conversation = thread.id or (roots[0].id if roots else None)
        for post in thread.posts:
            yield _record(post, conversation)


def threads_to_jsonl(threads: Iterable[Thread]) -> str:
    """The JSONL text of :func:`utterance_records` (UTF-8 characters kept, one record per line)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in utterance_records(threads))


def _record(post: Post, conversation: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": post.id, "conversation_id": conversation, "reply_to": post.reply_to,
                              "speaker": post.author, "timestamp": _unix(post), "text": post.text}
    nested = {k: v for k, v in post.meta.items() if k in _CORE}
    record.update((k, v) for k, v in post.meta.items() if k not in _CORE)
    if nested:
        record["meta"] = nested
    if post.markup:
        record["markup"] = [segment.to_dict() for segment in post.markup]
    return record


def _unix(post: Post) -> int | float | None:
    if post.created is None:
        return None
    seconds = post.created.timestamp()
    return int(seconds) if seconds == int(seconds) else seconds
