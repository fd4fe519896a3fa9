"""Labelling one unit of work: read it, split every post, label every thread, encode the records as a chunk.

:func:`label_unit` is what runs in a worker process (local or Dask). It is a plain function of picklable
arguments, so the same code runs everywhere, and it keeps what is costly to build — the stance model,
the spaCy pipeline — in per-process caches, loaded on first use.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any


from ..errors import ModelError
from ._plan import Unit
from ._read import Reject, read_unit
from ._records import RecordFormat, post_record

if TYPE_CHECKING:
    from ..analysis import ThreadAnalysis
    from ..stance.labeling import PostLabels, StanceLabeler
    from ..thread import Thread

__all__ = ["ModelInfo", "model_info", "LabelSettings", "UnitResult", "label_unit", "label_threads",
           "SEGMENTERS"]

SEGMENTERS = ("regex", "spacy")
_LABELERS: dict[tuple[str, str | None], StanceLabeler] = {}
_PIPELINES: dict[str, Any] = {}
_VERSIONS: dict[tuple[str, str | None], str] = {}
_BATCH_POSTS = 2000  # posts per label_many call


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the records say about the model — read from its directory without loading it."""

    name: str
    version: str
    labels: tuple[str, ...]
    path: str


def model_info(model: str | os.PathLike[str] | None) -> ModelInfo:
    """Name, version (a hash of its manifest, as ``StanceLabeler.model_version``) and labels of a stance model."""
    from ..stance.registry import resolve_model
    from ..stance.schemes import Scheme

    root = resolve_model(model)
    manifest = root / "manifest.json"
    try:
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        classes = {str(c) for c in config["classes"]}
        labels = tuple(label for label in Scheme.from_dict(config["scheme"], source=str(root)).label_names
                       if label in classes)
        version = hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{root}: model files are unreadable or inconsistent ({exc}); save the model again") from None
    return ModelInfo(name=Path(root).name, version=version, labels=labels, path=str(root))


@dataclass(frozen=True, slots=True)
class LabelSettings:
    """Everything a worker needs besides the unit: which model, how to split, what to write."""

    model: str
    model_name: str
    model_version: str
    labels: tuple[str, ...]
    format: str = "jsonl"
    segmenter: str = "regex"
    with_text: bool = False
    backend: str | None = None

    @property
    def record_format(self) -> RecordFormat:
        return RecordFormat(self.format, self.labels, self.with_text)


@dataclass(slots=True)
class UnitResult:
    """A labelled unit: the encoded chunk, its counts, its rejects and the readers' notices."""

    index: int
    data: bytes
    posts: int
    threads: int
    rejects: list[Reject] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stance: dict[str, int] = field(default_factory=dict)


def label_unit(unit: Unit, settings: LabelSettings) -> UnitResult:
    """Read, split, label and encode one unit (runs in a worker; the model is loaded once per process)."""
    labeler = worker_labeler(settings.model, settings.backend)
    key = (settings.model, settings.backend)
    version = _VERSIONS.get(key) or _VERSIONS.setdefault(key, labeler.model_version)
    if version != settings.model_version:
        raise ModelError(f"{settings.model_name}: this worker has version {version} of the model, the run was "
                         f"planned with {settings.model_version}; install the same model on every worker")
    collecting = gc.isenabled()
    gc.disable()  # labelling makes many small containers and no cycles: the collector would only slow it down
    try:
        unit_input = read_unit(unit)
        records, rejects = _label(unit_input.threads, labeler, settings)
    finally:
        if collecting:
            gc.enable()
    stance = Counter(record["stance"] for record in records)
    return UnitResult(index=unit.index, data=settings.record_format.encode(records), posts=len(records),
                      threads=len(unit_input.threads), rejects=[*unit_input.rejects, *rejects],
                      notices=unit_input.notices, stance=dict(stance))


def label_threads(threads: Sequence[Thread], labeler: StanceLabeler, *, segmenter: str = "regex",
                  model_name: str | None = None, model_version: str | None = None,
                  with_text: bool = False) -> list[dict[str, Any]]:
    """Labelled records of in-memory threads (what ``threadlens label`` writes for them)."""
    settings = LabelSettings(model="", model_name=model_name or labeler.model_name,
                             model_version=model_version or labeler.model_version, labels=tuple(labeler.labels),
                             segmenter=segmenter, with_text=with_text)
    records, rejects = _label(list(threads), labeler, settings)
    if rejects:
        raise rejects_error(rejects)
    return records


