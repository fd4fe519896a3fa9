"""From mail files to threads: mbox files (one, or several read as one archive), single .eml files, maildirs
and directories of .eml files.

Posts: ``id`` = Message-ID (without angle brackets), ``author`` = the From display name (else the
address), ``created`` = Date, ``text`` = the body (see :mod:`._message`), ``markup`` = HTML quotes and
mail furniture; ``meta`` holds ``subject``, ``from`` (the address), ``list_id``, ``message_id`` and where
the message was read (``line`` of an mbox, ``file`` of a directory or of an archive of several mboxes). One
thread per conversation (:mod:`._threading`); its title is the subject of its first message. Message-IDs are
global, so several mbox files — a list's monthly archives — read together give threads that run across them.

Recoveries become notices, one per kind and input: ``duplicate_id`` (a Message-ID read twice: the first
is kept), ``missing_message_id`` (an id is made from the message's bytes), ``skipped_message`` (an mbox
entry without mail headers), ``skipped_file``, ``mime_defect``, ``replaced_bytes``, ``unknown_charset``,
``bad_date``, ``bad_header``, ``no_text_part``, ``reply_loop``; ``dangling_reply_to`` comes from the
shared linking step (replies to messages not in the input are roots).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from ...errors import InputError
from ...thread import Notice, Post, Segment, Thread
from .._linking import LoosePost, build_threads
from .._source import Source, file_bytes
from ._mbox import split_mbox, starts_like_mbox
from ._message import MailMessage, Problem, message_ids, parse_message
from ._threading import link_messages

__all__ = ["LeftOut", "read_mbox", "read_mboxes", "read_mbox_dir", "mbox_files", "archive_order", "mbox_threads",
           "read_eml", "read_mail_dir", "mail_dir_threads", "mail_files"]

_MAX_EXAMPLES = 3
_MAX_DEPTH = 8
_HEAD_BYTES = 4096
_NO_HEADERS = "no mail headers (From:, Date:, Message-ID: or Subject:)"
_NAME_PIECES = re.compile(r"\d+|[^\W\d_]+|[\W_]+")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
_MONTHS = {**{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
           **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}, "sept": 9}


@dataclass(slots=True)
class _Read:
    message: MailMessage
    origin: str  # the file it was read from
    line: int | None = None  # of its From line, in an mbox
    file: str | None = None  # for the post's meta

    @property
    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A message a reader left out: the file it was read from, the line of its ``From`` line in an mbox, its
    Message-ID when it has one, and why."""

    file: str
    reason: str
    line: int | None = None
    id: str | None = None


def read_mbox(source: Source) -> list[Thread]:
    """Every thread in an mbox file."""
    data = _raw_bytes(source)
    entries = ((None, line, raw) for line, raw in split_mbox(data, name=source.name))
    threads, _ = mbox_threads(entries, source=source.name)
    if not threads:
        raise InputError("holds no mail messages (no entry has From:, Date:, Message-ID: or Subject: headers)",
                         source=source.name)
    return threads


def read_mboxes(paths: Sequence[str | os.PathLike[str]], *, name: str | None = None) -> list[Thread]:
    """Every thread of several mbox files (plain or compressed) read as one archive, in the order given.

    A list's monthly archives read this way give threads that run across months: a reply in February to a
    January message is threaded under it. A message read again in a later file (a cross-post, an overlap
    between exports) keeps its first copy. Posts say where they were read in ``meta["file"]`` and
    ``meta["line"]``. ``name`` names the whole in notices (default: the files).
    """
    names = [os.fspath(p) for p in paths]
    if not names:
        raise InputError("no mbox files given; pass one or more mbox files", source=name or "read_mboxes")
    whole = name or display_name(names)
    threads, notices = mbox_threads(_file_entries(names), source=whole)
    if not threads:
        raise InputError("holds no mail messages (no entry has From:, Date:, Message-ID: or Subject: headers)",
                         source=whole)
    return threads


