"""Training data in, stance models and their figures out: what ``threadlens train`` / ``evaluate`` run.

Labelled data is CSV, TSV or JSONL. JSONL in the thread layout (``id``, ``text``, optional ``reply_to`` /
``conversation_id``) is read as threads: each post is split by the quote pipeline and the model learns
from the author's own words; a ``relation`` field on replies trains the relation head. Other data is
read by column (``--text-col``, ``--label-col``, ``--target-col`` for per-target stance).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..readers._source import decode_bytes
from ..thread import Notice

__all__ = ["LabelledData", "load_labelled", "train_model", "evaluate", "cross_validate", "Evaluation",
           "choose_C", "C_GRID"]

C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
_TEXT_ALIASES = ("text", "body", "comment", "sentence", "claim", "tweet", "content")
_LABEL_ALIASES = ("label", "stance", "class", "category")


@dataclass(slots=True)
class LabelledData:
    """Texts with labels (and targets, conversation groups, reply-relation pairs where the data has them)."""

    texts: list[str]
    labels: list[str]
    source: str
    sha256: str
    targets: list[str] | None = None
    groups: list[str] | None = None
    relation_replies: list[str] = field(default_factory=list)
    relation_targets: list[str] = field(default_factory=list)
    relation_labels: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    thread_layout: bool = False

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def inputs(self) -> list[Any]:
        """What to pass to ``fit``/``predict``: texts, or (target, text) pairs."""
        if self.targets is None:
            return list(self.texts)
        return list(zip(self.targets, self.texts))

    def subset(self, rows: Sequence[int]) -> LabelledData:
        return LabelledData(texts=[self.texts[i] for i in rows], labels=[self.labels[i] for i in rows],
                            source=self.source, sha256=self.sha256,
                            targets=None if self.targets is None else [self.targets[i] for i in rows],
                            groups=None if self.groups is None else [self.groups[i] for i in rows])


def load_labelled(path: str | os.PathLike[str], *, text_col: str | None = None, label_col: str | None = None,
                  target_col: str | None = None, group_col: str | None = None,
                  split_quotes: bool = True) -> LabelledData:
    """Read labelled data; the format follows the extension (``.csv``, ``.tsv``, ``.jsonl``/``.json``).

    Cross-validation on the data (choosing C, ``--cv``) keeps each group in one fold: conversations for
    thread-layout JSONL, ``group_col`` where given, else the targets of per-target data (so the figures
    say how the model does on targets it has not seen).
    """
    source = os.fspath(path)
    file = Path(source)
    if not file.is_file():
        raise InputError("no such file; check the path" if not file.exists() else "is not a file", source=source)
    raw = file.read_bytes()
    text, notices = decode_bytes(raw, name=source)
    digest = hashlib.sha256(raw).hexdigest()
    suffix = file.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        records = _jsonl_records(text, source, notices)
        if split_quotes and text_col in (None, "text") and target_col is None and group_col is None and records \
                and all("id" in r and "text" in r for _, r in records[:50]):
            return _thread_data(text, source, digest, label_col or "label", notices)
    elif suffix in (".csv", ".tsv", ".tab", ".txt"):
        records = _table_records(text, "\t" if suffix in (".tsv", ".tab") else _csv_delimiter(text), source)
    else:
        raise InputError(f"unknown training data format {suffix or '(no extension)'!r}; use .csv, .tsv or .jsonl",
                         source=source)
    return _column_data(records, source, digest, text_col, label_col, target_col, group_col, notices)


def _jsonl_records(text: str, source: str, notices: list[Notice]) -> list[tuple[int, dict[str, Any]]]:
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of objects
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise InputError(f"is not valid JSON ({exc})", source=source) from None
        return [(i + 1, r) for i, r in enumerate(data) if isinstance(r, dict)]
    records: list[tuple[int, dict[str, Any]]] = []
    bad = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(record, dict):
            records.append((number, record))
        else:
            bad += 1
    if bad:
        notices.append(Notice("skipped_line", f"{source}: skipped {bad} line(s) that are not JSON objects", bad))
    return records


def _csv_delimiter(text: str) -> str:
    """The delimiter of a CSV file: the one of ``,`` ``;`` tab ``|`` its header line holds most of (``;`` is
    what spreadsheets write where the decimal separator is a comma); ``,`` when it holds none."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])  # the first of equals: ","
    return best if counts[best] else ","


def _table_records(text: str, delimiter: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(1 << 30)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(number + 2, row) for number, row in enumerate(reader)]
    except csv.Error as exc:
        raise InputError(f"is not valid {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})", source=source) from None


