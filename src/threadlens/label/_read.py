"""Reading one unit of work into threads, and every record that can't be labelled into a reject.

A reject says where the record was (file, line), its post id when known, why it was refused and — for a
line that isn't a usable record — the line itself, so it can be fixed and labelled again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import InputError
from ..readers._source import printable_name
from ..thread import Notice, Post, Thread
from ._plan import Unit, key_hash, parse_line, record_key

if TYPE_CHECKING:
    from ..readers.mail._reader import LeftOut

__all__ = ["Reject", "UnitInput", "read_unit"]

_MAX_LINE_KEPT = 100_000
_OPEN_FILES = 64


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that was not labelled, and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None
    count: int = 1
    record: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "line": self.line, "id": self.id, "reason": self.reason}
        if self.count != 1:
            out["count"] = self.count
        if self.record is not None:
            out["record"] = self.record
        return out


@dataclass(slots=True)
class UnitInput:
    """The threads of a unit, what could not be read, and what the readers recovered from."""

    threads: list[Thread] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_unit(unit: Unit) -> UnitInput:
    """The threads (and rejects) of a unit, read from its files."""
    if unit.kind == "files":
        return _read_files(unit)
    if unit.kind == "range":
        return _from_lines(unit, _range_lines(unit), grouped=False)
    if unit.kind == "messages":
        return _read_messages(unit)
    if unit.kind == "mailfiles":
        return _read_mail_files(unit)
    return _from_lines(unit, _group_lines(unit), grouped=True)


def _range_lines(unit: Unit) -> Iterator[tuple[int, int, bytes, int]]:
    """``(group, line number, line, file)``: the bytes ``start:end`` of the file, split into lines."""
    with open(unit.path, "rb") as stream:
        stream.seek(unit.start)
        data = stream.read(unit.end - unit.start)
    position = 0
    number = unit.first_line
    while position < len(data):
        newline = data.find(b"\n", position)
        stop = len(data) if newline < 0 else newline + 1
        yield 0, number, data[position:stop], 0
        number += 1
        position = stop


def _group_lines(unit: Unit) -> Iterator[tuple[int, int, bytes, int]]:
    """``(group, line number, line, file)`` for the lines at the unit's offsets (``file``: the number of the
    unit's file it is read from)."""
    group = 0
    left = int(unit.group_sizes[0]) if len(unit.group_sizes) else 0
    sources = unit.sources.tolist() if unit.sources is not None else [0] * len(unit.offsets)
    with _OpenFiles([path for path, _, _ in unit.line_files()]) as files:
        for offset, number, source in zip(unit.offsets.tolist(), unit.lines.tolist(), sources):
            while left == 0:
                group += 1
                left = int(unit.group_sizes[group])
            stream = files.get(source)
            stream.seek(offset)
            yield group, number, stream.readline(), source
            left -= 1


class _OpenFiles:
    """The files a unit reads, opened when first read from and at most ``_OPEN_FILES`` at a time (the least
    recently read is closed): a unit of a run's many small files may span thousands of them."""

    def __init__(self, paths: Sequence[str]) -> None:
        self._paths = paths
        self._open: OrderedDict[int, BinaryIO] = OrderedDict()

    def get(self, number: int) -> BinaryIO:
        stream = self._open.get(number)
        if stream is not None:
            self._open.move_to_end(number)
            return stream
        if len(self._open) >= _OPEN_FILES:
            self._open.popitem(last=False)[1].close()
        stream = self._open[number] = open(self._paths[number], "rb")
        return stream

    def __enter__(self) -> _OpenFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in self._open.values():
            stream.close()
        self._open.clear()


