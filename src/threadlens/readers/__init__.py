"""Reading threads from files, text, stdin and (with the fetch module) URLs.

Each input format is a :class:`Reader` in a registry. The format is detected from the content (each
reader scores how sure it is), or forced by name (``format="jsonl"``, ``--input-format jsonl``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..thread import Thread
from ._source import Source, SourceLike, load_source, looks_like_path

__all__ = ["Reader", "register_reader", "reader_names", "get_reader", "detect_reader",
           "read_threads", "read_thread", "Source", "load_source"]


@dataclass(frozen=True, slots=True)
class Reader:
    """An input format.

    ``sniff`` scores a decoded source from 0 (not this format) to 1 (certainly this format);
    ``read`` turns it into threads. Readers of directories (a ConvoKit corpus, a maildir) set
    ``sniff_dir``/``read_dir`` instead or as well.
    """

    name: str
    description: str
    read: Callable[[Source], list[Thread]] | None = None
    sniff: Callable[[Source], float] | None = None
    sniff_dir: Callable[[Path], float] | None = None
    read_dir: Callable[[Path], list[Thread]] | None = None


_REGISTRY: dict[str, Reader] = {}


def register_reader(reader: Reader) -> Reader:
    """Add an input format (replacing one of the same name)."""
    _REGISTRY[reader.name] = reader
    return reader


def reader_names() -> list[str]:
    _load_builtin_readers()
    return sorted(_REGISTRY)


def get_reader(name: str) -> Reader:
    _load_builtin_readers()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown input format {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def detect_reader(source: Source) -> Reader:
    """The reader most sure it can read ``source``; plain text is the fallback."""
    _load_builtin_readers()
    best, best_score = _REGISTRY["text"], 0.0
    for reader in _REGISTRY.values():
        if reader.sniff is None or reader.read is None:
            continue
        score = reader.sniff(source)
        if score > best_score:
            best, best_score = reader, score
    return best


def read_threads(source: SourceLike, *, format: str | None = None) -> list[Thread]:
    """Read every thread in ``source``: a path, ``"-"`` (stdin), a URL, raw text, bytes or a file object.

    A ``str`` holding a line break, or one that is neither an existing path nor shaped like one, is read
    as the text of a thread. ``format`` forces a reader by name (see :func:`reader_names`).
    """
    _load_builtin_readers()
    if isinstance(source, str) and source.startswith(("http://", "https://")) and "\n" not in source:
        return _read_url(source)
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        as_text = os.fspath(source)
        if (not isinstance(source, str) or looks_like_path(as_text)) and as_text != "-" and os.path.isdir(as_text):
            return _read_directory(Path(as_text), format=format)
    loaded = load_source(source)
    reader = get_reader(format) if format else detect_reader(loaded)
    if reader.read is None:
        raise InputError(f"format {reader.name!r} reads directories, not single files", source=loaded.name)
    threads = reader.read(loaded)
    if loaded.notices:
        threads[0].notices[:0] = loaded.notices
    return threads


def read_thread(source: SourceLike, *, format: str | None = None) -> Thread:
    """Read one thread; an input holding several threads raises InputError (use :func:`read_threads`)."""
    threads = read_threads(source, format=format)
    if len(threads) != 1:
        name = source if isinstance(source, (str, os.PathLike)) and len(str(source)) < 200 else "input"
        raise InputError(f"holds {len(threads)} threads; use threadlens.read_threads() to read them all",
                         source=os.fspath(name) if not isinstance(name, str) else name)
    return threads[0]


def _read_directory(path: Path, *, format: str | None) -> list[Thread]:
    if format:
        reader = get_reader(format)
        if reader.read_dir is None:
            raise InputError(f"is a directory, and format {format!r} reads single files; pass a file",
                             source=str(path))
        return reader.read_dir(path)
    scored = [(reader.sniff_dir(path), reader) for reader in _REGISTRY.values()
              if reader.sniff_dir is not None and reader.read_dir is not None]
    score, reader = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    if reader is None or score <= 0:
        raise InputError("is a directory; pass a thread file (or a directory of files to `threadlens label`)",
                         source=str(path))
    assert reader.read_dir is not None
    return reader.read_dir(path)


def _read_url(url: str) -> list[Thread]:
    try:
        from ..fetch import fetch_threads
    except ImportError:
        raise InputError("reading URLs needs the fetch module, which is not available in this install",
                         source=url) from None
    return fetch_threads(url)


_LOADED = False


def _load_builtin_readers() -> None:
    """Import the built-in reader modules once (each registers itself)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import jsonl, text  # noqa: F401
    from . import bbcode, discourse, phpbb, reddit, smf, vbulletin, xenforo  # noqa: F401  (forum readers)
    from . import convokit, html_generic  # noqa: F401
    from . import hn  # noqa: F401  (Hacker News pages and API JSON)
    from . import mail  # noqa: F401  (mbox, eml, maildir)