def _pick(columns: set[str], wanted: str | None, aliases: Sequence[str], what: str, option: str, source: str) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise InputError(f"has no column {wanted!r} for the {what}; columns: {', '.join(sorted(columns))}",
                             source=source)
        return wanted
    lowered = {c.lower(): c for c in columns}
    for alias in aliases:
        if alias in lowered:
            return lowered[alias]
    raise InputError(f"no {what} column found; name it with {option} (columns: {', '.join(sorted(columns))})",
                     source=source)


def _column_data(records: list[tuple[int, dict[str, Any]]], source: str, digest: str, text_col: str | None,
                 label_col: str | None, target_col: str | None, group_col: str | None,
                 notices: list[Notice]) -> LabelledData:
    if not records:
        raise InputError("holds no records", source=source)
    columns = set().union(*(r.keys() for _, r in records[:200]))
    text_key = _pick(columns, text_col, _TEXT_ALIASES, "text", "--text-col", source)
    label_key = _pick(columns, label_col, _LABEL_ALIASES, "label", "--label-col", source)
    target_key = _pick(columns, target_col, (), "target", "--target-col", source) if target_col else None
    group_key = _pick(columns, group_col, (), "group", "--group-col", source) if group_col else None
    texts, labels, targets, groups = [], [], [], []
    skipped = 0
    for _, record in records:
        text, label = record.get(text_key), record.get(label_key)
        target = record.get(target_key) if target_key else ""
        if text is None or not str(text).strip() or label is None or str(label).strip() == "" \
                or (target_key and target is None):
            skipped += 1
            continue
        texts.append(str(text))
        labels.append(str(label).strip())
        targets.append(str(target))
        groups.append(str(record.get(group_key)) if group_key else str(target))
    if skipped:
        notices.append(Notice("skipped_line", f"{source}: skipped {skipped} record(s) without text or label", skipped))
    if not texts:
        raise InputError("holds no labelled records", source=source)
    return LabelledData(texts=texts, labels=labels, source=source, sha256=digest,
                        targets=targets if target_key else None,
                        groups=groups if (group_key or target_key) else None, notices=notices)


def _thread_data(text: str, source: str, digest: str, label_key: str, notices: list[Notice]) -> LabelledData:
    """Thread-layout JSONL: split every post, learn from own words; replies with a relation train that head."""
    from ..analysis import analyze_threads
    from ..readers import get_reader, load_source
    from .labeling import post_target

    loaded = load_source(text, name=source)
    threads = get_reader("jsonl").read(loaded)  # type: ignore[misc]
    data = LabelledData(texts=[], labels=[], source=source, sha256=digest, groups=[], notices=notices,
                        thread_layout=True)
    skipped = 0
    for analysis in analyze_threads(threads, stance=False):
        by_id = {p.id: p for p in analysis.posts}
        for post in analysis.posts:
            label = post.post.meta.get(label_key)
            own = post.reply_text.strip()
            if label is None or not own:
                skipped += 1
                continue
            data.texts.append(own)
            data.labels.append(str(label))
            data.groups.append(str(analysis.thread.id))  # type: ignore[union-attr]
            relation = post.post.meta.get("relation")
            target = post_target(post, by_id)
            if relation and target is not None:
                target_post = by_id[target]
                data.relation_replies.append(own)
                data.relation_targets.append(target_post.reply_text.strip() or target_post.post.text)
                data.relation_labels.append(str(relation))
    for thread in threads:
        data.notices.extend(thread.notices)
    if skipped:
        data.notices.append(Notice("skipped_post", f"{source}: {skipped} post(s) without a label or own words",
                                   skipped))
    if not data.texts:
        raise InputError(f"holds no posts with a {label_key!r} field and words of their own", source=source)
    return data