def read_mbox_dir(path: Path) -> list[Thread]:
    """Every thread of the mbox files in a directory (a list's archive, one file a month: plain, ``.gz``,
    ``.bz2``, ``.xz`` or ``.zst``), read as one archive in :func:`archive_order`; its other files are skipped,
    and named in a notice."""
    files, skipped = mbox_files(path)
    if not files:
        raise InputError("holds no mbox files (files starting with a 'From ' line); pass a directory of mbox "
                         "files, a maildir or a folder of .eml files", source=str(path))
    threads = read_mboxes(files, name=str(path))
    if skipped:
        threads[0].notices.append(Notice("skipped_file", f"{path}: skipped {len(skipped)} file(s) that are not "
                                         f"mbox files: {_examples(skipped)}", len(skipped)))
    return threads


def mbox_files(path: Path) -> tuple[list[Path], list[str]]:
    """The mbox files directly in ``path`` (plain or compressed; hidden files left out) in
    :func:`archive_order`, and the names of its other files."""
    found: list[Path] = []
    others: list[str] = []
    try:
        entries = sorted(os.scandir(path), key=lambda e: archive_order(e.name))
    except OSError:
        return [], []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_file():
            continue
        if _starts_like_mbox(Path(entry.path)):
            found.append(Path(entry.path))
        else:
            others.append(entry.name)
    return found, others