def _from_lines(unit: Unit, lines: Iterator[tuple[int, int, bytes, int]], *, grouped: bool) -> UnitInput:
    out = UnitInput()
    files = unit.line_files()
    posts_of = [_PostsOf(unit.records, escaped=not raw) for _, _, raw in files]
    names = [name for _, name, _ in files]
    replaced = 0
    conversations: dict[tuple[int, str], list[_Item]] = {}
    group_keys = unit.group_keys.tolist() if grouped else []
    for group, number, line, file in lines:
        if not line.strip():
            continue
        name, posts = names[file], posts_of[file]
        record, had_bad_bytes = parse_line(line)
        replaced += had_bad_bytes
        if record is None:
            out.rejects.append(Reject(name, "not a JSON object on one line", line=number, record=_kept(line)))
            continue
        post_id, conversation, _ = record_key(record, records=unit.records)
        if post_id is None:
            reason = posts.unusable(record)
            if reason is not None:
                out.rejects.append(Reject(name, f"record {reason}", line=number, record=_kept(line)))
            continue
        if grouped and group_keys[group] == 0:
            out.rejects.append(Reject(name, "reply_to links form a cycle (or lead into one); fix a reply_to",
                                      line=number, id=post_id))
            continue
        try:
            post = posts.post(record)
        except ValueError as exc:
            out.rejects.append(Reject(name, f"record {exc}", line=number, id=post_id, record=_kept(line)))
            continue
        key = (group, "" if grouped else conversation or "")
        conversations.setdefault(key, []).append((name, number, post, conversation))
    if replaced:
        out.notices.append(f"{unit.shown_path}: replaced invalid UTF-8 bytes or lone surrogates with U+FFFD on "
                           f"{replaced} line(s)")
    for name, posts in zip(names, posts_of):
        out.notices.extend(posts.notices(name))
    for (group, conversation), items in conversations.items():
        thread_id = _thread_id(items, group_keys[group]) if grouped else conversation
        thread, rejects = _thread(thread_id, items, several_files=len(files) > 1)
        out.rejects.extend(rejects)
        if thread is not None:
            out.threads.append(thread)
    return out


#: A post read from a line: the file it was read from (as rejects name it), its line number, the post, and its
#: conversation id.
_Item = tuple[str, int, Post, "str | None"]


class _PostsOf:
    """Posts from the records of one streamed layout, as its reader makes them: ``jsonl`` (the core layout),
    ``convokit`` (with the ConvoKit reader's clean-up) or ``reddit`` (rendered markdown, quotes as markup)."""

    def __init__(self, records: str, *, escaped: bool = True) -> None:
        self.records = records
        self.escaped = escaped
        if records == "reddit":
            from ..readers.reddit import MoreStubs

            self.more = MoreStubs()
        if records == "convokit":
            # The ConvoKit reader's record clean-up.
            from ..readers.convokit import _Dropped

            self.dropped = _Dropped()

    def unusable(self, record: dict[str, Any]) -> str | None:
        """Why a record without a post id is refused (None: it is no post, only noted — a "load more" stub)."""
        if self.records == "reddit":
            from ..readers.reddit import record_shape

            shape, data = record_shape(record)
            if shape == "more":
                self.more.add(data)
                return None
            return "is not a Reddit submission or comment with an id"
        return "has no 'id'" if record.get("id") is None else "'text' is not a string"

    def post(self, record: dict[str, Any]) -> Post:
        """The post of a usable record; ValueError when its fields can't make one."""
        if self.records == "reddit":
            from ..readers.reddit import record_post, record_shape

            return record_post(*record_shape(record), escaped=self.escaped)[0]
        from ..readers.jsonl import post_from_record

        if self.records == "convokit":
            from ..readers.convokit import _normalised

            record = _normalised(record, self.dropped)
        return post_from_record(record)[0]

    def notices(self, source: str) -> list[str]:
        if self.records == "convokit":
            return [n.message for n in self.dropped.notices(source)]
        if self.records == "reddit":
            more = self.more.notice(source)
            return [more.message] if more is not None else []
        return []


def _thread_id(items: list[_Item], key: int) -> str:
    """The id the ``jsonl`` reader gives this conversation: the conversation id or root post id hashing to ``key``."""
    for _, _, post, conversation in items:
        if conversation is not None and key_hash(conversation) == key:
            return conversation
        if key_hash(post.id) == key:
            return post.id
    return items[0][2].id