@dataclass(slots=True)
class Evaluation:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of predictions."""

    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    labels: list[str]
    confusion: list[list[int]]
    n: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4),
                "per_class": {k: {m: round(v, 4) for m, v in d.items()} for k, d in self.per_class.items()},
                "confusion": {"labels": self.labels, "matrix": self.confusion}, **self.extra}


def score(true: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> Evaluation:
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    names = list(labels) if labels is not None else sorted(set(true) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(true, predicted, labels=names, zero_division=0)
    per_class = {name: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for name, p, r, f, s in zip(names, precision, recall, f1, support)}
    present = [i for i, s in enumerate(support) if s > 0] or list(range(len(names)))
    return Evaluation(accuracy=float(accuracy_score(true, predicted)), macro_f1=float(np.mean(f1[present])),
                      per_class=per_class, labels=names,
                      confusion=confusion_matrix(true, predicted, labels=names).tolist(), n=len(true))


def evaluate(model: Any, data: LabelledData) -> Evaluation:
    """Score a fitted model on labelled data (plus the relation head where the data has relation labels)."""
    labels = [l for l in model.scheme_.label_names if l in set(map(str, model.classes_))]
    result = score(data.labels, model.predict(data.inputs), labels)
    if data.relation_labels and getattr(model, "relation_", None) is not None:
        proba = model.predict_relation_proba(data.relation_replies, data.relation_targets)
        predicted = [model.relation_.classes[i] for i in np.argmax(proba, axis=1)]
        result.extra["relation"] = score(data.relation_labels, predicted).to_dict()
    return result


def check_trainable(data: LabelledData, *, cross_validated: bool = True) -> None:
    """InputError unless ``data`` can train a classifier: two labels at least, and for cross-validation
    (choosing C, ``--cv``) two examples of each."""
    counts = Counter(data.labels)
    if len(counts) < 2:
        raise InputError(f"every example is labelled {next(iter(counts))!r}; training needs examples of two "
                         "labels at least", source=data.source)
    if cross_validated and min(counts.values()) < 2:
        rare = sorted(label for label, count in counts.items() if count < 2)
        raise InputError(f"label(s) {', '.join(map(repr, rare[:5]))} have one example each; cross-validation needs "
                         "two of each label at least: add examples, or pass --C to train without choosing C",
                         source=data.source)


@contextmanager
def _fitting(data: LabelledData) -> Iterator[None]:
    """Training errors that are about the data, as InputError naming it."""
    from .lexical import EmptyVocabulary

    try:
        yield
    except EmptyVocabulary as exc:
        raise InputError(f"{exc}; add examples", source=data.source) from None


def choose_C(params: dict[str, Any], data: LabelledData, *, folds: int = 5, grid: Sequence[float] = C_GRID,
             seed: int = 0) -> tuple[float, dict[float, float]]:
    """The C of the grid with the best mean macro-F1 in (grouped) cross-validation on ``data``."""
    results = {C: cross_validate({**params, "C": C}, data, folds=folds, seed=seed)["macro_f1"] for C in grid}
    return max(results, key=lambda C: (results[C], -C)), results


def cross_validate(params: dict[str, Any], data: LabelledData, *, folds: int = 5, seed: int = 0) -> dict[str, float]:
    """Mean and spread of accuracy and macro-F1 over K folds, each group (conversation, target or
    ``--group-col`` value) kept in one fold when there are at least two groups."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    from .classifier import StanceClassifier

    check_trainable(data)
    counts = Counter(data.labels)
    grouped = data.groups is not None and len(set(data.groups)) >= 2
    folds = max(2, min(folds, len(set(data.groups)) if grouped else min(counts.values())))  # type: ignore[arg-type]
    if grouped:
        splitter = GroupKFold(n_splits=folds)
        split = splitter.split(data.texts, data.labels, data.groups)
    else:
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(data.texts, data.labels)
    accuracy, macro = [], []
    for train_rows, test_rows in split:
        train, test = data.subset(train_rows), data.subset(test_rows)
        with _fitting(data):
            model = StanceClassifier(**params).fit(train.inputs, train.labels)
        result = score(test.labels, model.predict(test.inputs))
        accuracy.append(result.accuracy)
        macro.append(result.macro_f1)
    return {"folds": folds, "accuracy": float(np.mean(accuracy)), "accuracy_std": float(np.std(accuracy)),
            "macro_f1": float(np.mean(macro)), "macro_f1_std": float(np.std(macro))}


def train_model(data: LabelledData, *, features: str = "embedding", C: float | None = None,
                scheme: str | None = None, encoder: str = "all-MiniLM-L6-v2", backend: str = "auto",
                embedding_weight: float | None = None, folds: int = 5) -> tuple[Any, dict[str, Any]]:
    """Fit a StanceClassifier (C chosen by cross-validation when None) and its relation head where possible.

    Returns the model and a report (C grid results, label counts, data hash) for the model card.
    """
    from .classifier import StanceClassifier

    params: dict[str, Any] = {"features": features, "scheme": scheme, "encoder": encoder, "backend": backend,
                              "embedding_weight": embedding_weight}
    report: dict[str, Any] = {"data": data.source, "data_sha256": data.sha256, "n": len(data),
                              "labels": dict(sorted(Counter(data.labels).items()))}
    check_trainable(data, cross_validated=C is None)
    if C is None:
        C, grid = choose_C(params, data, folds=folds)
        report["C_grid_cv_macro_f1"] = {str(k): round(v, 4) for k, v in grid.items()}
    params["C"] = C
    report["C"] = C
    with _fitting(data):
        model = StanceClassifier(**params).fit(data.inputs, data.labels)
    if data.relation_labels and len(set(data.relation_labels)) >= 2:
        model.fit_relation(data.relation_replies, data.relation_targets, data.relation_labels)
        report["relation_pairs"] = dict(sorted(Counter(data.relation_labels).items()))
    return model, report