def archive_order(name: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key putting a list's archive files in time order: numbers compare as numbers and month names
    as their months (``2024-January.txt.gz`` < ``2024-February.txt.gz``, ``part9`` < ``part10``)."""
    key: list[tuple[int, int | str]] = []
    for piece in _NAME_PIECES.findall(name):
        if piece.isdigit():
            key.append((0, int(piece)))
        else:
            lowered = piece.lower()
            month = _MONTHS.get(lowered)
            key.append((0, month) if month is not None else (1, lowered))
    return (*key, (2, name))


def _starts_like_mbox(path: Path) -> bool:
    from .._compressed import compression_in, open_decompressed

    try:
        with open(path, "rb") as stream:
            head = stream.read(_HEAD_BYTES)
        kind = compression_in(head)
        if kind is not None:
            with open_decompressed(path, kind) as stream:
                head = stream.read(_HEAD_BYTES)
    except Exception:  # noqa: BLE001  # unreadable or damaged: not taken as an mbox (its reader would say why)
        return False
    return starts_like_mbox(head)


def _file_entries(names: Sequence[str]) -> Iterator[tuple[str, int, bytes]]:
    """``(file, line, message bytes)`` of each file's messages in turn, one file in memory at a time."""
    for name in names:
        for line, raw in split_mbox(file_bytes(Path(name), name=name), name=name):
            yield name, line, raw


def display_name(names: Sequence[str]) -> str:
    """Several files named in one line: ``a.mbox``; ``a.mbox, b.mbox``; ``a.mbox, b.mbox and 3 more``."""
    if len(names) <= 2:
        return ", ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"


def mbox_threads(entries: Iterable[tuple[str | None, int, bytes]], *, source: str,
                 left_out: list[LeftOut] | None = None) -> tuple[list[Thread], list[Notice]]:
    """The threads of mbox messages — ``(file, line number of the From line, message bytes)`` in reading
    order, ``file`` None for a single mbox named ``source`` — as :func:`read_mbox` (:func:`read_mboxes`)
    makes them, and the notices when no entry is a mail message (else the notices are the threads'). When
    ``entries`` hold every message of each conversation they touch, the threads are those of the whole input.

    Entries left out (no mail headers, a repeated Message-ID) are summed up in notices, or — when
    ``left_out`` is given — added to it one by one instead.
    """
    reads: list[_Read] = []
    skipped: list[LeftOut] = []
    for file, line, raw in entries:
        message = parse_message(raw)
        if message is None:
            skipped.append(LeftOut(file or source, _NO_HEADERS, line=line))
            continue
        reads.append(_Read(message, file or source, line=line, file=file))
    notices: list[Notice] = []
    if left_out is not None:
        left_out.extend(skipped)
    else:
        by_file: dict[str, list[str]] = {}
        for item in skipped:
            by_file.setdefault(item.file, []).append(f"line {item.line}")
        notices = [Notice("skipped_message", f"{file}: skipped {len(lines)} entry(ies) without mail headers "
                          f"({_examples(lines)})", len(lines)) for file, lines in by_file.items()]
    if not reads:
        return [], notices
    return _threads(reads, source=source, notices=notices, left_out=left_out), []


def read_eml(source: Source) -> list[Thread]:
    """The thread of a single message (an .eml file; a leading mbox ``From `` line is skipped)."""
    data = _raw_bytes(source)
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    message = parse_message(data)
    if message is None:
        raise InputError("is not an e-mail message (no From:, Date:, Message-ID: or Subject: header); pass an "
                         ".eml file, an mbox or a maildir", source=source.name)
    return _threads([_Read(message, source.name)], source=source.name)


def read_mail_dir(path: Path) -> list[Thread]:
    """Every thread in a maildir (``cur/`` and ``new/``) or a directory of ``.eml`` files."""
    files = mail_files(path)
    if not files:
        raise InputError("holds no mail messages (.eml files, or a maildir's cur/ and new/ folders)",
                         source=str(path))
    threads, notices = mail_dir_threads(path, files)
    if not threads:
        skipped = notices[0].message[len(f"{path}: "):]  # "skipped N file(s): which and why"
        raise InputError(f"holds no readable mail messages ({skipped})", source=str(path))
    return threads


def mail_dir_threads(path: Path, files: Iterable[Path], *,
                     left_out: list[LeftOut] | None = None) -> tuple[list[Thread], list[Notice]]:
    """The threads of message ``files`` of the directory ``path`` (in the order :func:`mail_files` gives), as
    :func:`read_mail_dir` makes them, and the notices when none is a mail message (else they are the threads').
    When ``files`` hold every message of each conversation they touch, the threads are the whole directory's.
    Files left out are summed up in a notice, or added to ``left_out`` one by one when it is given."""
    reads: list[_Read] = []
    skipped: list[tuple[str, str]] = []
    for file in files:
        label = str(file.relative_to(path))
        try:
            data = file.read_bytes()
        except OSError as exc:
            skipped.append((label, f"can't be read ({exc.strerror or exc})"))
            continue
        message = parse_message(data)
        if message is None:
            skipped.append((label, _NO_HEADERS))
            continue
        reads.append(_Read(message, f"{path}/{label}", file=label))
    notices = []
    if left_out is not None:
        left_out.extend(LeftOut(f"{path}/{label}", reason) for label, reason in skipped)
    elif skipped:
        shown = _examples([f"{label} ({'no mail headers' if reason == _NO_HEADERS else reason})"
                           for label, reason in skipped])
        notices.append(Notice("skipped_file", f"{path}: skipped {len(skipped)} file(s): {shown}", len(skipped)))
    if not reads:
        return [], notices
    return _threads(reads, source=str(path), notices=notices, left_out=left_out), []


def mail_files(path: Path) -> list[Path]:
    """The message files under ``path``: files in maildir ``cur/``/``new/`` folders and ``*.eml`` files.

    The walk is iterative, skips dot-files and symbolic links to folders, and goes at most 8 levels deep.
    """
    found: list[Path] = []
    stack: list[tuple[Path, int, bool]] = [(path, 0, False)]
    while stack:
        folder, depth, in_maildir = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth < _MAX_DEPTH:
                    stack.append((Path(entry.path), depth + 1, entry.name in ("cur", "new")))
            elif entry.is_file() and (in_maildir or entry.name.lower().endswith(".eml")):
                found.append(Path(entry.path))
    return sorted(found)


def _threads(reads: Iterable[_Read], *, source: str, notices: Iterable[Notice] = (),
             left_out: list[LeftOut] | None = None) -> list[Thread]:
    """Threads of parsed messages: ids made unique, links resolved, conversations grouped, notices summed (a
    repeated Message-ID goes to ``left_out`` when it is given)."""
    kept: list[tuple[str, _Read]] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    missing_ids = 0
    for read in reads:
        message_id = read.message.id
        if message_id is None:
            message_id = read.message.id = _made_id(read.message)
            missing_ids += 1
        if message_id in seen:
            if left_out is not None:
                left_out.append(LeftOut(read.origin, f"repeats the Message-ID of the message at {seen[message_id]}; "
                                        "kept the first", line=read.line, id=message_id))
            else:
                duplicates.append(f"<{message_id}> at {read.where}, first at {seen[message_id]}")
            continue
        seen[message_id] = read.where
        kept.append((message_id, read))

    links = link_messages([(i, r.message.in_reply_to, r.message.references) for i, r in kept])
    extra = list(notices)
    if duplicates:
        extra.append(Notice("duplicate_id", f"{source}: {len(duplicates)} message(s) repeat a Message-ID already "
                            f"read; kept the first ({_examples(duplicates)})", len(duplicates)))
    if missing_ids:
        extra.append(Notice("missing_message_id", f"{source}: {missing_ids} message(s) without a Message-ID; "
                            "gave each an id made from its content", missing_ids))
    if links.loops:
        extra.append(Notice("reply_loop", f"{source}: {len(links.loops)} message(s) whose References loop back "
                            f"to themselves; those links dropped ({_examples(links.loops)})", len(links.loops)))
    extra.extend(_problem_notices([read for _, read in kept], source))

    items = [LoosePost(post=_post(message_id, read, links.reply_to[message_id]),
                       conversation=links.conversation[message_id], line=read.line)
             for message_id, read in kept]
    threads = build_threads(items, source=source, notices=extra)
    for thread in threads:
        _resolve_cited_messages(thread)
        first = next((p for p in thread.posts if p.reply_to not in thread), thread.posts[0] if thread.posts else None)
        if first is not None:
            thread.title = first.meta.get("subject")
    return threads


def _made_id(message: MailMessage) -> str:
    """An id for a message without a Message-ID, from its content (the same message gets the same id)."""
    content = "\x00".join([message.author or "", str(message.created or ""), message.subject or "", message.text])
    return f"no-message-id-{hashlib.sha1(content.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def _post(message_id: str, read: _Read, reply_to: str | None) -> Post:
    message = read.message
    meta: dict[str, object] = {"subject": message.subject, "from": message.address, "list_id": message.list_id,
                               "message_id": message.message_id}
    if read.line is not None:
        meta["line"] = read.line
    if read.file is not None:
        meta["file"] = read.file
    return Post(id=message_id, text=message.text, author=message.author, reply_to=reply_to,
                created=message.created, meta=meta, markup=message.markup)


def _resolve_cited_messages(thread: Thread) -> None:
    """A quote whose HTML cites ``mid:<id>`` of a message in the thread gets that message as its source."""
    for post in thread.posts:
        if not any(m.cite and m.cite.startswith("mid:") for m in post.markup):
            continue
        post.markup = tuple(_resolved(m, thread) for m in post.markup)


def _resolved(segment: Segment, thread: Thread) -> Segment:
    if segment.kind != "quote" or segment.source is not None or not (segment.cite or "").startswith("mid:"):
        return segment
    ids = message_ids(unquote((segment.cite or "")[4:]))
    return replace(segment, source=ids[0]) if ids and ids[0] in thread else segment


def _problem_notices(reads: Iterable[_Read], source: str) -> list[Notice]:
    by_kind: dict[str, list[tuple[_Read, Problem]]] = {}
    for read in reads:
        for problem in read.message.problems:
            by_kind.setdefault(problem.kind, []).append((read, problem))
    notices = []
    for kind, found in by_kind.items():
        count = sum(p.count for _, p in found)
        if len(found) == 1:
            read, problem = found[0]
            notices.append(Notice(kind, f"{read.where}: {problem.detail}", count))
            continue
        shown = _examples([f"{r.where}: {p.detail}" for r, p in found])
        notices.append(Notice(kind, f"{source}: {len(found)} messages: {shown}", count))
    return notices


def _raw_bytes(source: Source) -> bytes:
    """The input's bytes: re-read from its file, or as read from stdin or a pipe (each part declares its own
    charset), else the text as UTF-8.

    The text-level decoding notices of the source no longer apply then, and are dropped.
    """
    if source.path is not None or source.raw is not None:
        data = source.raw if source.raw is not None else file_bytes(source.path, name=source.name)  # type: ignore[arg-type]
        source.notices.clear()
        return data
    return source.text.encode("utf-8", "surrogateescape")


def _examples(items: list[str]) -> str:
    shown = "; ".join(items[:_MAX_EXAMPLES])
    return shown + ("; ..." if len(items) > _MAX_EXAMPLES else "")
