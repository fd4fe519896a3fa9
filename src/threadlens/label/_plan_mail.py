"""Planning streamed mailboxes — mbox files, a maildir — messages grouped into whole conversations.

One pass reads each message's header block (not its body) for the ids it names: its Message-ID, In-Reply-To
and References, as the mail reader finds them. Messages naming a common id are one conversation, as in the
reader's threading; a message without a Message-ID is named by a hash of its bytes, so that copies of it
meet. Units are whole conversations, in order of their first message, with each unit's messages in the
reader's order (file order; a maildir's sorted file names): the reader, given a unit, threads it as it
threads the whole mailbox. The mbox files of a run are one archive (a list's monthly files): a
conversation that runs across them is one thread, its messages in one unit. Ids are compared as 64-bit
hashes within the pass (the plan holds none). For mbox files, planning peaks at about 400 bytes a message
(24 bytes for each id named: a References chain of eight ids is most of it) and the plan keeps 32 (offsets,
the line number of its ``From`` line and its file); a maildir's plan keeps each file's path.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from ._plan import _CHUNK_BYTES, _SCAN_SLICE_BYTES, Unit, scan_in_processes

if TYPE_CHECKING:
    from ..readers.mail._message import MessageLinks

__all__ = ["mbox_units", "maildir_units"]

_HEADER_BYTES = 1 << 20  # a header block is read up to this size
_HASH_PIECE = 1 << 20
_FIND_BYTES = 1 << 20  # the search for a slice's first From line reads this much at a time
_FROM_LINE_BYTES = 4096  # a From line is judged on this much of it, as the mbox reader judges it


def mbox_units(paths: Sequence[str], names: Sequence[str], chunk_posts: int,
               workers: int = 1) -> tuple[list[Unit], list[int]]:
    """Units of whole conversations of the mbox files at ``paths`` read as one archive (numbered from 0), and
    the positions of the files in which no entry has mail headers (those are left out: the reader, reading
    such a file whole, says what is wrong with it). ``names`` are the files as rejects name them. A big file's
    slices (cut before ``From`` lines) are scanned by ``workers`` processes; the plan is the same for any
    number of them."""
    starts, ends, lines, files = array("q"), array("q"), array("q"), array("q")
    edge_messages, edge_keys = array("q"), array("q")
    without_mail: list[int] = []
    slices = [(file, path, start, end) for file, path in enumerate(paths) for start, end in _mbox_slices(path, workers)]
    scans = scan_in_processes(_scan_mbox, [(path, start, end) for _, path, start, end in slices],
                              workers if _parallel(workers) else 1)
    for number, ((file, _, start, _), scan) in enumerate(zip(slices, scans)):
        if start == 0:  # a file's first slice
            first, any_mail, before = len(starts), False, 0  # before: lines of the file's slices before
        edge_messages.frombytes((np.frombuffer(scan.edge_messages, dtype=np.int64) + len(starts)).tobytes())
        edge_keys.extend(scan.edge_keys)
        starts.extend(scan.starts)
        ends.extend(scan.ends)
        lines.frombytes((np.frombuffer(scan.lines, dtype=np.int64) + before).tobytes())
        files.frombytes(np.full(len(scan.starts), file, dtype=np.int64).tobytes())
        any_mail = any_mail or scan.any_mail
        before += scan.line_count
        if (number + 1 == len(slices) or slices[number + 1][0] != file) and not any_mail:  # a file's last slice
            without_mail.append(file)
            del starts[first:], ends[first:], lines[first:], files[first:]
    if not starts:
        return [], without_mail
    group = _conversations(len(starts), np.frombuffer(edge_messages, dtype=np.int64),
                           np.frombuffer(edge_keys, dtype=np.int64))
    offsets, stops = np.frombuffer(starts, dtype=np.int64), np.frombuffer(ends, dtype=np.int64)
    numbers, file_of = np.frombuffer(lines, dtype=np.int64), np.frombuffer(files, dtype=np.int64)
    units = []
    for i, (members, size) in enumerate(_batches(group, stops - offsets, chunk_posts)):
        used, sources = np.unique(file_of[members], return_inverse=True)
        units.append(Unit(index=i, kind="messages", records="mbox", files=tuple(paths[f] for f in used.tolist()),
                          names=tuple(names[f] for f in used.tolist()), sources=sources.reshape(-1),
                          offsets=offsets[members].copy(), ends=stops[members].copy(), lines=numbers[members].copy(),
                          posts=len(members), size=size))
    return units, without_mail


@dataclass(slots=True)
class _MboxScan:
    """What planning keeps of the messages of a slice of an mbox: their byte ranges and ``From`` line numbers
    (counted from the slice's first line, 1), the edges joining them (message numbers from 0 in the slice) to
    the ids they name, whether any has mail headers, and how many lines the slice has (0 for a whole file:
    nothing comes after it)."""

    starts: array[int] = field(default_factory=lambda: array("q"))
    ends: array[int] = field(default_factory=lambda: array("q"))
    lines: array[int] = field(default_factory=lambda: array("q"))
    edge_messages: array[int] = field(default_factory=lambda: array("q"))
    edge_keys: array[int] = field(default_factory=lambda: array("q"))
    any_mail: bool = False
    line_count: int = 0


def _scan_mbox(path: str, start: int, end: int) -> _MboxScan:
    """The messages of bytes ``start:end`` of an mbox (the whole file, or a slice starting at a ``From`` line)."""
    from ..readers.mail._mbox import mbox_entries
    from ..readers.mail._message import message_links

    scan = _MboxScan()
    whole = start == 0 and end == os.path.getsize(path)
    with open(path, "rb") as stream, open(path, "rb") as again:
        if whole:
            source, content = stream, again
        else:  # a slice, read into memory (``_SCAN_SLICE_BYTES``)
            stream.seek(start)
            data = stream.read(end - start)
            source, content = io.BytesIO(data), io.BytesIO(data)
        for number, first, last, header in mbox_entries(source, header_bytes=_HEADER_BYTES):
            index = len(scan.starts)
            scan.starts.append(first + (0 if whole else start))
            scan.ends.append(last + (0 if whole else start))
            scan.lines.append(number)
            links = message_links(header)
            if links is None:
                continue  # the worker reports it as skipped
            scan.any_mail = True
            _join(index, links, lambda: _content_name(content, first, last), scan.edge_messages, scan.edge_keys)
        if not whole:
            scan.line_count = data.count(b"\n")
    return scan


def _mbox_slices(path: str, workers: int) -> list[tuple[int, int]]:
    """The file cut into slices of about ``_SCAN_SLICE_BYTES``, each starting at a ``From`` line after an empty
    line (where a scan of the whole file starts a message too); the whole file as one slice for one worker."""
    size = os.path.getsize(path)
    if not _parallel(workers) or size <= _SCAN_SLICE_BYTES:
        return [(0, size)]
    from ..readers.mail._mbox import is_from_line

    cuts = [0]
    with open(path, "rb") as stream:
        for target in range(_SCAN_SLICE_BYTES, size, _SCAN_SLICE_BYTES):
            if target <= cuts[-1]:
                continue
            position = target
            while position < size:
                base = max(0, position - 2)
                stream.seek(base)
                piece = stream.read(_FIND_BYTES)
                found = piece.find(b"\n\nFrom ")
                if found < 0:
                    position = base + max(3, len(piece) - 6)
                    continue
                cut = base + found + 2
                stream.seek(cut)
                head = stream.read(_FROM_LINE_BYTES)
                if is_from_line(head[: head.find(b"\n") + 1] if b"\n" in head else head):
                    cuts.append(cut)
                    break
                position = cut + 1
            if position >= size:
                break
    return list(zip(cuts, [*cuts[1:], size]))


def _parallel(workers: int) -> bool:
    """Whether planning may scan slices in several processes: ids are compared as ``hash`` values, the same in
    forked processes only."""
    return workers > 1 and sys.platform.startswith("linux")


def maildir_units(directory: str, chunk_posts: int) -> list[Unit] | None:
    """Units of whole conversations of the message files of a maildir (or folder of ``.eml`` files), in the
    order the reader takes them; None when no file has mail headers (the reader says what is wrong)."""
    from ..readers.mail._message import message_links, read_header_block
    from ..readers.mail._reader import mail_files

    files = mail_files(Path(directory))
    sizes = np.zeros(len(files), dtype=np.int64)
    edge_messages, edge_keys = array("q"), array("q")
    any_mail = False
    for index, file in enumerate(files):
        try:
            with open(file, "rb") as stream:
                links = message_links(read_header_block(stream, _HEADER_BYTES))
                if links is None:
                    continue  # the worker reports it as skipped
                sizes[index] = size = os.fstat(stream.fileno()).st_size
                _join(index, links, lambda: _content_name(stream, 0, size), edge_messages, edge_keys)
        except OSError:
            continue  # unreadable: the worker reports it
        any_mail = True
    if not any_mail:
        return None
    group = _conversations(len(files), np.frombuffer(edge_messages, dtype=np.int64),
                           np.frombuffer(edge_keys, dtype=np.int64))
    return [Unit(index=i, kind="mailfiles", path=directory, records="maildir",
                 files=tuple(str(files[m]) for m in members.tolist()), posts=len(members), size=size)
            for i, (members, size) in enumerate(_batches(group, sizes, chunk_posts))]


def _join(index: int, links: MessageLinks, content_name: Callable[[], str], edge_messages: array[int],
          edge_keys: array[int]) -> None:
    """Edges from message ``index`` to the ids it names: its own (``content_name()`` without a Message-ID),
    its References and its In-Reply-To. Ids are compared as hashes, within this pass only."""
    own = links.id if links.id is not None else content_name()
    for name in (own, *links.references, *([links.in_reply_to] if links.in_reply_to is not None else [])):
        edge_messages.append(index)
        edge_keys.append(hash(name))


def _content_name(stream: BinaryIO, start: int, end: int) -> str:
    """A name for a message without a Message-ID: a hash of its bytes."""
    digest = hashlib.blake2b(digest_size=16)
    stream.seek(start)
    left = end - start
    while left > 0:
        piece = stream.read(min(left, _HASH_PIECE))
        if not piece:
            break
        digest.update(piece)
        left -= len(piece)
    return f"\x00content:{digest.hexdigest()}"


def _conversations(messages: int, edge_messages: np.ndarray, edge_keys: np.ndarray) -> np.ndarray:
    """Per message, the number of its conversation: the connected parts of the graph joining each message to
    the ids it names."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keys, key_nodes = np.unique(edge_keys, return_inverse=True)
    nodes = messages + len(keys)
    graph = coo_matrix((np.ones(len(edge_messages), dtype=np.int8), (edge_messages, messages + key_nodes.reshape(-1))),
                       shape=(nodes, nodes))
    _, labels = connected_components(graph, directed=False)
    return labels[:messages]


def _batches(group: np.ndarray, sizes: np.ndarray, chunk_posts: int) -> Iterator[tuple[np.ndarray, int]]:
    """Conversations in order of their first message, cut into batches of ``chunk_posts`` messages (or
    ``_CHUNK_BYTES``): each batch's message numbers in file order, and its bytes."""
    _, first_seen, inverse = np.unique(group, return_index=True, return_inverse=True)
    rank = np.empty(len(first_seen), dtype=np.int64)
    rank[np.argsort(first_seen, kind="stable")] = np.arange(len(first_seen))
    message_rank = rank[inverse.reshape(-1)]
    order = np.argsort(message_rank, kind="stable")  # by conversation, file order within each
    boundaries = np.flatnonzero(np.diff(message_rank[order])) + 1
    group_starts = np.concatenate([[0], boundaries]).astype(np.int64)
    group_ends = np.concatenate([boundaries, [len(order)]]).astype(np.int64)
    group_bytes = np.add.reduceat(sizes[order], group_starts) if len(order) else np.zeros(0, dtype=np.int64)
    cut = 0
    while cut < len(group_starts):
        stop, posts, size = cut, 0, 0
        while stop < len(group_starts) and (stop == cut or (posts < chunk_posts and size < _CHUNK_BYTES)):
            posts += int(group_ends[stop] - group_starts[stop])
            size += int(group_bytes[stop])
            stop += 1
        yield np.sort(order[group_starts[cut] : group_ends[stop - 1]]), size
        cut = stop
