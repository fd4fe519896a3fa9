"""Threads as JSONL in the core layout: one utterance per line, as :mod:`threadlens.readers.jsonl` reads it.

Each line has ConvoKit's utterance fields (``id``, ``conversation_id``, ``reply_to``, ``speaker``,
``timestamp`` in unix seconds, ``text``) and ``meta``; ``markup`` (the post's markup segments) when it has
any; and on a thread's first line ``thread`` (its ``title`` and ``meta``) when it has either.
``conversation_id`` is the thread's id (its first root post's id when it has none), so reading the
file back gives the same threads.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..thread import Thread
from ._files import atomic_file, json_line
from ._layout import check_unique_ids, first_root_id, segment_dicts, unix_time
from ._report import WriteReport, as_thread_list

__all__ = ["write_jsonl", "utterance_records", "jsonl_lines", "threads_to_jsonl"]


def utterance_records(threads: Iterable[Thread]) -> Iterator[dict[str, Any]]:
    """One JSON object per post, thread after thread, in reading order."""
    threads = list(threads)
    check_unique_ids(threads)
    used: set[str] = set()
    for thread in threads:
        conversation = _conversation_id(thread, used)
        for number, post in enumerate(thread.posts):
            record: dict[str, Any] = {"id": post.id, "conversation_id": conversation, "reply_to": post.reply_to,
                                      "speaker": post.author, "timestamp": unix_time(post.created),
                                      "text": post.text, "meta": post.meta}
            if post.markup:
                record["markup"] = segment_dicts(post.markup)
            if number == 0 and (thread.title is not None or thread.meta):
                record["thread"] = {"title": thread.title} if thread.title is not None else {}
                if thread.meta:
                    record["thread"]["meta"] = thread.meta
            yield record


def jsonl_lines(threads: Iterable[Thread]) -> Iterator[str]:
    """The JSONL text, line by line (each with its ``\\n``)."""
    for record in utterance_records(threads):
        yield json_line(record, where=f"post {record['id']!r}") + "\n"


def threads_to_jsonl(threads: Iterable[Thread]) -> str:
    """The whole JSONL text (for small outputs; :func:`jsonl_lines` streams)."""
    return "".join(jsonl_lines(threads))


def write_jsonl(threads: Thread | Iterable[Thread], destination: str | os.PathLike[str] | IO[str], *,
                overwrite: bool = False) -> WriteReport:
    """Write threads to a JSONL file (atomically; an existing file only with ``overwrite``) or a text stream.

    ``"-"`` writes to standard output.
    """
    threads = as_thread_list(threads)
    if isinstance(destination, (str, os.PathLike)) and os.fspath(destination) == "-":
        destination = sys.stdout
    if not isinstance(destination, (str, os.PathLike)):
        lines = list(jsonl_lines(threads))  # serialise everything first: nothing half-written on a bad value
        destination.writelines(lines)
        return WriteReport.of(threads, path=getattr(destination, "name", "<stream>"), format="jsonl")
    path = Path(destination)
    with atomic_file(path, overwrite=overwrite) as stream:
        stream.writelines(jsonl_lines(threads))
    return WriteReport.of(threads, path=str(path), format="jsonl")


def _conversation_id(thread: Thread, used: set[str]) -> str:
    for candidate in (thread.id, first_root_id(thread)):
        if candidate is not None and candidate not in used:
            used.add(candidate)
            return candidate
    raise InputError(f"thread {thread.id!r} has the id of another thread and no post of its own to name it by; "
                     "give the threads distinct ids")
