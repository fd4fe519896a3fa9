"""Writing threads out: JSONL in the core layout, or a ConvoKit corpus directory.

Both round-trip through the readers: ``read_threads(path)`` on what :func:`write_threads` wrote gives back
the same posts (ids, reply links, authors, timestamps, texts, meta and markup segments) and the threads'
titles and meta. Writes are atomic, and an existing output is replaced only with ``overwrite=True``.

>>> from threadlens.readers import read_threads
>>> from threadlens.writers import write_threads
>>> write_threads(read_threads("thread.html"), "corpus/", to="convokit")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..thread import Thread
from ._files import check_target
from ._report import WriteReport
from .convokit import write_convokit
from .jsonl import jsonl_lines, threads_to_jsonl, utterance_records, write_jsonl

__all__ = ["write_threads", "write_jsonl", "write_convokit", "output_format", "check_output", "utterance_records",
           "jsonl_lines", "threads_to_jsonl", "WriteReport", "OUTPUT_FORMATS"]

OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "convokit")


def output_format(destination: str | os.PathLike[str], to: str | None = None) -> str:
    """The format to write ``destination`` in: ``to`` when given; else ``jsonl`` for a ``.jsonl`` name or
    ``-`` (stdout), ``convokit`` for a directory (an existing one, a name ending in ``/``, or one without
    a suffix). Raises InputError when it can't tell."""
    if to is not None:
        if to not in OUTPUT_FORMATS:
            raise InputError(f"unknown output format {to!r}; choose one of: {', '.join(OUTPUT_FORMATS)}")
        return to
    text = os.fspath(destination)
    path = Path(text)
    if text == "-" or path.suffix.lower() == ".jsonl":
        return "jsonl"
    if path.is_dir() or text.endswith(("/", os.sep)) or not path.suffix:
        return "convokit"
    raise InputError(f"can't tell which format to write from the name (suffix {path.suffix!r}); end it in .jsonl "
                     "for JSONL, give a directory for a ConvoKit corpus, or pass --to jsonl|convokit",
                     source=text)


def check_output(destination: str | os.PathLike[str], *, to: str | None = None, overwrite: bool = False) -> str:
    """The format :func:`write_threads` will use for ``destination``, after checking it can be written
    (InputError if it exists and ``overwrite`` is false, or its folder is missing). Call it before a long
    read to fail early."""
    chosen = output_format(destination, to)
    if os.fspath(destination) == "-":
        if chosen == "convokit":
            raise InputError("a ConvoKit corpus is a directory and can't go to stdout; give a directory path",
                             source="-")
        return chosen
    check_target(Path(destination), overwrite=overwrite, directory=chosen == "convokit")
    return chosen


def write_threads(threads: Thread | Iterable[Thread], destination: str | os.PathLike[str], *,
                  to: str | None = None, overwrite: bool = False,
                  corpus_meta: Mapping[str, Any] | None = None) -> WriteReport:
    """Write threads to ``destination`` as JSONL or a ConvoKit directory (see :func:`output_format`)."""
    chosen = check_output(destination, to=to, overwrite=overwrite)
    if chosen == "jsonl":
        return write_jsonl(threads, destination, overwrite=overwrite)
    return write_convokit(threads, destination, overwrite=overwrite, corpus_meta=corpus_meta)
