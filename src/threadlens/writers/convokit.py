"""Threads as a ConvoKit corpus directory, in the layout ConvoKit documents and ``Corpus(filename=...)`` loads.

::

    corpus/
      utterances.jsonl    one utterance a line: id, speaker, conversation_id, reply_to, timestamp, text, meta
      speakers.json       {speaker id: speaker meta}
      conversations.json  {conversation id: conversation meta}
      corpus.json         corpus meta
      index.json          the type names of every meta field ("<class 'str'>" ...), and the version

A thread is a conversation whose id is its first root post's id (every post of the thread carries it, so
a thread with several roots, like a pasted one, stays one conversation); timestamps are unix seconds.
What ConvoKit has no field for is kept in meta under reserved keys, and read back by
:mod:`threadlens.readers.convokit`:

- utterance meta ``threadlens_markup``: the post's markup segments;
- conversation meta ``title``: the thread's title; ``threadlens_thread_id``: its id, where that isn't the
  conversation id;
- ``Thread.meta["speakers"]`` (speaker id -> meta, as the ConvoKit reader fills it) goes to speakers.json;
- a post without an author is spoken by ``[unknown]``, marked ``threadlens_unknown: true`` in speakers.json.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..thread import Thread
from ._files import atomic_directory, json_line
from ._layout import check_unique_ids, first_root_id, segment_dicts, unix_time
from ._report import WriteReport, as_thread_list

__all__ = ["write_convokit", "MARKUP_KEY", "THREAD_ID_KEY", "UNKNOWN_KEY", "SPEAKERS_KEY", "UNKNOWN_SPEAKER",
           "CORPUS_FILES"]

MARKUP_KEY = "threadlens_markup"
THREAD_ID_KEY = "threadlens_thread_id"
UNKNOWN_KEY = "threadlens_unknown"
SPEAKERS_KEY = "speakers"
UNKNOWN_SPEAKER = "[unknown]"
CORPUS_FILES = ("utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json")
_INDEX_VERSION = 1


def write_convokit(threads: Thread | Iterable[Thread], directory: str | os.PathLike[str], *,
                   overwrite: bool = False, corpus_meta: Mapping[str, Any] | None = None) -> WriteReport:
    """Write threads as a ConvoKit corpus directory, atomically.

    The directory is built under a temporary name beside ``directory`` and renamed into place; an existing
    directory (unless empty) is replaced only with ``overwrite``. ``corpus_meta`` goes to corpus.json.
    Threads without posts are left out (a ConvoKit conversation has at least one utterance).
    """
    threads = [thread for thread in as_thread_list(threads) if thread.posts]
    check_unique_ids(threads)
    path = Path(directory)
    unknown = _unknown_speaker(threads)
    index = _MetaIndex()
    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, Any] = {}
    unknown_used = False
    with atomic_directory(path, overwrite=overwrite) as temporary:
        with open(temporary / "utterances.jsonl", "w", encoding="utf-8", newline="\n") as stream:
            for thread in threads:
                conversation = first_root_id(thread)
                assert conversation is not None
                meta, speaker_meta = _conversation_meta(thread, conversation)
                conversations[conversation] = meta
                index.add("conversations-index", meta)
                for post in thread.posts:
                    speaker = post.author if post.author is not None else unknown
                    unknown_used = unknown_used or post.author is None
                    known = speakers.setdefault(speaker, {})
                    if not known and speaker_meta.get(speaker):
                        known.update(speaker_meta[speaker])
                    utterance_meta = dict(post.meta)
                    if post.markup:
                        utterance_meta[MARKUP_KEY] = segment_dicts(post.markup)
                    index.add("utterances-index", utterance_meta)
                    record = {"id": post.id, "speaker": speaker, "conversation_id": conversation,
                              "reply_to": post.reply_to, "timestamp": unix_time(post.created), "text": post.text,
                              "meta": utterance_meta}
                    stream.write(json_line(record, where=f"post {post.id!r}") + "\n")
        if unknown_used:
            speakers[unknown] = {**speakers.get(unknown, {}), UNKNOWN_KEY: True}
        for meta in speakers.values():
            index.add("speakers-index", meta)
        overall = dict(corpus_meta or {})
        index.add("overall-index", overall)
        files = {
            "speakers.json": {key: _component(meta) for key, meta in speakers.items()},
            "conversations.json": {key: _component(meta) for key, meta in conversations.items()},
            "corpus.json": overall,
            "index.json": index.to_dict(),
        }
        for name, content in files.items():
            (temporary / name).write_text(json_line(content, where=name) + "\n", encoding="utf-8")
    return WriteReport.of(threads, path=str(path), format="convokit")


def _conversation_meta(thread: Thread, conversation: str) -> tuple[dict[str, Any], Mapping[str, Any]]:
    """The conversation's meta, and the speaker meta that ``Thread.meta["speakers"]`` holds (if any)."""
    meta = dict(thread.meta)
    speakers = meta.get(SPEAKERS_KEY)
    speaker_meta: Mapping[str, Any] = {}
    if isinstance(speakers, Mapping) and all(isinstance(value, Mapping) for value in speakers.values()):
        speaker_meta = speakers
        del meta[SPEAKERS_KEY]
    if thread.title is not None:
        meta["title"] = thread.title
    if thread.id is not None and thread.id != conversation:
        meta[THREAD_ID_KEY] = thread.id
    return meta, speaker_meta


def _component(meta: dict[str, Any]) -> dict[str, Any]:
    """A speakers.json / conversations.json value: the meta itself, or wrapped when it has a ``meta`` key
    (ConvoKit reads a value holding ``meta`` as the ``{"meta": ..., "vectors": [...]}`` form)."""
    return {"meta": meta, "vectors": []} if "meta" in meta else meta


def _unknown_speaker(threads: list[Thread]) -> str:
    authors = {post.author for thread in threads for post in thread.posts}
    name, number = UNKNOWN_SPEAKER, 1
    while name in authors:
        number += 1
        name = f"[unknown-{number}]"
    return name


class _MetaIndex:
    """index.json: for each meta field, the names of the types its values have, as ConvoKit records them."""

    def __init__(self) -> None:
        self.indexes: dict[str, dict[str, list[str]]] = {
            "utterances-index": {}, "speakers-index": {}, "conversations-index": {}, "overall-index": {}}

    def add(self, which: str, meta: Mapping[str, Any]) -> None:
        index = self.indexes[which]
        for key, value in meta.items():
            types = index.setdefault(str(key), [])
            if value is None:
                continue
            name = _json_type_name(value)
            if name not in types:
                types.append(name)

    def to_dict(self) -> dict[str, Any]:
        return {**self.indexes, "version": _INDEX_VERSION, "vectors": []}


def _json_type_name(value: Any) -> str:
    """ConvoKit's ``str(type(value))`` for the value as it reads back from JSON."""
    if isinstance(value, bool):
        return "<class 'bool'>"
    if isinstance(value, int):
        return "<class 'int'>"
    if isinstance(value, float):
        return "<class 'float'>"
    if isinstance(value, Mapping):
        return "<class 'dict'>"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "<class 'list'>"
    if isinstance(value, (str, datetime, date, os.PathLike)):
        return "<class 'str'>"
    return str(type(value))