def rejects_error(rejects: Sequence[Reject]) -> Exception:
    from ..errors import InputError

    first = rejects[0]
    return InputError(f"{len(rejects)} post(s) could not be labelled; the first: {first.reason}",
                      source=first.source)


def _label(threads: list[Thread], labeler: StanceLabeler,
           settings: LabelSettings) -> tuple[list[dict[str, Any]], list[Reject]]:
    records: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    batch: list[ThreadAnalysis] = []
    size = 0

    def flush() -> None:
        nonlocal size
        for analysis, results in _label_batch(batch, labeler, rejects):
            records.extend(post_record(post, *results[post.id], model=settings.model_name,
                                       model_version=settings.model_version, with_text=settings.with_text)
                           for post in analysis.posts)
        batch.clear()
        size = 0

    for analysis in _analyses(threads, settings.segmenter, rejects):
        batch.append(analysis)
        size += len(analysis.posts)
        if size >= _BATCH_POSTS:
            flush()
    flush()
    return records, rejects


def _label_batch(batch: list[ThreadAnalysis], labeler: StanceLabeler,
                 rejects: list[Reject]) -> list[tuple[ThreadAnalysis, dict[str, PostLabels]]]:
    """Each thread of the batch with its posts' labels, from one pass of the model; if that fails, thread by
    thread, so one bad thread costs only itself."""
    if not batch:
        return []
    try:
        return list(zip(batch, labeler.results_many(batch)))
    except Exception:  # noqa: BLE001 - isolate the thread that fails, report it as a reject
        if len(batch) == 1:
            raise
    out = []
    for analysis in batch:
        try:
            out.append((analysis, labeler.results_many([analysis])[0]))
        except Exception as exc:  # noqa: BLE001
            rejects.extend(_thread_rejects(analysis.thread, f"labelling failed ({type(exc).__name__}: {exc})"))
    return out


def _analyses(threads: list[Thread], segmenter: str, rejects: list[Reject]) -> list[ThreadAnalysis]:
    """Every thread split into quotes and replies (the labeller's input), in thread order."""
    from ..analysis import PostAnalysis, ThreadAnalysis

    if segmenter == "spacy":
        return _spacy_analyses(threads, rejects)
    if segmenter != "regex":
        raise ValueError(f"segmenter={segmenter!r} is not one of {SEGMENTERS}")
    from ..quotes.direct import split_thread

    out = []
    for thread in threads:
        try:
            splits = split_thread(thread)
        except Exception as exc:  # noqa: BLE001 - a thread the splitter can't handle is reported, not fatal
            rejects.extend(_thread_rejects(thread, f"quote splitting failed ({type(exc).__name__}: {exc})"))
            continue
        posts = [PostAnalysis(post=post, depth=depth, segments=tuple(splits[post.id].segments),
                              duplicate_of=splits[post.id].duplicate_of, thread_id=thread.id)
                 for post, depth in thread.in_thread_order()]
        out.append(ThreadAnalysis(thread=thread, posts=posts))
    return out


def _spacy_analyses(threads: list[Thread], rejects: list[Reject]) -> list[ThreadAnalysis]:
    from ..analysis import analyze_threads

    nlp = _PIPELINES.get("default")
    if nlp is None:
        from ..quotes.pipeline import pipeline

        nlp = _PIPELINES["default"] = pipeline()
    try:
        return list(analyze_threads(threads, stance=False, nlp=nlp))
    except Exception:  # noqa: BLE001
        if len(threads) == 1:
            rejects.extend(_thread_rejects(threads[0], "quote splitting failed"))
            return []
    return [a for thread in threads for a in _spacy_analyses([thread], rejects)]


def _thread_rejects(thread: Thread, reason: str) -> list[Reject]:
    source = str(thread.meta.get("source", thread.id))
    return [Reject(source, reason, id=post.id) for post in thread.posts]


def worker_labeler(model: str, backend: str | None = None) -> StanceLabeler:
    """The labeller of a model in this process (loaded once)."""
    key = (model, backend)
    if key not in _LABELERS:
        from ..stance.labeling import StanceLabeler
        from ..stance.model import StanceModel

        _LABELERS[key] = StanceLabeler(StanceModel.load(model or None, backend=backend))
    return _LABELERS[key]
