"""What both output formats share: unix timestamps, conversation ids, segment dicts, unique post ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from ..errors import InputError
from ..thread import Segment, Thread

__all__ = ["unix_time", "segment_dicts", "check_unique_ids", "first_root_id"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def unix_time(value: datetime | None) -> int | float | None:
    """Seconds since 1970 (UTC): an int for whole seconds, else a float; a naive datetime counts as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - _EPOCH
    whole = delta.days * 86400 + delta.seconds
    return whole if not delta.microseconds else whole + delta.microseconds / 1_000_000


def segment_dicts(segments: Sequence[Segment]) -> list[dict[str, Any]]:
    """Segments as JSON objects, keeping ``similarity`` unrounded (``Segment.to_dict`` rounds it)."""
    out = []
    for segment in segments:
        data = segment.to_dict()
        if segment.similarity is not None:
            data["similarity"] = segment.similarity
        out.append(data)
    return out


def first_root_id(thread: Thread) -> str | None:
    """The id ConvoKit gives a conversation: its first root post (the first post if every one is a reply)."""
    roots = thread.roots()
    if roots:
        return roots[0].id
    return thread.posts[0].id if thread.posts else None


def check_unique_ids(threads: Iterable[Thread]) -> None:
    """Refuse a post id used in two threads: both layouts need ids unique across the whole output."""
    seen: dict[str, str | None] = {}
    for number, thread in enumerate(threads, start=1):
        label = thread.id if thread.id is not None else f"#{number}"
        for post in thread.posts:
            if post.id in seen:
                raise InputError(f"post id {post.id!r} is in two threads ({seen[post.id]!r} and {label!r}); the "
                                 "output needs post ids unique across all threads: convert the threads separately")
            seen[post.id] = label
