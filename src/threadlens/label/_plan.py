"""Cutting the input into units of work: whole threads, a few thousand posts each, the same on every run.

Inputs are files and directories. A directory is walked (sorted, hidden entries skipped) unless a directory
reader claims it (a ConvoKit corpus). What becomes of each file:

* **JSONL in the utterance layout** (what the ``jsonl`` reader reads), a ConvoKit corpus's
  ``utterances.jsonl`` and **Reddit JSONL** (Pushshift dumps, PRAW exports: what the ``reddit`` reader reads,
  one submission or comment per line; threads by ``link_id``) are *streamed*. A first pass reads each line's
  conversation id (nothing else is kept; slices of 16 MB are read by several processes at once, and give the
  same plan as one pass would). When every conversation's lines are contiguous — what ConvoKit and
  ``threadlens convert`` write — units are byte ranges cut between conversations, and the pass keeps 8 bytes
  per conversation (to check that no conversation comes back later). Otherwise (posts of a conversation
  scattered over the file, or lines without a ``conversation_id`` whose thread is the root of their reply
  chain) a second pass — its slices in parallel too — indexes every line: its offset, line number and
  conversation, in numpy arrays (about 90 bytes a post while planning, 27 bytes a post kept in the plan).
  Units are then lists of line offsets, conversation by conversation, in order of first appearance. The
  Reddit files of a run are indexed together, as one corpus: a thread's submission and comments may be in
  different files.
* **mbox files and maildirs** are streamed too: one pass finds the messages and the ids their headers name,
  and units are the messages of whole conversations (:mod:`._plan_mail`); the mbox files of a run are one
  archive.
* **Compressed files** holding any of these are decompressed into the run directory first (``spool``).
* **Anything else** a reader accepts (HTML pages, forum exports, Reddit and HN JSON, plain text)
  is read whole by its reader in the worker: consecutive small files share a unit, a big one is a unit
  of its own and needs memory in proportion to its size.

A unit's records are labelled together and written as one output chunk; the plan is a pure function of
the input files and ``chunk_posts``, so a rerun resumes with the same units.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..readers._json import NotQuick, quick_loads, without_lone_surrogates

__all__ = ["Unit", "Plan", "InputFile", "plan_inputs", "expand_inputs", "key_hash", "DEFAULT_CHUNK_POSTS"]

DEFAULT_CHUNK_POSTS = 5000
_CHUNK_BYTES = 32 << 20        # a streamed unit also ends after this many bytes
_SCAN_SLICE_BYTES = 16 << 20   # a contiguous file's first pass reads slices this big (in parallel)
_FILES_BYTES = 4 << 20         # whole files share a unit up to this size ...
_FILES_COUNT = 256             # ... and this many files
_SNIFF_BYTES = 1 << 16
_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONVERSATION_KEYS = ("conversation_id", "root")


def key_hash(value: str) -> int:
    """A stable 64-bit hash of a conversation or post id (the same in every process and run)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little", signed=True)


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input to plan: ``kind`` is ``jsonl`` / ``convokit`` / ``reddit`` / ``mbox`` / ``maildir`` (streamed) or
    ``whole`` (read by its reader)."""

    path: str
    kind: str
    size: int
    mtime_ns: int
    records: str | None = None  # the file holding the records of a streamed ConvoKit corpus
    compression: str | None = None  # gzip, bzip2, xz or zstd: streamed from a decompressed copy


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of work: threads read together, labelled together, written as one chunk.

    ``kind`` is ``range`` (bytes ``start:end`` of a streamed JSONL file, whole conversations, the first
    line numbered ``first_line``), ``groups`` (lines at ``offsets`` — numbered ``lines`` — of a streamed
    file, ``group_sizes[i]`` consecutive lines per conversation, ``group_keys[i]`` its :func:`key_hash`, 0
    for lines whose reply chain loops; for a run's Reddit files, line ``i`` is read from ``files[sources[i]]``,
    shown as ``names[sources[i]]``, each file's ``raw_markup`` in ``raw_files``), ``messages`` (the mbox
    messages at bytes ``offsets[i]:ends[i]`` of ``files[sources[i]]`` — shown as ``names[sources[i]]`` — their
    ``From`` lines numbered ``lines``: whole conversations, in reading order), ``mailfiles`` (the message
    ``files`` of the maildir ``path``: whole conversations) or ``files`` (each of ``files`` read whole).
    ``records`` says how streamed lines are read: ``jsonl``, ``convokit`` or ``reddit`` (``raw_markup``: the
    Reddit file holds unescaped bodies, so none is unescaped — as the reader decides for a whole file).
    ``posts`` counts the record lines (0 when unknown before reading), ``size`` the bytes.
    """

    index: int
    kind: str
    path: str = ""
    records: str = "jsonl"
    start: int = 0
    end: int = 0
    first_line: int = 1
    offsets: Any = None
    lines: Any = None
    group_sizes: Any = None
    group_keys: Any = None
    ends: Any = None
    files: tuple[str, ...] = ()
    input_format: str | None = None
    posts: int = 0
    size: int = 0
    raw_markup: bool = False
    name: str = ""  # the input as the user named it, when ``path`` is its decompressed copy
    names: tuple[str, ...] = ()  # the same for each of ``files``, for ``messages`` and ``groups`` of several files
    sources: Any = None
    raw_files: tuple[bool, ...] = ()  # ``raw_markup`` of each of ``files``, for ``groups`` of several files

    def line_files(self) -> list[tuple[str, str, bool]]:
        """``(path, name shown, raw markup)`` of the files a ``range`` or ``groups`` unit reads, in the order
        ``sources`` numbers them."""
        if not self.files:
            return [(self.path, self.shown_path, self.raw_markup)]
        return list(zip(self.files, self.names, self.raw_files or (self.raw_markup,) * len(self.files)))

    @property
    def shown_path(self) -> str:
        """The input file (or files) as rejects and notices name it."""
        if self.names:
            from ..readers.mail._reader import display_name

            return display_name(self.names)
        return self.name or self.path

    def describe(self) -> list[Any]:
        """What the unit covers, as plain data (for the plan's digest)."""
        reading = [self.records, self.raw_markup] if self.records == "reddit" else []
        if self.kind == "range":
            return [self.kind, self.path, self.start, self.end, self.first_line, *reading]
        if self.kind == "mailfiles":
            return [self.kind, self.path, hashlib.sha256("\n".join(self.files).encode()).hexdigest()]
        if self.kind == "messages":
            return [self.kind, list(self.files), *(hashlib.sha256(np.asarray(a, dtype=np.int64).tobytes()).hexdigest()
                                                   for a in (self.sources, self.offsets, self.ends))]
        if self.kind == "groups":
            spread = ([list(self.files), list(self.raw_files),
                       hashlib.sha256(np.asarray(self.sources, dtype=np.int64).tobytes()).hexdigest()]
                      if self.files else [])
            return [self.kind, self.path, hashlib.sha256(np.asarray(self.offsets).tobytes()).hexdigest(),
                    hashlib.sha256(np.asarray(self.group_sizes).tobytes()).hexdigest(), *reading, *spread]
        return [self.kind, list(self.files), self.input_format]


