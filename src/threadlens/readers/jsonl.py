"""JSONL in ConvoKit's utterances layout: one post per line, one thread or many.

Fields: ``id``, ``conversation_id``, ``reply_to``, ``speaker``, ``timestamp``, ``text``; every other field
is kept in ``Post.meta`` (a ``meta`` object is merged in). ``user`` is accepted for ``speaker`` and ``root``
for ``conversation_id`` (older ConvoKit), ``reply-to`` for ``reply_to`` (what ConvoKit's own dump writes).
A line that isn't a JSON object with an id is skipped and counted, never fatal.

Two fields carry what the utterance layout has no place for (both written by :mod:`threadlens.writers`):
``markup``, the post's :attr:`~threadlens.thread.Post.markup` segments as a list of objects (a value that
isn't a valid segment list is kept in ``meta["markup"]`` instead), and ``thread``, an object with the
thread's ``title`` and ``meta``, on the first line of a thread.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..thread import Notice, Post, Segment, Thread, parse_time
from . import Reader, register_reader
from ._json import loads as json_loads
from ._json import surrogates_notice
from ._linking import LoosePost, build_threads
from ._source import Source

__all__ = ["read_jsonl", "post_from_record", "markup_from_json", "iter_records", "first_json_object"]

_CORE_FIELDS = {"id", "conversation_id", "reply_to", "reply-to", "speaker", "user", "timestamp", "text", "meta", "root",
                "markup", "thread"}
_MAX_REPORTED = 5


def iter_records(source: Source, notices: list[Notice]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line_number, object)`` for every line that parses as a JSON object; others are counted in notices."""
    skipped: list[str] = []
    cleaned = 0
    # Lines end at \n, \r\n or \r only: str.splitlines() would also cut at U+2028, U+0085 and other
    # characters that JSON allows unescaped inside strings.
    for number, line in enumerate(io.StringIO(source.text, newline=None), start=1):
        if not line.strip():
            continue
        try:
            record, fixed = json_loads(line)
            cleaned += fixed
        except ValueError as exc:
            skipped.append(f"line {number} is not valid JSON ({_short(str(exc))})")
            continue
        except RecursionError:
            skipped.append(f"line {number} nests too deeply to be read")
            continue
        if not isinstance(record, dict):
            skipped.append(f"line {number} is a JSON {type(record).__name__}, not an object")
            continue
        yield number, record
    if skipped:
        shown = "; ".join(skipped[:_MAX_REPORTED]) + ("; ..." if len(skipped) > _MAX_REPORTED else "")
        notices.append(Notice("skipped_line", f"{source.name}: skipped {len(skipped)} line(s): {shown}", len(skipped)))
    if cleaned:
        notices.append(surrogates_notice(source.name, cleaned))


def post_from_record(record: Mapping[str, Any]) -> tuple[Post, str | None]:
    """A post and its conversation id from one utterance object. Raises ValueError when unusable."""
    if record.get("id") is None:
        raise ValueError("has no 'id'")
    text = record.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError("'text' is not a string")
    speaker = record.get("speaker", record.get("user"))
    if isinstance(speaker, Mapping):
        speaker = speaker.get("id") or speaker.get("name")
    meta = {k: v for k, v in record.items() if k not in _CORE_FIELDS}
    if isinstance(record.get("meta"), Mapping):
        meta.update(record["meta"])
    try:
        created = parse_time(record.get("timestamp"))
    except (ValueError, OverflowError, OSError):
        meta["timestamp"] = record.get("timestamp")
        created = None
    reply_to = record.get("reply_to", record.get("reply-to"))
    conversation = record.get("conversation_id", record.get("root"))
    markup: tuple[Segment, ...] = ()
    if record.get("markup") is not None:
        try:
            markup = markup_from_json(record["markup"], text)
        except (ValueError, TypeError, KeyError):
            meta["markup"] = record["markup"]
    post = Post(id=str(record["id"]), text=text, author=None if speaker is None else str(speaker),
                reply_to=None if reply_to in (None, "") else str(reply_to), created=created, meta=meta,
                markup=markup)
    return post, None if conversation is None else str(conversation)


def markup_from_json(value: Any, text: str) -> tuple[Segment, ...]:
    """Markup segments from their JSON form; ValueError unless every one is a valid span of ``text``."""
    if not isinstance(value, list):
        raise ValueError("'markup' is not a list")
    segments = tuple(Segment.from_dict(item) for item in value)
    if any(segment.end > len(text) for segment in segments):
        raise ValueError("a 'markup' segment ends after the text")
    return segments


def read_jsonl(source: Source) -> list[Thread]:
    notices: list[Notice] = []
    items, thread_fields = loose_posts(source, notices)
    return with_thread_fields(build_threads(items, source=source.name, notices=notices), thread_fields)


def loose_posts(source: Source, notices: list[Notice]) -> tuple[list[LoosePost], dict[str, Mapping[str, Any]]]:
    """The posts of a JSONL file in the core layout, not yet threaded, and the ``thread`` objects by post id;
    unusable lines are skipped and reported in ``notices``."""
    items: list[LoosePost] = []
    unusable: list[str] = []
    thread_fields: dict[str, Mapping[str, Any]] = {}
    for number, record in iter_records(source, notices):
        try:
            post, conversation = post_from_record(record)
        except ValueError as exc:
            unusable.append(f"line {number} {exc}")
            continue
        items.append(LoosePost(post=post, conversation=conversation, line=number))
        if isinstance(record.get("thread"), Mapping):
            thread_fields.setdefault(post.id, record["thread"])
    if unusable:
        shown = "; ".join(unusable[:_MAX_REPORTED]) + ("; ..." if len(unusable) > _MAX_REPORTED else "")
        notices.append(Notice("skipped_line", f"{source.name}: skipped {len(unusable)} line(s): {shown}",
                              len(unusable)))
    return items, thread_fields


def with_thread_fields(threads: list[Thread], fields: Mapping[str, Mapping[str, Any]]) -> list[Thread]:
    """``threads`` with each one's title and meta set from the ``thread`` objects of its posts."""
    for thread in threads if fields else ():
        _apply_thread_fields(thread, fields)
    return threads


def _apply_thread_fields(thread: Thread, fields: Mapping[str, Mapping[str, Any]]) -> None:
    """Set a thread's title and meta from the ``thread`` object of its first post that has one."""
    for post in thread.posts:
        found = fields.get(post.id)
        if found is not None:
            if isinstance(found.get("title"), str):
                thread.title = found["title"]
            if isinstance(found.get("meta"), Mapping):
                thread.meta.update(found["meta"])
            return


def first_json_object(text: str, *, limit: int = 1 << 20) -> dict[str, Any] | None:
    """The first non-empty line parsed as a JSON object, or None (also for a line longer than ``limit``)."""
    position = 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        position = end + 1
        if not line.strip():
            continue
        if len(line) > limit or not line.lstrip().startswith("{"):
            return None
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return None
        return record if isinstance(record, dict) else None
    return None


def _sniff_jsonl(source: Source) -> float:
    record = first_json_object(source.text)
    if record is None:
        return 0.0
    return 0.8 if "id" in record and "text" in record else 0.1


def _short(message: str, limit: int = 60) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


register_reader(Reader("jsonl", "JSONL in ConvoKit's utterances layout (id, conversation_id, reply_to, speaker, "
                       "timestamp, text)", read=read_jsonl, sniff=_sniff_jsonl))
