"""Batch labelling of whole corpora: one labelled record per post, in flat memory, resumable, on every core.

>>> from threadlens.label import label_corpus
>>> report = label_corpus(["comments/"], "labels.parquet", model="connections-lexical", workers=4)
>>> print(report.summary())  # doctest: +SKIP
labelled 100,000 posts in 6,384 threads to labels.parquet; 22.5 s, 4,449 posts/s

:func:`label_corpus` is what ``threadlens label`` runs: the inputs are cut into units of whole threads
(:mod:`._plan`), each unit is read, split into quotes and replies, labelled with
``StanceLabeler.label_many`` and written as one chunk of a run directory beside the output
(:mod:`._state`), and the chunks are joined into the output at the end. A killed run resumes where it
stopped. :func:`label_threads` labels threads already in memory; :func:`read_labelled` reads any output
back; :mod:`threadlens.label.stats` summarises one.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._engines import ENGINES, default_workers, release_free_memory
from ._plan import DEFAULT_CHUNK_POSTS, expand_inputs, plan_inputs
from ._records import LABEL_FORMATS, flat_columns, format_of, label_record, read_labelled
from ._work import SEGMENTERS, LabelSettings, ModelInfo, model_info

if TYPE_CHECKING:
    from ..stance.labeling import StanceLabeler
    from ..thread import Thread

__all__ = ["label_corpus", "label_threads", "LabelReport", "read_labelled", "label_record", "flat_columns",
           "model_info", "ModelInfo", "LABEL_FORMATS", "SEGMENTERS", "ENGINES", "DEFAULT_CHUNK_POSTS"]



@dataclass(slots=True)
class LabelReport:
    """What a labelling run did."""

    output: Path
    format: str
    model: str
    model_version: str
    posts: int = 0
    threads: int = 0
    rejected: int = 0
    unreadable_files: int = 0
    rejects_path: Path | None = None
    units: int = 0
    resumed_units: int = 0
    labelled_now: int = 0
    seconds: float = 0.0
    engine: str = "local"
    workers: int = 1
    stance: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    modes: dict[str, str] = field(default_factory=dict)

    @property
    def posts_per_second(self) -> float:
        """Posts labelled by this run (not the resumed ones) per second of its wall time."""
        return self.labelled_now / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        text = f"labelled {self.posts:,} posts in {self.threads:,} threads to {self.output}"
        if self.resumed_units:
            text += f" (resumed: {self.resumed_units} of {self.units} chunks were done)"
        if self.rejected or self.unreadable_files:
            parts = [f"{self.rejected:,} rejected record(s)"] if self.rejected else []
            if self.unreadable_files:
                parts.append(f"{self.unreadable_files} unreadable file(s)")
            text += f"; {' and '.join(parts)} in {self.rejects_path}"
        return text + f"; {self.seconds:.1f} s, {self.posts_per_second:,.0f} posts/s"

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "format": self.format, "model": self.model,
                "model_version": self.model_version, "posts": self.posts, "threads": self.threads,
                "rejected": self.rejected, "unreadable_files": self.unreadable_files,
                "rejects": str(self.rejects_path) if self.rejects_path else None, "units": self.units,
                "resumed_units": self.resumed_units, "seconds": round(self.seconds, 3),
                "posts_per_second": round(self.posts_per_second, 1), "engine": self.engine, "workers": self.workers,
                "stance": self.stance, "modes": self.modes}


def label_corpus(inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], output: str | os.PathLike[str],
                 *, model: str | os.PathLike[str] | None = None, workers: int | None = None, engine: str = "local",
                 scheduler: str | None = None, with_text: bool = False, force: bool = False,
                 segmenter: str = "regex", chunk_posts: int = DEFAULT_CHUNK_POSTS, input_format: str | None = None,
                 backend: str | None = None, progress: bool = False) -> LabelReport:
    """Label every post of the inputs (files, directories) into ``output`` (``.jsonl``, ``.csv``, ``.parquet``).
    The mbox files among the inputs are read as one archive (a list's monthly files), the Reddit JSONL files
    as one corpus (a subreddit's submissions and comments files): threads run across files.

    ``model`` names or locates the stance model (None: the default ``connections``); ``workers`` is the
    number of processes (None: every core) or, with ``engine="dask"``, of LocalCluster workers when no
    ``scheduler`` address is given. ``segmenter`` is ``"regex"`` (fast, the default) or ``"spacy"`` (exactly
    ``threadlens analyze``'s sentence boundaries). Rerunning an interrupted call with the same arguments
    resumes it; an output that isn't this run's is replaced only with ``force``. ``chunk_posts`` is the
    number of posts per unit of work and of output chunk. ``progress`` draws a progress bar on stderr.
    Raises :class:`~threadlens.errors.InputError` for unusable inputs or outputs; bad records don't raise,
    they go to the rejects file.
    """
    from .._atomic import check_not_an_input, written_in_place
    from ..errors import InputError
    from ._engines import run_units
    from ._progress import LabelProgress
    from ._state import RunDirectory, rejects_path, state_path

    started = time.perf_counter()
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if not inputs:
        raise InputError("no inputs given; pass files or directories to label")
    if segmenter not in SEGMENTERS:
        raise InputError(f"unknown segmenter {segmenter!r}; choose one of: {', '.join(SEGMENTERS)}")
    target = Path(os.fspath(output))
    kind = format_of(target)
    if written_in_place(target):
        raise InputError("is a device or a pipe; label writes a file it can resume (its chunks wait beside it): "
                         "give a file name", source=str(target))
    if kind == "parquet":
        _need_pyarrow()
    info = model_info(model)
    # Workers load the model themselves: a directory by its absolute path, a name from their installed models.
    reference = "" if model is None else info.path if Path(os.fspath(model)).is_dir() else os.fspath(model)
    settings = LabelSettings(model=reference, model_name=info.name,
                             model_version=info.version, labels=info.labels, format=kind, segmenter=segmenter,
                             with_text=with_text, backend=backend)
    files = expand_inputs(inputs, input_format=input_format,
                          exclude=[target, state_path(target), rejects_path(target)])
    read = [name for item in files for name in (item.path, item.records) if name]
    check_not_an_input(target, read)  # --force replaces outputs, never inputs
    check_not_an_input(rejects_path(target), read, role=f"the rejects file of {target}")
    check_not_an_input(state_path(target), read, role=f"the run directory of {target}")
    listing = json.dumps([[f.path, f.kind, f.size, f.mtime_ns] for f in files])
    run = {"inputs": hashlib.sha256(listing.encode()).hexdigest(), "files": len(files), "format": kind,
           "model": info.name, "model_version": info.version, "segmenter": segmenter, "with_text": with_text,
           "chunk_posts": chunk_posts, "input_format": input_format, "backend": backend}
    state = RunDirectory(target, settings.record_format, run)
    state.lock()  # a second run of OUT at the same time is refused
    try:
        state.check(force=force)
        # The first scan of a big file runs in parallel here, whatever engine labels it (the plan is the same).
        plan = _plan_with_status(files, chunk_posts, input_format, progress, workers or default_workers(),
                                 state.spool)
        release_free_memory()  # what planning freed, before workers are forked from this process
        done = state.open(plan.digest(), force=force)
        todo = [unit for unit in plan.units if unit.index not in done]
        report = LabelReport(output=target, format=kind, model=info.name, model_version=info.version,
                             units=len(plan.units), resumed_units=len(done), engine=engine, modes=plan.modes)
        bar = LabelProgress(total_bytes=plan.size, done_bytes=sum(u.size for u in plan.units if u.index in done),
                            enabled=progress)
        sizes = {unit.index: unit.size for unit in todo}

        def on_result(result: Any) -> None:
            state.commit(result)
            report.labelled_now += result.posts
            bar.advance(posts=result.posts, size=sizes.get(result.index, 0))

        try:
            if todo:
                report.workers = run_units(todo, settings, on_result=on_result, engine=engine, workers=workers,
                                           scheduler=scheduler, tick=bar.refresh)
            totals = state.finish(len(plan.units))
        finally:
            bar.close()
        report.posts, report.threads = totals.posts, totals.threads
        report.rejected, report.unreadable_files = totals.rejected, totals.unreadable_files
        report.stance = dict(sorted(totals.stance.items()))
        report.notices = totals.notices + ([f"... and {totals.more_notices} more"] if totals.more_notices else [])
        report.rejects_path = state.rejects if totals.reject_entries else None
        report.seconds = time.perf_counter() - started
        return report
    finally:
        state.unlock()


def _plan_with_status(files: list[Any], chunk_posts: int, input_format: str | None, progress: bool,
                      workers: int, spool: Path) -> Any:
    if not progress:
        return plan_inputs(files, chunk_posts=chunk_posts, input_format=input_format, workers=workers, spool=spool)
    from rich.console import Console

    with Console(stderr=True).status(f"reading how {len(files):,} input file(s) are laid out", spinner="dots"):
        return plan_inputs(files, chunk_posts=chunk_posts, input_format=input_format, workers=workers, spool=spool)


def label_threads(threads: Sequence[Thread], *, model: str | os.PathLike[str] | StanceLabeler | None = None,
                  segmenter: str = "regex", with_text: bool = False) -> list[dict[str, Any]]:
    """The labelled records of threads already in memory, as ``threadlens label`` would write them."""
    from ._work import label_threads as _label_threads
    from ._work import worker_labeler

    if model is not None and not isinstance(model, (str, os.PathLike)):
        labeler = model
        name, version = labeler.model_name, labeler.model_version
    else:
        info = model_info(model)
        labeler = worker_labeler(os.fspath(model) if model is not None else "")
        name, version = info.name, info.version
    return _label_threads(list(threads), labeler, segmenter=segmenter, model_name=name, model_version=version,
                          with_text=with_text)


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        from ..errors import InputError

        raise InputError("writing Parquet needs pyarrow; install threadlens[parquet] or write .jsonl or .csv") from None