@dataclass(slots=True)
class Plan:
    """The units of a run, what they were cut from, and how the streamed files were read."""

    units: list[Unit]
    inputs: list[InputFile]
    modes: dict[str, str] = field(default_factory=dict)  # streamed file -> "contiguous" | "indexed"

    @property
    def posts(self) -> int:
        return sum(unit.posts for unit in self.units)

    @property
    def size(self) -> int:
        return sum(unit.size for unit in self.units)

    def digest(self) -> str:
        return hashlib.sha256(json.dumps([u.describe() for u in self.units]).encode()).hexdigest()


def expand_inputs(inputs: Sequence[str | os.PathLike[str]], *, input_format: str | None = None,
                  exclude: Sequence[str | os.PathLike[str]] = ()) -> list[InputFile]:
    """The files to read, in order: each input file, and the files under each input directory (sorted)."""
    from ..readers import get_reader

    if input_format is not None:
        get_reader(input_format)  # InputError for an unknown name
    skip = {os.path.abspath(os.fspath(p)) for p in exclude}
    seen: set[tuple[int, int]] = set()  # (device, inode) of the files and directories taken: each is read once
    out: list[InputFile] = []
    for item in inputs:
        name = os.fspath(item)
        path = Path(name)
        if name == "-" or name.startswith(("http://", "https://")):
            raise InputError("label reads files and directories (a run must be able to read them again to resume); "
                             "save the input to a file first (threadlens fetch URL -o file.jsonl)", source=name)
        if not path.exists():
            raise InputError("no such file or directory; check the path", source=name)
        if not path.is_dir() and not path.is_file():
            raise InputError("is not a regular file (a pipe, a device); a run must be able to read its inputs again "
                             "to resume: save it to a file first", source=name)
        if path.is_dir():
            repeated = not _taken(path, seen, mark=False)
            found = list(_walk(path, skip, input_format, seen))
            if not found and not repeated:
                raise InputError("holds no files to label", source=name)
            out.extend(found)
        elif _taken(path, seen):
            out.append(_classify(path, input_format))
    return out


