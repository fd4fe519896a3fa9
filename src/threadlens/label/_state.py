"""The run directory beside the output: what makes a labelling run resumable, and its output whole or absent.

While ``OUT`` is being labelled, ``OUT.parts/`` holds ``run.json`` (what the run is: inputs, model, options,
the plan's digest) and one chunk per finished unit: ``NNNNNNNN.<format>`` (the records) and
``NNNNNNNN.json`` (counts, rejects, notices), and ``inputs/``, the decompressed copies of compressed inputs.
Each file is written under a temporary name, flushed to disk and renamed, the ``.json`` last: a unit is done
exactly when its ``.json`` is there and its chunk has the size it records, so a process killed at any instant
— ``kill -9`` included — leaves only finished units, and a rerun of the same command labels the others. When
every unit is done the chunks are joined, in plan order, into ``OUT`` (again a temporary file and a rename),
the rejects into ``OUT``'s ``.rejects.jsonl``, and the directory is removed.

A run never replaces what isn't its own without ``force``: an existing ``OUT`` or rejects file, or a run
directory whose ``run.json`` describes another run.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import new_file_mode, remove_path
from ..errors import InputError
from ._records import RecordFormat
from ._work import UnitResult

__all__ = ["RunDirectory", "RunTotals", "UnitSummary", "state_path", "rejects_path"]

_RUN = "run.json"
_ASSEMBLED = "assembled.json"
_INPUTS = "inputs"
_REMOVED = ".removed"
_FORMAT_VERSION = 2  # 2: compact JSON records (a run of 1 would mix the two styles)


def state_path(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


def rejects_path(output: Path) -> Path:
    stem = output.name[: -len(output.suffix)] if output.suffix else output.name
    return output.with_name(stem + ".rejects.jsonl")


@dataclass(slots=True)
class UnitSummary:
    """A finished unit as its ``.json`` records it."""

    index: int
    posts: int
    threads: int
    bytes: int
    rejects: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stance: dict[str, int] = field(default_factory=dict)


class RunDirectory:
    """The state of one labelling run of ``output`` (see the module docstring)."""

    def __init__(self, output: Path, record_format: RecordFormat, run: dict[str, Any]) -> None:
        self.output = output
        self.format = record_format
        self.run = {"version": _FORMAT_VERSION, **run}
        self.path = state_path(output)
        self.rejects = rejects_path(output)
        self.resumed = False
        self._lock: int | None = None

    # -- one run at a time -----------------------------------------------------------------------------------
    def lock(self) -> None:
        """Hold ``.OUT.lock`` beside the output until :meth:`unlock` (or the process ends, even killed): a second
        run of the same output refuses to start while one is going (it would share the run directory)."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        if not self.output.parent.is_dir():
            return  # check() says so
        descriptor = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            raise InputError("is being written by another `threadlens label` run right now; wait for it to end "
                             "(or stop it) and run the command again", source=str(self.output)) from None
        self._lock = descriptor

    def unlock(self) -> None:
        """Let go of the lock (and remove its file, while still holding it)."""
        if self._lock is None:
            return
        try:
            self._lock_path.unlink(missing_ok=True)
        finally:
            os.close(self._lock)
            self._lock = None

    @property
    def _lock_path(self) -> Path:
        return self.output.with_name(f".{self.output.name}.lock")

    # -- opening ---------------------------------------------------------------------------------------------
    def check(self, *, force: bool) -> None:
        """Refuse to touch what belongs to another run (before any long work): call before planning."""
        if self.output.is_dir():
            raise InputError("is a directory; give a file name ending in .jsonl, .csv or .parquet",
                             source=str(self.output))
        if not self.output.parent.is_dir():
            raise InputError(f"can't be written: folder {str(self.output.parent)!r} does not exist",
                             source=str(self.output))
        self._remove_leftovers()
        existing = self._existing_run()
        if force:
            return
        if existing is not None:
            if not _same(existing, self.run, ignore=("plan",)):
                raise InputError(f"holds an unfinished labelling run with other inputs or options "
                                 f"({_difference(existing, self.run)}); rerun that command to finish it, or pass "
                                 "--force to start over", source=str(self.path))
            if not self.assembled():
                self._refuse_existing()
            return
        if self.path.exists() and not self._holds_only_inputs():
            raise InputError("exists and is not a threadlens labelling run; move it away or pass --force",
                             source=str(self.path))
        self._refuse_existing()

    @property
    def spool(self) -> Path:
        """Where compressed inputs are decompressed to (kept until the run ends, so a rerun reuses them)."""
        return self.path / _INPUTS

    def _holds_only_inputs(self) -> bool:
        """Whether the run directory holds nothing but decompressed inputs (a run stopped while planning)."""
        try:
            return self.path.is_dir() and not self.path.is_symlink() and \
                {entry.name for entry in os.scandir(self.path)} == {_INPUTS}
        except OSError:
            return False

    def _refuse_existing(self) -> None:
        for path in (self.output, self.rejects):
            if path.exists() or path.is_symlink():
                raise InputError("already exists; pass --force to replace it, or choose another output",
                                 source=str(path))

    def open(self, plan_digest: str, *, force: bool) -> set[int]:
        """Create or resume the run directory; the indexes of the units already done."""
        self.run["plan"] = plan_digest
        existing = self._existing_run()
        if existing is not None and not force:
            if existing.get("plan") != plan_digest:
                raise InputError("holds an unfinished run over inputs that have changed since; pass --force to "
                                 "start over", source=str(self.path))
            self.resumed = True
            return self.done()
        temporary = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent))
        if self.spool.is_dir() and not self.path.is_symlink():
            os.rename(self.spool, temporary / _INPUTS)  # the decompressed inputs the plan was made from
        if self.path.exists() or self.path.is_symlink():
            remove_path(self.path)
        (temporary / _RUN).write_text(json.dumps(self.run, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        temporary.rename(self.path)
        return set()

    def _existing_run(self) -> dict[str, Any] | None:
        try:
            run = json.loads((self.path / _RUN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return run if isinstance(run, dict) and isinstance(run.get("version"), int) else None

    # -- units -----------------------------------------------------------------------------------------------
    def done(self) -> set[int]:
        """Units whose chunk and summary are both complete."""
        out: set[int] = set()
        for entry in os.scandir(self.path):
            name = entry.name
            if name.endswith(".json") and name[:-5].isdigit():
                summary = self._summary(int(name[:-5]))
                if summary is not None:
                    out.add(summary.index)
        return out

    def commit(self, result: UnitResult) -> UnitSummary:
        """Store a labelled unit: its chunk, then its summary (the summary's rename is the commit)."""
        chunk = self._chunk(result.index)
        summary = UnitSummary(index=result.index, posts=result.posts, threads=result.threads, bytes=len(result.data),
                              rejects=[r.to_dict() for r in result.rejects], notices=result.notices,
                              stance=result.stance)
        with self._disk_full_resumes():
            _write(chunk, result.data, sync=True)  # on disk before the summary that commits it
            _write(self._meta(result.index), json.dumps({
                "index": summary.index, "posts": summary.posts, "threads": summary.threads, "bytes": summary.bytes,
                "rejects": summary.rejects, "notices": summary.notices, "stance": summary.stance}
            ).encode("ascii"), sync=True)  # ASCII: a file name that isn't UTF-8 comes through escaped
        return summary

    @contextmanager
    def _disk_full_resumes(self) -> Iterator[None]:
        """A full disk (or quota) is an InputError saying the run resumes: what is committed stays."""
        try:
            yield
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise InputError(f"can't be written ({exc.strerror or 'no space left on device'}); the units labelled "
                             "so far are kept: free some space and run the same command again to resume",
                             source=str(self.output)) from None

    def _each(self, count: int) -> Iterator[UnitSummary]:
        for index in range(count):
            summary = self._summary(index)
            if summary is None:
                raise InputError(f"unit {index} of the run is missing; rerun the command to label it",
                                 source=str(self.path))
            yield summary

    def _summary(self, index: int) -> UnitSummary | None:
        try:
            data = json.loads(self._meta(index).read_text(encoding="utf-8"))
            if self._chunk(index).stat().st_size != data["bytes"]:
                return None
            return UnitSummary(index=data["index"], posts=data["posts"], threads=data["threads"], bytes=data["bytes"],
                               rejects=data["rejects"], notices=data["notices"], stance=data["stance"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _chunk(self, index: int) -> Path:
        return self.path / f"{index:08d}.{self.format.name}"

    def _meta(self, index: int) -> Path:
        return self.path / f"{index:08d}.json"

    # -- finishing -------------------------------------------------------------------------------------------
    def assembled(self) -> bool:
        """Whether a previous process already renamed the joined output into place (and was killed after)."""
        try:
            marker = json.loads((self.path / _ASSEMBLED).read_text(encoding="utf-8"))
            stat = self.output.stat()
        except (OSError, ValueError):
            return False
        return stat.st_ino == marker.get("inode") and stat.st_size == marker.get("size")

    def finish(self, count: int) -> RunTotals:
        """Join the chunks into the output and the rejects into the rejects file; remove the run directory.

        Reads one unit's summary at a time: memory doesn't grow with the number of units or rejects.
        """
        totals = RunTotals()
        for summary in self._each(count):
            totals.add(summary)
        if not self.assembled():
            with self._disk_full_resumes():
                self._assemble(count)
        with self._disk_full_resumes():
            self._write_rejects(count, totals.reject_entries)
        self._discard()
        return totals

    def _assemble(self, count: int) -> None:
        """The chunks joined into the output, under a temporary name renamed into place (and noted as done)."""
        temporary = Path(tempfile.mkstemp(prefix=f".{self.output.name}.", suffix=".tmp", dir=self.output.parent)[1])
        try:
            temporary.unlink()
            self.format.assemble([self._chunk(i) for i in range(count)], temporary)
            with open(temporary, "rb") as stream:
                os.fsync(stream.fileno())
            os.chmod(temporary, new_file_mode())
            stat = temporary.stat()
            _write(self.path / _ASSEMBLED, json.dumps({"inode": stat.st_ino, "size": stat.st_size}).encode())
            os.replace(temporary, self.output)
        except BaseException:
            remove_path(temporary)
            raise

    def _discard(self) -> None:
        """Remove the run directory: renamed away first, so a process killed while deleting it leaves no
        half-deleted run directory behind (only a hidden one, which the next run of ``OUT`` removes)."""
        doomed = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=_REMOVED, dir=self.path.parent))
        os.replace(self.path, doomed)
        remove_path(doomed)

    def _remove_leftovers(self) -> None:
        """What an earlier run of ``OUT`` killed at the wrong instant left: a run directory it was creating
        (``.tmp``) or had renamed away to delete (``.removed``), an output or rejects file it was writing."""
        for suffix in (".tmp", _REMOVED):
            for leftover in self.path.parent.glob(f".{glob.escape(self.path.name)}.*{suffix}"):
                if leftover.is_dir() and not leftover.is_symlink():
                    remove_path(leftover)
        for name in (self.output.name, self.rejects.name):  # mkstemp's names: 8 random characters
            for leftover in self.path.parent.glob(f".{glob.escape(name)}.{'?' * 8}.tmp"):
                if leftover.is_file() and not leftover.is_symlink():
                    leftover.unlink()

    def _write_rejects(self, count: int, entries: int) -> None:
        if not entries:
            if self.rejects.exists():
                self.rejects.unlink()  # ours (an earlier attempt of this run) or replaced with --force
            return
        handle, temporary = tempfile.mkstemp(prefix=f".{self.rejects.name}.", suffix=".tmp", dir=self.rejects.parent)
        try:
            # A file name that isn't UTF-8 holds surrogates; "backslashreplace" writes each as its JSON escape.
            with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as stream:
                for summary in self._each(count):
                    for reject in summary.rejects:
                        stream.write(json.dumps(reject, ensure_ascii=False) + "\n")
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, new_file_mode())
            os.replace(temporary, self.rejects)
        except BaseException:
            remove_path(Path(temporary))
            raise


@dataclass(slots=True)
class RunTotals:
    """What the units of a run add up to (a bounded sample of the readers' notices)."""

    posts: int = 0
    threads: int = 0
    rejected: int = 0
    unreadable_files: int = 0
    reject_entries: int = 0
    stance: Counter[str] = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)
    more_notices: int = 0

    _MAX_NOTICES = 200

    def add(self, summary: UnitSummary) -> None:
        self.posts += summary.posts
        self.threads += summary.threads
        self.stance.update(summary.stance)
        for reject in summary.rejects:
            count = reject.get("count", 1)
            self.rejected += count
            self.unreadable_files += count == 0
            self.reject_entries += 1
        room = self._MAX_NOTICES - len(self.notices)
        self.notices.extend(summary.notices[:max(0, room)])
        self.more_notices += max(0, len(summary.notices) - max(0, room))


def _same(a: dict[str, Any], b: dict[str, Any], *, ignore: tuple[str, ...]) -> bool:
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}


def _difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    if a.get("version") != b.get("version"):
        return "started by another version of threadlens"
    keys = sorted(k for k in set(a) | set(b) if k != "plan" and a.get(k) != b.get(k))
    return "differs in " + ", ".join(keys) if keys else "differs"


def _write(path: Path, data: bytes, *, sync: bool = False) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        if sync:
            os.chmod(temporary, new_file_mode())
        os.replace(temporary, path)
    except BaseException:
        remove_path(Path(temporary))
        raise

