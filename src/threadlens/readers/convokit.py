"""ConvoKit corpus directories: ``utterances.jsonl`` plus ``speakers.json``, ``conversations.json``,
``corpus.json`` and ``index.json`` when present.

Each conversation becomes a thread (its id is the conversation id); a conversation's meta gives the
thread's ``title`` and ``meta``, and the meta of the thread's speakers (from speakers.json, where not
empty) is kept in ``Thread.meta["speakers"]``. The reserved keys :mod:`threadlens.writers.convokit` writes
are read back (markup segments, the thread id, posts without an author).

Older and variant corpora are read too: ``user`` for ``speaker``, ``root`` for ``conversation_id``,
``reply-to`` for ``reply_to``, ``users.json`` for ``speakers.json``, a single ``utterances.json`` list,
component files mapping ids to meta or to ``{"meta": ..., "vectors": [...]}``, and conversations with
no id (grouped by the root of their reply chain). Meta values ConvoKit stored in pickle files
(``<##bin{N}&&@**>``) are left out with a notice: threadlens never loads pickles. Vector matrices are
not read. corpus.json is not read into the threads.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..thread import Notice, Thread
from . import Reader, register_reader
from ._json import loads as json_loads
from ._json import surrogates_notice
from ._linking import LoosePost, build_threads
from ._source import load_source
from .jsonl import iter_records, post_from_record

__all__ = ["read_convokit", "sniff_convokit"]

# Reserved keys of threadlens.writers.convokit (kept here as text so reading needs no writer import).
_MARKUP_KEY = "threadlens_markup"
_THREAD_ID_KEY = "threadlens_thread_id"
_UNKNOWN_KEY = "threadlens_unknown"
_SPEAKERS_KEY = "speakers"
_BIN_LEFT, _BIN_RIGHT = "<##bin{", "}&&@**>"
_MAX_REPORTED = 5
_COMPONENT_FILES = ("speakers.json", "users.json", "conversations.json", "corpus.json", "index.json")


def sniff_convokit(path: Path) -> float:
    """0.9 for a directory with utterances and at least two other corpus files, 0.6 with utterances only."""
    if not ((path / "utterances.jsonl").is_file() or (path / "utterances.json").is_file()):
        return 0.0
    others = sum((path / name).is_file() for name in _COMPONENT_FILES)
    return 0.9 if others >= 2 else 0.6


def read_convokit(directory: str | os.PathLike[str]) -> list[Thread]:
    """Read a ConvoKit corpus directory into threads, one per conversation, in file order."""
    path = Path(directory)
    if not path.is_dir():
        raise InputError("is not a directory; pass a ConvoKit corpus directory (holding utterances.jsonl)",
                         source=str(path))
    notices: list[Notice] = []
    dropped = _Dropped()
    speakers = _components(path, ("speakers.json", "users.json"), notices, dropped)
    conversations = _components(path, ("conversations.json",), notices, dropped)
    unknown = {speaker for speaker, meta in speakers.items() if meta.get(_UNKNOWN_KEY) is True}

    items: list[LoosePost] = []
    unusable: list[str] = []
    for number, record in _utterances(path, notices):
        record = _normalised(record, dropped)
        try:
            post, conversation = post_from_record(record)
        except ValueError as exc:
            unusable.append(f"utterance {number} {exc}")
            continue
        if post.author in unknown:
            post.author = None
        items.append(LoosePost(post=post, conversation=conversation, line=number))
    if unusable:
        shown = "; ".join(unusable[:_MAX_REPORTED]) + ("; ..." if len(unusable) > _MAX_REPORTED else "")
        notices.append(Notice("skipped_line", f"{path}: skipped {len(unusable)} utterance(s): {shown}",
                              len(unusable)))
    notices.extend(dropped.notices(str(path)))
    threads = build_threads(items, source=str(path), notices=notices)
    for thread in threads:
        _apply_conversation(thread, conversations.get(thread.id or ""))
        _attach_speakers(thread, speakers, unknown)
    return threads


def _utterances(path: Path, notices: list[Notice]) -> Iterator[tuple[int, dict[str, Any]]]:
    lines, whole = path / "utterances.jsonl", path / "utterances.json"
    if lines.is_file():
        source = load_source(lines)
        notices.extend(source.notices)
        yield from iter_records(source, notices)
        return
    if not whole.is_file():
        raise InputError("holds no utterances.jsonl (or utterances.json); not a ConvoKit corpus directory",
                         source=str(path))
    source = load_source(whole)
    notices.extend(source.notices)
    try:
        data, cleaned = json_loads(source.text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON ({exc}); fix or re-export the corpus", source=str(whole)) from None
    if cleaned:
        notices.append(surrogates_notice(str(whole), cleaned))
    if not isinstance(data, list):
        raise InputError("is not a JSON list of utterances; fix or re-export the corpus", source=str(whole))
    skipped = 0
    for number, record in enumerate(data, start=1):
        if isinstance(record, dict):
            yield number, record
        else:
            skipped += 1
    if skipped:
        notices.append(Notice("skipped_line", f"{whole}: skipped {skipped} item(s) that are not JSON objects", skipped))


def _normalised(record: dict[str, Any], dropped: _Dropped) -> dict[str, Any]:
    """The record with ConvoKit's extras moved where the JSONL reader expects them."""
    record = dict(record)
    if record.get("id") is not None and record.get("reply_to", record.get("reply-to")) == record["id"]:
        record.pop("reply-to", None)  # a root that replies to itself (seen in early ConvoKit corpora)
        record["reply_to"] = None
        dropped.self_replies += 1
    timestamp = record.get("timestamp")
    if isinstance(timestamp, float) and not math.isfinite(timestamp):
        record["timestamp"] = None  # NaN: "no time" in corpora built with pandas
    vectors = record.pop("vectors", None)
    if vectors:
        dropped.vectors += 1
    meta = record.get("meta")
    if isinstance(meta, Mapping):
        meta = dropped.unpickled(meta, "utterance")
        if _MARKUP_KEY in meta:
            meta = dict(meta)
            record["markup"] = meta.pop(_MARKUP_KEY)
        record["meta"] = meta
    return record


