"""JSONL in ConvoKit's utterances layout: one post per line, one thread or many.

Fields: ``id``, ``conversation_id``, ``reply_to``, ``speaker``, ``timestamp``, ``text``; every other field
is kept in ``Post.meta`` (a ``meta`` object is merged in). ``user`` is accepted for ``speaker`` (older
ConvoKit). A line that isn't a JSON object with an id is skipped and counted, never fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..thread import Notice, Post, Segment, Thread, parse_time
from . import Reader, register_reader
from ._linking import LoosePost, build_threads
from ._source import Source

__all__ = ["read_jsonl", "post_from_record", "iter_records", "first_json_object"]

_CORE_FIELDS = {"id", "conversation_id", "reply_to", "speaker", "user", "timestamp", "text", "meta", "root", "markup"}
_MAX_REPORTED = 5


def iter_records(source: Source, notices: list[Notice]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line_number, object)`` for every line that parses as a JSON object; others are counted in notices."""
    skipped: list[str] = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            skipped.append(f"line {number} is not valid JSON ({_short(str(exc))})")
            continue
        if not isinstance(record, dict):
            skipped.append(f"line {number} is a JSON {type(record).__name__}, not an object")
            continue
        yield number, record
    if skipped:
        shown = "; ".join(skipped[:_MAX_REPORTED]) + ("; ..." if len(skipped) > _MAX_REPORTED else "")
        notices.append(Notice("skipped_line", f"{source.name}: skipped {len(skipped)} line(s): {shown}", len(skipped)))


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
    reply_to = record.get("reply_to")
    conversation = record.get("conversation_id", record.get("root"))
    post = Post(id=str(record["id"]), text=text, author=None if speaker is None else str(speaker),
                reply_to=None if reply_to in (None, "") else str(reply_to), created=created, meta=meta,
                markup=_markup(record.get("markup"), len(text)))
    return post, None if conversation is None else str(conversation)


def _markup(value: Any, length: int) -> tuple[Segment, ...]:
    """Quote segments the source marked (as ``threadlens fetch`` writes them). Raises ValueError if malformed."""
    if value is None:
        return ()
    try:
        segments = tuple(Segment.from_dict(s) for s in value)
    except (TypeError, KeyError, ValueError, AttributeError):
        raise ValueError("has a 'markup' that is not a list of segments") from None
    if any(s.end > length for s in segments):
        raise ValueError("has 'markup' reaching past the end of its text")
    return segments


def read_jsonl(source: Source) -> list[Thread]:
    notices: list[Notice] = []
    items: list[LoosePost] = []
    unusable: list[str] = []
    for number, record in iter_records(source, notices):
        try:
            post, conversation = post_from_record(record)
        except ValueError as exc:
            unusable.append(f"line {number} {exc}")
            continue
        items.append(LoosePost(post=post, conversation=conversation, line=number))
    if unusable:
        shown = "; ".join(unusable[:_MAX_REPORTED]) + ("; ..." if len(unusable) > _MAX_REPORTED else "")
        notices.append(Notice("skipped_line", f"{source.name}: skipped {len(unusable)} line(s): {shown}",
                              len(unusable)))
    return build_threads(items, source=source.name, notices=notices)


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
        except ValueError:
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