def _thread(thread_id: str, items: list[_Item], *, several_files: bool = False) -> tuple[Thread | None, list[Reject]]:
    """A thread of the posts (a repeated id keeps its first post; posts on a reply cycle are refused)."""
    from ..readers._linking import find_cycle

    rejects: list[Reject] = []
    kept: dict[str, tuple[str, int, Post]] = {}
    for name, number, post, _ in items:
        if post.id in kept:
            first_name, first_line, _ = kept[post.id]
            where = f"{first_name} line {first_line}" if several_files else f"line {first_line}"
            rejects.append(Reject(name, f"post id repeats the post of {where}; kept the first", line=number,
                                  id=post.id))
            continue
        kept[post.id] = (name, number, post)
    while True:
        cycle = find_cycle({i: post.reply_to for i, (_, _, post) in kept.items()})
        if not cycle:
            break
        for post_id in cycle:
            name, number, _ = kept.pop(post_id)
            rejects.append(Reject(name, "reply_to links form a cycle; fix the reply_to of one of its posts",
                                  line=number, id=post_id))
    if not kept:
        return None, rejects
    return Thread(posts=[post for _, _, post in kept.values()], id=thread_id), rejects


def _read_files(unit: Unit) -> UnitInput:
    from ..readers import read_threads

    out = UnitInput()
    for path in unit.files:
        try:
            threads = read_threads(path, format=unit.input_format)
        except InputError as exc:
            out.rejects.append(Reject(path, str(exc), count=0))
            continue
        except (OSError, UnicodeError, RecursionError) as exc:
            out.rejects.append(Reject(path, f"can't be read ({exc})", count=0))
            continue
        unnamed = sum(1 for thread in threads if thread.id is None)
        for number, thread in enumerate(threads, start=1):
            if thread.id is None:  # records need a thread id: the file's name (and number)
                name = printable_name(Path(path).name)
                thread.id = name if unnamed == 1 else f"{name}#{number}"
            _take_notices(path, thread.notices, out)
            if len(thread):
                out.threads.append(thread)
    return out


def _read_messages(unit: Unit) -> UnitInput:
    """The threads of a unit of mbox messages, as the mbox reader threads them."""
    from ..readers.mail._mbox import unescape_message
    from ..readers.mail._reader import mbox_threads

    def entries() -> Iterator[tuple[str, int, bytes]]:
        with _OpenFiles(unit.files) as files:
            for source, start, end, number in zip(unit.sources.tolist(), unit.offsets.tolist(), unit.ends.tolist(),
                                                  unit.lines.tolist()):
                stream = files.get(source)
                stream.seek(start)
                yield unit.names[source], number, unescape_message(stream.read(end - start))

    left_out: list[LeftOut] = []
    threads, notices = mbox_threads(entries(), source=unit.shown_path, left_out=left_out)
    return _mail_input(unit.shown_path, threads, notices, left_out)


def _read_mail_files(unit: Unit) -> UnitInput:
    """The threads of a unit of maildir files, as the maildir reader threads them."""
    from ..readers.mail._reader import mail_dir_threads

    left_out: list[LeftOut] = []
    threads, notices = mail_dir_threads(Path(unit.path), [Path(f) for f in unit.files], left_out=left_out)
    return _mail_input(unit.path, threads, notices, left_out)


def _mail_input(source: str, threads: list[Thread], notices: list[Notice], left_out: list[LeftOut]) -> UnitInput:
    """A unit's threads, with a reject for each message the reader left out."""
    out = UnitInput(rejects=[Reject(item.file, item.reason, line=item.line, id=item.id) for item in left_out])
    _take_notices(source, notices, out)
    for thread in threads:
        _take_notices(source, thread.notices, out)
        out.threads.append(thread)
    return out


def _take_notices(source: str, notices: list[Notice], out: UnitInput) -> None:
    """Reader notices into ``out``: those saying records were left out as rejects, the others as notices."""
    for notice in notices:
        if notice.kind in _RECORD_NOTICES:
            out.rejects.append(Reject(source, notice.message, count=notice.count))
        else:
            out.notices.append(notice.message)


#: Reader notices that mean records were left out: they go to the rejects file (with their count).
_RECORD_NOTICES = frozenset({"skipped_line", "duplicate_id", "skipped_post", "skipped_message", "skipped_file"})


def _kept(line: bytes) -> str:
    text = line.decode("utf-8", errors="replace").rstrip("\r\n")
    return text if len(text) <= _MAX_LINE_KEPT else text[:_MAX_LINE_KEPT] + "…"