def _components(path: Path, names: tuple[str, ...], notices: list[Notice],
                dropped: _Dropped) -> dict[str, dict[str, Any]]:
    """speakers.json / conversations.json as id -> meta (either ConvoKit shape); {} when absent or unreadable."""
    for name in names:
        file = path / name
        if not file.is_file():
            continue
        source = load_source(file)
        notices.extend(source.notices)
        try:
            data, cleaned = json_loads(source.text)
        except ValueError as exc:
            notices.append(Notice("bad_corpus_file", f"{file}: not valid JSON ({exc}); its meta was not read"))
            return {}
        if cleaned:
            notices.append(surrogates_notice(str(file), cleaned))
        if not isinstance(data, dict):
            notices.append(Notice("bad_corpus_file", f"{file}: not a JSON object; its meta was not read"))
            return {}
        out: dict[str, dict[str, Any]] = {}
        for key, value in data.items():
            if isinstance(value, Mapping) and isinstance(value.get("meta"), Mapping):
                if value.get("vectors"):
                    dropped.vectors += 1
                value = value["meta"]
            out[str(key)] = dropped.unpickled(value, name) if isinstance(value, Mapping) else {}
        return out
    return {}


def _apply_conversation(thread: Thread, meta: Mapping[str, Any] | None) -> None:
    if not meta:
        return
    rest = dict(meta)
    title = rest.pop("title", None)
    if isinstance(title, str):
        thread.title = title
    elif title is not None:
        rest["title"] = title
    thread_id = rest.pop(_THREAD_ID_KEY, None)
    if isinstance(thread_id, str):
        thread.id = thread_id
    thread.meta.update(rest)


def _attach_speakers(thread: Thread, speakers: Mapping[str, Mapping[str, Any]], unknown: set[str]) -> None:
    if not speakers or _SPEAKERS_KEY in thread.meta:
        return
    found: dict[str, Any] = {}
    for post in thread.posts:
        if post.author is not None and post.author not in found and post.author not in unknown:
            meta = speakers.get(post.author)
            if meta:
                found[post.author] = dict(meta)
    if found:
        thread.meta[_SPEAKERS_KEY] = found


class _Dropped:
    """Counts what is left out while reading (pickled meta values, vectors), reported once per corpus."""

    def __init__(self) -> None:
        self.binary: dict[str, int] = {}
        self.vectors = 0
        self.self_replies = 0

    def unpickled(self, meta: Mapping[str, Any], where: str) -> dict[str, Any]:
        out = {}
        for key, value in meta.items():
            if isinstance(value, str) and value.startswith(_BIN_LEFT) and value.endswith(_BIN_RIGHT):
                self.binary[f"{where}.{key}"] = self.binary.get(f"{where}.{key}", 0) + 1
                continue
            out[key] = value
        return out

    def notices(self, source: str) -> list[Notice]:
        out = []
        if self.binary:
            total = sum(self.binary.values())
            fields = ", ".join(sorted(self.binary)[:_MAX_REPORTED])
            out.append(Notice("binary_meta", f"{source}: left out {total} meta value(s) ConvoKit stored in pickle "
                                             f"files ({fields}); threadlens never loads pickles", total))
        if self.self_replies:
            out.append(Notice("self_reply", f"{source}: {self.self_replies} utterance(s) reply to themselves; "
                                            "read as roots", self.self_replies))
        if self.vectors:
            out.append(Notice("vectors_skipped", f"{source}: {self.vectors} component(s) have ConvoKit vectors; "
                                                 "vector matrices are not read", self.vectors))
        return out


register_reader(Reader("convokit", "a ConvoKit corpus directory (utterances.jsonl, speakers.json, "
                       "conversations.json, corpus.json, index.json)", sniff_dir=sniff_convokit,
                       read_dir=read_convokit))
