"""Output files that appear whole or not at all, and JSON that any JSON Lines reader splits correctly.

A file or directory is written under a temporary name beside its target and renamed into place; on any
failure the temporary is removed and an existing target is left as it was. An existing target is
replaced only when the caller says so (``overwrite=True``, the CLI's ``--force``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from .._atomic import new_file_mode, remove_path, written_in_place
from ..errors import InputError

__all__ = ["json_line", "check_target", "atomic_file", "atomic_directory", "is_empty_dir"]

# JSON allows these unescaped inside strings, but str.splitlines() and JavaScript line readers break at them.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def json_line(value: Any, *, where: str) -> str:
    """``value`` as one line of strict JSON (UTF-8 text; NaN and infinities become null; dates ISO 8601 strings);
    ``where`` names it in errors."""

    def fallback(obj: Any) -> Any:
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, (set, frozenset)):
            return sorted(obj, key=str)
        if isinstance(obj, os.PathLike):
            return os.fspath(obj)
        raise TypeError(f"a value of type {type(obj).__name__}")

    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=fallback)
    except ValueError as exc:
        if "Out of range float" not in str(exc):  # a circular reference
            raise InputError(f"{where} can't be written as JSON ({exc})") from None
        # NaN and infinities (common in meta built with pandas) aren't JSON: they become null.
        loose = json.dumps(value, ensure_ascii=False, default=fallback)
        text = json.dumps(json.loads(loose, parse_constant=lambda _: None), ensure_ascii=False)
    except TypeError as exc:
        raise InputError(f"{where} holds {exc} that can't be written as JSON; make meta values strings, numbers, "
                         "booleans, lists or objects") from None
    for char, escape in _LINE_BREAKERS.items():
        if char in text:
            text = text.replace(char, escape)
    return text


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def check_target(path: Path, *, overwrite: bool, directory: bool) -> None:
    """Refuse an output path that exists (an empty directory is fine for a directory output; a device or a pipe
    is written into, as :func:`~threadlens._atomic.written_in_place` says)."""
    if directory and is_empty_dir(path):
        return
    if written_in_place(path):
        if directory:
            raise InputError("is a device or a pipe; this output is a directory: give a directory name",
                             source=str(path))
        return
    if path.exists() or path.is_symlink():
        if not directory and path.is_dir():
            raise InputError("is a directory; give a file name ending in .jsonl, or pass --to convokit",
                             source=str(path))
        if not overwrite:
            raise InputError("already exists; pass --force (overwrite=True) to replace it, or choose another path",
                             source=str(path))
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"can't be written: folder {str(parent)!r} does not exist", source=str(path))


@contextmanager
def atomic_file(path: Path, *, overwrite: bool) -> Iterator[IO[str]]:
    """A text stream (UTF-8, ``\\n`` line ends) whose content replaces ``path`` when the block succeeds."""
    check_target(path, overwrite=overwrite, directory=False)
    if written_in_place(path):
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, new_file_mode())  # mkstemp makes it private; give it a new file's usual mode
        os.replace(temporary, path)
    except BaseException:
        remove_path(Path(temporary))
        raise


@contextmanager
def atomic_directory(path: Path, *, overwrite: bool) -> Iterator[Path]:
    """A fresh temporary directory beside ``path``; when the block succeeds it is renamed to ``path``.

    An existing ``path`` (with ``overwrite``) is moved aside first and deleted once the new one is in place.
    """
    check_target(path, overwrite=overwrite, directory=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield temporary
        _fsync_dir(temporary)
        os.chmod(temporary, new_file_mode(directory=True))  # mkdtemp makes it private
        if path.exists() or path.is_symlink():
            if is_empty_dir(path) and not path.is_symlink():
                path.rmdir()
                temporary.rename(path)
            else:
                aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
                old = aside / "old"
                path.rename(old)
                try:
                    temporary.rename(path)
                except BaseException:
                    old.rename(path)
                    raise
                remove_path(aside)
        else:
            temporary.rename(path)
    except BaseException:
        remove_path(temporary)
        raise



def _fsync_dir(directory: Path) -> None:
    for child in directory.iterdir():
        with open(child, "rb") as stream:
            os.fsync(stream.fileno())
