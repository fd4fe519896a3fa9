"""Writing files so that a reader never sees half of one: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

__all__ = ["write_text_atomic", "write_bytes_atomic", "atomic_path", "new_file_mode", "remove_path",
           "check_not_an_input", "written_in_place"]


def new_file_mode(*, directory: bool = False) -> int:
    """The mode a newly created file (or directory) gets under the current umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def remove_path(path: Path) -> None:
    """Remove a file or a directory tree if it is there (a symlink is removed, not followed)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


def check_not_an_input(output: str | os.PathLike[str] | None, inputs: Iterable[str | os.PathLike[str]], *,
                       role: str = "") -> None:
    """Refuse an output that would replace one of the inputs: the same file by any name (a symlink, a hard
    link), or a directory holding one (a directory output is replaced whole). Stdin (``-``) and URLs are no
    files; outputs and inputs that don't exist yet can't be the same. ``role`` says what the output is, in
    the error, when it is not the path the user gave ("the rejects file of out.jsonl")."""
    if output is None or os.fspath(output) in ("", "-"):
        return
    target = Path(output)
    if not (target.exists() or target.is_symlink()):
        return
    resolved = target.resolve()
    what = f"{role} " if role else ""
    for item in inputs:
        name = os.fspath(item)
        if name == "-" or "://" in name:
            continue
        source = Path(name)
        try:
            same = source.exists() and os.path.samefile(source, target)
        except OSError:
            same = False
        if same:
            alias = "" if os.path.abspath(name) == os.path.abspath(target) else f" (as {name})"
            raise InputError(f"{what}is also an input{alias}; choose another output path", source=str(output))
        if target.is_dir() and resolved in source.resolve().parents:
            raise InputError(f"{what}holds an input ({name}) and would be replaced whole; choose another output "
                             "path", source=str(output))


def written_in_place(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written into rather than replaced: a character device (``/dev/stdout``,
    ``/dev/null``, a terminal) or a pipe (``>(gzip > x.gz)``). Replacing one would put a regular file in its
    place (as root, in ``/dev``). A block device or a socket is refused (InputError)."""
    try:
        mode = os.stat(path).st_mode  # through symlinks: /dev/stdout -> /proc/self/fd/1
    except (OSError, ValueError):
        return False
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise InputError("is a block device or a socket, not something to write output to; give a file name",
                         source=os.fspath(path))
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; when the block succeeds it replaces ``path`` (with a
    new file's usual mode), otherwise it is removed and ``path`` stays as it was. A device or a pipe
    (:func:`written_in_place`) is given as it is, to write into."""
    target = Path(path)
    if written_in_place(target):
        yield target
        return
    if target.is_dir():
        raise InputError("is a directory; give a file name for the output", source=str(target))
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"can't be written: folder {str(directory)!r} does not exist", source=str(target))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=directory)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, new_file_mode())  # mkstemp makes it private
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; on any failure the old file (or no file) remains."""
    in_place = written_in_place(path)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            if not in_place:  # a pipe or a device has nothing to sync (and may refuse: EINVAL)
                os.fsync(stream.fileno())


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