def _taken(path: Path, seen: set[tuple[int, int]], *, mark: bool = True) -> bool:
    """Whether ``path`` is a file or directory not read yet (by this or another name: a symlink, a hard link, a
    file also inside a directory given), marking it read."""
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return False
    if mark:
        seen.add(key)
    return True


def _walk(directory: Path, skip: set[str], input_format: str | None,
          seen: set[tuple[int, int]]) -> Iterator[InputFile]:
    """The files under ``directory`` in name order, depth first; a directory reached again (a symlink loop, a
    directory also given on its own) is not walked again."""
    if not _taken(directory, seen):
        return
    if input_format is None:
        claimed = _directory_reader(directory)
    else:  # a forced directory format claims the directory; any other is for its files
        from ..readers import get_reader

        claimed = _directory_reader(directory, input_format) if get_reader(input_format).read_dir else None
    if claimed is not None:
        yield claimed
        return
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        if entry.name.startswith(".") or os.path.abspath(entry.path) in skip:
            continue
        if entry.is_dir():
            yield from _walk(Path(entry.path), skip, input_format, seen)
        elif entry.is_file() and _taken(Path(entry.path), seen):
            yield _classify(Path(entry.path), input_format)


def _directory_reader(directory: Path, forced: str | None = None) -> InputFile | None:
    """A directory a reader claims — a ConvoKit corpus (streamed when it has utterances.jsonl), a maildir
    (streamed) — or the one ``forced`` names; None for a directory of mbox files, whose files are walked."""
    from ..readers import _load_builtin_readers, _REGISTRY

    _load_builtin_readers()
    scored = [(reader.sniff_dir(directory), reader.name) for reader in _REGISTRY.values()
              if reader.sniff_dir is not None and reader.read_dir is not None]
    score, name = max(scored, default=(0.0, "")) if forced is None else (1.0, forced)
    if score <= 0 or name == "mbox":  # a directory of mbox files: each is streamed, all as one archive
        return None
    stat = directory.stat()
    utterances = directory / "utterances.jsonl"
    if name == "convokit" and utterances.is_file():
        size = utterances.stat().st_size
        return InputFile(str(directory), "convokit", size, utterances.stat().st_mtime_ns, records=str(utterances))
    if name == "maildir":
        from ..readers.mail._reader import mail_files

        stats = [(str(f), f.stat()) for f in mail_files(directory)]
        # For the run's identity, a stamp of every file's name, size and time in place of the folder's time: a
        # message added, removed or changed makes another run.
        stamp = hashlib.sha256(json.dumps([[f, st.st_size, st.st_mtime_ns] for f, st in stats]).encode()).digest()
        return InputFile(str(directory), "maildir", sum(st.st_size for _, st in stats),
                         int.from_bytes(stamp[:7], "little"))
    size = sum(f.stat().st_size for f in directory.iterdir() if f.is_file())
    return InputFile(str(directory), "whole", size, stat.st_mtime_ns)


def _classify(path: Path, input_format: str | None) -> InputFile:
    from ..readers._compressed import compression_in

    stat = path.stat()
    try:
        with open(path, "rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        head = b""  # read whole: its reader says what is wrong
    compression = compression_in(head)
    if compression is not None:
        head = _decompressed_head(path, compression)
    kind = "jsonl" if input_format == "jsonl" else _streamed_kind(path, head, input_format) or "whole"
    return InputFile(str(path), kind, stat.st_size, stat.st_mtime_ns, compression=compression)


def _decompressed_head(path: Path, compression: str) -> bytes:
    """The first 64 KiB of a compressed file's content; empty when it can't be decompressed (read whole, its
    reader says why)."""
    from ..readers._compressed import open_decompressed

    try:
        with open_decompressed(path, compression) as stream:
            return stream.read(_SNIFF_BYTES)
    except InputError:
        raise
    except Exception:  # noqa: BLE001  # OSError, or a damaged stream
        return b""


def _streamed_kind(path: Path, head: bytes, input_format: str | None) -> str | None:
    """``jsonl`` or ``reddit`` when that reader would read this file and it holds one record per line, ``mbox``
    for an mbox (judged from ``head``, its first 64 KiB, decompressed); None for a file read whole."""
    from ..readers import Source, detect_reader

    if input_format not in (None, "reddit", "mbox"):
        return None
    if head.startswith(b"From ") and input_format in (None, "mbox"):
        from ..readers.mail._mbox import starts_like_mbox

        return "mbox" if starts_like_mbox(head) else None  # no entry with mail headers: read whole after all
    if input_format == "mbox":
        return None
    if head.startswith(_WIDE_BOMS) or b"\x00" in head or not head.lstrip(_BOM + b" \t\r\n").startswith(b"{"):
        return None
    text = head[len(_BOM):].decode("utf-8", errors="replace") if head.startswith(_BOM) else \
        head.decode("utf-8", errors="replace")
    reader = input_format or detect_reader(Source(name=str(path), text=text, path=path)).name
    if reader == "jsonl":
        return "jsonl"
    if reader == "reddit" and _first_line_is_a_reddit_record(text):
        return "reddit"
    return None


def _first_line_is_a_reddit_record(text: str) -> bool:
    """Whether a Reddit file is JSONL (its first line a whole record), not one JSON document (a listing)."""
    from ..readers.reddit import record_shape

    first = text.lstrip().split("\n", 1)
    if len(first) < 2:  # one line, or a first line longer than the sniffed head: read the file whole
        return False
    try:
        record = json.loads(first[0])
    except ValueError:
        return False
    return isinstance(record, dict) and record.get("kind") != "Listing" and record_shape(record)[0] != "other"


# -- planning -------------------------------------------------------------------------------------------

def plan_inputs(files: Sequence[InputFile], *, chunk_posts: int = DEFAULT_CHUNK_POSTS,
                input_format: str | None = None, workers: int = 1, spool: Path | None = None) -> Plan:
    """Cut the inputs into units (scanning the streamed files once, twice when they need an index).

    ``workers`` processes share the first scan of a big file; the plan is the same for any number of them.
    A compressed file that would stream is decompressed into ``spool`` (once: a copy already there is
    reused) and streamed from there; without ``spool`` it is read whole.
    """
    if chunk_posts < 1:
        raise InputError(f"chunk size must be at least 1 post, got {chunk_posts}")
    plan = Plan(units=[], inputs=list(files))
    pending: list[InputFile] = []

    def flush_whole() -> None:
        while pending:
            take: list[InputFile] = []
            size = 0
            while pending and (not take or (size + pending[0].size <= _FILES_BYTES and len(take) < _FILES_COUNT)):
                size += pending[0].size
                take.append(pending.pop(0))
            plan.units.append(Unit(index=len(plan.units), kind="files", files=tuple(f.path for f in take),
                                   input_format=input_format, size=size))

    mailboxes = _archive([(number, item) for number, item in enumerate(files)
                          if item.kind == "mbox" and (item.compression is None or spool is not None)])
    reddits = [(number, item) for number, item in enumerate(files)
               if item.kind == "reddit" and (item.compression is None or spool is not None)]
    for number, item in enumerate(files):
        if item.kind == "whole" or (item.compression is not None and spool is None):
            pending.append(item)
            continue
        if item.kind == "mbox":
            if number == min(n for n, _ in mailboxes):  # the run's mbox files, planned as one archive
                units, whole = _plan_mailboxes(mailboxes, chunk_posts, spool, workers)
                pending.extend(whole)
                flush_whole()
                _append(plan, units)
                read_whole = {w.path for w in whole}
                plan.modes.update((m.path, "indexed") for _, m in mailboxes if m.path not in read_whole)
            continue
        if item.kind == "reddit" and len(reddits) > 1:
            if number == reddits[0][0]:  # the run's Reddit files, planned as one corpus
                flush_whole()
                _append(plan, _plan_reddits(reddits, chunk_posts, spool, workers))
                plan.modes.update((r.path, "indexed") for _, r in reddits)
            continue
        source = item.records or item.path
        if item.compression is not None and spool is not None:
            source = _decompressed(item, number, spool)
        name = item.path if item.compression is not None else ""
        if item.kind == "maildir":
            from ._plan_mail import maildir_units

            units = maildir_units(source, chunk_posts)
            if units is None:  # no mail in it: its reader says so
                pending.append(replace(item, kind="whole"))
                continue
            mode = "indexed"
        else:  # jsonl, convokit or reddit
            units, mode = _plan_stream(source, item.kind, chunk_posts, first_index=0, workers=workers)
        flush_whole()
        _append(plan, [replace(unit, name=name) for unit in units])
        plan.modes[item.path] = mode
    flush_whole()
    return plan


def _append(plan: Plan, units: Iterable[Unit]) -> None:
    for unit in units:
        plan.units.append(replace(unit, index=len(plan.units)))


def _archive(mailboxes: list[tuple[int, InputFile]]) -> list[tuple[int, InputFile]]:
    """The run's mbox files in the order they are read as one archive: by name, months and numbers in time
    order (see :func:`~threadlens.readers.mail._reader.archive_order`), then by folder."""
    from ..readers.mail._reader import archive_order

    return sorted(mailboxes, key=lambda pair: (archive_order(Path(pair[1].path).name), archive_order(pair[1].path)))


def _plan_reddits(reddits: list[tuple[int, InputFile]], chunk_posts: int, spool: Path | None,
                  workers: int) -> list[Unit]:
    """Units of the run's Reddit files read as one corpus: a thread's submission and comments may be in
    different files (a subreddit's ``_submissions`` and ``_comments`` dumps; comments over several months)."""
    paths = [_decompressed(item, number, spool) if item.compression is not None and spool is not None else item.path
             for number, item in reddits]
    return _indexed_units(paths, "reddit", chunk_posts, 0, names=[item.path for _, item in reddits], workers=workers)


def _plan_mailboxes(mailboxes: list[tuple[int, InputFile]], chunk_posts: int, spool: Path | None,
                    workers: int) -> tuple[list[Unit], list[InputFile]]:
    """Units of the run's mbox files read as one archive, and the files among them to read whole (no entry
    has mail headers: their reader says what is wrong)."""
    from ._plan_mail import mbox_units

    paths = [_decompressed(item, number, spool) if item.compression is not None and spool is not None else item.path
             for number, item in mailboxes]
    units, without_mail = mbox_units(paths, [item.path for _, item in mailboxes], chunk_posts, workers)
    return units, [replace(mailboxes[i][1], kind="whole") for i in without_mail]


def _decompressed(item: InputFile, number: int, spool: Path) -> str:
    """The decompressed copy of a compressed input in ``spool``, made unless it is there already."""
    from ..readers._compressed import decompress_to

    identity = hashlib.sha256(json.dumps([item.path, item.size, item.mtime_ns]).encode()).hexdigest()[:16]
    target = spool / f"{number:04d}-{identity}.{'mbox' if item.kind == 'mbox' else 'jsonl'}"
    if not target.exists():
        spool.mkdir(parents=True, exist_ok=True)
        decompress_to(Path(item.path), item.compression or "", target)
    return str(target)


def _plan_stream(path: str, records: str, chunk_posts: int, *, first_index: int,
                 workers: int = 1) -> tuple[list[Unit], str]:
    units = _contiguous_units(path, records, chunk_posts, first_index, workers)
    if units is not None:
        return units, "contiguous"
    return _indexed_units([path], records, chunk_posts, first_index, workers=workers), "indexed"


def _raw_markup(record: dict[str, Any], records: str) -> bool:
    """Whether a record shows its file is raw (a Reddit body with a literal ``<`` or ``>``: nothing is unescaped)."""
    if records != "reddit":
        return False
    from ..readers.reddit import has_raw_markup, record_shape

    return has_raw_markup(record_shape(record)[1])


def parse_line(line: bytes) -> tuple[dict[str, Any] | None, bool]:
    """The JSON object on a line (None if it isn't one), and whether bytes had to be replaced to decode it:
    invalid UTF-8, or lone surrogates (escaped, or as bytes) that no UTF-8 output could hold (U+FFFD each)."""
    try:
        value = quick_loads(line)  # most lines: orjson, which refuses what would need replacing
    except NotQuick:
        pass
    else:
        return (value, False) if isinstance(value, dict) else (None, False)
    try:
        value = json.loads(line)
        replaced = False
    except UnicodeDecodeError:
        try:
            value = json.loads(line.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError):
            return None, True
        replaced = True
    except (ValueError, RecursionError):
        return None, False
    if not isinstance(value, dict):
        return None, replaced
    value, fixed = without_lone_surrogates(value)
    return value, replaced or fixed > 0


def record_key(record: dict[str, Any], *, records: str = "jsonl") -> tuple[str | None, str | None, str | None]:
    """``(post id, conversation id, reply_to)`` of a usable record as the reader of ``records`` sees them
    (``jsonl``; ``convokit``: a post replying to itself is a root; ``reddit``: see
    :func:`threadlens.readers.reddit.record_key`); ``(None, None, None)`` for a record it would skip."""
    if records == "reddit":
        from ..readers.reddit import record_key as reddit_key

        return reddit_key(record)
    convokit = records == "convokit"
    post_id = record.get("id")
    text = record.get("text")
    if post_id is None or (text is not None and not isinstance(text, str)):
        return None, None, None
    conversation = record.get("conversation_id", record.get("root"))
    reply_to = record.get("reply_to", record.get("reply-to"))
    if reply_to in (None, "") or (convokit and reply_to == post_id):
        return str(post_id), None if conversation is None else str(conversation), None
    return str(post_id), None if conversation is None else str(conversation), str(reply_to)


def _contiguous_units(path: str, records: str, chunk_posts: int, first_index: int,
                      workers: int = 1) -> list[Unit] | None:
    """Byte-range units, or None when a conversation's lines aren't contiguous or a line has no conversation."""
    units: list[Unit] = []
    closed = array("q")  # hashes of the conversations already passed
    current: str | None = None
    begin, end = _body_bounds(path)
    unit_start, unit_line, unit_posts = begin, 1, 0
    raw = False
    for runs, slice_raw in _runs_of_slices(path, records, _slices(path, begin, end), workers):
        if runs is None:
            return None
        raw = raw or slice_raw
        for offset, number, posts, conversation in runs:
            if conversation != current:  # always, except for a conversation running on from the slice before
                if current is not None:
                    closed.append(key_hash(current))
                    if unit_posts >= chunk_posts or offset - unit_start >= _CHUNK_BYTES:
                        units.append(Unit(index=first_index + len(units), kind="range", path=path, records=records,
                                          start=unit_start, end=offset, first_line=unit_line, posts=unit_posts,
                                          size=offset - unit_start))
                        unit_start, unit_line, unit_posts = offset, number, 0
                current = conversation
            unit_posts += posts
    if current is not None:
        closed.append(key_hash(current))
    if len(closed) and len(np.unique(np.frombuffer(closed, dtype=np.int64))) != len(closed):
        return None  # a conversation comes back after another one
    if end > unit_start:
        units.append(Unit(index=first_index + len(units), kind="range", path=path, records=records,
                          start=unit_start, end=end, first_line=unit_line, posts=unit_posts, size=end - unit_start))
    return [replace(unit, raw_markup=True) for unit in units] if raw else units


#: Runs of one slice of a file: ``(offset, line number, records, conversation id)`` of each run of consecutive
#: records of one conversation (lines the worker will reject don't break a run); None if a record has none.
_Runs = list[tuple[int, int, int, str]] | None
_SliceScan = tuple[_Runs, int, bool]  # the runs, the number of lines, whether the file shows it is raw


def _body_bounds(path: str) -> tuple[int, int]:
    """Where a file's lines begin (after a UTF-8 byte-order mark) and end."""
    with open(path, "rb") as stream:
        head = stream.read(len(_BOM))
    return (len(_BOM) if head == _BOM else 0), os.path.getsize(path)


def _slices(path: str, begin: int, end: int) -> list[tuple[int, int]]:
    """The file cut into slices of about ``_SCAN_SLICE_BYTES`` at line starts: ``(start, end)``."""
    starts = [begin]
    with open(path, "rb") as stream:
        for cut in range(begin + _SCAN_SLICE_BYTES, end, _SCAN_SLICE_BYTES):
            if cut <= starts[-1]:
                continue
            stream.seek(cut - 1)
            stream.readline()  # to the end of the line holding byte cut - 1: the next line starts at or after cut
            if stream.tell() >= end:
                break
            starts.append(stream.tell())
    return list(zip(starts, [*starts[1:], end]))


def _runs_of_slices(path: str, records: str, slices: list[tuple[int, int]],
                    workers: int) -> Iterator[tuple[_Runs, bool]]:
    """The runs of each slice, in file order, with line numbers counted from the file's start, and whether the
    slice shows the file is raw (see :func:`_raw_markup`); the slices are scanned by ``workers`` processes when
    there are several."""
    yield from _numbered(scan_in_processes(_slice_runs, [(path, records, *piece) for piece in slices], workers))


def _numbered(scanned: Iterable[_SliceScan]) -> Iterator[tuple[_Runs, bool]]:
    """Slice runs with their line numbers made absolute (each slice numbers its lines from 1)."""
    before = 0
    for runs, lines, raw in scanned:
        if runs is None:
            yield None, raw
            return
        yield [(offset, number + before, posts, conversation) for offset, number, posts, conversation in runs], raw
        before += lines


def _slice_lines(path: str, start: int, end: int) -> Iterator[tuple[int, int, bytes]]:
    """``(offset, line number counted from 1, line)`` of the whole lines in bytes ``start:end`` of a file, blank
    ones included."""
    number = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        offset = start
        while offset < end:
            line = stream.readline()
            if not line:
                break
            number += 1
            yield offset, number, line
            offset += len(line)


def _slice_runs(path: str, records: str, start: int, end: int) -> _SliceScan:
    """Runs of the whole lines in bytes ``start:end``, numbered from 1, how many lines there are, and whether a
    record shows the file is raw."""
    runs: list[tuple[int, int, int, str]] = []
    current: str | None = None
    posts = 0
    number = 0
    raw = False
    for here, number, line in _slice_lines(path, start, end):
        if not line.strip():
            continue
        record, _ = parse_line(line)
        post_id, conversation, _ = record_key(record, records=records) if record is not None else (None, None, None)
        if post_id is None:
            continue  # a line the worker will reject: it stays where it is
        if conversation is None:
            return None, number, raw
        raw = raw or _raw_markup(record, records)
        if conversation != current:
            if current is not None:
                runs[-1] = (*runs[-1][:2], posts, current)
            runs.append((here, number, 0, conversation))
            current, posts = conversation, 0
        posts += 1
    if current is not None:
        runs[-1] = (*runs[-1][:2], posts, current)
    return runs, number, raw


#: What the index pass keeps of a slice of a file, one array per field: the offset, line number (counted from
#: the slice's first line, 1), post id, reply_to (0: none), whether it has one, conversation id (0: none) and
#: whether it has one of each usable line (ids as :func:`key_hash`); the offset and line number of each line the
#: worker will reject; how many lines the slice has; and whether a record shows the file is raw.
_SliceIndex = tuple[array, array, array, array, array, array, array, array, array, int, bool]


def _slice_index(path: str, records: str, start: int, end: int) -> _SliceIndex:
    """The index pass over the whole lines in bytes ``start:end`` of a file."""
    offsets, numbers, ids, replies, conversations = array("q"), array("q"), array("q"), array("q"), array("q")
    has_reply, has_conversation = array("b"), array("b")
    bad_offsets, bad_numbers = array("q"), array("q")
    raw = False
    number = 0
    for here, number, line in _slice_lines(path, start, end):
        if not line.strip():
            continue
        record, _ = parse_line(line)
        post_id, conversation, reply_to = (record_key(record, records=records) if record is not None
                                           else (None, None, None))
        if post_id is None:
            bad_offsets.append(here)
            bad_numbers.append(number)
            continue
        raw = raw or _raw_markup(record, records)
        offsets.append(here)
        numbers.append(number)
        ids.append(key_hash(post_id))
        replies.append(key_hash(reply_to) if reply_to is not None else 0)
        has_reply.append(reply_to is not None)
        conversations.append(key_hash(conversation) if conversation is not None else 0)
        has_conversation.append(conversation is not None)
    return (offsets, numbers, ids, replies, has_reply, conversations, has_conversation, bad_offsets, bad_numbers,
            number, raw)


def scan_in_processes(scan: Callable[..., Any], calls: Sequence[tuple[Any, ...]], workers: int) -> Iterator[Any]:
    """``scan(*call)`` of each call, in order; by ``workers`` processes (forked on Linux) when there are several."""
    if workers <= 1 or len(calls) <= 1:
        yield from (scan(*call) for call in calls)
        return
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(calls)), mp_context=context) as pool:
        try:
            yield from pool.map(scan, *zip(*calls))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _indexed_units(paths: Sequence[str], records: str, chunk_posts: int, first_index: int, *,
                   names: Sequence[str] = (), workers: int = 1) -> list[Unit]:
    """Units of line offsets, conversation by conversation (conversations in order of first appearance), of
    one file or of several read as one (``names``: as rejects name them; the lines' file in ``sources``).
    Slices of the files are indexed by ``workers`` processes; the plan is the same for any number."""
    offsets, numbers, ids, replies, conversations = array("q"), array("q"), array("q"), array("q"), array("q")
    line_files, bad_files = array("q"), array("q")
    has_reply, has_conversation = array("b"), array("b")
    bad_offsets, bad_numbers = array("q"), array("q")
    raw = [False] * len(paths)
    for file, path in enumerate(paths):
        before = 0  # lines of the slices before
        begin, end = _body_bounds(path)
        calls = [(path, records, *piece) for piece in _slices(path, begin, end)]
        for piece in scan_in_processes(_slice_index, calls, workers):
            (slice_offsets, slice_numbers, slice_ids, slice_replies, slice_has_reply, slice_conversations,
             slice_has_conversation, slice_bad_offsets, slice_bad_numbers, lines, slice_raw) = piece
            offsets.extend(slice_offsets)
            numbers.frombytes((np.frombuffer(slice_numbers, dtype=np.int64) + before).tobytes())
            line_files.frombytes(np.full(len(slice_offsets), file, dtype=np.int64).tobytes())
            ids.extend(slice_ids)
            replies.extend(slice_replies)
            has_reply.extend(slice_has_reply)
            conversations.extend(slice_conversations)
            has_conversation.extend(slice_has_conversation)
            bad_offsets.extend(slice_bad_offsets)
            bad_numbers.frombytes((np.frombuffer(slice_bad_numbers, dtype=np.int64) + before).tobytes())
            bad_files.frombytes(np.full(len(slice_bad_offsets), file, dtype=np.int64).tobytes())
            raw[file] = raw[file] or slice_raw
            before += lines
    keys, cyclic = _conversation_keys(np.frombuffer(ids, dtype=np.int64), np.frombuffer(replies, dtype=np.int64),
                                      np.frombuffer(has_reply, dtype=np.int8).astype(bool),
                                      np.frombuffer(conversations, dtype=np.int64),
                                      np.frombuffer(has_conversation, dtype=np.int8).astype(bool))
    line_offsets = np.frombuffer(offsets, dtype=np.int64)
    line_numbers = np.frombuffer(numbers, dtype=np.int64)
    line_sources = np.frombuffer(line_files, dtype=np.int64)
    del ids, replies, conversations, has_reply, has_conversation
    total_size = sum(os.path.getsize(path) for path in paths)
    # Lines whose reply chain loops get key 0 (their own group); lines the worker will reject join the first unit.
    keys = np.where(cyclic, 0, keys)
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    if len(keys):
        _, first_seen, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rank = np.empty(len(first_seen), dtype=np.int64)
        rank[np.argsort(first_seen, kind="stable")] = np.arange(len(first_seen))
        line_rank = rank[inverse.reshape(-1)]
        order = np.argsort(line_rank, kind="stable")
        sorted_rank = line_rank[order]
        boundaries = np.flatnonzero(np.diff(sorted_rank)) + 1
        group_starts = np.concatenate([[0], boundaries])
        group_ends = np.concatenate([boundaries, [len(order)]])
        group_keys = keys[order[group_starts]]
        cut = 0
        while cut < len(group_starts):
            stop = cut
            posts = 0
            while stop < len(group_starts) and (stop == cut or posts < chunk_posts):
                posts += int(group_ends[stop] - group_starts[stop])
                stop += 1
            lines = order[group_starts[cut] : group_ends[stop - 1]]
            sizes = (group_ends[cut:stop] - group_starts[cut:stop]).astype(np.int64)
            pieces.append((line_offsets[lines], line_numbers[lines], line_sources[lines], sizes,
                           group_keys[cut:stop].copy()))
            cut = stop
    if len(bad_offsets):  # into the first unit, as a group of their own (key 1)
        bad = (np.frombuffer(bad_offsets, dtype=np.int64), np.frombuffer(bad_numbers, dtype=np.int64),
               np.frombuffer(bad_files, dtype=np.int64), np.array([len(bad_offsets)], dtype=np.int64),
               np.array([1], dtype=np.int64))
        pieces[:1] = [tuple(np.concatenate([b, p]) for b, p in zip(bad, pieces[0]))] if pieces else [bad]
    units = []
    for number, (unit_offsets, unit_numbers, unit_sources, sizes, unit_keys) in enumerate(pieces):
        unit = Unit(index=first_index + number, kind="groups", path=paths[0], records=records, offsets=unit_offsets,
                    lines=unit_numbers, group_sizes=sizes, group_keys=unit_keys, posts=int(len(unit_offsets)),
                    size=int(total_size * len(unit_offsets) / len(keys)) if len(keys) else total_size,
                    raw_markup=raw[0])
        if len(paths) > 1:
            used, sources = np.unique(unit_sources, return_inverse=True)
            unit = replace(unit, path="", raw_markup=False, files=tuple(paths[f] for f in used.tolist()),
                           names=tuple(names[f] for f in used.tolist()),
                           raw_files=tuple(raw[f] for f in used.tolist()), sources=sources.reshape(-1))
        units.append(unit)
    return units


def _conversation_keys(ids: np.ndarray, replies: np.ndarray, has_reply: np.ndarray, conversations: np.ndarray,
                       has_conversation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each line's conversation key as the ``jsonl`` reader groups them — its conversation id, else the
    conversation (or id) of the root of its reply chain — and whether its chain loops."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if has_conversation.all():
        return conversations.copy(), np.zeros(n, dtype=bool)
    order = np.argsort(ids, kind="stable")  # a repeated id: its first line is the one replies attach to
    sorted_ids = ids[order]
    position = np.minimum(np.searchsorted(sorted_ids, replies), n - 1)
    found = has_reply & (sorted_ids[position] == replies)
    root = np.where(found, order[position], np.arange(n))
    for _ in range(64):  # pointer jumping: 2^64 levels of replies
        jumped = root[root]
        if np.array_equal(jumped, root):
            break
        root = jumped
    cyclic = found[root]  # a chain that never reaches a post without a parent: it loops
    root_key = np.where(has_conversation[root], conversations[root], ids[root])
    keys = np.where(has_conversation, conversations, root_key)
    return keys, cyclic & ~has_conversation
